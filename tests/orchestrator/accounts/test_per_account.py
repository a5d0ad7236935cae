"""`--account`: a target environment applied to another account of its stage, named after it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from orchestrator.accounts.per_account import for_account
from orchestrator.config import load_envs
from orchestrator.errors import ConfigError
from orchestrator.stacks import state_bucket_name
from tests.conftest import REPO_ROOT, write_env

READ_ROLE = "arn:aws:iam::444455556666:role/organization-reader"


def _envs(tmp_path: Path, prod: object, **prod_changes: object) -> Path:
    dev = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    dev["target_accounts"]["prod"] = prod
    if isinstance(prod, dict) and "organizational_unit" in prod:
        dev["organizations"] = {"read_role_arn": READ_ROLE}
    write_env(tmp_path, "dev", dev)
    write_env(
        tmp_path, "prod", {**yaml.safe_load((REPO_ROOT / "envs" / "prod" / "env.yaml").read_text()), **prod_changes}
    )
    return tmp_path


def test_an_account_of_the_stage_gets_its_own_roles_and_state_bucket(tmp_path: Path) -> None:
    [prod] = for_account(load_envs(["prod"], _envs(tmp_path, ["333333333333", "444444444444"])), "444444444444")
    assert prod.account_id == "444444444444" and prod.source.name == "dev"
    assert prod.effective_deploy_role_arn == "arn:aws:iam::444444444444:role/mlops-prod-deploy"
    assert state_bucket_name(prod) == "mlops-prod-tfstate-444444444444"
    assert prod.workspace_name == "prod@444444444444" and prod.source.workspace_name == "dev"
    [as_written] = for_account(load_envs(["prod"]), None)
    assert (as_written.account_id, as_written.workspace_name) == ("333333333333", "prod")
    assert for_account(load_envs(["prod"]), "333333333333")[0].workspace_name == "prod"


@pytest.mark.parametrize(
    ("envs", "account", "reason"),
    [
        (
            ["dev"],
            "444444444444",
            "--account: applies a target environment to one account of its stage; dev is kind 'dev'",
        ),
        (
            ["prod"],
            "555555555555",
            "--account: is not an account of dev's target_accounts.prod (333333333333, 444444444444)",
        ),
    ],
)
def test_refused_before_anything_runs(tmp_path: Path, envs: list[str], account: str, reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        for_account(load_envs(envs, _envs(tmp_path, ["333333333333", "444444444444"])), account)
    assert caught.value.problems == [f"{reason} (value '{account}')"]


def test_an_env_pinned_to_one_account_is_refused(tmp_path: Path) -> None:
    pinned = {"deploy_role_arn": "arn:aws:iam::333333333333:role/admin"}
    with pytest.raises(ConfigError) as caught:
        for_account(load_envs(["prod"], _envs(tmp_path, ["333333333333", "444444444444"], **pinned)), "444444444444")
    assert "names ARNs of one account (deploy_role_arn)" in caught.value.problems[0]


def test_an_ou_account_is_checked_when_the_ou_is_resolved(tmp_path: Path) -> None:
    [prod] = for_account(
        load_envs(["prod"], _envs(tmp_path, {"organizational_unit": "ou-ab12-cdefgh34"})), "777777777777"
    )
    assert (
        prod.account_id == "777777777777"
    )  # resolution.target_env_problems decides (tests/orchestrator/accounts/test_resolution.py)


def test_its_own_account_keeps_an_env_yaml_that_pins_arns_of_that_account(tmp_path: Path) -> None:
    """The deploy workflow passes every account of a stage, the env.yaml's own included: pinned ARNs
    of that account are the environment as written; another account is still refused."""
    pinned = {"deploy_role_arn": "arn:aws:iam::333333333333:role/platform-deployer"}
    envs = _envs(tmp_path, ["333333333333", "444444444444"], **pinned)
    [prod] = for_account(load_envs(["prod"], envs), "333333333333")
    assert prod.effective_deploy_role_arn == pinned["deploy_role_arn"] and prod.workspace_name == "prod"
    with pytest.raises(ConfigError) as caught:
        for_account(load_envs(["prod"], envs), "444444444444")
    assert "names ARNs of one account (deploy_role_arn)" in caught.value.problems[0]
