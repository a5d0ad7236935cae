"""Whether the emulator still serves: an owned one by its process, an attached one by its answer."""

from __future__ import annotations

import http.server
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from orchestrator.emulator.process import (
    LOST_WITH_THE_EMULATOR,
    Emulator,
    answers_within,
    attach_emulator,
    probe,
)


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


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    delay = 0.0

    def do_GET(self) -> None:
        time.sleep(self.delay)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the signature http.server calls
        pass


def _serve(delay: float) -> tuple[http.server.HTTPServer, str]:
    handler = type("Handler", (_SlowHandler,), {"delay": delay})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_a_busy_emulator_is_waited_for_and_a_refused_connection_is_final_at_once() -> None:
    server, url = _serve(delay=1.5)  # behind other requests: it answers, later than one probe waits
    try:
        assert probe(url, timeout=0.3) == "busy"
        assert answers_within(url, patience=10)
        assert attach_emulator(url).url == url
        assert Emulator(url, None, owned=False).gone() is None
    finally:
        server.shutdown()
        server.server_close()
    started = time.monotonic()
    assert probe("http://127.0.0.1:1") == "absent" and not answers_within("http://127.0.0.1:1", patience=30)
    assert time.monotonic() - started < 5


def test_an_emulator_that_stays_silent_is_given_up_after_the_patience() -> None:
    with socket.socket() as listening:  # accepts connections, never answers
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        url = f"http://127.0.0.1:{listening.getsockname()[1]}"
        started = time.monotonic()
        assert not answers_within(url, patience=1.0)
        assert 1.0 <= time.monotonic() - started < 5
