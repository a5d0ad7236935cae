"""Change detection: which stacks a set of changed files can affect (`--changed-since <git ref>`).

Each stack's footprint is read from its Terraform with a real HCL parser (python-hcl2): its own
root, every module it uses (module `source` paths, followed recursively through the modules), and
every repository directory its configuration names through `${path.module}/...` strings (the
platform stack's CloudFormation templates, for example). A changed file then affects:

- a file inside a stack's footprint: that stack, in every environment that runs it;
- `envs/<env>/...`: every stack of that environment (its configuration);
- the orchestrator's code and settings (`orchestrator/`, `platform.yaml`, `pyproject.toml`): every
  stack (they render every root);
- anything else (documentation, tests, seed code, CI files): nothing.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from orchestrator import paths
from orchestrator.config import EnvConfig
from orchestrator.errors import ConfigError
from orchestrator.stacks import StackSpec

EVERYTHING = ("orchestrator/", "platform.yaml", "pyproject.toml")
DOCUMENTATION = re.compile(r"(^|/)(README|CHANGELOG)[^/]*$|\.md$", re.IGNORECASE)
_PATH_MODULE = re.compile(r"\$\{path\.module\}(/[^\"'$}]*)")
_WORTH_PARSING = re.compile(r"^\s*module\s+\"|\$\{path\.module\}", re.MULTILINE)


@dataclass(frozen=True)
class Affected:
    stacks: dict[str, list[str]]  # env name -> stack names, in the env's order
    reasons: dict[str, str]  # "<env>/<stack>" -> the first changed file that selects it


def _relative(path: Path, root: Path) -> str:
    return PurePosixPath(path.resolve().relative_to(root.resolve())).as_posix()


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@cache
def footprint(directory: Path, root: Path = paths.REPO_ROOT) -> frozenset[str]:
    """Repository-relative directories a Terraform root or module is built from (itself included)."""
    from hcl2.api import loads  # noqa: PLC0415

    found = {_relative(directory, root)}
    for tf_file in sorted(directory.glob("*.tf")):
        text = tf_file.read_text(encoding="utf-8")
        if not _WORTH_PARSING.search(text):  # no module block and no ${path.module}: nothing to follow
            continue
        document = loads(text)
        for block in document.get("module", []):
            for module in block.values():
                source = module.get("source", "")
                if isinstance(source, str) and source.startswith("."):
                    found |= footprint((directory / source).resolve(), root)
        for text in _strings(document):
            for suffix in _PATH_MODULE.findall(text):
                target = (directory / suffix.lstrip("/")).resolve()
                if target.is_relative_to(root.resolve()) and target.exists():
                    found.add(_relative(target, root))
    return frozenset(found)


def _inside(file: str, directory: str) -> bool:
    return file == directory or file.startswith(directory.rstrip("/") + "/")


def affected_stacks(
    changed_files: Iterable[str], selection: list[tuple[EnvConfig, list[StackSpec]]], root: Path = paths.REPO_ROOT
) -> Affected:
    """The stacks of `selection` that the changed files (repository-relative) can affect."""
    stacks: dict[str, list[str]] = {env.name: [] for env, _ in selection}
    reasons: dict[str, str] = {}
    envs_dir = _relative(paths.ENVS_DIR, root) if paths.ENVS_DIR.is_relative_to(root) else "envs"
    for file in sorted(set(changed_files)):
        if DOCUMENTATION.search(file):
            continue
        for env, env_stacks in selection:
            for stack in env_stacks:
                label = f"{env.name}/{stack.name}"
                hit = (
                    any(_inside(file, prefix) if prefix.endswith("/") else file == prefix for prefix in EVERYTHING)
                    or _inside(file, f"{envs_dir}/{env.name}")
                    or any(_inside(file, d) for d in footprint(stack.source.resolve(), root))
                )
                if hit and label not in reasons:
                    reasons[label] = file
    for env, env_stacks in selection:
        stacks[env.name] = [s.name for s in env_stacks if f"{env.name}/{s.name}" in reasons]
    return Affected(stacks, reasons)


def changed_files_since(ref: str, root: Path = paths.REPO_ROOT) -> list[str]:
    """Files changed between `ref` and the working tree (committed or not), repository-relative."""
    result = subprocess.run(
        ["git", "diff", "--name-only", ref, "--"], cwd=root, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ConfigError(
            [f"--changed-since: git cannot compare with {ref!r}: {result.stderr.strip() or 'unknown error'}"]
        )
    untracked = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"], cwd=root, capture_output=True, text=True, check=False
    )
    return sorted({line for line in (result.stdout + untracked.stdout).splitlines() if line.strip()})
