"""Signal forwarding: every running terraform gets exactly one SIGINT per signal, including one
that was still being registered when the signal arrived."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from orchestrator.signals import ChildProcesses

TRAP = "import signal, sys, time\nsignal.signal(signal.SIGINT, lambda *_: (open(sys.argv[1], 'a').write('INT\\n')))\nopen(sys.argv[1], 'a').write('ready\\n')\ntime.sleep(30)\n"


def _child(tmp_path: Path, name: str) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp_path / f"{name}.log"
    process = subprocess.Popen([sys.executable, "-c", TRAP, str(log)])
    deadline = time.monotonic() + 20
    while not (log.exists() and "ready" in log.read_text()):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return process, log


def _signals(log: Path) -> list[str]:
    time.sleep(0.3)
    return [line for line in log.read_text().split() if line == "INT"]


def test_a_signal_reaches_each_registered_child_once(tmp_path: Path) -> None:
    children = ChildProcesses()
    first, first_log = _child(tmp_path, "first")
    second, second_log = _child(tmp_path, "second")
    try:
        children.add(first)
        children.add(second)
        children.forward(signal.SIGINT)
        assert _signals(first_log) == ["INT"] and _signals(second_log) == ["INT"]
        assert children.interrupted_by == signal.SIGINT
    finally:
        first.kill()
        second.kill()


def test_a_child_registered_after_the_signal_still_gets_it_once(tmp_path: Path) -> None:
    children = ChildProcesses()
    children.forward(signal.SIGINT)  # arrives while the child is starting
    late, late_log = _child(tmp_path, "late")
    try:
        children.add(late)
        assert _signals(late_log) == ["INT"]
    finally:
        late.kill()
