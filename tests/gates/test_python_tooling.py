"""Gate: the Python checks of .pre-commit-config.yaml pass on the whole repository — ruff's lint
rules, ruff's format and mypy strict — with the settings in pyproject.toml, run as the hooks run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

BIN = Path(sys.executable).parent

CHECKS = {
    "ruff-check": ["ruff", "check", "--no-fix", "."],
    "ruff-format": ["ruff", "format", "--check", "--diff", "."],
    # The files, the strictness and the untyped libraries come from [tool.mypy] in pyproject.toml.
    "mypy": ["mypy"],
}


@pytest.mark.gate
@pytest.mark.parametrize("name", CHECKS)
def test_python_check_passes(name: str) -> None:
    tool, *arguments = CHECKS[name]
    binary = BIN / tool
    assert binary.is_file(), f"{tool} not installed at {binary}: run scripts/setup.sh"
    done = subprocess.run(
        [str(binary), *arguments], cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, f"{name} (exit {done.returncode}):\n{done.stdout}{done.stderr}"
