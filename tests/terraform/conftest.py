"""Running Terraform from tests: the project's own CLI config (provider mirror), a data dir per root."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from orchestrator.engine import terraform_binary
from orchestrator.settings import load_settings
from orchestrator.terraform.cli_config import write_cli_config
from orchestrator.terraform.runner import go_runtime_settings
from tests.conftest import REPO_ROOT

MODULE_ROOTS = sorted(p.parent for p in (REPO_ROOT / "modules").glob("*/main.tf"))
TESTED_ROOTS = [
    *MODULE_ROOTS,
    REPO_ROOT / "bootstrap",
    *sorted(p.parent for p in (REPO_ROOT / "envs" / "stacks").glob("*/main.tf")),
]


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return terraform_env(tmp_path_factory.mktemp("tf"))


def terraform_env(work: Path) -> dict[str, str]:
    """Terraform's environment for the tests and the pre-commit hook: the project's CLI config (provider mirror)."""
    config = write_cli_config(load_settings(), work)
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        **go_runtime_settings(),
    }


def terraform(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [terraform_binary(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def init_and_validate(root: Path, env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`terraform init -backend=false`, then `terraform validate` of one root: the failed init, else validate."""
    env = {**env, "TF_DATA_DIR": str(data_dir)}
    init = terraform(["init", "-backend=false", "-input=false", "-no-color"], root, env)
    return init if init.returncode != 0 else terraform(["validate", "-no-color"], root, env)


def label(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))
