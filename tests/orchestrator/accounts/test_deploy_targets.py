"""The projects stack's `target_waves`: each stage's canary, rest and max_parallel, planned by the
same waves as the platform's deployment, for listed accounts and for an OU resolved at plan time."""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestrator.accounts.deploy_targets import stage_plan
from orchestrator.config import load_envs
from orchestrator.config.stage_targets import WavesConfig
from orchestrator.stacks import STACKS
from tests.conftest import REPO_ROOT, write_env

ACCOUNTS = ["100000000001", "100000000002", "100000000003", "100000000004"]


def test_one_account_is_a_canary_without_rest() -> None:
    assert stage_plan(ACCOUNTS[:1], WavesConfig()) == {"canary": ACCOUNTS[0], "rest": [], "max_parallel": 1}


def test_the_rest_keeps_its_order_and_runs_all_at_once_by_default() -> None:
    assert stage_plan(ACCOUNTS, WavesConfig()) == {"canary": ACCOUNTS[0], "rest": ACCOUNTS[1:], "max_parallel": 3}


def test_a_named_canary_and_a_batch_size() -> None:
    plan = stage_plan(ACCOUNTS, WavesConfig(canary=ACCOUNTS[2], batch_size=2))
    assert plan == {"canary": ACCOUNTS[2], "rest": [ACCOUNTS[0], ACCOUNTS[1], ACCOUNTS[3]], "max_parallel": 2}


def test_the_projects_stack_gets_every_stage_planned(tmp_path: Path) -> None:
    dev = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    dev["target_accounts"]["prod"] = {"accounts": ACCOUNTS, "waves": {"canary": ACCOUNTS[1], "batch_size": 1}}
    write_env(tmp_path, "dev", dev)
    inputs = STACKS["projects"].inputs(load_envs(["dev"], tmp_path)[0])
    assert inputs["target_waves"] == {
        "staging": {"canary": "222222222222", "rest": [], "max_parallel": 1},
        "prod": {"canary": ACCOUNTS[1], "rest": [ACCOUNTS[0], *ACCOUNTS[2:]], "max_parallel": 1},
    }


def test_an_organizational_unit_is_planned_as_resolved(tmp_path: Path) -> None:
    dev = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    dev["target_accounts"]["prod"] = {"organizational_unit": "ou-ab12-cd34ef56", "waves": {"batch_size": 2}}
    dev["organizations"] = {"read_role_arn": "arn:aws:iam::444455556666:role/organization-reader"}
    write_env(tmp_path, "dev", dev)
    env = load_envs(["dev"], tmp_path)[0]
    env.resolve_targets({"staging": ["222222222222"], "prod": ACCOUNTS})
    planned = STACKS["projects"].inputs(env)["target_waves"]
    assert planned["prod"] == {"canary": ACCOUNTS[0], "rest": ACCOUNTS[1:], "max_parallel": 2}
