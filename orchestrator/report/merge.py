"""The run reports of several jobs (`--report-json`, one job per environment) merged into one (`report --from-dir`)."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator.errors import ConfigError
from orchestrator.outcome import StackOutcome
from orchestrator.report.run_report import RunReport


def load_reports(directory: Path) -> list[RunReport]:
    """Every run report (`--report-json`) in `directory`, by file name; a missing folder holds none
    (a pull request that affects no stack uploads no report)."""
    if not directory.exists():
        return []
    if not directory.is_dir():
        raise ConfigError([f"--from-dir: {directory} is not a directory"])
    reports: list[RunReport] = []
    problems: list[str] = []
    for file in sorted(directory.rglob("*.json")):
        try:
            reports.append(RunReport.from_dict(json.loads(file.read_text(encoding="utf-8"))))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(
                f"--from-dir: {file} is not a run report written by --report-json ({type(exc).__name__}: {exc})"
            )
    if problems:
        raise ConfigError(problems)
    return reports


def merge(reports: list[RunReport]) -> RunReport:
    """One report of several jobs' reports (each env's plan runs in its own job, side by side):
    their stacks in order, the longest job's duration."""
    commands = sorted({r.command for r in reports}) or ["plan"]
    targets = sorted({r.target for r in reports}) or ["aws"]
    merged = RunReport("+".join(commands), "+".join(targets))
    merged.outcomes = [o for r in reports for o in r.outcomes]
    merged.seconds = max((r.seconds for r in reports), default=0.0)
    return merged


def missing_reports(merged: RunReport, expected_envs: list[str]) -> list[StackOutcome]:
    """A failed row for each expected environment without a report: its job died before the
    orchestrator ran (credentials, set-up), which must not read as "nothing affected"."""
    reported = {o.env for o in merged.outcomes}
    return [
        StackOutcome(
            env,
            "(no report)",
            merged.command.split("+")[0],
            result="failed",
            error=f"no run report from {env}: its job failed before the orchestrator ran (see the workflow run's log)",
        )
        for env in expected_envs
        if env not in reported
    ]
