"""Bad input exits 2 naming file, field and value, and starts neither Terraform nor the emulator."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import PYTHON, REPO_ROOT, orchestrator_env, write_env

BAD_VALUES = [
    ("network", "vpc_cidr", "10.0.0.0/33"),
    ("network", "az_count", 1),
    ("network", "az_count", 5),
    (None, "account_id", "12345"),
]


def _fake_terraform(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "terraform-was-run"
    script = tmp_path / "terraform"
    script.write_text(f'#!/bin/sh\necho "$@" >> {marker}\nexit 0\n', encoding="utf-8")
    script.chmod(0o755)
    return script, marker


def _run(tmp_path: Path, envs_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    fake, _ = _fake_terraform(tmp_path)
    env = orchestrator_env(
        ORCHESTRATOR_ENVS_DIR=str(envs_dir),
        ORCHESTRATOR_TERRAFORM=str(fake),
        ORCHESTRATOR_WORK_DIR=str(tmp_path / "work"),
    )
    return subprocess.run(
        [PYTHON, "-m", "orchestrator", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(("section", "field", "value"), BAD_VALUES)
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_bad_value_exits_2_before_any_process(
    tmp_path: Path, envs_dir: Path, dev_config: dict, command: str, section: str | None, field: str, value: object
) -> None:
    (dev_config[section] if section else dev_config)[field] = value
    env_file = write_env(envs_dir, "dev", dev_config)
    result = _run(tmp_path, envs_dir, command, "--env", "dev")
    assert result.returncode == 2, result.stderr
    path = f"{section}.{field}" if section else field
    assert str(env_file) in result.stderr and path in result.stderr and str(value) in result.stderr
    assert not (tmp_path / "terraform-was-run").exists(), "terraform was started"
    assert not (tmp_path / "work" / "local" / "emulator.log").exists(), "the emulator was started"


def test_unknown_env_exits_2(tmp_path: Path, envs_dir: Path, dev_config: dict) -> None:
    write_env(envs_dir, "dev", dev_config)
    result = _run(tmp_path, envs_dir, "apply", "--env", "nowhere")
    assert result.returncode == 2
    assert "unknown environment 'nowhere'" in result.stderr and "dev" in result.stderr
    assert not (tmp_path / "terraform-was-run").exists()


def test_unknown_stack_exits_2(tmp_path: Path, envs_dir: Path, dev_config: dict) -> None:
    write_env(envs_dir, "dev", dev_config)
    result = _run(tmp_path, envs_dir, "plan", "--env", "dev", "--stack", "studio-x")
    assert result.returncode == 2
    assert "--stack: unknown stack 'studio-x'" in result.stderr
    assert not (tmp_path / "terraform-was-run").exists()


def test_destroy_without_terminal_needs_yes(tmp_path: Path, envs_dir: Path, dev_config: dict) -> None:
    write_env(envs_dir, "dev", dev_config)
    result = _run(tmp_path, envs_dir, "destroy", "--env", "dev")
    assert result.returncode == 2
    assert "--yes" in result.stderr
    assert not (tmp_path / "terraform-was-run").exists()


def test_too_many_stacks_exit_2_before_any_process(tmp_path: Path, envs_dir: Path, dev_config: dict) -> None:
    write_env(envs_dir, "dev", dev_config)
    result = _run(tmp_path, envs_dir, "apply", "--env", "dev", "--max-stacks", "2")
    assert result.returncode == 2
    assert "--max-stacks: this command would touch 4 stacks, more than the limit of 2" in result.stderr
    assert not (tmp_path / "terraform-was-run").exists()
    assert not (tmp_path / "work" / "local" / "emulator.log").exists()


def test_graph_prints_order_and_dependencies_without_terraform_or_aws(
    tmp_path: Path, envs_dir: Path, dev_config: dict
) -> None:
    import json

    write_env(envs_dir, "dev", dev_config)
    result = _run(tmp_path, envs_dir, "graph", "--env", "dev", "--json")
    assert result.returncode == 0, result.stderr
    graph = json.loads(result.stdout)
    assert graph["order"] == ["dev/foundation", "dev/identity", "dev/platform", "dev/projects"]
    assert {n["stack"]: n["needs"] for n in graph["nodes"]}["dev/projects"] == ["dev/identity"]
    destroy = _run(tmp_path, envs_dir, "graph", "--env", "dev", "--destroy")
    assert (
        destroy.stdout.splitlines()[0].startswith("dev/projects")
        and "dev/identity    <- dev/platform, dev/projects" in destroy.stdout
    )
    assert not (tmp_path / "terraform-was-run").exists()
    assert not (tmp_path / "work" / "local" / "emulator.log").exists()
