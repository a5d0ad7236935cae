"""Tier 4: the README's command as a person runs it: `python -m orchestrator apply` with the default
local target (the emulator is started and stopped by the command, its resources kept between runs)
— the session's world (tests/world.py) is built by exactly that command, twice. A model's whole
way on the environments it built is test_journey.py; `destroy` of everything is in test_destroy.py, after every
test that uses the world.

The tests of this file run in order on one worker (pytest-xdist group)."""

from __future__ import annotations

import fcntl
import re
from pathlib import Path

import pytest

from tests.integration.conftest import World, orchestrator

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-readme-flow")]


def test_apply_twice_second_is_a_no_op(world: World) -> None:
    """The world's two runs of `python -m orchestrator apply` (tests/world.py), from nothing."""
    first = world.first_apply
    assert first.returncode == 0, first.stderr[-4000:]
    assert re.search(r"^dev/foundation .*s  applied$", first.stdout, re.MULTILINE), first.stdout
    assert re.search(r"^prod/hosting .*s  applied$", first.stdout, re.MULTILINE), first.stdout
    assert "stack(s)" in first.stdout  # the summary: stacks, resources, time

    second = world.second_apply
    assert second.returncode == 0, second.stderr[-4000:]
    assert "No changes" in second.stdout
    assert not re.search(r"s  applied$", second.stdout, re.MULTILINE), second.stdout


def test_a_second_local_run_fails_fast_naming_the_lock(tmp_path: Path) -> None:
    lock_file = tmp_path / "work" / "local" / "emulator-state.lock"
    lock_file.parent.mkdir(parents=True)
    with lock_file.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write("pid 4242")
        handle.flush()
        run = orchestrator(["plan"], tmp_path / "work", timeout=60)
    assert run.returncode == 1
    assert str(lock_file) in run.stderr and "pid 4242" in run.stderr
