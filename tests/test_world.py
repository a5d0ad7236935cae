"""The session's world (tests/world.py): how a waiting test learns that the background builder
finished, failed, or died without a word."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import world


def test_a_waiting_test_reads_the_builders_record(tmp_path: Path) -> None:
    world._write_record(tmp_path, {"url": "http://127.0.0.1:1"})
    assert world._wait_for_record(tmp_path, timeout=5) == {"url": "http://127.0.0.1:1"}
    assert not (tmp_path / "world.json.partial").exists()


def test_a_builder_that_died_without_a_record_is_reported_with_its_log(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    (tmp_path / "builder.pid").write_text(dead.stdout.strip())
    (tmp_path / "builder.log").write_text("Killed while applying dev/foundation\n")
    record = world._wait_for_record(tmp_path, timeout=30)
    assert "ended without a record" in record["error"] and "dev/foundation" in record["error"]


def test_a_builder_that_takes_too_long_is_reported(tmp_path: Path) -> None:
    record = world._wait_for_record(tmp_path, timeout=0)
    assert "was not built within 0s" in record["error"]


def test_only_the_first_caller_starts_a_builder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    class FakePopen:
        pid = 4242

        def __init__(self, args: list[str], **_: object) -> None:
            started.append(args)

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    world.start_building(tmp_path)
    world.start_building(tmp_path)
    assert len(started) == 1 and started[0][1:] == ["-m", "tests.world", str(tmp_path)]
    assert (tmp_path / "builder.pid").read_text() == "4242"
