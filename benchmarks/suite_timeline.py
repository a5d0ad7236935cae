"""When each xdist worker ran what: the suite's timeline, to see its critical path (the world's
build, then its tests, then its destroy) and the time a worker waited.

Two halves:

* a pytest plugin (`-p suite_timeline`, with `benchmarks/` on PYTHONPATH and SUITE_TIMELINE_DIR set
  to an empty directory): every process of the run (the controller and each worker) appends one
  JSON line per test start and end to `<dir>/<worker>.jsonl`; without SUITE_TIMELINE_DIR it does
  nothing. `suite_profile.py` loads it when it runs pytest; add it to any run with
      SUITE_TIMELINE_DIR=/tmp/tl PYTHONPATH=benchmarks PYTEST_ADDOPTS="-p suite_timeline" ./scripts/test.sh
* `read_timeline(dir)` and `print_timeline(...)`: per worker, its work units in the order it ran
  them (a unit is a test file, or one root's `terraform test`: the root conftest.py's scheduling),
  from/to in seconds since the first test started, with the gaps between them, and when the
  session's world was ready (the mtime of `world/world.json` in the run's base temporary directory).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

ENV = "SUITE_TIMELINE_DIR"
MODULE_TESTS = "tests/terraform/test_modules.py::test_validate_and_terraform_test["
"""Node-id prefix of each root's `terraform validate` + `terraform test` (one test, and one work unit, per root)."""

_log: TextIO | None = None


def _write(event: str, nodeid: str) -> None:
    global _log
    directory = os.environ.get(ENV)
    if not directory:
        return
    if _log is None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "controller")
        _log = (Path(directory) / f"{worker}.jsonl").open("a", encoding="utf-8", buffering=1)
    _log.write(json.dumps({"t": time.time(), "event": event, "test": nodeid}) + "\n")


def pytest_runtest_logstart(nodeid: str, location: Any) -> None:
    _write("start", nodeid)


def pytest_runtest_logfinish(nodeid: str, location: Any) -> None:
    _write("end", nodeid)


# ---- reading ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """One work unit on one worker: from its first test's start to its last test's end."""

    unit: str
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


def unit_of(nodeid: str) -> str:
    return nodeid if nodeid.startswith(MODULE_TESTS) else nodeid.split("::", 1)[0]


def spans_of(events: list[dict[str, Any]]) -> list[Span]:
    """A worker's events as the units it ran, in order (a unit's tests run one after another)."""
    spans: list[Span] = []
    for event in sorted(events, key=lambda e: float(e["t"])):
        unit, moment = unit_of(str(event["test"])), float(event["t"])
        if spans and spans[-1].unit == unit:
            spans[-1] = Span(unit, spans[-1].start, moment)
        else:
            spans.append(Span(unit, moment, moment))
    return spans


def read_timeline(directory: Path) -> dict[str, list[Span]]:
    """Each worker's spans (the controller's own log, which repeats the workers', is read only when
    there is no worker: a run without xdist)."""
    workers: dict[str, list[Span]] = {}
    logs = sorted(directory.glob("gw*.jsonl")) or sorted(directory.glob("controller.jsonl"))  # -n 0: one process
    for log in logs:
        events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
        workers[log.stem] = spans_of(events)
    return workers


def print_timeline(workers: dict[str, list[Span]], world_ready: float | None, shortest: float = 5.0) -> None:
    """Per worker its units of `shortest` seconds or more (the others are summed), from/to since
    the first test, and the gaps; then when the world was ready."""
    starts = [span.start for spans in workers.values() for span in spans]
    if not starts:
        print("timeline: no events (was the plugin loaded, with SUITE_TIMELINE_DIR set?)")
        return
    zero = min(starts)
    print(f"timeline (seconds since the first test; units of {shortest:.0f} s or more)")
    for worker, spans in workers.items():
        busy = sum(span.seconds for span in spans)
        last = max(span.end for span in spans) - zero
        print(f"  {worker}: busy {busy:.0f} s of {last:.0f} s")
        small = 0.0
        for span in spans:
            if span.seconds < shortest:
                small += span.seconds
                continue
            print(f"    {span.start - zero:7.0f} {span.end - zero:7.0f} {span.seconds:6.0f}  {span.unit}")
        print(f"    {'':15} {small:6.0f}  (the units shorter than {shortest:.0f} s)")
    if world_ready is not None:
        print(f"  the world was ready at {world_ready - zero:.0f} s")


def world_ready_time(basetemp: Path | None) -> float | None:
    record = basetemp / "world" / "world.json" if basetemp else None
    return record.stat().st_mtime if record is not None and record.is_file() else None
