"""Whether the emulator still serves: an owned one by its process, an attached one by its answer."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from orchestrator.emulator.process import LOST_WITH_THE_EMULATOR, Emulator


def _process(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code])


def test_an_owned_emulator_is_gone_once_its_process_has_exited(tmp_path: Path) -> None:
    running = _process("import time; time.sleep(30)")
    emulator = Emulator(
        "http://127.0.0.1:1", running.pid, owned=True, process=running, log_file=tmp_path / "emulator.log"
    )
    try:
        assert emulator.gone() is None
        running.send_signal(signal.SIGKILL)
        running.wait()
        gone = emulator.gone()
        assert gone is not None and gone.what.startswith(
            "the local emulator exited during the run (killed by signal SIGKILL)"
        )
        assert gone.log == tmp_path / "emulator.log" and gone.lost == LOST_WITH_THE_EMULATOR and gone.restart == ""
    finally:
        running.kill()
        running.wait()


def test_an_owned_emulator_that_ended_by_itself_gives_its_exit_code() -> None:
    ended = _process("raise SystemExit(3)")
    ended.wait()
    gone = Emulator("http://127.0.0.1:1", ended.pid, owned=True, process=ended).gone()
    assert gone is not None and "(exit code 3)" in gone.what


def test_an_attached_emulator_is_gone_when_it_no_longer_answers() -> None:
    gone = Emulator("http://127.0.0.1:1", None, owned=False).gone()  # port 1: nothing listens there
    assert gone is not None and gone.what.startswith(
        "the emulator at http://127.0.0.1:1 stopped answering during the run"
    )
    assert "emulator start" in gone.restart and gone.lost.startswith("if it died: ")
