"""What the GitHub Actions workflows read: the env matrix in promotion order, $GITHUB_OUTPUT lines
and the step summary file."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from orchestrator.config import EnvConfig, load_envs
from orchestrator.errors import ConfigError
from orchestrator.github import actions as github_actions
from orchestrator.stacks import StackSpec, stacks_for

ACCOUNTS = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333"}


@pytest.fixture
def selection(monkeypatch: pytest.MonkeyPatch) -> list[tuple[EnvConfig, list[StackSpec]]]:
    """Every env under envs/ with all its stacks, as `--env` unset selects them."""
    monkeypatch.delenv("ORCHESTRATOR_ENVS_DIR", raising=False)
    return [(env, stacks_for(env, None)) for env in load_envs(None)]


def _row(env: str, stacks: str) -> dict[str, str]:
    account = ACCOUNTS[env]
    return {
        "env": env,
        "account_id": account,
        "region": "eu-west-1",
        "plan_role_arn": f"arn:aws:iam::{account}:role/mlops-{env}-github-plan",
        "apply_role_arn": f"arn:aws:iam::{account}:role/mlops-{env}-github-apply",
        "stacks": stacks,
    }


def test_matrix_lists_the_envs_in_promotion_order_with_their_roles(
    selection: list[tuple[EnvConfig, list[StackSpec]]],
) -> None:
    document = github_actions.matrix(selection)
    assert document == {
        "include": [
            _row("dev", "foundation identity platform projects"),
            _row("staging", "hosting"),
            _row("prod", "hosting detective"),
        ]
    }


def test_matrix_leaves_out_envs_without_stacks(selection: list[tuple[EnvConfig, list[StackSpec]]]) -> None:
    narrowed = [(env, stacks if env.name == "prod" else []) for env, stacks in selection]
    assert github_actions.matrix(narrowed) == {"include": [_row("prod", "hosting detective")]}
    assert github_actions.matrix([(env, []) for env, _ in selection]) == {"include": []}


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_promotion_order_is_dev_then_its_targets_whatever_the_input_order(
    selection: list[tuple[EnvConfig, list[StackSpec]]], order: tuple[int, ...]
) -> None:
    configs = [selection[i][0] for i in order]
    assert [env.name for env in github_actions.promotion_order(configs)] == ["dev", "staging", "prod"]


def _lines(document: dict[str, Any]) -> dict[str, str]:
    lines = github_actions.github_output_lines(document)
    assert len({line.split("=", 1)[0] for line in lines}) == len(lines), "each output is named once"
    return dict(line.split("=", 1) for line in lines)


def test_output_lines_hold_the_compact_matrix_count_and_envs(
    selection: list[tuple[EnvConfig, list[StackSpec]]],
) -> None:
    document = github_actions.matrix(selection)
    outputs = _lines(document)
    assert set(outputs) == {"matrix", "count", "envs"}, "the fields of one env only when there is one env"
    assert json.loads(outputs["matrix"]) == document and ", " not in outputs["matrix"] and ": " not in outputs["matrix"]
    assert outputs["count"] == "3" and json.loads(outputs["envs"]) == ["dev", "staging", "prod"]


def test_output_lines_of_one_env_name_its_fields(selection: list[tuple[EnvConfig, list[StackSpec]]]) -> None:
    outputs = _lines(github_actions.matrix([(env, stacks) for env, stacks in selection if env.name == "staging"]))
    assert outputs == {"matrix": outputs["matrix"], "count": "1", "envs": '["staging"]', **_row("staging", "hosting")}


def test_output_lines_of_no_env_say_so() -> None:
    assert _lines({"include": []}) == {"matrix": '{"include":[]}', "count": "0", "envs": "[]"}


@pytest.mark.parametrize("value", ["hosting\nextra=injected", "hosting\rextra"])
def test_a_multi_line_value_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="refusing a multi-line value"):
        github_actions.github_output_lines({"include": [{**_row("dev", ""), "stacks": value}]})


def test_append_lines_keeps_what_the_file_held(tmp_path: Path) -> None:
    output = tmp_path / "github_output"
    output.write_text("earlier=1\n", encoding="utf-8")
    github_actions.append_lines(output, ["count=2", "envs=[]"])
    github_actions.append_lines(output, ["last=3"])
    assert output.read_text(encoding="utf-8") == "earlier=1\ncount=2\nenvs=[]\nlast=3\n"


@pytest.mark.parametrize("value", [None, ""])
def test_step_summary_needs_its_variable(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    else:
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", value)
    with pytest.raises(ConfigError) as raised:
        github_actions.step_summary_file()
    assert "$GITHUB_STEP_SUMMARY is not set" in raised.value.problems[0]


def test_step_summary_is_the_file_the_variable_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    assert github_actions.step_summary_file() == tmp_path / "summary.md"
