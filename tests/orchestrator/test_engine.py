"""The engine's Terraform plumbing: a command that met the shared plugin cache while another
stack's init was writing it is initialised again and run once more; anything else is not retried."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orchestrator.config import load_env
from orchestrator.engine import PLUGINS_NOT_INSTALLED, Engine
from orchestrator.progress import Progress
from orchestrator.settings import load_settings
from orchestrator.stacks import STACKS
from orchestrator.terraform.runner import TerraformResult
from tests.orchestrator.terraform.test_workspace import FakeTarget


def _failure(summary: str) -> TerraformResult:
    return TerraformResult(
        ["plan"],
        1,
        0.1,
        messages=[{"type": "diagnostic", "diagnostic": {"severity": "error", "summary": summary, "detail": "…"}}],
    )


class ScriptedRunner:
    """Answers each Terraform command with the next scripted result of its kind (init: success)."""

    def __init__(self, results: list[TerraformResult]) -> None:
        self.results = results
        self.calls: list[str] = []

    def run(self, args: list[str], cwd: Path, label: str, env: dict[str, str], log_file: Path) -> TerraformResult:
        self.calls.append(args[0])
        if args[0] == "init":
            return TerraformResult(args, 0, 0.1)
        return self.results.pop(0)


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(tmp_path / "work"))
    return Engine(FakeTarget(), load_settings(), Progress(quiet=True))


def _plan(engine: Engine, results: list[TerraformResult]) -> tuple[Any, list[str]]:
    runner = ScriptedRunner(results)
    engine.runner = runner  # type: ignore[assignment]
    outcome = engine.plan(load_env("dev"), STACKS["foundation"], backend=("local", {"path": "x.tfstate"}))
    return outcome, runner.calls


def test_a_plan_that_met_the_plugin_cache_being_written_is_initialised_again_and_run_once_more(engine: Engine) -> None:
    outcome, calls = _plan(engine, [_failure(PLUGINS_NOT_INSTALLED), TerraformResult(["plan"], 0, 0.1)])
    assert calls == ["init", "plan", "init", "plan"]
    assert outcome.result == "no changes"


def test_it_is_run_once_more_only(engine: Engine) -> None:
    outcome, calls = _plan(engine, [_failure(PLUGINS_NOT_INSTALLED), _failure(PLUGINS_NOT_INSTALLED)])
    assert calls == ["init", "plan", "init", "plan"]
    assert outcome.result == "failed" and PLUGINS_NOT_INSTALLED in outcome.error


def test_other_failures_are_not_retried(engine: Engine) -> None:
    outcome, calls = _plan(engine, [_failure("Error acquiring the state lock")])
    assert calls == ["init", "plan"]
    assert outcome.result == "failed"
