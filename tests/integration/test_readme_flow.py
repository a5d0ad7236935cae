"""Tier 4: the README's command as a person runs it: `python -m orchestrator apply` with the default
local target (the emulator is started and stopped by the command, its resources kept between runs)."""

from __future__ import annotations

import fcntl
import re
from pathlib import Path

import pytest

from tests.integration.conftest import orchestrator

pytestmark = pytest.mark.emulator


def test_apply_twice_second_is_a_no_op(tmp_path: Path) -> None:
    work = tmp_path / "work"
    first = orchestrator(["apply"], work)
    assert first.returncode == 0, first.stderr[-4000:]
    assert re.search(r"^dev/foundation .*s  applied$", first.stdout, re.MULTILINE), first.stdout
    assert "stack(s)" in first.stdout  # the summary: stacks, resources, time

    second = orchestrator(["apply"], work)
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
