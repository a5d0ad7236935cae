"""`targets`: the stage's dev environment, and its plan as text, JSON and matrices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator.accounts.command import render, stage_source
from orchestrator.cli import main
from orchestrator.config import load_envs
from orchestrator.errors import ConfigError


def test_the_stage_comes_from_the_dev_env_that_deploys_to_it() -> None:
    assert stage_source(load_envs(None), "prod").name == "dev"
    with pytest.raises(ConfigError, match=r"no dev environment deploys to this stage \(stages: prod, staging\)"):
        stage_source(load_envs(None), "qa")


def test_render_each_format() -> None:
    dev = stage_source(load_envs(["dev"]), "staging")
    _, text = render(dev, "staging", "text")
    assert text.splitlines() == [
        "staging (listed in env.yaml, source dev): 1 account(s), in waves",
        "  canary   222222222222",
    ]
    plan, printed = render(dev, "staging", "json")
    assert json.loads(printed) == plan and plan["accounts"] == ["222222222222"]
    matrix, printed = render(dev, "staging", "github-matrix")
    assert json.loads(printed) == matrix and matrix["rest_count"] == 0


def test_the_command_appends_the_matrices_to_github_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "github_output"
    assert main(["targets", "--stage", "prod", "--format", "github-matrix", "--github-output", str(output)]) == 0
    assert json.loads(capsys.readouterr().out)["canary_account"] == "333333333333"
    assert "canary_account=333333333333\n" in output.read_text()


def test_account_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "--stage", "prod", "--account", "333333333333"]) == 2
    assert "--account: not with targets" in capsys.readouterr().err
