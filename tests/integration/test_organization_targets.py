"""dev's prod stage given as an AWS Organizations OU, on the session's world: the organization's
read role (IAM enforced: a role without organizations:ListAccountsForParent is refused) resolves
the OU's ACTIVE accounts at plan time; `targets` prints their waves (canary first) and the GitHub
Actions matrices; dev's plan grants exactly those accounts' roles the models bucket, the data key
and the registry; an account created into the OU is in the next plan. Plans only (no state lock,
nothing applied): the world stays as it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import Account, World, orchestrator
from tests.integration.organization import LISTER, MANAGEMENT, create_organization, envs_with_ou, join

pytestmark = pytest.mark.emulator

MODELS_POLICY = "module.stack.module.storage.module.models.aws_s3_bucket_policy.this"
DATA_KEY = 'module.stack.module.kms.aws_kms_key.this["data"]'
REGISTRY = 'module.stack.module.project["abalone"].aws_sagemaker_model_package_group_policy.this[0]'


@pytest.fixture(scope="module")
def organization(world: World) -> tuple[Any, str, list[str]]:
    """The organization on the session's world (tests/integration/organization.py)."""
    return create_organization(world.url)


def _after(plan_dir: Path, stack: str, address: str) -> dict[str, Any]:
    plan = json.loads((plan_dir / f"dev.{stack}.plan.json").read_text())
    [change] = [c for c in plan["resource_changes"] if c["address"] == address]
    return dict(change["change"]["after"])


def _statement(document: str, sid: str) -> dict[str, Any]:
    [statement] = [s for s in json.loads(document)["Statement"] if s["Sid"] == sid]
    return dict(statement)


def _prod_readers(plan_dir: Path) -> dict[str, set[str]]:
    """The prod accounts each grant of dev's plan names (models bucket, data key; abalone's registry
    when the projects stack was planned)."""
    foundation = {
        "models bucket": (_after(plan_dir, "foundation", MODELS_POLICY)["policy"], "TargetAccountsReadModels"),
        "data key": (_after(plan_dir, "foundation", DATA_KEY)["policy"], "CrossAccountDecryptViaS3"),
    }
    if (plan_dir / "dev.projects.plan.json").is_file():
        registry = _after(plan_dir, "projects", REGISTRY)["resource_policy"]
        foundation["registry"] = (registry, "DeploymentAccountsReadModelPackages")
    grants = {what: _statement(document, sid) for what, (document, sid) in foundation.items()}
    return {
        what: {
            arn.split(":")[4] for arn in s["Condition"]["ArnEquals"]["aws:PrincipalArn"] if ":role/mlops-prod-" in arn
        }
        for what, s in grants.items()
    }


def test_waves_and_matrix_of_an_ou_and_a_role_without_the_permission_is_refused(
    world: World, own_work_dir: Path, tmp_path: Path, organization: tuple[Any, str, list[str]]
) -> None:
    organizations, ou, accounts = organization
    url = ["--emulator-url", world.url]
    envs = envs_with_ou(tmp_path, ou)
    shown = orchestrator(["targets", "--stage", "prod", *url], own_work_dir, env=envs)
    print(shown.stdout)
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert shown.stdout.splitlines()[-3:] == [
        f"prod (organizational unit {ou}, source dev): 2 account(s), in waves",
        f"  canary   {accounts[0]}",
        f"  wave-1   {accounts[1]}",
    ]
    matrix = orchestrator(["targets", "--stage", "prod", "--format", "github-matrix", *url], own_work_dir, env=envs)
    document = json.loads(matrix.stdout.splitlines()[-1])
    print(json.dumps(document))
    assert [r["account_id"] for r in document["canary"]["include"]] == accounts[:1]
    assert [r["account_id"] for r in document["rest"]["include"]] == accounts[1:]
    assert document["max_parallel"] == 1

    reader = Account(world.url, MANAGEMENT, "organization-reader").client("organizations")
    root = organizations.list_roots()["Roots"][0]["Id"]
    with pytest.raises(ClientError) as moved:  # the read role lists; it may not move an account out
        reader.move_account(AccountId=accounts[0], SourceParentId=ou, DestinationParentId=root)
    assert "organizations:MoveAccount" in str(moved.value)

    refused = orchestrator(["targets", "--stage", "prod", *url], own_work_dir, env=envs_with_ou(tmp_path, ou, LISTER))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "target_accounts.prod.organizational_unit: could not be listed (AccessDenied" in refused.stderr
    assert "organizations:ListAccountsForParent" in refused.stderr and LISTER in refused.stderr


def test_dev_plans_grants_for_the_ou_accounts_and_picks_up_a_new_one(
    world: World, own_work_dir: Path, tmp_path: Path, organization: tuple[Any, str, list[str]]
) -> None:
    organizations, ou, accounts = organization
    envs = envs_with_ou(tmp_path, ou)
    plan = ["plan", "--env", "dev", "--stack", "foundation", "--stack", "projects", "--emulator-url", world.url]
    first = orchestrator([*plan, "--out-dir", str(tmp_path / "first")], own_work_dir, env=envs)
    assert first.returncode == 0, first.stderr[-3000:]
    assert _prod_readers(tmp_path / "first") == {
        key: set(accounts) for key in ("models bucket", "data key", "registry")
    }

    joined = join(organizations, "prod-ap", ou)  # the next plan (the foundation's grants) picks it up
    foundation = ["plan", "--env", "dev", "--stack", "foundation", "--emulator-url", world.url]
    second = orchestrator([*foundation, "--out-dir", str(tmp_path / "second")], own_work_dir, env=envs)
    assert second.returncode == 0, second.stderr[-3000:]
    assert _prod_readers(tmp_path / "second") == {key: {*accounts, joined} for key in ("models bucket", "data key")}
