"""Which role runs each Terraform command: the engine asks the target for the credentials of the
command's duty and hands them to that Terraform process only."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.config import EnvConfig, load_env
from orchestrator.engine import Engine
from orchestrator.outcome import StackOutcome
from orchestrator.progress import Progress
from orchestrator.settings import load_settings
from orchestrator.stacks import STACKS
from orchestrator.targets.base import Duty
from orchestrator.terraform.runner import TerraformResult
from tests.orchestrator.terraform.test_workspace import FakeTarget


class RoleTarget(FakeTarget):
    def terraform_credentials(self, env: EnvConfig, duty: Duty) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": f"{env.name}-{duty.value}"}

    def principal(self, env: EnvConfig, duty: Duty) -> str:
        return f"role-of-{duty.value}"


class RecordingRunner:
    """Every command succeeds; records which credentials each one ran with."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, str]] = []

    def run(self, args: list[str], cwd: Path, label: str, env: dict[str, str], log_file: Path) -> TerraformResult:
        self.runs.append((args[0], env["AWS_ACCESS_KEY_ID"]))
        return TerraformResult(args, 2 if args[0] == "plan" else 0, 0.1)


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setattr(Engine, "state_key_arn", lambda self, env: "arn:aws:kms:eu-west-1:111111111111:key/k")
    engine = Engine(RoleTarget(), load_settings(), Progress(quiet=True))
    engine.runner = RecordingRunner()  # type: ignore[assignment]
    return engine


def _planned(*changes: tuple[str, str]) -> StackOutcome:
    return StackOutcome("dev", "identity", "plan", result="changes", add=len(changes), changes=list(changes))


def test_a_plan_for_review_and_drift_run_as_the_plan_role_a_plan_to_apply_as_the_apply_role(engine: Engine) -> None:
    env = load_env("dev")
    engine.plan(env, STACKS["identity"], lock=False)
    engine.drift(env, STACKS["identity"])
    engine.plan(env, STACKS["identity"])
    runs = engine.runner.runs  # type: ignore[attr-defined]
    assert [r for r in runs if r[0] == "plan"] == [("plan", "dev-read"), ("plan", "dev-read"), ("plan", "dev-change")]
    assert [r for r in runs if r[0] == "show"] == [("show", "dev-read")], "drift reads the state for its attribution"


def test_an_apply_runs_as_the_apply_role(engine: Engine) -> None:
    outcome = engine.apply(
        load_env("dev"), STACKS["identity"], _planned(("create", "module.stack.module.identity.aws_iam_role.persona"))
    )
    assert engine.runner.runs == [("apply", "dev-change")]  # type: ignore[attr-defined]
    assert outcome.principal == "role-of-change" and outcome.result == "applied"


def test_an_apply_that_changes_a_boundary_runs_as_the_deploy_role(engine: Engine) -> None:
    outcome = engine.apply(
        load_env("dev"),
        STACKS["identity"],
        _planned(("update", "module.stack.module.identity.aws_iam_policy.guardrails")),
    )
    assert engine.runner.runs == [("apply", "dev-administer")]  # type: ignore[attr-defined]
    assert outcome.principal == "role-of-administer"
