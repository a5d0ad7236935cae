"""The README's two commands stay what a person on a fresh machine runs, and CI runs the same test
command: a quick start that disappears or drifts from `.ci/run` fails here."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
SETUP_AND_APPLY = "./scripts/setup.sh && .venv/bin/python -m orchestrator apply"
TEST_COMMAND = "./scripts/test.sh"


def _quick_start_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Quick start.*?$(.*?)^## ", text, re.MULTILINE | re.DOTALL)
    assert section, "README.md has no '## Quick start' section with the two commands"
    [block] = re.findall(r"```bash\n(.*?)```", section.group(1), re.DOTALL)
    return [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_readme_gives_the_two_commands_first() -> None:
    assert _quick_start_commands() == [SETUP_AND_APPLY, TEST_COMMAND]
    text = README.read_text(encoding="utf-8")
    sections = re.findall(r"^## (.*)$", text, re.MULTILINE)
    assert sections[0].startswith("Quick start"), "the two commands come before the details"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert commands[-1] == "bash scripts/test.sh", "CI must end by running the README's test command"
    test_sh = (REPO_ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "bash scripts/setup.sh" in test_sh and "-m pytest" in test_sh


def test_the_test_script_fails_when_pytest_collects_nothing() -> None:
    """pytest exits 5 when no test is collected; test.sh passes pytest's exit code through (exec)."""
    test_sh = (REPO_ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert re.search(r"^exec \.venv/bin/python -m pytest", test_sh, re.MULTILINE), (
        "test.sh must exec pytest so its exit code is CI's"
    )
    assert "set -euo pipefail" in test_sh
