"""checkov over the repository's infrastructure code: the static half of the policy gate (the
other half checks each plan before apply, `orchestrator/policy/gate.py`).

One checkov run per folder (checkov 3.3.30 given several `-d` reports the first folder again and
again), each writing its SARIF file for code scanning.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from orchestrator import paths
from orchestrator.errors import OrchestratorError
from orchestrator.policy.gate import checkov_binary, failed_checks, run_checkov, summed

SCANNED_FOLDERS = {"modules": "terraform", "envs": "terraform", "bootstrap": "terraform", "templates": "cloudformation"}


@dataclass(frozen=True)
class FolderScan:
    folder: str
    passed: int
    skipped: int
    failed: list[str]  # "CKV_AWS_1 aws_s3_bucket.x (modules/x/main.tf:12)"
    sarif: Path | None


def scan_folder(folder: str, framework: str, sarif_dir: Path | None, root: Path = paths.REPO_ROOT) -> FolderScan:
    binary = checkov_binary()
    if not binary.is_file():
        raise OrchestratorError(f"scan: checkov not found at {binary} (run scripts/setup.sh, or set CHECKOV_BIN)")
    command = [
        str(binary),
        "-d",
        str(root / folder),
        "--framework",
        framework,
        "--quiet",
        "--compact",
        "--skip-download",
        "--output",
        "json",
    ]
    sarif = None
    if sarif_dir is not None:
        sarif_dir.mkdir(parents=True, exist_ok=True)
        sarif = sarif_dir / f"checkov-{folder}.sarif"
        command += ["--output", "sarif", "--output-file-path", f"console,{sarif}"]
    reports = run_checkov(command, f"scan: checkov gave no report for {folder}/", cwd=root)
    failed = [
        f"{c['check_id']} {c['resource']} ({folder}{c['file_path']}:{c['file_line_range'][0]})"
        for c in failed_checks(reports)
    ]
    passed, skipped = summed(reports, "passed"), summed(reports, "skipped")
    if passed == 0 and not failed:
        raise OrchestratorError(f"scan: checkov scanned nothing in {folder}/ ({skipped} skipped)")
    return FolderScan(folder, passed, skipped, failed, sarif)


def scan_repository(
    sarif_dir: Path | None, folders: dict[str, str] = SCANNED_FOLDERS, root: Path = paths.REPO_ROOT
) -> list[FolderScan]:
    """Every folder, two at a time (checkov is CPU-bound; CI machines have 2 cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda item: scan_folder(item[0], item[1], sarif_dir, root), folders.items()))
