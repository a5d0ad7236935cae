"""benchmarks/full_apply.py: its command line and how it reads the run report (no apply here)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from orchestrator.outcome import StackOutcome
from orchestrator.report.run_report import RunReport
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def full_apply() -> ModuleType:
    """benchmarks/full_apply.py, imported as its scripts run (its folder on sys.path)."""
    benchmarks = str(REPO_ROOT / "benchmarks")
    sys.path.insert(0, benchmarks)
    try:
        return importlib.import_module("full_apply")
    finally:
        sys.path.remove(benchmarks)


def test_the_run_report_gives_each_stacks_duration_and_their_sum(full_apply: ModuleType) -> None:
    written = RunReport(
        "apply",
        "local",
        [
            StackOutcome("dev", "bootstrap", "apply", result="applied", add=7, duration=20.5),
            StackOutcome("dev", "foundation", "apply", result="applied", add=72, duration=150.25),
            StackOutcome("prod", "hosting", "apply", result="applied", add=30, duration=90.0),
        ],
        seconds=200.0,
    )
    report = full_apply.apply_report(json.loads(json.dumps(written.to_dict())))
    assert report.ok is True
    assert report.seconds == 200.0
    assert [(s.label, s.result, s.added, s.seconds) for s in report.stacks] == [
        ("dev/bootstrap", "applied", 7, 20.5),
        ("dev/foundation", "applied", 72, 150.25),
        ("prod/hosting", "applied", 30, 90.0),
    ]
    assert report.stack_sum == 260.75


def test_the_apply_names_the_three_environments_the_emulator_and_the_report(
    full_apply: ModuleType, tmp_path: Path
) -> None:
    command = full_apply.apply_command("http://127.0.0.1:4567", tmp_path / "report.json", None)
    assert command[1:] == [
        "-m",
        "orchestrator",
        "apply",
        "--env",
        "dev",
        "--env",
        "staging",
        "--env",
        "prod",
        "--emulator-url",
        "http://127.0.0.1:4567",
        "--report-json",
        str(tmp_path / "report.json"),
    ]
    assert full_apply.apply_command("http://127.0.0.1:4567", tmp_path / "report.json", 6)[-2:] == ["--parallelism", "6"]


def test_a_given_work_dir_is_emptied_but_keeps_its_mark(full_apply: ModuleType, tmp_path: Path) -> None:
    work = tmp_path / "work"
    first = full_apply.fresh_work_dir(work)
    (first / "local" / "dev").mkdir(parents=True)
    (first / "apply.log").write_text("old", encoding="utf-8")
    again = full_apply.fresh_work_dir(work)
    assert again == work.resolve()
    assert [entry.name for entry in again.iterdir()] == [full_apply.MARKER]
