"""One world per test session: dev, staging and prod applied once on one emulator, shared by every
test that needs applied environments, and destroyed once at the end.

The world is built by the first test that asks for it (the `world` fixture of tests/conftest.py):
the README's `python -m orchestrator apply` from nothing, the same command again (a no-op), then
`python -m orchestrator emulator start`, which keeps an emulator with those resources running for
the rest of the session. With pytest-xdist each worker is a process of its own, so the world lives
in a directory shared by the workers of the run (the run's base temporary directory), guarded by a
file lock: the first worker builds it, the others wait for it and attach to the same emulator.

Destroying it is the job of the tests that ask for `world_at_end`: they are collected last, and
before they start they wait until every other test that uses the world, on any worker, has
finished (each finished test leaves a marker in the shared directory). The emulator is stopped when
the whole run ends (`stop_world`, called from the session's end in the main process).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PYTHON, REPO_ROOT, orchestrator_env

WORLD_ENVS = ("dev", "staging", "prod")
"""The README's environments, in promotion order."""

APPLY_TIMEOUT_SECONDS = 1800
WAIT_FOR_OTHER_TESTS_SECONDS = 2400


@dataclass
class Run:
    """A finished `python -m orchestrator` run."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        """The run report of a `--json` run."""
        return json.loads(self.stdout)


def orchestrator(args: list[str], work_dir: Path, timeout: int = 900, **env: str) -> Run:
    """Run `python -m orchestrator ARGS` as a person does, with ORCHESTRATOR_WORK_DIR=work_dir."""
    result = subprocess.run(
        [PYTHON, "-m", "orchestrator", *args],
        cwd=REPO_ROOT,
        env=orchestrator_env(ORCHESTRATOR_WORK_DIR=str(work_dir), **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def start_orchestrator(args: list[str], work_dir: Path, **env: str) -> subprocess.Popen[str]:
    """Start `python -m orchestrator ARGS` without waiting for it."""
    return subprocess.Popen(
        [PYTHON, "-m", "orchestrator", *args],
        cwd=REPO_ROOT,
        env=orchestrator_env(ORCHESTRATOR_WORK_DIR=str(work_dir), **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass(frozen=True)
class World:
    """The applied environments every world test shares.

    `url` is the running emulator (pass it as `--emulator-url`, or to `Account(url, account_id,
    role_name)` of tests/integration/conftest.py for boto3 clients in one account); `work_dir` is the
    ORCHESTRATOR_WORK_DIR the environments were applied with (generated roots, Terraform data);
    `accounts` maps each environment to its simulated account id. `first_apply` and `second_apply`
    are the README's two `apply` runs (the second one a no-op), with their run reports.
    """

    url: str
    work_dir: Path
    accounts: dict[str, str]
    first_apply: Run
    second_apply: Run
    first_report: dict[str, Any]
    second_report: dict[str, Any]

    @property
    def envs(self) -> tuple[str, ...]:
        return tuple(self.accounts)


def shared_dir(config: pytest.Config) -> Path:
    """The world's directory, the same for every xdist worker of one run (the run's base temporary
    directory; a worker's own is a `popen-gwN` folder under it) and for a run without xdist."""
    base: Path = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    if hasattr(config, "workerinput"):
        base = base.parent
    return base / "world"


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    with path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _accounts() -> dict[str, str]:
    return {
        env: str(yaml.safe_load((REPO_ROOT / "envs" / env / "env.yaml").read_text(encoding="utf-8"))["account_id"])
        for env in WORLD_ENVS
    }


def _run_record(run: Run) -> dict[str, Any]:
    return {"returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr}


def _report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _build(directory: Path) -> dict[str, Any]:
    """Apply the README's environments from nothing, apply them again, keep an emulator running."""
    work = directory / "work"
    first = orchestrator(["apply", "--report-json", str(directory / "first-apply.json")], work, timeout=APPLY_TIMEOUT_SECONDS)
    record: dict[str, Any] = {"work_dir": str(work), "accounts": _accounts(), "first": _run_record(first)}
    if first.returncode != 0:
        return record | {"error": f"the first `python -m orchestrator apply` failed (exit {first.returncode}):\n{first.stderr[-4000:]}"}
    second = orchestrator(["apply", "--report-json", str(directory / "second-apply.json")], work, timeout=APPLY_TIMEOUT_SECONDS)
    record["second"] = _run_record(second)
    started = orchestrator(["emulator", "start"], work, timeout=120)
    url = re.search(r"ORCHESTRATOR_EMULATOR_URL=(\S+)", started.stdout)
    if started.returncode != 0 or url is None:
        return record | {"error": f"`python -m orchestrator emulator start` failed:\n{started.stdout[-2000:]}{started.stderr[-2000:]}"}
    return record | {"url": url.group(1)}


def open_world(directory: Path) -> World:
    """The world of this run: built here if no process of the run has built it yet, else read.
    A failed build is recorded and reported to every test that asks, never tried twice."""
    directory.mkdir(parents=True, exist_ok=True)
    with _exclusive(directory / "build.lock"):
        record_file = directory / "world.json"
        if not record_file.is_file():
            record_file.write_text(json.dumps(_build(directory)), encoding="utf-8")
        record = json.loads(record_file.read_text(encoding="utf-8"))
    if "error" in record:
        pytest.fail(f"the world could not be built: {record['error']}", pytrace=False)
    return World(
        url=record["url"],
        work_dir=Path(record["work_dir"]),
        accounts=record["accounts"],
        first_apply=Run(**record["first"]),
        second_apply=Run(**record["second"]),
        first_report=_report(directory / "first-apply.json"),
        second_report=_report(directory / "second-apply.json"),
    )


def stop_world(directory: Path) -> None:
    """Stop the world's emulator, if this run started one."""
    record_file = directory / "world.json"
    if not record_file.is_file():
        return
    record = json.loads(record_file.read_text(encoding="utf-8"))
    if "url" in record:
        orchestrator(["emulator", "stop"], Path(record["work_dir"]), timeout=120)


def _marker(directory: Path, nodeid: str) -> Path:
    return directory / "finished" / hashlib.sha256(nodeid.encode()).hexdigest()


def mark_finished(directory: Path, nodeid: str) -> None:
    """Record that the world test `nodeid` has finished (whatever its outcome)."""
    marker = _marker(directory, nodeid)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(nodeid, encoding="utf-8")


def wait_until_finished(directory: Path, nodeids: list[str], timeout: float = WAIT_FOR_OTHER_TESTS_SECONDS) -> None:
    """Wait until every test in `nodeids` has finished, on whichever worker it runs."""
    deadline = time.monotonic() + timeout
    while True:
        pending = [nodeid for nodeid in nodeids if not _marker(directory, nodeid).is_file()]
        if not pending:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{len(pending)} test(s) using the world did not finish within {timeout:.0f}s: {pending[:5]}", pytrace=False)
        time.sleep(2)
