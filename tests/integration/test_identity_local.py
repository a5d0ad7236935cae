"""Identity on the local emulator: the guardrails, boundary and persona policies that IAM holds
after `apply` are evaluated on example requests (not string-matched), and the plan of every stack
passes the least-privilege linter and checkov.

Runs on its own emulator, after applying dev once (bootstrap, foundation, identity)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestrator.emulator.process import Emulator, start_emulator
from orchestrator.policy import iam_lint
from orchestrator.policy.evaluator import Decision, Request, denied_by, evaluate
from orchestrator.policy.plan_lint import lint_plan
from tests.conftest import REPO_ROOT
from tests.integration.conftest import DEV_ACCOUNT, Account, orchestrator

pytestmark = pytest.mark.emulator

CHECKOV = Path(os.environ.get("CHECKOV_BIN", REPO_ROOT / ".venv-checkov" / "bin" / "checkov"))
PREFIX = "mlops-dev"


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Emulator, Path]]:
    emulator = start_emulator(tmp_path_factory.mktemp("emulator") / "emulator.log")
    work = tmp_path_factory.mktemp("work")
    run = orchestrator(["apply", "--env", "dev", "--emulator-url", emulator.url], work)
    assert run.returncode == 0, run.stderr[-4000:]
    yield emulator, work
    emulator.stop()


@pytest.fixture(scope="module")
def iam(applied: tuple[Emulator, Path]) -> Any:
    return Account(applied[0].url, DEV_ACCOUNT).client("iam")


@pytest.fixture(scope="module")
def contract(applied: tuple[Emulator, Path]) -> dict[str, str]:
    ssm = Account(applied[0].url, DEV_ACCOUNT).client("ssm")
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/mlops/dev", Recursive=True)
    return {p["Name"].removeprefix("/mlops/dev/"): p["Value"] for page in pages for p in page["Parameters"]}


def _managed(iam: Any, arn: str) -> dict[str, Any]:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    return json.loads(document) if isinstance(document, str) else document


def _role_documents(iam: Any, role: str) -> list[dict[str, Any]]:
    """Everything that decides what a role may do: inline and attached policies, and its boundary."""
    documents = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        documents.append(json.loads(document) if isinstance(document, str) else document)
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        documents.append(_managed(iam, attached["PolicyArn"]))
    return documents


def _decide(iam: Any, role: str, request: Request) -> Decision:
    """IAM's decision for a role with a boundary: allowed only if both the role's policies and the
    boundary allow it, and no explicit deny in either."""
    boundary_arn = iam.get_role(RoleName=role)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
    boundary = _managed(iam, boundary_arn)
    identity = evaluate(_role_documents(iam, role), request)
    bounded = evaluate([boundary], request)
    if Decision.EXPLICIT_DENY in (identity, bounded):
        return Decision.EXPLICIT_DENY
    return Decision.ALLOW if identity == bounded == Decision.ALLOW else Decision.IMPLICIT_DENY


def _training_job(contract: dict[str, str], **overrides: Any) -> Request:
    context: dict[str, Any] = {
        "sagemaker:VpcSubnets": contract["network/private-subnet-ids"].split(","),
        "sagemaker:VpcSecurityGroupIds": [contract["network/sagemaker-security-group-id"]],
        "sagemaker:VolumeKmsKey": contract["kms/ebs-key-arn"],
        "sagemaker:OutputKmsKey": contract["kms/data-key-arn"],
        "sagemaker:InterContainerTrafficEncryption": "true",
    }
    for key, value in overrides.items():
        name = f"sagemaker:{key}"
        if value is None:
            context.pop(name, None)
        else:
            context[name] = value
    resource = f"arn:aws:sagemaker:eu-west-1:{DEV_ACCOUNT}:training-job/{PREFIX}-abalone-1"
    return Request("sagemaker:CreateTrainingJob", resource, context)


def test_every_role_carries_the_boundary_and_the_guardrails(iam: Any, contract: dict[str, str]) -> None:
    boundary = contract["identity/permission-boundary-arn"]
    guardrails = contract["identity/guardrails-policy-arn"]
    for key, value in contract.items():
        if not (key.startswith("identity/") and key.endswith("-role-arn")):
            continue
        role = value.rsplit("/", 1)[1]
        assert iam.get_role(RoleName=role)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary, role
        attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]}
        assert guardrails in attached, f"{role} lacks the guardrails"


def test_training_job_guardrails_on_example_requests(iam: Any, contract: dict[str, str]) -> None:
    role = f"{PREFIX}-data-scientist"
    assert _decide(iam, role, _training_job(contract)) == Decision.ALLOW, "a compliant job must be allowed"
    for missing in ("VpcSubnets", "VpcSecurityGroupIds", "VolumeKmsKey", "OutputKmsKey", "InterContainerTrafficEncryption"):
        request = _training_job(contract, **{missing: None})
        assert _decide(iam, role, request) == Decision.EXPLICIT_DENY, f"a job without {missing} must be denied"
    assert _decide(iam, role, _training_job(contract, InterContainerTrafficEncryption="false")) == Decision.EXPLICIT_DENY
    foreign = _training_job(contract, VpcSubnets=[contract["network/private-subnet-ids"].split(",")[0], "subnet-0f0f0f0f0f0f0f0f0"])
    assert _decide(iam, role, foreign) == Decision.EXPLICIT_DENY, "one subnet outside the environment's must be enough to deny"
    only_one_group = _training_job(contract, VpcSecurityGroupIds=["sg-0f0f0f0f0f0f0f0f0"])
    assert "DenyJobsOutsideAllowedSecurityGroups" in denied_by(
        [_managed(iam, contract["identity/guardrails-policy-arn"])], only_one_group
    )


def test_buckets_other_than_the_environments_are_denied(iam: Any, contract: dict[str, str]) -> None:
    role = f"{PREFIX}-sagemaker-execution"
    data = contract["storage/data-bucket"]
    assert _decide(iam, role, Request("s3:GetObject", f"arn:aws:s3:::{data}/train/abalone.csv")) == Decision.ALLOW
    assert _decide(iam, role, Request("s3:PutObject", "arn:aws:s3:::attacker-bucket/exfil.csv")) == Decision.EXPLICIT_DENY


def test_data_scientists_cannot_approve_but_leads_can(iam: Any) -> None:
    package = f"arn:aws:sagemaker:eu-west-1:{DEV_ACCOUNT}:model-package/{PREFIX}-abalone/3"
    approve = Request("sagemaker:UpdateModelPackage", package, {"sagemaker:ModelApprovalStatus": "Approved"})
    assert _decide(iam, f"{PREFIX}-data-scientist", approve) == Decision.EXPLICIT_DENY
    assert _decide(iam, f"{PREFIX}-team-lead", approve) == Decision.ALLOW
    group = f"arn:aws:sagemaker:eu-west-1:{DEV_ACCOUNT}:model-package-group/{PREFIX}-abalone"
    assert _decide(iam, f"{PREFIX}-data-scientist", Request("sagemaker:DeleteModelPackageGroup", group)) == Decision.EXPLICIT_DENY
    assert _decide(iam, f"{PREFIX}-data-scientist", Request("iam:CreateRole", f"arn:aws:iam::{DEV_ACCOUNT}:role/{PREFIX}-mine")) == Decision.EXPLICIT_DENY


def test_pass_role_only_named_roles_only_to_sagemaker(iam: Any) -> None:
    role = f"{PREFIX}-data-scientist"
    execution = f"arn:aws:iam::{DEV_ACCOUNT}:role/{PREFIX}-sagemaker-execution"
    to_sagemaker = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    assert _decide(iam, role, Request("iam:PassRole", execution, to_sagemaker)) == Decision.ALLOW
    assert _decide(iam, role, Request("iam:PassRole", execution, {"iam:PassedToService": "lambda.amazonaws.com"})) != Decision.ALLOW
    other = f"arn:aws:iam::{DEV_ACCOUNT}:role/{PREFIX}-github-apply"
    assert _decide(iam, role, Request("iam:PassRole", other, to_sagemaker)) != Decision.ALLOW


def test_roles_created_by_project_templates_must_carry_the_boundary(iam: Any, contract: dict[str, str]) -> None:
    role = f"{PREFIX}-launch"
    new_role = f"arn:aws:iam::{DEV_ACCOUNT}:role/{PREFIX}-project-abalone-build"
    boundary = contract["identity/permission-boundary-arn"]
    with_boundary = Request("iam:CreateRole", new_role, {"iam:PermissionsBoundary": boundary})
    without = Request("iam:CreateRole", new_role, {})
    assert _decide(iam, role, with_boundary) == Decision.ALLOW
    assert _decide(iam, role, without) == Decision.EXPLICIT_DENY


def test_plans_pass_the_linter_and_checkov(applied: tuple[Emulator, Path], tmp_path: Path) -> None:
    emulator, work = applied
    run = orchestrator(["plan", "--env", "dev", "--emulator-url", emulator.url, "--out-dir", str(tmp_path)], work)
    assert run.returncode == 0, run.stderr[-3000:]
    plans = sorted(tmp_path.glob("dev.*.plan.json"))
    assert [p.name for p in plans] == ["dev.foundation.plan.json", "dev.identity.plan.json", "dev.platform.plan.json", "dev.projects.plan.json"]
    for plan in plans:
        findings = lint_plan(json.loads(plan.read_text()))
        assert findings == [], "\n".join(map(str, findings))
        result = subprocess.run(
            [str(CHECKOV), "-f", str(plan), "--framework", "terraform_plan", "--output", "json", "--quiet", "--compact",
             "--repo-root-for-plan-enrichment", str(REPO_ROOT)],
            capture_output=True, text=True, timeout=600, check=False,
        )
        report = json.loads(result.stdout)
        failed = [f"{c['check_id']} {c['resource']}" for c in report.get("results", {}).get("failed_checks", [])]
        assert report.get("summary", {}).get("passed", 0) > 0
        assert failed == [], f"checkov on {plan.name}:\n" + "\n".join(failed)


def _identity_policies(iam: Any) -> dict[str, dict[str, Any]]:
    """Every inline and customer-managed policy IAM holds in the dev account, by name."""
    policies: dict[str, dict[str, Any]] = {}
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            document = iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
            policies[f"inline:{name}/{policy}"] = json.loads(document) if isinstance(document, str) else document
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        policies[f"managed:{policy['PolicyName']}"] = _managed(iam, policy["Arn"])
    return policies


def test_iam_linter_findings_are_fixed_or_explained(iam: Any) -> None:
    policies = _identity_policies(iam)
    # The linter sees the workload, persona, CI and boundary policies, not an empty account.
    for expected in ("managed:mlops-dev-permission-boundary", "managed:mlops-dev-ci-boundary",
                     "managed:mlops-dev-sagemaker-guardrails", "inline:mlops-dev-data-scientist/permissions"):
        assert expected in policies
    verdict = iam_lint.judge(iam_lint.lint(policies), iam_lint.load_accepted())
    assert verdict.unexplained == [], "unexplained IAM linter findings:\n" + "\n".join(map(str, verdict.unexplained))
    assert verdict.stale == [], "accepted findings that no longer occur (remove them):\n" + "\n".join(e.reason[:80] for e in verdict.stale)
