"""The static scan: checkov over each infrastructure folder, its failed checks named with file and
line, a SARIF file per folder; no report, or nothing scanned, is an error and never a pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orchestrator.cli import main
from orchestrator.errors import OrchestratorError
from orchestrator.policy.scan import SCANNED_FOLDERS, FolderScan, scan_folder, scan_repository

FAILED_CHECK = {
    "check_id": "CKV_AWS_18",
    "resource": "aws_s3_bucket.logs",
    "file_path": "/s3/main.tf",
    "file_line_range": [12, 30],
}


def _report(passed: int, skipped: int = 0, failed: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    failed = failed or []
    return {
        "check_type": "terraform",
        "results": {"passed_checks": [], "failed_checks": failed, "skipped_checks": []},
        "summary": {"passed": passed, "failed": len(failed), "skipped": skipped, "parsing_errors": 0},
    }


class FakeCheckov:
    """A checkov stand-in: prints the report stored for the folder it is given (`-d`), writes the
    SARIF file asked for with `--output-file-path console,<path>`, and logs its arguments."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reports = tmp_path / "checkov-reports"
        self.reports.mkdir()
        self.log = tmp_path / "checkov-calls.log"
        script = tmp_path / "checkov"
        script.write_text(
            "#!/bin/sh\n"
            f'echo "$*" >> "{self.log}"\n'
            'dir=""; sarif=""\n'
            "while [ $# -gt 0 ]; do\n"
            '  case "$1" in -d) dir="$2"; shift ;; --output-file-path) sarif="${2#console,}"; shift ;; esac\n'
            "  shift\n"
            "done\n"
            '[ -n "$sarif" ] && echo \'{"version": "2.1.0", "runs": []}\' > "$sarif"\n'
            'echo "checkov: parsing $dir: 1 error" >&2\n'
            f'cat "{self.reports}/$(basename "$dir").json"\n',
            encoding="utf-8",
        )
        script.chmod(0o755)
        monkeypatch.setenv("CHECKOV_BIN", str(script))

    def answer(self, folder: str, report: dict[str, Any] | list[dict[str, Any]] | str) -> None:
        (self.reports / f"{folder}.json").write_text(
            report if isinstance(report, str) else json.dumps(report), encoding="utf-8"
        )

    def calls(self) -> list[list[str]]:
        return [line.split() for line in self.log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def checkov(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeCheckov:
    return FakeCheckov(tmp_path, monkeypatch)


def test_a_folder_scan_counts_and_names_the_failed_checks(tmp_path: Path, checkov: FakeCheckov) -> None:
    checkov.answer("modules", _report(40, 2, [FAILED_CHECK]))
    scan = scan_folder("modules", "terraform", tmp_path / "sarif", root=tmp_path)
    assert scan == FolderScan(
        "modules",
        40,
        2,
        ["CKV_AWS_18 aws_s3_bucket.logs (modules/s3/main.tf:12)"],
        tmp_path / "sarif" / "checkov-modules.sarif",
    )
    assert json.loads((tmp_path / "sarif" / "checkov-modules.sarif").read_text())["version"] == "2.1.0"
    [call] = checkov.calls()
    assert call[:4] == ["-d", str(tmp_path / "modules"), "--framework", "terraform"] and "--skip-download" in call


def test_a_scan_without_a_sarif_dir_writes_none(tmp_path: Path, checkov: FakeCheckov) -> None:
    checkov.answer("templates", _report(7))
    assert scan_folder("templates", "cloudformation", None, root=tmp_path) == FolderScan("templates", 7, 0, [], None)
    assert "--output-file-path" not in checkov.calls()[0]


def test_the_reports_of_several_frameworks_are_added_up(tmp_path: Path, checkov: FakeCheckov) -> None:
    second = {**FAILED_CHECK, "check_id": "CKV2_AWS_6", "file_path": "/main.tf", "file_line_range": [3, 9]}
    checkov.answer("modules", [_report(10, 1, [FAILED_CHECK]), _report(5, 3, [second])])
    scan = scan_folder("modules", "terraform", None, root=tmp_path)
    assert (scan.passed, scan.skipped) == (15, 4)
    assert scan.failed == [
        "CKV_AWS_18 aws_s3_bucket.logs (modules/s3/main.tf:12)",
        "CKV2_AWS_6 aws_s3_bucket.logs (modules/main.tf:3)",
    ]


def test_only_failed_checks_is_a_scan(tmp_path: Path, checkov: FakeCheckov) -> None:
    checkov.answer("envs", _report(0, 0, [FAILED_CHECK]))
    assert scan_folder("envs", "terraform", None, root=tmp_path).failed == [
        "CKV_AWS_18 aws_s3_bucket.logs (envs/s3/main.tf:12)"
    ]


def test_no_report_is_an_error_with_checkovs_stderr(tmp_path: Path, checkov: FakeCheckov) -> None:
    checkov.answer("bootstrap", "Traceback (most recent call last): ...")
    with pytest.raises(OrchestratorError, match="scan: checkov gave no report for bootstrap/") as raised:
        scan_folder("bootstrap", "terraform", None, root=tmp_path)
    assert f"checkov: parsing {tmp_path / 'bootstrap'}: 1 error" in str(raised.value)


@pytest.mark.parametrize("skipped", [0, 12])
def test_nothing_scanned_is_an_error_not_a_pass(tmp_path: Path, checkov: FakeCheckov, skipped: int) -> None:
    checkov.answer("modules", _report(0, skipped))
    with pytest.raises(OrchestratorError, match="scan: checkov scanned nothing in modules/"):
        scan_folder("modules", "terraform", None, root=tmp_path)


def test_a_missing_checkov_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKOV_BIN", str(tmp_path / "no-checkov"))
    with pytest.raises(OrchestratorError, match="scan: checkov not found at"):
        scan_folder("modules", "terraform", None, root=tmp_path)


def test_the_repository_scan_returns_every_folder_in_order(tmp_path: Path, checkov: FakeCheckov) -> None:
    checkov.answer("alpha", _report(3))
    checkov.answer("beta", _report(4, 1, [FAILED_CHECK]))
    scans = scan_repository(tmp_path / "sarif", {"alpha": "terraform", "beta": "cloudformation"}, root=tmp_path)
    assert [(s.folder, s.passed, s.skipped, len(s.failed)) for s in scans] == [("alpha", 3, 0, 0), ("beta", 4, 1, 1)]
    assert sorted(p.name for p in (tmp_path / "sarif").iterdir()) == ["checkov-alpha.sarif", "checkov-beta.sarif"]
    assert sorted((c[1], c[3]) for c in checkov.calls()) == [
        (str(tmp_path / "alpha"), "terraform"),
        (str(tmp_path / "beta"), "cloudformation"),
    ]


def test_one_folder_without_a_report_fails_the_repository_scan(tmp_path: Path, checkov: FakeCheckov) -> None:
    checkov.answer("alpha", _report(3))
    with pytest.raises(OrchestratorError, match="gave no report for beta/"):
        scan_repository(None, {"alpha": "terraform", "beta": "terraform"}, root=tmp_path)


@pytest.mark.parametrize(("failed", "exit_code"), [([], 0), ([FAILED_CHECK], 1)])
def test_the_scan_command_exits_1_on_a_failed_check(
    tmp_path: Path,
    checkov: FakeCheckov,
    capsys: pytest.CaptureFixture[str],
    failed: list[dict[str, Any]],
    exit_code: int,
) -> None:
    for folder in SCANNED_FOLDERS:
        checkov.answer(folder, _report(5, 1, failed if folder == "bootstrap" else []))
    assert main(["scan", "--sarif-dir", str(tmp_path / "sarif")]) == exit_code
    assert sorted(p.name for p in (tmp_path / "sarif").iterdir()) == sorted(
        f"checkov-{folder}.sarif" for folder in SCANNED_FOLDERS
    )
    out = capsys.readouterr().out
    assert ("CKV_AWS_18 aws_s3_bucket.logs (bootstrap/s3/main.tf:12)" in out) == bool(failed)
    assert [line.split()[:2] for line in out.splitlines()[:4]] == [[f"{folder}/", "5"] for folder in SCANNED_FOLDERS]


def test_the_scan_command_as_json(tmp_path: Path, checkov: FakeCheckov, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in SCANNED_FOLDERS:
        checkov.answer(folder, _report(2))
    assert main(["scan", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and [f["folder"] for f in data["folders"]] == list(SCANNED_FOLDERS)
    assert all(f["sarif"] is None and f["passed"] == 2 for f in data["folders"])


def test_the_scan_command_reports_a_missing_checkov(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHECKOV_BIN", str(tmp_path / "no-checkov"))
    assert main(["scan"]) == 1
    assert "checkov not found" in capsys.readouterr().err
