"""Start, find and stop the emulator process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from orchestrator.emulator.server import STATE_NOT_SAVED
from orchestrator.errors import OrchestratorError
from orchestrator.faults import Gone, exit_status

STARTUP_TIMEOUT_SECONDS = 60.0
# The emulator serves one request at a time (serialized.py): behind a burst of Terraform's calls on a loaded
# machine a probe can wait seconds for its turn. Such an emulator is busy, not gone; only a refused
# connection, or no answer for this long, means nothing serves at the URL.
BUSY_PATIENCE_SECONDS = 90.0
URL_ENV_VAR = "ORCHESTRATOR_EMULATOR_URL"
LOST_WITH_THE_EMULATOR = (
    "what it created since it last stopped cleanly (it saves its resources only when it stops), with the Terraform "
    "state it held; the next run's emulator starts from that save and the rerun makes the rest again"
)


@dataclass
class Emulator:
    url: str
    pid: int | None
    owned: bool  # started by this run, so stopped by it
    process: subprocess.Popen[bytes] | None = None
    log_file: Path | None = None

    def gone(self) -> Gone | None:
        """Why this emulator no longer serves (its process exited, or an attached one stopped
        answering); None while it serves."""
        if self.process is not None:
            code = self.process.poll()
            return None if code is None else exited(code, self.log_file)
        if answers_within(self.url, BUSY_PATIENCE_SECONDS):
            return None
        return Gone(
            f"the emulator at {self.url} stopped answering during the run (it was started apart from this run); "
            "Terraform's errors below are the consequence",
            restart="start an emulator again (`python -m orchestrator emulator start`), then, with --emulator-url set to its URL: ",
            lost=f"if it died: {LOST_WITH_THE_EMULATOR}",
        )

    def stop(self) -> None:
        if not self.owned or self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)  # it saves its state on the way out
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.returncode == STATE_NOT_SAVED:
            raise OrchestratorError(
                f"the emulator could not save its resources (see {self.log_file}): what this run created is not "
                "kept for the next local run, and the Terraform state of this run was held by the emulator too"
            )


def exited(code: int, log_file: Path | None) -> Gone:
    return Gone(
        f"the local emulator exited during the run ({exit_status(code)}); Terraform's errors below are the consequence",
        log_file,
        lost=LOST_WITH_THE_EMULATOR,
    )


def emulator_available() -> tuple[bool, str]:
    try:
        import moto  # noqa: PLC0415
    except ImportError:
        return False, "moto is not installed (pip install -e '.[local]')"
    return True, f"moto {moto.__version__}"


def probe(url: str, timeout: float = 2.0) -> Literal["answers", "busy", "absent"]:
    """One request to the emulator: it answered, it accepted the connection but did not answer in time
    (busy with other requests), or nothing accepted the connection (or it failed)."""
    try:
        with urllib.request.urlopen(f"{url}/moto-api/reset-auth", timeout=timeout) as response:  # noqa: S310
            status: int = response.status
            return "answers" if status < 500 else "absent"
    except urllib.error.HTTPError as exc:
        return "answers" if exc.code < 500 else "absent"
    except TimeoutError:
        return "busy"
    except urllib.error.URLError as exc:
        return "busy" if isinstance(exc.reason, TimeoutError) else "absent"
    except OSError:
        return "absent"


def is_responding(url: str, timeout: float = 2.0) -> bool:
    return probe(url, timeout) == "answers"


def answers_within(url: str, patience: float) -> bool:
    """Whether the emulator at url answers within `patience` seconds: one request, waited for as long as that
    (a retry with a short timeout would only queue behind its own abandoned predecessors); a refused connection
    is final at once."""
    return probe(url, timeout=patience) == "answers"


def start_emulator(log_file: Path, state_file: Path | None = None) -> Emulator:
    available, detail = emulator_available()
    if not available:
        raise OrchestratorError(f"the local target needs the emulator: {detail}")
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log = log_file.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestrator.emulator.server", "--port", "0"]
        + (["--state-file", str(state_file)] if state_file else []),
        stdout=subprocess.PIPE,
        stderr=log,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C must not kill it before Terraform has released its lock
        env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"},
    )
    log.close()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    assert process.stdout is not None  # noqa: S101 - started with stdout=PIPE
    line = process.stdout.readline().decode().strip()
    if line.startswith("ERROR "):
        process.wait()
        raise OrchestratorError(f"the emulator did not start: {line.removeprefix('ERROR ')}")
    if not line.startswith("READY "):
        process.kill()
        raise OrchestratorError(f"the emulator did not start (see {log_file}): {line or 'no output'}")
    url = line.split(" ", 1)[1]
    while not is_responding(url):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise OrchestratorError(
                f"the emulator at {url} did not answer within {STARTUP_TIMEOUT_SECONDS:.0f}s (see {log_file})"
            )
        time.sleep(0.1)
    return Emulator(url=url, pid=process.pid, owned=True, process=process, log_file=log_file)


def attach_emulator(url: str) -> Emulator:
    url = url.rstrip("/")
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise OrchestratorError(f"{URL_ENV_VAR}/--emulator-url must point to the loopback interface (value {url!r})")
    if not answers_within(url, BUSY_PATIENCE_SECONDS):
        raise OrchestratorError(f"no emulator answers at {url}; start one with `python -m orchestrator emulator start`")
    return Emulator(url=url, pid=None, owned=False)


def write_handle(emulator: Emulator, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"url": emulator.url, "pid": emulator.pid}), encoding="utf-8")


def read_handle(path: Path) -> dict[str, object] | None:
    if not path.is_file():
        return None
    handle: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return handle


def stop_by_handle(path: Path) -> bool:
    handle = read_handle(path)
    pid = handle.get("pid") if handle else None
    if not isinstance(pid, int) or not pid:
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    path.unlink(missing_ok=True)
    return True
