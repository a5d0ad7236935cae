"""env.yaml `packages` (orchestrator/config/packages.py): what the foundation stack gets, and every bad
value refused before Terraform with file, field and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.config import load_env
from orchestrator.config.packages import PACKAGE_ENDPOINTS, interface_endpoints, stack_inputs
from orchestrator.errors import ConfigError
from tests.conftest import write_env


def _problems(envs_dir: Path, data: dict, name: str = "dev") -> list[str]:
    write_env(envs_dir, name, data)
    with pytest.raises(ConfigError) as caught:
        load_env(name, envs_dir)
    return caught.value.problems


def test_disabled_by_default_changes_nothing(envs_dir: Path, dev_config: dict) -> None:
    dev_config.pop("packages", None)
    write_env(envs_dir, "dev", dev_config)
    env = load_env("dev", envs_dir)
    assert stack_inputs(env) == {
        "enabled": False,
        "public_upstream": False,
        "publisher_role_arns": [],
        "asset_bucket_arn": None,
    }
    assert interface_endpoints(env) == list(env.network.interface_endpoints)


def test_enabled_adds_the_endpoints_the_asset_bucket_and_the_publishers(envs_dir: Path, dev_config: dict) -> None:
    dev_config["packages"] = {"enabled": True, "public_upstream": True}
    write_env(envs_dir, "dev", dev_config)
    env = load_env("dev", envs_dir)
    assert interface_endpoints(env)[-2:] == list(PACKAGE_ENDPOINTS)
    inputs = stack_inputs(env)
    assert inputs["asset_bucket_arn"] == f"arn:aws:s3:::assets-438097961670-{env.region}"
    assert inputs["publisher_role_arns"][-1] == env.effective_deploy_role_arn
    assert inputs["public_upstream"] is True


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        (lambda c: c.update(packages={"enabled": "yes"}), "packages.enabled", "'yes'"),
        (lambda c: c.update(packages={"enabled": True, "mirror": True}), "packages.mirror", "True"),
        (lambda c: c.update(packages={"public_upstream": True}), "packages.public_upstream", "True"),
        (lambda c: c.update(packages={"enabled": True}, region="ap-south-2"), "packages.enabled", "True"),
        (
            lambda c: c["network"].update(interface_endpoints=["sts", "codeartifact.repositories"]),
            "network.interface_endpoints",
            "codeartifact.repositories",
        ),
    ],
)
def test_bad_values_name_file_field_and_value(
    envs_dir: Path, dev_config: dict, change: object, field: str, value: str
) -> None:
    change(dev_config)  # type: ignore[operator]
    problems = _problems(envs_dir, dev_config)
    assert any(
        p.startswith(str(envs_dir / "dev" / "env.yaml")) and f": {field}: " in p and value in p for p in problems
    ), problems
