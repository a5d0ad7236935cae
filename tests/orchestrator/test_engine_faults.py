"""The engine's failures told as faults: the target's death before Terraform's symptoms, the state
Terraform could not save named with its recovery, an apply refused while such a state waits, and
`recover-state` pushing it only over the same state at an equal or earlier serial."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from orchestrator.config import load_env
from orchestrator.emulator.process import exited
from orchestrator.engine import Engine
from orchestrator.errors import OrchestratorError
from orchestrator.faults import Gone
from orchestrator.outcome import StackOutcome
from orchestrator.progress import Progress
from orchestrator.settings import load_settings
from orchestrator.stacks import STACKS
from orchestrator.terraform.runner import TerraformResult
from orchestrator.terraform.workspace import Workspace
from tests.orchestrator.terraform.test_workspace import FakeTarget

ASSUME = "Cannot assume IAM Role: IAM Role (arn:aws:iam::222222222222:role/mlops-staging-deploy) cannot be assumed."
LINEAGE = "996c1d57-4165-773d-9ad2-ffed7528f08f"


class DyingTarget(FakeTarget):
    """A target whose emulator was killed during the run."""

    def __init__(self, log: Path) -> None:
        super().__init__()
        self.log = log

    def gone(self) -> Gone | None:
        return exited(-signal.SIGKILL, self.log)


class ScriptedRunner:
    """Answers each Terraform command (but init) with the next scripted result; records the commands."""

    def __init__(self, results: list[TerraformResult]) -> None:
        self.results = results
        self.calls: list[list[str]] = []

    def run(self, args: list[str], cwd: Path, label: str, env: dict[str, str], log_file: Path) -> TerraformResult:
        self.calls.append(args)
        if args[0] == "init":
            return TerraformResult(args, 0, 0.1)
        return self.results.pop(0)


def _error(summary: str, returncode: int = 1) -> TerraformResult:
    return TerraformResult(
        ["apply"],
        returncode,
        0.1,
        messages=[{"type": "diagnostic", "diagnostic": {"severity": "error", "summary": summary}}],
    )


def _state(serial: int, lineage: str = LINEAGE) -> dict[str, object]:
    return {"version": 4, "lineage": lineage, "serial": serial, "resources": [{"type": "aws_vpc"}]}


def _pulled(serial: int | None, lineage: str = LINEAGE) -> TerraformResult:
    text = [] if serial is None else json.dumps(_state(serial, lineage), indent=2).splitlines()
    return TerraformResult(["state", "pull"], 0, 0.1, text=text)


@pytest.fixture(autouse=True)
def _work_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(tmp_path / "work"))


def _engine(target: FakeTarget, results: list[TerraformResult]) -> tuple[Engine, ScriptedRunner]:
    engine = Engine(target, load_settings(), Progress(quiet=True))
    runner = ScriptedRunner(results)
    engine.runner = runner  # type: ignore[assignment]
    engine.backend_settings = lambda env, stack: {"bucket": "b"}  # type: ignore[method-assign]
    return engine, runner


def _workspace(target: FakeTarget) -> Workspace:
    ws = Workspace(target, load_env("dev"), STACKS["foundation"])
    ws.dir.mkdir(parents=True, exist_ok=True)
    return ws


def _apply(engine: Engine) -> StackOutcome:
    planned = StackOutcome("dev", "foundation", "plan", result="changes", change=37)
    return engine.apply(load_env("dev"), STACKS["foundation"], planned)


def test_an_apply_that_failed_after_the_emulator_died_says_so_and_names_the_state_left_behind(tmp_path: Path) -> None:
    target = DyingTarget(tmp_path / "emulator.log")
    engine, _ = _engine(target, [_error(ASSUME)])
    ws = _workspace(target)
    outcome = _apply(engine)
    lines = outcome.error.splitlines()
    assert outcome.result == "failed"
    assert lines[0].startswith("the local emulator exited during the run (killed by signal SIGKILL)")
    assert lines[1].startswith("  lost: what it created since it last stopped cleanly")
    assert lines[2] == f"  log: {tmp_path / 'emulator.log'} (the emulator), {ws.dir / 'apply.log'} (Terraform)"
    assert lines[3] == "  recover: `python -m orchestrator apply --env dev --target fake`"
    assert ASSUME in outcome.error and "errored.tfstate" not in outcome.error, "no state left behind: none named"

    (ws.dir / "errored.tfstate").write_text(json.dumps(_state(4)))
    engine.runner = ScriptedRunner([_error("Failed to persist state to backend")])  # type: ignore[assignment]
    assert "`python -m orchestrator recover-state dev foundation --target fake`" in _apply(engine).error


def test_an_ordinary_failure_is_reported_as_terraform_said_it() -> None:
    engine, _ = _engine(FakeTarget(), [_error("Error: creating IAM Role: AccessDenied")])
    outcome = engine.plan(load_env("dev"), STACKS["foundation"], backend=("local", {"path": "x.tfstate"}))
    assert outcome.result == "failed" and outcome.error == "Error: creating IAM Role: AccessDenied"


def test_a_killed_plan_names_the_signal_and_the_command_that_runs_it_again() -> None:
    engine, _ = _engine(FakeTarget(), [TerraformResult(["plan"], -signal.SIGKILL, 0.1)])
    outcome = engine.plan(load_env("dev"), STACKS["foundation"], backend=("local", {"path": "x.tfstate"}), lock=False)
    assert outcome.error.startswith("Terraform was killed by signal SIGKILL")
    assert "recover: `python -m orchestrator plan --env dev --target fake`" in outcome.error


def test_no_apply_while_a_state_terraform_could_not_save_waits_to_be_recovered() -> None:
    target = FakeTarget()
    engine, runner = _engine(target, [])
    (_workspace(target).dir / "errored.tfstate").write_text(json.dumps(_state(4)))
    outcome = _apply(engine)
    assert outcome.result == "failed" and "Nothing was applied" in outcome.error and runner.calls == []


def test_recover_state_pushes_over_the_same_state_and_keeps_the_file(tmp_path: Path) -> None:
    target = FakeTarget()
    engine, runner = _engine(target, [_pulled(3), TerraformResult(["state", "push"], 0, 0.1), _pulled(5)])
    errored = _workspace(target).dir / "errored.tfstate"
    errored.write_text(json.dumps(_state(4)))
    recovery = engine.recover_state(load_env("dev"), STACKS["foundation"])
    assert [c[:2] for c in runner.calls[1:]] == [["state", "pull"], ["state", "push"], ["state", "pull"]]
    assert runner.calls[2] == ["state", "push", "errored.tfstate"], (
        "never -force: Terraform checks lineage and serial too"
    )
    assert (recovery.errored.serial, recovery.backend.serial, recovery.pushed.serial) == (4, 3, 5)  # type: ignore[union-attr]
    assert not errored.exists() and recovery.kept.read_text() == json.dumps(_state(4))


def test_recover_state_into_a_backend_without_state() -> None:
    target = FakeTarget()
    engine, _ = _engine(target, [_pulled(None), TerraformResult(["state", "push"], 0, 0.1), _pulled(4)])
    (_workspace(target).dir / "errored.tfstate").write_text(json.dumps(_state(4)))
    assert engine.recover_state(load_env("dev"), STACKS["foundation"]).backend is None


@pytest.mark.parametrize(("serial", "lineage", "why"), [(5, LINEAGE, "is newer"), (1, "another", "another state")])
def test_recover_state_refuses_to_roll_back_or_replace_a_state_and_keeps_the_file(
    serial: int, lineage: str, why: str
) -> None:
    target = FakeTarget()
    engine, runner = _engine(target, [_pulled(serial, lineage)])
    errored = _workspace(target).dir / "errored.tfstate"
    errored.write_text(json.dumps(_state(4)))
    with pytest.raises(OrchestratorError, match=why) as refused:
        engine.recover_state(load_env("dev"), STACKS["foundation"])
    assert "Nothing was pushed" in str(refused.value) and errored.is_file()
    assert all(call[:2] != ["state", "push"] for call in runner.calls)


def test_an_aws_call_of_the_orchestrators_own_after_the_emulator_died_is_told_as_its_death(tmp_path: Path) -> None:
    from botocore.exceptions import EndpointConnectionError

    engine, _ = _engine(DyingTarget(tmp_path / "emulator.log"), [])
    exc = EndpointConnectionError(endpoint_url="http://127.0.0.1:1/")
    text = engine.explained_exception(load_env("dev"), STACKS["foundation"], "apply", exc)
    assert text.startswith("the local emulator exited during the run (killed by signal SIGKILL)")
    assert 'Could not connect to the endpoint URL: "http://127.0.0.1:1/"' in text
    alive, _ = _engine(FakeTarget(), [])
    lost = alive.explained_exception(load_env("dev"), STACKS["foundation"], "plan", exc)
    assert lost.startswith("the connection to the fake was lost during the run (could not connect to the endpoint url)")
