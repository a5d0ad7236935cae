"""The lock files are current: each compiled (scripts/lock.sh) from the requirements its inputs
declare now, pinning each of them to an allowed version, every pin hashed.

  requirements.lock                 the three pyproject.toml files (.venv)
  tools/checkov/requirements.lock   tools/checkov/requirements.in (.venv-checkov)

`inputs_digest` fingerprints what a lock is compiled from: of a pyproject.toml its
`requires-python`, `dependencies` and `optional-dependencies`, read as TOML (a comment or a tool
setting does not count), of a requirements file its requirement lines. scripts/lock.sh writes it
as the lock's first line; a changed requirement changes it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO_ROOT

PYPROJECTS = [
    REPO_ROOT / "pyproject.toml",
    REPO_ROOT / "seed_code" / "model_build" / "pyproject.toml",
    REPO_ROOT / "seed_code" / "model_deploy" / "pyproject.toml",
]
LOCKS = {
    REPO_ROOT / "requirements.lock": PYPROJECTS,
    REPO_ROOT / "tools" / "checkov" / "requirements.lock": [REPO_ROOT / "tools" / "checkov" / "requirements.in"],
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
PYTHONS = ("3.11", "3.12")  # requires-python of the orchestrator: >=3.11,<3.13


def declared(file: Path) -> Any:
    """What a lock is compiled from, of one input file."""
    if file.suffix == ".toml":
        project = tomllib.loads(file.read_text(encoding="utf-8"))["project"]
        return {key: project.get(key) for key in ("requires-python", "dependencies", "optional-dependencies")}
    lines = (line.split("#", 1)[0].strip() for line in file.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def inputs_digest(files: Sequence[str | Path] = PYPROJECTS) -> str:
    paths = [Path(file).resolve() for file in files]
    inputs = {str(path.relative_to(REPO_ROOT)): declared(path) for path in paths}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def requirements(files: Sequence[Path]) -> list[Requirement]:
    """Every requirement of the input files: a pyproject's dependencies and all its extras."""
    found: list[Requirement] = []
    for file in files:
        inputs = declared(file)
        groups = (
            [inputs["dependencies"] or [], *(inputs["optional-dependencies"] or {}).values()]
            if isinstance(inputs, dict)
            else [inputs]
        )
        found += [Requirement(line) for group in groups for line in group]
    return found


def pins(lock: Path, python: str) -> dict[str, Version]:
    """The lock's pins that apply on `python` (their environment marker holds), by canonical name."""
    environment = {str(key): str(value) for key, value in default_environment().items()}
    environment |= {"python_version": python, "python_full_version": f"{python}.0"}
    found: dict[str, Version] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match and (not match.group(3) or Marker(match.group(3)).evaluate(environment)):
            found[canonicalize_name(match.group(1))] = Version(match.group(2))
    return found


def label(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))


@pytest.mark.gate
@pytest.mark.parametrize("lock", LOCKS, ids=label)
def test_the_lock_is_compiled_from_the_current_requirements(lock: Path) -> None:
    first = lock.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# inputs: {inputs_digest(LOCKS[lock])}", (
        f"{label(lock)} is older than a requirement change in {[label(file) for file in LOCKS[lock]]}: "
        "run `bash scripts/lock.sh`"
    )


@pytest.mark.gate
@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("lock", LOCKS, ids=label)
def test_every_requirement_is_pinned_to_an_allowed_version(lock: Path, python: str) -> None:
    locked = pins(lock, python)
    wrong = [
        f"{requirement} (locked: {locked.get(canonicalize_name(requirement.name), 'missing')})"
        for requirement in requirements(LOCKS[lock])
        if canonicalize_name(requirement.name) not in locked
        or not requirement.specifier.contains(locked[canonicalize_name(requirement.name)], prereleases=True)
    ]
    assert not wrong, f"not in {label(lock)} as required on Python {python}: {wrong}; run `bash scripts/lock.sh`"


@pytest.mark.gate
@pytest.mark.parametrize("lock", LOCKS, ids=label)
def test_every_pin_carries_its_hashes(lock: Path) -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
    unhashed = [
        block.split()[0] for block in blocks if PIN.match(block.splitlines()[0]) and "--hash=sha256:" not in block
    ]
    assert not unhashed, f"pins without hashes in {label(lock)}: {unhashed}"
