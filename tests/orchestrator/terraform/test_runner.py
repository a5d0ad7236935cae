"""The runner streams progress, parses Terraform's JSON UI, recognises held locks and forwards signals."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from orchestrator.errors import StateLockedError
from orchestrator.progress import Progress
from orchestrator.signals import ChildProcesses
from orchestrator.terraform.runner import TerraformResult, TerraformRunner
from tests.conftest import PYTHON, REPO_ROOT, orchestrator_env


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "terraform"
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(0o755)
    return path


def _runner(binary: Path, stream: io.StringIO) -> TerraformRunner:
    return TerraformRunner(str(binary), {}, Progress(stream), ChildProcesses())


def test_parses_json_messages_and_reports_progress(tmp_path: Path) -> None:
    messages = [
        {
            "type": "apply_complete",
            "hook": {"resource": {"addr": "aws_vpc.this"}, "action": "create", "elapsed_seconds": 1},
        },
        {"type": "change_summary", "changes": {"add": 1, "change": 0, "remove": 0, "operation": "apply"}},
    ]
    lines = "\n".join(f"echo '{json.dumps(m)}'" for m in messages)
    stream = io.StringIO()
    result = _runner(_script(tmp_path, lines + "\necho plain text\n"), stream).run(
        ["apply"], tmp_path, "dev/foundation"
    )
    assert result.returncode == 0
    assert [m["type"] for m in result.messages] == ["apply_complete", "change_summary"]
    assert result.text == ["plain text"]
    assert "create aws_vpc.this (1s)" in stream.getvalue()
    assert "apply: 1 to add" in stream.getvalue()


def test_held_lock_is_reported_with_its_id(tmp_path: Path) -> None:
    detail = (
        "Error message: operation error DynamoDB: PutItem, ConditionalCheckFailedException\\n"
        "Lock Info:\\n  ID:        6f1c2a4e-1111-2222-3333-444455556666\\n  Path:      bucket/dev/foundation/terraform.tfstate\\n"
        "  Operation: OperationTypePlan\\n  Who:       ci@runner\\n  Version:   1.11.4\\n  Created:   2026-11-21 08:00:00 UTC\\n"
    )
    message = {
        "type": "diagnostic",
        "diagnostic": {"severity": "error", "summary": "Error acquiring the state lock", "detail": detail},
    }
    body = f"echo '{json.dumps(message)}'\nexit 1\n"
    with pytest.raises(StateLockedError) as caught:
        _runner(_script(tmp_path, body), io.StringIO()).run(["plan"], tmp_path, "dev/foundation")
    error = caught.value
    assert error.lock_id == "6f1c2a4e-1111-2222-3333-444455556666"
    assert error.who == "ci@runner"
    assert "6f1c2a4e-1111-2222-3333-444455556666" in str(error) and "dev/foundation" in str(error)


def test_other_failures_are_returned_not_raised(tmp_path: Path) -> None:
    message = {"type": "diagnostic", "diagnostic": {"severity": "error", "summary": "Invalid value", "detail": "bad"}}
    result = _runner(_script(tmp_path, f"echo '{json.dumps(message)}'\nexit 1\n"), io.StringIO()).run(
        ["plan"], tmp_path, "x"
    )
    assert result.returncode == 1
    assert result.error_text() == "Invalid value: bad"


def test_sigint_is_forwarded_once_and_terraform_finishes(tmp_path: Path) -> None:
    """Ctrl-C reaches the orchestrator only; it sends one SIGINT to terraform, which then cleans up."""
    log = tmp_path / "signals.log"
    fake = _script(
        tmp_path,
        f"""\
        trap 'echo INT >> {log}; sleep 1; echo released >> {log}; exit 1' INT
        trap 'echo TERM >> {log}' TERM
        echo started >> {log}
        i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
        """,
    )
    driver = tmp_path / "driver.py"
    driver.write_text(
        textwrap.dedent(
            f"""\
            import sys
            from pathlib import Path
            from orchestrator.progress import Progress
            from orchestrator.signals import forwarding_signals, CHILDREN
            from orchestrator.terraform.runner import TerraformResult, TerraformRunner
            from orchestrator.errors import Interrupted
            with forwarding_signals():
                try:
                    TerraformRunner({str(fake)!r}, {{}}, Progress()).run(["apply"], Path({str(tmp_path)!r}), "dev/x")
                except Interrupted as exc:
                    print("interrupted:", exc)
                    sys.exit(130)
            sys.exit(0)
            """
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [PYTHON, str(driver)], cwd=REPO_ROOT, env=orchestrator_env(), stdout=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 20
    while not (log.exists() and "started" in log.read_text()):
        assert time.monotonic() < deadline, "fake terraform never started"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "interrupted" in out
    assert log.read_text().split() == ["started", "INT", "released"]


def test_terraform_runs_with_a_lighter_go_gc_unless_the_caller_set_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestrator.terraform.runner import go_runtime_settings

    monkeypatch.delenv("GOGC", raising=False)
    assert go_runtime_settings() == {"GOGC": "400"}
    monkeypatch.setenv("GOGC", "100")
    assert go_runtime_settings() == {"GOGC": "100"}


def test_a_terraform_killed_by_a_signal_returns_its_negative_number(tmp_path: Path) -> None:
    """What the fault report names ("killed by signal SIGKILL"): not an interrupt the orchestrator forwarded."""
    result = _runner(_script(tmp_path, "kill -9 $$\n"), io.StringIO()).run(["apply"], tmp_path, "dev/foundation")
    assert result.returncode == -signal.SIGKILL


def test_the_one_document_a_command_printed() -> None:
    state = {"version": 4, "lineage": "l", "serial": 3}
    pretty = json.dumps(state, indent=2).splitlines()
    assert TerraformResult(["state", "pull"], 0, 0.1, text=pretty).document() == state
    assert TerraformResult(["show"], 0, 0.1, messages=[state]).document() == state
    assert TerraformResult(["state", "pull"], 0, 0.1, text=[""]).document() is None
    warned = ["│ Warning: Unable to open CLI configuration file", *pretty, "╵"]
    assert TerraformResult(["state", "pull"], 0, 0.1, text=warned).document() == state
