"""Gate: checkov over all Terraform reports 0 failed checks, and every skip carries a reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orchestrator.policy.gate import checkov_binary
from orchestrator.policy.scan import SCANNED_FOLDERS, scan_folder
from tests.conftest import REPO_ROOT

SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")


@pytest.mark.gate
@pytest.mark.parametrize(("folder", "framework"), SCANNED_FOLDERS.items())
def test_checkov_reports_no_failed_checks(folder: str, framework: str, tmp_path: Path) -> None:
    """The same scan as `python -m orchestrator scan` (and the pull-request workflow), one folder per test."""
    assert checkov_binary().is_file(), f"checkov not installed at {checkov_binary()}: run scripts/setup.sh"
    result = scan_folder(folder, framework, tmp_path)
    assert result.passed > 0, "checkov scanned nothing"
    assert not result.failed, "checkov failed checks:\n" + "\n".join(result.failed)
    assert result.sarif is not None and json.loads(result.sarif.read_text())["runs"], "no SARIF report written"


@pytest.mark.gate
def test_every_checkov_skip_has_a_reason() -> None:
    for folder in SCANNED_FOLDERS:
        for file in (REPO_ROOT / folder).rglob("*.tf"):
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                match = SKIP.search(line)
                if match:
                    reason = (match.group(2) or "").strip()
                    assert len(reason) >= 20, f"{file}:{number}: checkov skip {match.group(1)} without a real reason"
