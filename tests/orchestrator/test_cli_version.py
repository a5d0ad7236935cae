"""`--version` and the console script: the same command on PATH as `python -m orchestrator`."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from orchestrator.cli import DISTRIBUTION, installed_version
from tests.conftest import REPO_ROOT


def _version_of_the_project() -> str:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION
    return str(project["version"])


def test_version_names_the_command_and_the_projects_version() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "orchestrator", "--version"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"python -m orchestrator {_version_of_the_project()}"
    assert installed_version() == _version_of_the_project()


def test_the_console_script_runs_the_same_command() -> None:
    script = Path(sys.executable).parent / "mlops-orchestrator"
    assert script.is_file(), f"{script}: not installed (scripts/setup.sh installs the package with its console script)"
    run = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0 and run.stdout.strip() == f"mlops-orchestrator {_version_of_the_project()}", (
        run.stdout + run.stderr
    )
    refused = subprocess.run(
        [str(script), "emulator", "status", "--role", "x"], capture_output=True, text=True, timeout=60, check=False
    )
    assert refused.returncode == 2 and "--role: only with `emulator credentials`" in refused.stderr, refused.stderr
