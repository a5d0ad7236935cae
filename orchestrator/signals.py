"""Forward SIGINT/SIGTERM to running Terraform processes instead of dying under them.

Terraform runs in its own session, so a Ctrl-C in the terminal reaches only the orchestrator;
the orchestrator then sends exactly one SIGINT per signal to each running Terraform, which stops
gracefully, writes its state and releases its lock. A second Ctrl-C is forwarded too (Terraform
then aborts at once, as it would in a terminal).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from types import FrameType


class ChildProcesses:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._children: set[subprocess.Popen[bytes]] = set()
        self.interrupted_by: int | None = None

    def add(self, process: subprocess.Popen[bytes]) -> None:
        """Register a started child. A signal that arrived while it was starting (after the
        child existed but before it was registered) is delivered to it now, exactly once."""
        with self._lock:
            self._children.add(process)
            missed = self.interrupted_by is not None
        if missed:
            _interrupt(process)

    def remove(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._children.discard(process)

    def forward(self, signum: int) -> None:
        with self._lock:
            self.interrupted_by = signum
            children = list(self._children)
        for child in children:
            _interrupt(child)


def _interrupt(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGINT)


CHILDREN = ChildProcesses()


@contextlib.contextmanager
def forwarding_signals(children: ChildProcesses = CHILDREN) -> Iterator[ChildProcesses]:
    """Install the forwarding handlers for the duration of a command (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield children
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        children.forward(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield children
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
