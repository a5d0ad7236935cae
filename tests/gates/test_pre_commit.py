"""Gate: every hook of .pre-commit-config.yaml is enforced by the test suite, so CI (which runs the
README's test command) refuses what `pre-commit run --all-files` refuses.

The hooks that only report a tool's verdict run here through pre-commit itself (`pre-commit run
HOOK --all-files`: the configuration, the hook's entry and its file selection are what is tested).
The others are checked by a test that runs the same tool on the same files and asserts more (the
tool's findings parsed, every file shown scanned, a broken input shown refused): TWINS names it,
so the hook does not run twice. A hook with neither fails here."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

BIN = Path(sys.executable).parent

RUN_HERE = ("ruff-check", "ruff-format", "mypy", "terraform-fmt")

TWINS = {
    "terraform-validate": "tests/terraform/test_modules.py::test_validate_and_terraform_test",
    "module-docs": "tests/docs/test_module_docs.py::test_committed_module_readmes_are_current",
    "zizmor": "tests/gates/test_linters.py::test_zizmor_finds_nothing_in_any_workflow",
    "actionlint": "tests/workflows/test_actionlint.py::test_actionlint_finds_nothing_in_any_workflow",
    "cfn-lint": "tests/gates/test_linters.py::test_cfn_lint_finds_nothing_in_the_templates",
    "checkov-iac": "tests/gates/test_checkov.py::test_checkov_reports_no_failed_checks",
    "checkov-secrets-workflows": "tests/gates/test_linters.py::test_checkov_secrets_and_github_actions_report_no_failed_checks",
    "lock-current": "tests/gates/test_lock.py::test_the_lock_is_compiled_from_the_current_requirements",
}


def _hook_ids() -> list[str]:
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


@pytest.mark.gate
def test_every_hook_runs_here_or_has_a_twin_test() -> None:
    hooks = _hook_ids()
    assert len(hooks) == len(set(hooks)), f"a hook id twice: {hooks}"
    assert not set(RUN_HERE) & set(TWINS), "a hook both run here and by a twin runs twice"
    assert sorted(hooks) == sorted([*RUN_HERE, *TWINS]), (
        f"hooks not enforced by the suite: {sorted(set(hooks) - set(RUN_HERE) - set(TWINS))}; "
        f"named here but not hooks: {sorted(set(RUN_HERE) | set(TWINS) - set(hooks))}"
    )
    for hook, test in TWINS.items():
        file, name = test.split("::")
        assert name in _test_functions(REPO_ROOT / file), f"{hook}: its twin {test} does not exist"


@pytest.mark.gate
@pytest.mark.parametrize("hook", RUN_HERE)
def test_hook_passes_on_every_file(hook: str) -> None:
    pre_commit = BIN / "pre-commit"
    assert pre_commit.is_file(), f"pre-commit not installed at {pre_commit}: run scripts/setup.sh"
    done = subprocess.run(
        [str(pre_commit), "run", hook, "--all-files", "--show-diff-on-failure", "--color", "never"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"pre-commit run {hook} --all-files (exit {done.returncode}):\n{output}"
    assert "Passed" in output, f"the hook {hook} ran on no file:\n{output}"
