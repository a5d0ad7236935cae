"""The CI roles' naming rule on both sides: Terraform's modules/ci-role-names, evaluated for each
environment, gives the ARNs orchestrator/config/ci_roles.py gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator.config import EnvConfig, known_envs, load_env
from orchestrator.config.ci_roles import apply_role_arn, plan_role_arn, project_ci_role_arn
from tests.conftest import REPO_ROOT
from tests.terraform.conftest import terraform, terraform_env

MODULE = REPO_ROOT / "modules" / "ci-role-names"


@pytest.fixture(scope="module")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return terraform_env(tmp_path_factory.mktemp("tf"))


def _module_outputs(env: EnvConfig, root: Path, tf_env: dict[str, str]) -> dict[str, object]:
    """The module's outputs for the environment's values (no provider, no resources: a local apply)."""
    root.mkdir()
    call = {
        "source": str(MODULE),
        "name_prefix": env.name_prefix,
        "partition": env.partition,
        "account_id": env.account_id,
        "project_names": sorted(env.projects),
    }
    outputs = {
        name: {"value": f"${{module.names.{name}}}"}
        for name in ("plan_role_arn", "apply_role_arn", "project_ci_role_arns")
    }
    (root / "main.tf.json").write_text(json.dumps({"module": {"names": call}, "output": outputs}), encoding="utf-8")
    run_env = {**tf_env, "TF_DATA_DIR": str(root / ".terraform")}
    for args in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]):
        result = terraform(args, root, run_env)
        assert result.returncode == 0, result.stdout + result.stderr
    shown = terraform(["output", "-json"], root, run_env)
    assert shown.returncode == 0, shown.stderr
    return {name: output["value"] for name, output in json.loads(shown.stdout).items()}


@pytest.mark.terraform
@pytest.mark.parametrize("name", known_envs())
def test_python_and_terraform_name_the_ci_roles_alike(name: str, tf_env: dict[str, str], tmp_path: Path) -> None:
    env = load_env(name)
    outputs = _module_outputs(env, tmp_path / "root", tf_env)
    assert outputs["plan_role_arn"] == plan_role_arn(env)
    assert outputs["apply_role_arn"] == apply_role_arn(env)
    assert outputs["project_ci_role_arns"] == [project_ci_role_arn(env, project) for project in sorted(env.projects)]
