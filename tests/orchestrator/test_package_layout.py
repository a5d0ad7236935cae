"""The orchestrator's modules import one another without a cycle, and the dependencies point one
way: the GitHub plumbing, the reports and the Studio clean-up may use the core, the core never
uses the GitHub plumbing, and none of the three reaches the command line or the command runner."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "orchestrator"


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in PACKAGE.rglob("*.py")}


@cache
def imports(module: str) -> frozenset[str]:
    """The orchestrator modules `module` imports when it is loaded (not those imported inside a
    function or under `if TYPE_CHECKING:`)."""
    found: set[str] = set()
    for node in ast.parse(MODULES[module].read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module for a in node.names
            }
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return frozenset(name for name in found if name in MODULES and name != module)


def reachable(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        for name in imports(todo.pop()) - seen:
            seen.add(name)
            todo.append(name)
    return seen


def test_no_module_imports_itself_through_others() -> None:
    cycles = [module for module in MODULES if module in reachable(module)]
    assert cycles == []


@pytest.mark.parametrize("package", ["orchestrator.github", "orchestrator.report", "orchestrator.studio"])
def test_the_audience_packages_never_reach_the_command_line_or_the_runner(package: str) -> None:
    users = {
        module: sorted(reachable(module) & {"orchestrator.cli", "orchestrator.commands"})
        for module in MODULES
        if module.startswith(package)
    }
    assert {module: found for module, found in users.items() if found} == {}


def test_the_core_never_imports_the_github_plumbing() -> None:
    core = [m for m in MODULES if not m.startswith(("orchestrator.github", "orchestrator.cli"))]
    assert [m for m in core if any(name.startswith("orchestrator.github") for name in imports(m))] == []


def test_the_report_package_stays_clear_of_the_engine() -> None:
    assert not any("orchestrator.engine" in reachable(m) for m in MODULES if m.startswith("orchestrator.report"))
