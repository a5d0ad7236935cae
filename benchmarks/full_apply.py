"""The full three-account apply from nothing on the local target: how long `python -m orchestrator
apply` of dev, staging and prod takes, against the sum of its stacks' own durations and the CPU
seconds it spends.

* a fresh emulator (no saved state) is started here, in a work dir of its own
  (ORCHESTRATOR_WORK_DIR: generated roots, Terraform data, plugin cache, as the integration tests
  give each run), and stopped at the end;
* `python -m orchestrator apply --env dev --env staging --env prod --emulator-url URL --report-json
  FILE [--parallelism N]` runs once, as a person runs it (the bootstraps, then every stack);
* printed: each stack's duration (its plan + apply, from the run report), then the wall time, the
  sum of the durations, the CPU seconds (user+sys) of the apply's process tree (the orchestrator,
  Terraform, its providers) and of the emulator meanwhile; wall ÷ sum says how much the parallel
  stacks overlap (1: one at a time), CPU ÷ wall how much of the time the machine works rather than
  waits (2 cores: at most 2);
* beside them, the figures quoted before (FIGURES_BEFORE: orchestrator/cli.py, at parallelism 3).

One apply takes several minutes and both cores at times: run it on a quiet machine (the load is
printed) and compare parallelism levels in separate runs, e.g. `--parallelism 3`, then 6.

    .venv/bin/python benchmarks/full_apply.py [--parallelism N] [--work-dir DIR] [--keep-work-dir]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench_support import (  # noqa: E402
    MARKER,
    CpuMeter,
    claim_work_dir,
    code_version,
    emulator_problems,
    load_average,
    log_tail,
    orchestrator_command,
    warn_if_code_changed,
)

from orchestrator.emulator.process import start_emulator  # noqa: E402

ENVS = ("dev", "staging", "prod")
DEFAULT_PARALLELISM = 3  # the orchestrator's own default (orchestrator/cli.py)
APPLY_TIMEOUT_SECONDS = 1800


@dataclass(frozen=True)
class AppliedBefore:
    """A full apply of the three environments measured before."""

    parallelism: int
    wall: float  # seconds
    stack_sum: float  # seconds, the sum of the stacks' durations (approximate)
    source: str


FIGURES_BEFORE = (
    AppliedBefore(3, 359.0, 880.0, "orchestrator/cli.py, DEFAULT_PARALLELISM: 359 s at 3 against ~880 s of stack time"),
)
"""Figures quoted before, per parallelism level."""


# ---- the run report ------------------------------------------------------------------------------
@dataclass(frozen=True)
class StackTime:
    """One stack of the run report (a bootstrap is a stack too)."""

    label: str  # env/stack
    result: str
    added: int
    seconds: float


@dataclass(frozen=True)
class ApplyReport:
    """What `--report-json` says about the run."""

    ok: bool
    seconds: float  # the orchestrator's own time for the run
    stacks: list[StackTime]

    @property
    def stack_sum(self) -> float:
        return sum(stack.seconds for stack in self.stacks)


def apply_report(data: dict[str, Any]) -> ApplyReport:
    """The run report written by `python -m orchestrator apply --report-json` (RunReport.to_dict)."""
    stacks = [
        StackTime(
            f"{stack['env']}/{stack['stack']}",
            str(stack.get("result", "")),
            int(stack.get("add", 0)),
            float(stack.get("duration", 0.0)),
        )
        for stack in data.get("stacks", [])
    ]
    return ApplyReport(bool(data.get("ok", False)), float(data.get("seconds", 0.0)), stacks)


# ---- the run -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Measured:
    wall: float
    cpu_tree: float  # the apply's process tree
    cpu_emulator: float  # the emulator, meanwhile
    returncode: int


def fresh_work_dir(requested: Path | None) -> Path:
    """A work dir with nothing in it: a new temporary one, or `requested` (a benchmark's own, whose
    earlier contents are removed; it is kept afterwards)."""
    if requested is None:
        return Path(tempfile.mkdtemp(prefix="bench-full-apply-"))
    work = claim_work_dir(requested, __file__)
    for entry in work.iterdir():
        if entry.name != MARKER:
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    return work


def apply_command(emulator_url: str, report: Path, parallelism: int | None) -> list[str]:
    envs = [arg for env in ENVS for arg in ("--env", env)]
    extra = ["--parallelism", str(parallelism)] if parallelism is not None else []
    return orchestrator_command("apply", *envs, "--emulator-url", emulator_url, "--report-json", str(report), *extra)


def apply_env(work: Path) -> dict[str, str]:
    """The environment of the apply: this one, with the work dir and the repository on PYTHONPATH."""
    env = {**os.environ, "ORCHESTRATOR_WORK_DIR": str(work), "PYTHONPATH": str(REPO)}
    env.pop("ORCHESTRATOR_EMULATOR_URL", None)  # the emulator is named on the command line
    return env


def wait_or_interrupt(process: subprocess.Popen[bytes], timeout: float) -> int:
    """The apply's exit code. Past `timeout` it is interrupted as a person interrupts it (one
    SIGINT: the orchestrator stops its Terraform runs, which release their locks); a Ctrl-C here
    has reached it already. Either way it is given a minute to end, then killed."""
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        end_within_a_minute(process)
        raise
    except KeyboardInterrupt:
        end_within_a_minute(process)
        raise


def end_within_a_minute(process: subprocess.Popen[bytes]) -> None:
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_apply(command: list[str], env: dict[str, str], log: Path, emulator_pid: int | None) -> Measured:
    """Run the apply to its end (output to `log`): wall seconds, CPU seconds, exit code."""
    with log.open("w", encoding="utf-8") as output, CpuMeter(emulator_pid) as cpu:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
        )
        returncode = wait_or_interrupt(process, APPLY_TIMEOUT_SECONDS)
        wall = time.perf_counter() - start
    return Measured(wall, cpu.tree, cpu.emulator, returncode)


# ---- report ----------------------------------------------------------------------------------------
def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def print_stacks(report: ApplyReport) -> None:
    print(f"\n{'stack':<28}{'result':<12}{'added':>7}{'duration':>11}")
    for stack in report.stacks:
        print(f"{stack.label:<28}{stack.result:<12}{stack.added:>7}{stack.seconds:>10.1f}s")


def print_totals(report: ApplyReport, measured: Measured, cores: int) -> None:
    cpu = measured.cpu_tree + measured.cpu_emulator
    print(f"\nwall time of the apply        {measured.wall:>8.1f}s  (the run report's own: {report.seconds:.1f}s)")
    print(
        f"sum of the stacks' durations  {report.stack_sum:>8.1f}s  ({len(report.stacks)} stacks, bootstraps included: plan + apply each)"
    )
    print(
        f"CPU time                      {cpu:>8.1f}s  (apply's process tree {measured.cpu_tree:.1f}s + emulator {measured.cpu_emulator:.1f}s)"
    )
    print(
        f"wall ÷ sum                    {ratio(measured.wall, report.stack_sum):>9.2f}  (1: one stack at a time; lower: stacks overlap)"
    )
    print(
        f"CPU ÷ wall                    {ratio(cpu, measured.wall):>9.2f}  (of {cores} cores; the rest of the time is waiting)"
    )


def print_before(report: ApplyReport, measured: Measured, parallelism: int) -> None:
    before = next((figure for figure in FIGURES_BEFORE if figure.parallelism == parallelism), None)
    if before is None:
        quoted = ", ".join(str(figure.parallelism) for figure in FIGURES_BEFORE)
        print(f"\nno figure before at parallelism {parallelism} (quoted at: {quoted})")
        return
    print(f"\nbefore and now, parallelism {parallelism} ({before.source})")
    print(f"{'':<30}{'before':>9}{'now':>9}{'now/before':>12}")
    rows = (
        ("wall time", f"{before.wall:.0f}s", f"{measured.wall:.0f}s", ratio(measured.wall, before.wall)),
        (
            "sum of the stacks' durations",
            f"~{before.stack_sum:.0f}s",
            f"{report.stack_sum:.0f}s",
            ratio(report.stack_sum, before.stack_sum),
        ),
    )
    for label, then, now, now_to_then in rows:
        print(f"{label:<30}{then:>9}{now:>9}{now_to_then:>12.2f}")
    overlap_then, overlap_now = ratio(before.wall, before.stack_sum), ratio(measured.wall, report.stack_sum)
    print(f"{'wall ÷ sum':<30}{overlap_then:>9.2f}{overlap_now:>9.2f}{ratio(overlap_now, overlap_then):>12.2f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--parallelism", type=int, default=None, metavar="N", help="passed to apply (default: the orchestrator's, 3)"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="the run's work dir, emptied first and kept afterwards (default: a new temporary one, removed after a successful run)",
    )
    parser.add_argument(
        "--keep-work-dir", action="store_true", help="keep the temporary work dir (logs, report, generated roots)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    code_at_start = code_version()
    print(f"code: {code_at_start}", flush=True)
    work = fresh_work_dir(args.work_dir)
    report_file, log = work / "apply-report.json", work / "apply.log"
    emulator = start_emulator(work / "emulator.log")
    command = apply_command(emulator.url, report_file, args.parallelism)
    print(f"emulator {emulator.url}; work dir {work}; load {load_average()}", flush=True)
    print(f"running: {' '.join(command[1:])}  (log {log})", flush=True)
    try:
        measured = run_apply(command, apply_env(work), log, emulator.pid)
    finally:
        emulator.stop()
    print(f"apply exited {measured.returncode} after {measured.wall:.0f}s; load {load_average()}", flush=True)
    if measured.returncode != 0 or not report_file.is_file():
        print(log_tail(log))
        print(f"the apply failed: nothing to compare (work dir kept: {work})")
        return 1
    report = apply_report(json.loads(report_file.read_text(encoding="utf-8")))
    print_stacks(report)
    print_totals(report, measured, os.cpu_count() or 1)
    print_before(report, measured, args.parallelism or DEFAULT_PARALLELISM)
    warn_if_code_changed(code_at_start)
    print(
        f"emulator log: {emulator_problems(work / 'emulator.log')}; total wall time {time.perf_counter() - started:.0f}s"
    )
    if args.keep_work_dir or args.work_dir is not None:
        print(f"work dir kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
