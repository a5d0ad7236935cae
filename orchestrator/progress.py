"""Progress lines on stderr while long commands run (stdout stays free for --json output)."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self._stream = stream or sys.stderr
        self._quiet = quiet
        self._lock = threading.Lock()
        self._start = time.monotonic()

    def say(self, label: str, message: str) -> None:
        if self._quiet:
            return
        elapsed = time.monotonic() - self._start
        with self._lock:
            self._stream.write(f"[{elapsed:6.1f}s] {label}: {message}\n")
            self._stream.flush()

    def block(self, text: str) -> None:
        """A multi-line block, e.g. the readable plan shown before it is applied."""
        if self._quiet:
            return
        with self._lock:
            self._stream.write(text.rstrip() + "\n")
            self._stream.flush()
