"""The emulator handles one request at a time, whatever the number of client threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from orchestrator.emulator.serialized import SerializedApp


class CountingApp:
    def __init__(self) -> None:
        self.inside = 0
        self.most_inside = 0
        self.closed = 0
        self._guard = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self._guard:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        app = self

        class Body:
            def __iter__(self) -> Any:
                time.sleep(0.01)  # the body is produced while other requests are waiting
                yield environ["PATH_INFO"].encode()

            def close(self) -> None:
                with app._guard:
                    app.inside -= 1
                    app.closed += 1

        start_response("200 OK", [])
        return Body()


def test_concurrent_requests_never_overlap_and_bodies_are_complete() -> None:
    inner = CountingApp()
    app = SerializedApp(inner)
    bodies: dict[int, list[bytes]] = {}

    def call(i: int) -> None:
        bodies[i] = app({"PATH_INFO": f"/{i}"}, lambda *_: None)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert inner.most_inside == 1
    assert inner.closed == 12
    assert bodies == {i: [f"/{i}".encode()] for i in range(12)}
