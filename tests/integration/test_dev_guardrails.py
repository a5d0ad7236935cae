"""Tier 3, beside test_dev_local.py: dev's guardrails as applied (the session's world, tests/world.py),
evaluated on example requests; the IAM linter on its policies; the plan linter and checkov on its
plans. (Another environment's state backend in an account of its own: test_accounts.py.)

Nothing here changes dev or holds a state lock of it, so these tests run on the other worker while
test_dev_local.py changes dev (and puts it back). Their Terraform runs use a work directory of their
own: one orchestrator run at a time may use a stack's working root."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from orchestrator.policy import iam_lint
from orchestrator.policy.evaluator import Decision, Request, denied_by
from orchestrator.policy.plan_lint import lint_plan
from tests.conftest import REPO_ROOT
from tests.integration.conftest import DEV_ACCOUNT, World, orchestrator
from tests.integration.iam_decisions import PREFIX, decide, identity_policies, managed_policy, training_job

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-dev-guardrails")]

CHECKOV = Path(os.environ.get("CHECKOV_BIN", REPO_ROOT / ".venv-checkov" / "bin" / "checkov"))


# Identity: the guardrails, boundary and persona policies IAM holds after the apply.


def test_every_role_carries_the_boundary_and_the_guardrails(iam: Any, contract: dict[str, str]) -> None:
    boundary = contract["identity/permission-boundary-arn"]
    guardrails = contract["identity/guardrails-policy-arn"]
    instance_types = contract["identity/instance-types-policy-arn"]
    for key, value in contract.items():
        if not (key.startswith("identity/") and key.endswith("-role-arn")):
            continue
        role = value.rsplit("/", 1)[1]
        assert iam.get_role(RoleName=role)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary, role
        attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]}
        assert guardrails in attached, f"{role} lacks the guardrails"
        assert instance_types in attached, f"{role} lacks the instance-types policy"


def test_training_job_guardrails_on_example_requests(iam: Any, contract: dict[str, str]) -> None:
    role = f"{PREFIX}-data-scientist"
    assert decide(iam, role, training_job(contract)) == Decision.ALLOW, "a compliant job must be allowed"
    for missing in (
        "VpcSubnets",
        "VpcSecurityGroupIds",
        "VolumeKmsKey",
        "OutputKmsKey",
        "InterContainerTrafficEncryption",
        "InstanceTypes",
    ):
        request = training_job(contract, **{missing: None})
        assert decide(iam, role, request) == Decision.EXPLICIT_DENY, f"a job without {missing} must be denied"
    assert decide(iam, role, training_job(contract, InterContainerTrafficEncryption="false")) == Decision.EXPLICIT_DENY
    foreign = training_job(
        contract, VpcSubnets=[contract["network/private-subnet-ids"].split(",")[0], "subnet-0f0f0f0f0f0f0f0f0"]
    )
    assert decide(iam, role, foreign) == Decision.EXPLICIT_DENY, (
        "one subnet outside the environment's must be enough to deny"
    )
    larger = training_job(contract, InstanceTypes=["ml.m5.large", "ml.p4d.24xlarge"])
    assert decide(iam, role, larger) == Decision.EXPLICIT_DENY, "one instance group outside instance_types denies"
    only_one_group = training_job(contract, VpcSecurityGroupIds=["sg-0f0f0f0f0f0f0f0f0"])
    assert "DenyJobsOutsideAllowedSecurityGroups" in denied_by(
        [managed_policy(iam, contract["identity/guardrails-policy-arn"])], only_one_group
    )


def test_buckets_other_than_the_environments_are_denied(iam: Any, contract: dict[str, str]) -> None:
    role = f"{PREFIX}-sagemaker-execution"
    data = contract["storage/data-bucket"]
    assert decide(iam, role, Request("s3:GetObject", f"arn:aws:s3:::{data}/train/abalone.csv")) == Decision.ALLOW
    assert (
        decide(iam, role, Request("s3:PutObject", "arn:aws:s3:::attacker-bucket/exfil.csv")) == Decision.EXPLICIT_DENY
    )


def test_data_scientists_cannot_approve_but_leads_can(iam: Any) -> None:
    package = f"arn:aws:sagemaker:eu-west-1:{DEV_ACCOUNT}:model-package/{PREFIX}-abalone/3"
    approve = Request("sagemaker:UpdateModelPackage", package, {"sagemaker:ModelApprovalStatus": "Approved"})
    assert decide(iam, f"{PREFIX}-data-scientist", approve) == Decision.EXPLICIT_DENY
    assert decide(iam, f"{PREFIX}-team-lead", approve) == Decision.ALLOW
    group = f"arn:aws:sagemaker:eu-west-1:{DEV_ACCOUNT}:model-package-group/{PREFIX}-abalone"
    assert (
        decide(iam, f"{PREFIX}-data-scientist", Request("sagemaker:DeleteModelPackageGroup", group))
        == Decision.EXPLICIT_DENY
    )
    assert (
        decide(
            iam, f"{PREFIX}-data-scientist", Request("iam:CreateRole", f"arn:aws:iam::{DEV_ACCOUNT}:role/{PREFIX}-mine")
        )
        == Decision.EXPLICIT_DENY
    )


def test_pass_role_only_named_roles_only_to_sagemaker(iam: Any) -> None:
    role = f"{PREFIX}-data-scientist"
    execution = f"arn:aws:iam::{DEV_ACCOUNT}:role/{PREFIX}-sagemaker-execution"
    to_sagemaker = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    assert decide(iam, role, Request("iam:PassRole", execution, to_sagemaker)) == Decision.ALLOW
    assert (
        decide(iam, role, Request("iam:PassRole", execution, {"iam:PassedToService": "lambda.amazonaws.com"}))
        != Decision.ALLOW
    )
    other = f"arn:aws:iam::{DEV_ACCOUNT}:role/{PREFIX}-github-apply"
    assert decide(iam, role, Request("iam:PassRole", other, to_sagemaker)) != Decision.ALLOW


def test_the_launch_role_creates_no_role_with_or_without_the_boundary(iam: Any, contract: dict[str, str]) -> None:
    """The templates use the platform's roles: a role the launch role created could trust anyone."""
    role = f"{PREFIX}-launch"
    new_role = f"arn:aws:iam::{DEV_ACCOUNT}:role/{PREFIX}-project-abalone-build"
    boundary = contract["identity/permission-boundary-arn"]
    with_boundary = Request("iam:CreateRole", new_role, {"iam:PermissionsBoundary": boundary})
    without = Request("iam:CreateRole", new_role, {})
    assert decide(iam, role, with_boundary) == Decision.EXPLICIT_DENY
    assert decide(iam, role, without) == Decision.EXPLICIT_DENY


def test_plans_pass_the_linter_and_checkov(world: World, own_work_dir: Path, tmp_path: Path) -> None:
    work_dir = own_work_dir
    run = orchestrator(["plan", "--env", "dev", "--emulator-url", world.url, "--out-dir", str(tmp_path)], work_dir)
    assert run.returncode == 0, run.stderr[-3000:]
    plans = sorted(tmp_path.glob("dev.*.plan.json"))
    assert [p.name for p in plans] == [
        "dev.foundation.plan.json",
        "dev.identity.plan.json",
        "dev.platform.plan.json",
        "dev.projects.plan.json",
    ]
    for plan in plans:
        findings = lint_plan(json.loads(plan.read_text()))
        assert findings == [], f"{plan.name}:\n" + "\n".join(map(str, findings))
    # One checkov run for the four plans (its start-up is most of its time); each plan is scanned.
    files = [arg for plan in plans for arg in ("-f", str(plan))]
    options = ["--framework", "terraform_plan", "--output", "json", "--compact"]  # not --quiet: it drops passed checks
    result = subprocess.run(
        [str(CHECKOV), *files, *options, "--repo-root-for-plan-enrichment", str(REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stdout)
    assert isinstance(report, dict), result.stdout[-2000:]  # one framework: one report
    results = report.get("results", {})
    failed = [f"{c['file_path']}: {c['check_id']} {c['resource']}" for c in results.get("failed_checks", [])]
    assert failed == [], "checkov on the plans:\n" + "\n".join(failed)
    scanned = {Path(c["file_path"]).name for c in results.get("passed_checks", [])}
    assert scanned == {p.name for p in plans}, f"checkov passed checks in {sorted(scanned)} only"


def test_iam_linter_findings_are_fixed_or_explained(iam: Any) -> None:
    policies = identity_policies(iam)
    # The linter sees the workload, persona, CI and boundary policies, not an empty account.
    for expected in (
        "managed:mlops-dev-permission-boundary",
        "managed:mlops-dev-ci-boundary",
        "managed:mlops-dev-sagemaker-guardrails",
        "inline:mlops-dev-data-scientist/permissions",
    ):
        assert expected in policies
    verdict = iam_lint.judge(iam_lint.lint(policies), iam_lint.load_accepted())
    assert verdict.unexplained == [], "unexplained IAM linter findings:\n" + "\n".join(map(str, verdict.unexplained))
    assert verdict.stale == [], "accepted findings that no longer occur (remove them):\n" + "\n".join(
        e.reason[:80] for e in verdict.stale
    )
