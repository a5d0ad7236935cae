"""The policy gate: checkov on a stack's plan (`terraform show -json`) before it may be applied.

checkov runs from its own environment (`.venv-checkov`, or $CHECKOV_BIN) over the plan JSON with
the `terraform_plan` framework; every failed check stops the apply of that stack. The SARIF report
is written next to the plan for code scanning (GitHub's upload-sarif action).
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator import paths
from orchestrator.errors import OrchestratorError

GATE_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class GateResult:
    passed: int
    failed: list[str]  # "CKV_AWS_1 aws_s3_bucket.x" per failed check
    sarif: Path

    @property
    def ok(self) -> bool:
        return not self.failed


def checkov_binary() -> Path:
    return Path(os.environ.get("CHECKOV_BIN", paths.REPO_ROOT / ".venv-checkov" / "bin" / "checkov"))


def check_plan(plan_json: Path) -> GateResult:
    """checkov's verdict on one plan JSON; the SARIF lands beside it as `<plan>.sarif`."""
    binary = checkov_binary()
    if not binary.is_file():
        raise OrchestratorError(
            f"policy gate: checkov not found at {binary} (run scripts/setup.sh, or set CHECKOV_BIN)"
        )
    sarif = plan_json.with_suffix(".sarif")
    command = [
        str(binary),
        "-f",
        str(plan_json),
        "--framework",
        "terraform_plan",
        "--quiet",
        "--compact",
        "--skip-download",
        "--repo-root-for-plan-enrichment",
        str(paths.REPO_ROOT),
        "--output",
        "json",
        "--output",
        "sarif",
        "--output-file-path",
        f"console,{sarif}",
    ]
    reports = run_checkov(command, f"policy gate: checkov gave no report for {plan_json}")
    failed = [f"{check['check_id']} {check['resource']}" for check in failed_checks(reports)]
    return GateResult(summed(reports, "passed"), failed, sarif)


def run_checkov(command: list[str], no_report: str, cwd: Path | None = None) -> list[dict[str, Any]]:
    """checkov's JSON reports (one per framework) for `command`; no report is an error, never a pass."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=GATE_TIMEOUT_SECONDS, check=False, cwd=cwd)
    try:
        reports = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise OrchestratorError(f"{no_report} (exit {result.returncode}): {result.stderr[-1000:]}") from exc
    return reports if isinstance(reports, list) else [reports]


def failed_checks(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [check for report in reports for check in report.get("results", {}).get("failed_checks", [])]


def summed(reports: list[dict[str, Any]], counter: str) -> int:
    """A summary counter (passed, skipped, ...) over all reports."""
    return sum(report.get("summary", {}).get(counter, 0) for report in reports)
