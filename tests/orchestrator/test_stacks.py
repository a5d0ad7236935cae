"""orchestrator/stacks.py: the bootstrap's inputs name the organization's read role only for an
environment that has one (the dev account's plan role, the deploy workflow's waves role, may
assume it); every other environment's inputs are what they were."""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestrator.config import load_envs
from orchestrator.stacks import BOOTSTRAP_STACK
from tests.conftest import REPO_ROOT, write_env

READ_ROLE = "arn:aws:iam::444455556666:role/organization-reader"


def test_the_bootstrap_of_a_dev_with_an_ou_names_the_read_role(tmp_path: Path) -> None:
    dev = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    dev["target_accounts"]["prod"] = {"organizational_unit": "ou-ab12-cd34ef56"}
    dev["organizations"] = {"read_role_arn": READ_ROLE}
    write_env(tmp_path, "dev", dev)
    write_env(tmp_path, "prod", yaml.safe_load((REPO_ROOT / "envs" / "prod" / "env.yaml").read_text()))
    envs = {env.name: env for env in load_envs(["dev", "prod"], tmp_path)}
    assert BOOTSTRAP_STACK.inputs(envs["dev"])["organizations_read_role_arn"] == READ_ROLE
    assert "organizations_read_role_arn" not in BOOTSTRAP_STACK.inputs(envs["prod"])


def test_without_organizations_no_bootstrap_input_is_added() -> None:
    for env in load_envs(["dev", "staging", "prod"]):
        assert "organizations_read_role_arn" not in BOOTSTRAP_STACK.inputs(env), env.name
