"""dev's prod stage given as an AWS Organizations OU, beyond dev's plan: the plan (through the
organization's read role) records the accounts it was made for; `apply --from` applies exactly that
reviewed plan, policy gate included, once the read role may no longer list the OU (IAM enforced:
`targets` is refused then), and prod's own plan never asks Organizations. On an emulator and a
work folder of this test's own, started from a copy of the session world's saved resources (the
apply changes dev's grants; the world itself is not touched)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import DEV_ACCOUNT, Account, World, copy_of_the_world, orchestrator, own_emulator
from tests.integration.organization import MANAGEMENT, create_organization, envs_with_ou

pytestmark = pytest.mark.emulator

MODELS_BUCKET = f"mlops-dev-models-{DEV_ACCOUNT}"
RUN_TIMEOUT_SECONDS = 900


@pytest.fixture(scope="module")
def own_world(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An emulator of this file's own, started from the world's saved resources, and its work folder."""
    work_dir = tmp_path_factory.mktemp("ou-apply") / "work"
    copy_of_the_world(world, work_dir)
    with own_emulator(work_dir) as url:
        yield url, work_dir


def _models_readers(url: str) -> set[str]:
    """The accounts whose prod roles dev's models bucket lets read models (as applied)."""
    policy = json.loads(Account(url, DEV_ACCOUNT).client("s3").get_bucket_policy(Bucket=MODELS_BUCKET)["Policy"])
    [statement] = [s for s in policy["Statement"] if s["Sid"] == "TargetAccountsReadModels"]
    arns = statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]
    return {arn.split(":")[4] for arn in arns if ":role/mlops-prod-" in arn}


def _revoke_reading(url: str) -> None:
    """The organization's read role may no longer list any OU's accounts."""
    iam: Any = Account(url, MANAGEMENT, "organization-admin").client("iam")
    iam.delete_role_policy(RoleName="organization-reader", PolicyName="read")


def test_apply_from_applies_the_reviewed_plan_and_prod_plans_without_organizations(
    own_world: tuple[str, Path], tmp_path: Path
) -> None:
    url, work_dir = own_world
    _, ou, accounts = create_organization(url)
    envs = envs_with_ou(tmp_path, ou, others=("prod",))
    plans = tmp_path / "plans"
    foundation = ["--env", "dev", "--stack", "foundation", "--emulator-url", url]
    planned = orchestrator(["plan", *foundation, "--out-dir", str(plans)], work_dir, RUN_TIMEOUT_SECONDS, envs)
    assert planned.returncode == 0, planned.stderr[-3000:]
    record = json.loads((plans / "dev.foundation.target-accounts.json").read_text())
    assert record["target_accounts"]["prod"] == accounts

    _revoke_reading(url)
    refused = orchestrator(["targets", "--stage", "prod", "--emulator-url", url], work_dir, env=envs)
    assert refused.returncode == 2 and "could not be listed (AccessDenied" in refused.stderr, refused.stderr[-2000:]

    apply = ["apply", *foundation, "--from", str(plans), "--policy-gate", "on"]
    applied = orchestrator(apply, work_dir, RUN_TIMEOUT_SECONDS, envs)
    assert applied.returncode == 0, applied.stdout[-3000:] + applied.stderr[-3000:]
    assert "no change weakens the platform" in applied.stdout + applied.stderr  # the gate read the recorded accounts
    assert _models_readers(url) == set(accounts)

    prod = ["plan", "--env", "prod", "--stack", "hosting", "--emulator-url", url]
    prod_planned = orchestrator(prod, work_dir, RUN_TIMEOUT_SECONDS, envs)
    assert prod_planned.returncode == 0, prod_planned.stdout[-3000:] + prod_planned.stderr[-3000:]
