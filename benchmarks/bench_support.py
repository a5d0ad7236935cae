"""Helpers shared by the benchmarks (`benchmarks/p*.py`): their work dir, timed commands, CPU seconds,
the emulator's log and the version of the code under measurement.

Standard library only. The scripts run as `python benchmarks/pX.py`, so this directory is on sys.path
and they import it as `bench_support`.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
MARKER = ".benchmark-work-dir"
WATCHED = ("orchestrator", "modules", "envs", "bootstrap", "platform.yaml")  # what code_version() watches

T = TypeVar("T")


# ---- work dir -----------------------------------------------------------------------------------
def claim_work_dir(path: Path, script: str) -> Path:
    """`path`, resolved and created, as a work dir of the benchmarks' own: never the repository or
    inside it, and either empty or marked by an earlier benchmark; exits otherwise. Marks it as
    created by `script` (the benchmark's `__file__`); clearing stale contents is the caller's part."""
    work = path.resolve()
    if work == REPO or REPO in work.parents:
        sys.exit(f"--work-dir must be outside the repository (value {work})")
    if work.is_dir() and any(work.iterdir()) and not (work / MARKER).is_file():
        sys.exit(f"--work-dir {work} is not empty and was not created by a benchmark; choose another one")
    work.mkdir(parents=True, exist_ok=True)
    (work / MARKER).write_text(f"created by benchmarks/{Path(script).name}\n", encoding="utf-8")
    return work


def log_tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a text file (a command's log)."""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def init_log_times(directory: Path, pattern: str) -> dict[Path, float]:
    """The modification time of every `init.log` matching `pattern` below `directory`: the
    orchestrator rewrites a root's log when it re-runs `terraform init` there."""
    return {log: log.stat().st_mtime for log in directory.glob(pattern)}


def count_changed(before: dict[Path, float], after: dict[Path, float]) -> int:
    """How many files of `after` are new since `before` or have another modification time there."""
    return sum(1 for log, mtime in after.items() if before.get(log) != mtime)


# ---- commands -----------------------------------------------------------------------------------
def orchestrator_command(*args: str) -> list[str]:
    """`python -m orchestrator <args>`, with this interpreter."""
    return [sys.executable, "-m", "orchestrator", *args]


def timed_run(command: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `command` to its end, output captured as text, whatever its exit code: the wall seconds
    it took and its result."""
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, result


def output_tail(stdout: str, stderr: str, chars: int = 3000) -> str:
    """The last `chars` characters of a failed command's stdout, then of its stderr."""
    return f"{stdout[-chars:]}\n{stderr[-chars:]}"


def round_order(items: Sequence[T], round_number: int) -> list[T]:
    """`items` as they are in odd rounds and reversed in even ones, so that machine noise and warm
    caches hit every side alike."""
    return list(items) if round_number % 2 else list(reversed(items))


# ---- CPU and load -------------------------------------------------------------------------------
def children_cpu() -> float:
    """user+sys seconds of every waited-for descendant so far: each command's whole tree (the
    orchestrator waits for terraform, terraform for its provider plugins)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int | None) -> float:
    """user+sys seconds of a running process (the emulator), from /proc; 0 without a pid."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


class CpuMeter:
    """user+sys seconds spent during a `with` block: `tree` by the commands waited for meanwhile
    (their whole process trees), `emulator` by the process `emulator_pid` (if any) meanwhile.
    Both stay 0 when the block raises."""

    def __init__(self, emulator_pid: int | None) -> None:
        self.tree = 0.0
        self.emulator = 0.0
        self._emulator_pid = emulator_pid
        self._start = (0.0, 0.0)

    def __enter__(self) -> CpuMeter:
        self._start = (children_cpu(), process_cpu(self._emulator_pid))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.tree = children_cpu() - self._start[0]
            self.emulator = process_cpu(self._emulator_pid) - self._start[1]


def load_average() -> str:
    """The 1-minute load average, one decimal: other work on the machine skews every side."""
    return f"{os.getloadavg()[0]:.1f}"


# ---- what was measured --------------------------------------------------------------------------
def emulator_problems(log: Path) -> str:
    """Tracebacks and HTTP error statuses in the emulator's log (4xx are mostly expected lookups)."""
    if not log.is_file():
        return "no emulator log"
    text = log.read_text(encoding="utf-8", errors="replace")
    statuses = Counter(re.findall(r'" ([45]\d\d) ', text))
    listed = ", ".join(f"{code} x{count}" for code, count in sorted(statuses.items())) or "none"
    return f"{text.count('Traceback')} tracebacks; HTTP 4xx/5xx: {listed}"


def code_version() -> str:
    """The repository's HEAD and how many orchestrator/Terraform files are uncommitted (others may edit them meanwhile)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", *WATCHED], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.splitlines()
    diff = subprocess.run(["git", "diff", "HEAD", "--", *WATCHED], cwd=REPO, capture_output=True, check=False).stdout
    return f"{head or '?'} ({len(dirty)} uncommitted file(s) in {', '.join(WATCHED)}; diff {hashlib.sha256(diff).hexdigest()[:8]})"


def warn_if_code_changed(code_at_start: str) -> None:
    """Print a warning when code_version() is no longer `code_at_start`: the code changed during the run."""
    code_at_end = code_version()
    if code_at_end != code_at_start:
        print(f"WARNING: the repository changed during the run: {code_at_start} -> {code_at_end}")


def print_outcome(goal: str, code_at_start: str, prepared: float, started: float, emulator_log: Path) -> None:
    """A run's last line(s): a warning if the code changed during the run, then `goal` (whether it was met),
    the preparing apply's seconds, the wall seconds since `started` (a time.perf_counter() value) and
    the problems in the emulator's log."""
    warn_if_code_changed(code_at_start)
    print(
        f"{goal}; prepare apply {prepared:.0f}s; total wall time {time.perf_counter() - started:.0f}s; "
        f"emulator log: {emulator_problems(emulator_log)}"
    )
