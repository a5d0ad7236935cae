"""requirements.lock is current: compiled (scripts/lock.sh) from the dependencies the three
pyproject.toml files declare now, pinning each of them to an allowed version, every pin hashed.

`inputs_digest` fingerprints what the lock is compiled from: each file's `requires-python`,
`dependencies` and `optional-dependencies`, read as TOML (a comment or a tool setting does not
count). scripts/lock.sh writes it as the lock's first line; a changed dependency changes it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO_ROOT

LOCK = REPO_ROOT / "requirements.lock"
PYPROJECTS = [
    REPO_ROOT / "pyproject.toml",
    REPO_ROOT / "seed_code" / "model_build" / "pyproject.toml",
    REPO_ROOT / "seed_code" / "model_deploy" / "pyproject.toml",
]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
PYTHONS = ("3.11", "3.12")  # requires-python of the orchestrator: >=3.11,<3.13


def inputs_digest(files: list[Path] = PYPROJECTS) -> str:
    inputs = {}
    for file in files:
        project = tomllib.loads(file.read_text(encoding="utf-8"))["project"]
        keys = ("requires-python", "dependencies", "optional-dependencies")
        inputs[str(file.relative_to(REPO_ROOT))] = {key: project.get(key) for key in keys}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def requirements(files: list[Path] = PYPROJECTS) -> list[Requirement]:
    """Every requirement of the three files: dependencies and all their extras."""
    found = []
    for file in files:
        project = tomllib.loads(file.read_text(encoding="utf-8"))["project"]
        extras = project.get("optional-dependencies", {}).values()
        found += [Requirement(line) for group in [project.get("dependencies", []), *extras] for line in group]
    return found


def pins(python: str) -> dict[str, Version]:
    """The lock's pins that apply on `python` (their environment marker holds), by canonical name."""
    environment: dict[str, str] = {
        **{key: str(value) for key, value in default_environment().items()},
        "python_version": python,
        "python_full_version": f"{python}.0",
    }
    found: dict[str, Version] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if not match:
            continue
        marker = Requirement(f"x; {match.group(3)}").marker if match.group(3) else None
        if marker is None or marker.evaluate(environment):
            found[canonicalize_name(match.group(1))] = Version(match.group(2))
    return found


@pytest.mark.gate
def test_the_lock_is_compiled_from_the_current_pyproject_files() -> None:
    first = LOCK.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# inputs: {inputs_digest()}", (
        "requirements.lock is older than a dependency change in a pyproject.toml: run `bash scripts/lock.sh`"
    )


@pytest.mark.gate
@pytest.mark.parametrize("python", PYTHONS)
def test_every_requirement_is_pinned_to_an_allowed_version(python: str) -> None:
    locked = pins(python)
    wrong = [
        f"{requirement} (locked: {locked.get(canonicalize_name(requirement.name), 'missing')})"
        for requirement in requirements()
        if canonicalize_name(requirement.name) not in locked
        or not requirement.specifier.contains(locked[canonicalize_name(requirement.name)], prereleases=True)
    ]
    assert not wrong, f"not in requirements.lock as required on Python {python}: {wrong}; run `bash scripts/lock.sh`"


@pytest.mark.gate
def test_every_pin_carries_its_hashes() -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8"))
    unhashed = [
        block.split()[0] for block in blocks if PIN.match(block.splitlines()[0]) and "--hash=sha256:" not in block
    ]
    assert not unhashed, f"pins without hashes: {unhashed}"
