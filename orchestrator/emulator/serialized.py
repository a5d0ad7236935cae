"""Serve WSGI requests one at a time.

The emulator's backends are plain dicts shared by every request thread and are not safe for
concurrent use: Terraform sends up to ten requests at once, and a handler iterating over a dict
that another request is growing fails with a 500. The SDK then retries a call that had already
taken effect (CreateFlowLogs → FlowLogAlreadyExists). Holding one lock for the whole request,
body included, removes the race; the handlers take milliseconds, while Terraform's waits happen
on the client side, so throughput does not suffer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SerializedApp:
    """Wraps a WSGI application so that at most one request runs inside it at any time."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            result = self._app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
