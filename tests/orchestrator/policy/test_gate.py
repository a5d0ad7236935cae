"""The policy gate: checkov's failed checks on a plan stop its apply; the SARIF is kept."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from orchestrator import commands
from orchestrator.errors import OrchestratorError
from orchestrator.outcome import StackOutcome
from orchestrator.policy.gate import check_plan
from orchestrator.stacks import STACKS

FAILED_REPORT = {
    "check_type": "terraform_plan",
    "results": {
        "failed_checks": [{"check_id": "CKV_AWS_18", "resource": "module.stack.aws_s3_bucket.open"}],
        "passed_checks": [],
    },
    "summary": {"passed": 41, "failed": 1},
}


def _fake_checkov(tmp_path: Path, report: dict[str, Any]) -> Path:
    """A checkov stand-in: prints the JSON report and writes the SARIF file it is asked for."""
    script = tmp_path / "checkov"
    script.write_text(
        "#!/bin/sh\n"
        'for last in "$@"; do :; done\n'
        'sarif="${last#console,}"\n'
        'echo \'{"version": "2.1.0", "runs": []}\' > "$sarif"\n'
        f"echo '{json.dumps(report)}'\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def test_failed_checks_are_named_and_the_sarif_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKOV_BIN", str(_fake_checkov(tmp_path, FAILED_REPORT)))
    plan = tmp_path / "dev.foundation.plan.json"
    plan.write_text("{}")
    verdict = check_plan(plan)
    assert not verdict.ok and verdict.failed == ["CKV_AWS_18 module.stack.aws_s3_bucket.open"] and verdict.passed == 41
    assert (
        json.loads(verdict.sarif.read_text())["version"] == "2.1.0"
        and verdict.sarif == tmp_path / "dev.foundation.plan.sarif"
    )


def test_a_missing_checkov_is_an_error_not_a_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKOV_BIN", str(tmp_path / "no-checkov"))
    with pytest.raises(OrchestratorError, match="policy gate: checkov not found"):
        check_plan(tmp_path / "plan.json")


def _env() -> SimpleNamespace:
    personas = SimpleNamespace(
        data_science_admin=[], team_lead=["arn:aws:iam::999999999999:role/leads"], data_scientist=[]
    )
    return SimpleNamespace(
        name="staging",
        account_id="222222222222",
        kind="dev",
        target_account_ids={},
        identity=SimpleNamespace(persona_principals=personas, existing_role_arns={}),
        kms=SimpleNamespace(administrator_arns=[]),
        network=SimpleNamespace(existing=None),  # the platform's own VPC: nothing to check in the account
    )


class PlannedEngine:
    """Plans changes, writes the plan JSON, and records whether apply was reached."""

    def __init__(self, work: Path, plan: dict[str, Any] | None = None) -> None:
        self.work = work
        self.plan_document = plan or {}
        self.applied: list[str] = []
        self.locks: list[bool] = []

    def bootstrap(self, env: Any, reconcile: bool) -> None:
        return None

    def plan(self, env: Any, stack: Any, destroy: bool = False, lock: bool = True) -> StackOutcome:
        self.locks.append(lock)
        outcome = StackOutcome(env.name, stack.name, "plan", result="changes", add=1)
        outcome.changes = [("create", "module.stack.aws_s3_bucket.open")]
        return outcome

    def export_plan(self, env: Any, stack: Any, out_dir: Path) -> Path:
        path = self.work / f"{env.name}.{stack.name}.plan.json"
        path.write_text(json.dumps(self.plan_document))
        return path

    def apply(self, env: Any, stack: Any, planned: StackOutcome) -> StackOutcome:
        self.applied.append(stack.name)
        return StackOutcome(env.name, stack.name, "apply", result="applied", add=1)


@pytest.mark.parametrize(
    ("gate", "report", "applied"),
    [
        (True, FAILED_REPORT, []),
        (False, FAILED_REPORT, ["hosting"]),
        (True, {**FAILED_REPORT, "results": {"failed_checks": []}}, ["hosting"]),
    ],
)
def test_the_gate_stops_the_apply_of_a_plan_with_failed_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gate: bool, report: dict[str, Any], applied: list[str]
) -> None:
    monkeypatch.setenv("CHECKOV_BIN", str(_fake_checkov(tmp_path, report)))
    engine = PlannedEngine(tmp_path)
    monkeypatch.setattr(commands, "Engine", lambda *args: engine)
    monkeypatch.setattr(commands, "Workspace", lambda *args: SimpleNamespace(exclusive=_nothing, dir=tmp_path))
    env = _env()
    progress = SimpleNamespace(say=lambda *args: None, block=lambda *args: None)
    target = SimpleNamespace(name="aws")
    report_ = commands.run_stacks("apply", target, None, [(env, [STACKS["hosting"]])], progress, "0s", policy_gate=gate)  # type: ignore[arg-type, list-item]
    assert engine.applied == applied
    if not applied:
        [outcome] = report_.outcomes
        assert outcome.result == "failed" and "policy gate: checkov found 1 failed check(s)" in outcome.error
        assert "CKV_AWS_18 module.stack.aws_s3_bucket.open" in outcome.error and report_.exit_code() == 1


class _nothing:  # noqa: N801 - reads like the value it stands for
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


@pytest.mark.parametrize(("command", "locks"), [("plan", [False]), ("apply", [True]), ("destroy", [True])])
def test_a_plan_for_review_takes_no_state_lock_and_an_apply_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, locks: list[bool]
) -> None:
    # The plan role may not write the lock (it could break a running apply's); a plan that is
    # only reviewed writes nothing, and the apply that takes the lock re-checks the saved plan.
    engine = PlannedEngine(tmp_path)
    monkeypatch.setattr(commands, "Engine", lambda *args: engine)
    monkeypatch.setattr(commands, "Workspace", lambda *args: SimpleNamespace(exclusive=_nothing, dir=tmp_path))
    env = SimpleNamespace(name="staging", account_id="222222222222", network=SimpleNamespace(existing=None))
    progress = SimpleNamespace(say=lambda *args: None, block=lambda *args: None)
    commands.run_stacks(command, SimpleNamespace(name="aws"), None, [(env, [STACKS["hosting"]])], progress, "0s")  # type: ignore[arg-type, list-item]
    assert engine.locks == locks


def test_the_gate_stops_a_plan_that_admits_an_outside_account_even_when_checkov_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKOV_BIN", str(_fake_checkov(tmp_path, {**FAILED_REPORT, "results": {"failed_checks": []}})))
    trust = {
        "Statement": [
            {
                "Sid": "Persona",
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::999999999999:role/leads", "arn:aws:iam::444444444444:root"]},
                "Action": "sts:AssumeRole",
            }
        ]
    }
    plan = {
        "resource_changes": [
            {
                "address": "module.stack.aws_iam_role.lead",
                "type": "aws_iam_role",
                "change": {
                    "actions": ["update"],
                    "before": {"name": "lead", "assume_role_policy": "{}"},
                    "after": {"name": "lead", "assume_role_policy": json.dumps(trust)},
                },
            }
        ]
    }
    engine = PlannedEngine(tmp_path, plan)
    monkeypatch.setattr(commands, "Engine", lambda *args: engine)
    monkeypatch.setattr(commands, "Workspace", lambda *args: SimpleNamespace(exclusive=_nothing, dir=tmp_path))
    progress = SimpleNamespace(say=lambda *args: None, block=lambda *args: None)
    report_ = commands.run_stacks(
        "apply",
        SimpleNamespace(name="aws"),  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        [(_env(), [STACKS["hosting"]])],  # type: ignore[list-item]
        progress,  # type: ignore[arg-type]
        "0s",
        policy_gate=True,
    )
    assert engine.applied == []
    [outcome] = report_.outcomes
    assert (
        "module.stack.aws_iam_role.lead: outside-principal: statement Persona allows account 444444444444"
        in outcome.error
    )
