"""One world per test session: dev, staging and prod applied once on one emulator, shared by every
test that needs applied environments, and destroyed once at the end.

The world is built in the background from the start of the run (`start_building`, called once
collection has found a test that uses it): the README's `python -m orchestrator apply` from
nothing, the same command again (a no-op), then `python -m orchestrator emulator start`, which keeps
an emulator with those resources running for the rest of the session. Meanwhile the workers run the
tests that need no world (the root conftest.py hands those out first); a test that asks for the
world (the `world` fixture of tests/conftest.py) waits until the builder has written its record.
With pytest-xdist each worker is a process of its own, so the world lives in a directory shared by
the workers of the run (the run's base temporary directory): the first worker to finish collecting
starts the one builder process, every worker attaches to the same emulator.

Destroying it is the job of the tests that ask for `world_at_end`: they are collected last, and
before they start they wait until every other test that uses the world, on any worker, has
finished (each finished test leaves a marker in the shared directory). The emulator is stopped when
the whole run ends (`stop_world`, called from the session's end in the main process).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
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
WAIT_FOR_THE_WORLD_SECONDS = 2 * APPLY_TIMEOUT_SECONDS + 300


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


def orchestrator(args: list[str], work_dir: Path, timeout: int = 900, env: Mapping[str, str] | None = None) -> Run:
    """Run `python -m orchestrator ARGS` as a person does, with ORCHESTRATOR_WORK_DIR=work_dir and
    the variables of `env`."""
    result = subprocess.run(
        [PYTHON, "-m", "orchestrator", *args],
        cwd=REPO_ROOT,
        env=orchestrator_env(ORCHESTRATOR_WORK_DIR=str(work_dir), **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def start_orchestrator(args: list[str], work_dir: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """Start `python -m orchestrator ARGS` without waiting for it."""
    return subprocess.Popen(
        [PYTHON, "-m", "orchestrator", *args],
        cwd=REPO_ROOT,
        env=orchestrator_env(ORCHESTRATOR_WORK_DIR=str(work_dir), **(env or {})),
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
    first = orchestrator(
        ["apply", "--report-json", str(directory / "first-apply.json")], work, timeout=APPLY_TIMEOUT_SECONDS
    )
    record: dict[str, Any] = {"work_dir": str(work), "accounts": _accounts(), "first": _run_record(first)}
    if first.returncode != 0:
        return record | {
            "error": f"the first `python -m orchestrator apply` failed (exit {first.returncode}):\n{first.stderr[-4000:]}"
        }
    second = orchestrator(
        ["apply", "--report-json", str(directory / "second-apply.json")], work, timeout=APPLY_TIMEOUT_SECONDS
    )
    record["second"] = _run_record(second)
    started = orchestrator(["emulator", "start"], work, timeout=120)
    url = re.search(r"ORCHESTRATOR_EMULATOR_URL=(\S+)", started.stdout)
    if started.returncode != 0 or url is None:
        return record | {
            "error": f"`python -m orchestrator emulator start` failed:\n{started.stdout[-2000:]}{started.stderr[-2000:]}"
        }
    return record | {"url": url.group(1)}


def _write_record(directory: Path, record: dict[str, Any]) -> None:
    """world.json appears whole or not at all (a waiting worker never reads half of it)."""
    partial = directory / "world.json.partial"
    partial.write_text(json.dumps(record), encoding="utf-8")
    partial.replace(directory / "world.json")


def build_here(directory: Path) -> None:
    """The builder process: build the world, then record it (or why it could not be built)."""
    try:
        record = _build(directory)
    except BaseException as error:  # the record must be written whatever happens, or every world test waits
        record = {"error": f"the world's builder stopped: {type(error).__name__}: {error}"}
        _write_record(directory, record)
        raise
    _write_record(directory, record)


def start_building(directory: Path) -> None:
    """Start the run's one builder process (`python -m tests.world DIR`) unless a process of this run
    has started it already. It runs in a session of its own, so `stop_world` can end it with
    everything it started."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(directory / "builder.pid", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    with (directory / "builder.log").open("w", encoding="utf-8") as log:
        builder = subprocess.Popen(
            [PYTHON, "-m", "tests.world", str(directory)],
            cwd=REPO_ROOT,
            env=orchestrator_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    os.write(handle, str(builder.pid).encode())
    os.close(handle)


def _builder_pid(directory: Path) -> int | None:
    try:
        return int((directory / "builder.pid").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped by its parent, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_for_record(directory: Path, timeout: float = WAIT_FOR_THE_WORLD_SECONDS) -> dict[str, Any]:
    record_file = directory / "world.json"
    deadline = time.monotonic() + timeout
    while not record_file.is_file():
        pid = _builder_pid(directory)
        if pid is not None and not _alive(pid) and not record_file.is_file():
            log = (directory / "builder.log").read_text(encoding="utf-8", errors="replace")[-3000:]
            return {"error": f"the world's builder (pid {pid}) ended without a record; its log ends:\n{log}"}
        if time.monotonic() > deadline:
            return {"error": f"the world was not built within {timeout:.0f}s (see {directory / 'builder.log'})"}
        time.sleep(1)
    return dict(json.loads(record_file.read_text(encoding="utf-8")))


def open_world(directory: Path) -> World:
    """The world of this run, once its builder has recorded it (started here if no process of the
    run has started it). A failed build is recorded and reported to every test that asks, never
    tried twice."""
    start_building(directory)
    record = _wait_for_record(directory)
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
    """End the run's builder if it still runs (the run ended first: interrupted, or its world tests
    were all skipped), and stop the world's emulator if it started one."""
    pid = _builder_pid(directory)
    if pid is not None and _alive(pid):
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
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
            pytest.fail(
                f"{len(pending)} test(s) using the world did not finish within {timeout:.0f}s: {pending[:5]}",
                pytrace=False,
            )
        time.sleep(2)


if __name__ == "__main__":
    build_here(Path(sys.argv[1]))
