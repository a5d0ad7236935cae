"""The run report: what a person reads at the end, and the exit code a script reads."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest

from orchestrator.errors import EXIT_CHANGES_PRESENT, EXIT_FAILURE, EXIT_OK
from orchestrator.outcome import StackOutcome, readable_plan
from orchestrator.report.run_report import RunReport


def _outcome(result: str, add: int = 0, action: str = "plan") -> StackOutcome:
    outcome = StackOutcome("dev", "foundation", action, result=result, add=add, duration=6.4)
    if add:
        outcome.changes = [("create", "module.stack.module.network.aws_vpc.this")]
    return outcome


def test_no_changes_plan_exits_0_even_with_detailed_exitcode() -> None:
    report = RunReport("plan", "local", [_outcome("no changes")], 7.0)
    assert report.exit_code(detailed=True) == EXIT_OK
    assert report.text().endswith("No changes.")
    assert report.to_dict()["changes"] is False


def test_changes_present_exit_3_only_when_asked() -> None:
    report = RunReport("plan", "local", [_outcome("changes", add=1)], 7.0)
    assert report.exit_code(detailed=True) == EXIT_CHANGES_PRESENT
    assert report.exit_code() == EXIT_OK
    assert "+ module.stack.module.network.aws_vpc.this" in report.text()


def test_a_failed_stack_fails_the_run() -> None:
    failed = _outcome("failed")
    failed.error = "Error: creating VPC: UnauthorizedOperation"
    report = RunReport("apply", "aws", [failed], 3.0)
    assert report.exit_code(detailed=True) == EXIT_FAILURE
    assert "dev/foundation FAILED:\nError: creating VPC" in report.text()
    assert report.to_dict()["ok"] is False


def test_second_apply_says_nothing_was_applied() -> None:
    report = RunReport("apply", "local", [_outcome("no changes", action="apply")], 12.0)
    assert "No changes: the infrastructure already matches the configuration (nothing was applied)." in report.text()


def test_readable_plan_is_bounded() -> None:
    outcome = _outcome("changes", add=100)
    outcome.changes = [("create", f"aws_ssm_parameter.p[{i}]") for i in range(100)]
    text = readable_plan(outcome, limit=10)
    assert text.splitlines()[0] == "dev/foundation: 100 to add, 0 to change, 0 to destroy"
    assert text.splitlines()[-1] == "  ... and 90 more"


def test_stacks_of_different_environments_run_in_parallel_and_report_in_graph_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading
    import time
    from types import SimpleNamespace

    from orchestrator import commands
    from orchestrator.stacks import STACKS, StackSpec

    running: list[str] = []
    most = {"value": 0}
    guard = threading.Lock()

    def fake_stack(
        command: str,
        engine: object,
        target: object,
        env: SimpleNamespace,
        stack: StackSpec,
        progress: object,
        out_dir: object,
        policy_gate: bool = False,
        consents: tuple[object, ...] = (),
    ) -> list[StackOutcome]:
        with guard:
            running.append(env.name)
            most["value"] = max(most["value"], len(running))
        time.sleep(0.2 if env.name != "dev" else 0.4)  # dev finishes last but is reported first
        with guard:
            running.remove(env.name)
        return [StackOutcome(env.name, stack.name, command, result="failed" if env.name == "staging" else "applied")]

    class NoBootstrapNeeded:
        def bootstrap(self, env: object, reconcile: bool) -> None:
            return None

    monkeypatch.setattr(commands, "_run_stack", fake_stack)
    monkeypatch.setattr(commands, "Engine", lambda *args: NoBootstrapNeeded())
    envs = [(SimpleNamespace(name=n, account_id="1"), [STACKS["hosting"]]) for n in ("dev", "staging", "prod")]
    target = SimpleNamespace(name="local")
    report = commands.run_stacks("apply", target, None, envs, None, "0s", parallelism=3)  # type: ignore[arg-type]
    assert most["value"] == 3
    assert [o.env for o in report.outcomes] == ["dev", "staging", "prod"]
    assert report.failed  # one environment failed; the others, already running, finished
    sequential = commands.run_stacks("apply", target, None, envs, None, "0s", parallelism=1)  # type: ignore[arg-type]
    assert [(o.env, o.result) for o in sequential.outcomes] == [
        ("dev", "applied"),
        ("staging", "failed"),
        ("prod", "skipped"),
    ]
    assert "fail-fast" in sequential.outcomes[-1].error
    going = commands.run_stacks("apply", target, None, envs, None, "0s", parallelism=1, keep_going=True)  # type: ignore[arg-type]
    assert [(o.env, o.result) for o in going.outcomes] == [
        ("dev", "applied"),
        ("staging", "failed"),
        ("prod", "applied"),
    ]


def test_accounts_are_bootstrapped_side_by_side_and_a_failure_starts_no_other(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time
    from types import SimpleNamespace

    from orchestrator import commands

    running: list[str] = []
    most = {"value": 0}
    guard = threading.Lock()

    class Bootstrapping:
        def bootstrap(self, env: SimpleNamespace, reconcile: bool) -> StackOutcome | None:
            assert reconcile, "the bootstrap command reconciles an existing backend with its configuration"
            with guard:
                running.append(env.name)
                most["value"] = max(most["value"], len(running))
            time.sleep(0.3 if env.name == "dev" else 0.1)  # dev finishes last but is reported first
            with guard:
                running.remove(env.name)
            if env.name == "prod":
                return None  # nothing to report: its backend exists and matches
            return StackOutcome(env.name, "bootstrap", "bootstrap", result="failed" if env.name == "stg" else "applied")

    monkeypatch.setattr(commands, "Engine", lambda *args: Bootstrapping())
    target = SimpleNamespace(name="local")
    envs = [SimpleNamespace(name=n, account_id="1") for n in ("dev", "staging", "prod")]
    report = commands.run_bootstrap(target, None, envs, None, parallelism=3)  # type: ignore[arg-type]
    assert most["value"] == 3, "independent accounts wait for each other"
    assert [(o.env, o.result) for o in report.outcomes] == [("dev", "applied"), ("staging", "applied")]

    envs = [SimpleNamespace(name=n, account_id="1") for n in ("stg", "dev", "staging")]
    one_by_one = commands.run_bootstrap(target, None, envs, None, parallelism=1)  # type: ignore[arg-type]
    assert [(o.env, o.result) for o in one_by_one.outcomes] == [
        ("stg", "failed"),
        ("dev", "skipped"),
        ("staging", "skipped"),
    ]
    assert one_by_one.failed and "fail-fast" in one_by_one.outcomes[-1].error


def test_drift_exits_3_names_what_changed_outside_terraform_and_changes_nothing() -> None:
    drifted = StackOutcome("dev", "foundation", "drift", result="drifted", change=1, duration=9.0)
    drifted.changes = [("update", "module.stack.module.network.aws_vpc.this")]
    in_sync = StackOutcome("dev", "identity", "drift", result="in sync", duration=8.0)
    report = RunReport("drift", "local", [drifted, in_sync], 17.0)
    assert report.exit_code() == EXIT_CHANGES_PRESENT
    text = report.text()
    assert "dev/foundation: differs from its configuration: 0 missing, 1 changed, 0 to remove" in text
    assert "~ module.stack.module.network.aws_vpc.this" in text
    assert text.endswith("Drift: the real resources differ from the state (nothing was changed).")
    assert RunReport("drift", "local", [in_sync], 8.0).exit_code() == EXIT_OK


def test_a_full_disk_met_by_the_orchestrators_own_write_fails_the_stack_with_the_recovery(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import errno
    from types import SimpleNamespace

    from orchestrator import commands
    from orchestrator.stacks import STACKS

    def full(*args: object) -> NoReturn:
        raise OSError(errno.ENOSPC, "No space left on device", "tfplan")

    class NoBootstrapNeeded:
        def bootstrap(self, env: object, reconcile: bool) -> None:
            return None

    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(tmp_path))
    monkeypatch.setattr(commands, "_run_stack", full)
    monkeypatch.setattr(commands, "Engine", lambda *args: NoBootstrapNeeded())
    envs = [(SimpleNamespace(name="staging", account_id="1"), [STACKS["hosting"]])]
    report = commands.run_stacks("apply-saved", SimpleNamespace(name="aws"), None, envs, None, "0s")  # type: ignore[arg-type]
    [outcome] = report.outcomes
    assert outcome.result == "failed" and report.exit_code() == EXIT_FAILURE
    assert outcome.error.startswith(
        f"the disk is full (no space left on device) where the orchestrator writes plans, state and logs ({tmp_path})"
    )
    assert f"log: {tmp_path / 'aws' / 'staging' / 'hosting'}" in outcome.error
    assert "then `python -m orchestrator apply --env staging --target aws`" in outcome.error
    assert "the write that failed: [Errno 28] No space left on device: 'tfplan'" in outcome.error


def test_a_plan_that_only_forgets_resources_is_a_change_and_says_so() -> None:
    """A `removed` block with `destroy = false` drops a resource from the state and deletes
    nothing: Terraform's change summary counts 0 of everything, yet the plan must be applied."""
    address = 'module.stack.module.project["abalone"].aws_sqs_queue_policy.dead_letters'
    outcome = StackOutcome("dev", "projects", "plan", "changes", changes=[("remove", address)])
    report = RunReport("apply", "local", [outcome], 1.0)
    assert outcome.forgotten == 1 and outcome.has_changes and report.changes_present
    assert readable_plan(outcome).splitlines() == [
        "dev/projects: 0 to add, 0 to change, 0 to destroy, 1 to forget (kept, no longer managed)",
        f"  forget {address}",
    ]
    assert not StackOutcome("dev", "projects", "plan", "no changes").has_changes
