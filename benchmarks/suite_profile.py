"""The test suite's own profile: where the time of a `.ci/run` goes, tier by tier, beside the figures
measured before (FIGURES_BEFORE: measured 2026-12-06 on a clean clone).

Either runs pytest itself — by default the whole suite as `.ci/run` runs it (`.venv/bin/python -m
pytest` with the project's addopts: `-n 2 --dist loadfile ...`; `scripts/setup.sh` is not run), or
the paths and pytest options given after `--` — or reads the JUnit XML of an earlier run (`--from`,
e.g. a CI run's report), and prints:

* per tier (tests/orchestrator, tests/terraform, ..., seed_code/model_deploy/tests; any other test
  folder as a tier of its own): tests, failed, skipped, the sum of their durations and its share;
* the slowest tests (15 by default);
* the wall time of the run and, when this script ran pytest, the CPU seconds (user+sys) of every
  process it waited for (pytest, its xdist workers, Terraform, the emulators: resource.getrusage);
* side by side, the figures before and their counterparts now, with the ratio now/before.

A test's duration is JUnit's: setup + call + teardown, so a shared fixture counts in the first test
that uses it (the world's applies, tests/world.py, land in one test of tests/integration or
tests/security). The durations of a run with 2 workers add up to about twice its wall time.

    .venv/bin/python benchmarks/suite_profile.py                        # the whole suite (long)
    .venv/bin/python benchmarks/suite_profile.py -- tests/orchestrator -k graph
    .venv/bin/python benchmarks/suite_profile.py --junitxml report.xml  # also keep the JUnit XML
    .venv/bin/python benchmarks/suite_profile.py --from report.xml      # profile an earlier run
    .venv/bin/python benchmarks/suite_profile.py --from report.xml --timeline DIR --basetemp BT

When it runs pytest it also prints the run's timeline (suite_timeline.py: per worker, the work
units it ran, from/to, and when the world was ready); `--timeline` reads the one an earlier run
wrote with the plugin loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from bench_support import REPO, children_cpu, code_version, load_average
from suite_timeline import ENV as TIMELINE_ENV
from suite_timeline import MODULE_TESTS, print_timeline, read_timeline, world_ready_time

TIERS = (
    "tests/orchestrator",
    "tests/terraform",
    "tests/gates",
    "tests/workflows",
    "tests/docs",
    "tests/integration",
    "tests/security",
    "seed_code/model_build/tests",
    "seed_code/model_deploy/tests",
)
"""The suite's tiers, in the order they are printed (pyproject.toml's testpaths, split by folder)."""


DESTROY_UNITS = ("tests/integration/test_destroy.py::", "tests/integration/test_destroy_targets.py::")
"""The tests that destroy the world at the end of the run: dev's and the README's destroy
(test_destroy.py) and, beside them on the other worker, staging's and prod's (test_destroy_targets.py)."""


@dataclass(frozen=True)
class FigureBefore:
    """A figure measured before, and what it is compared with now."""

    key: str  # which counterpart now: wall, tests, double_apply, setup_apply, destroy, module_test
    label: str
    low: float
    high: float  # == low unless the figure was a range
    unit: str  # "s" or "tests"
    counterpart: str  # what stands beside it now


FIGURES_BEFORE = (
    FigureBefore("wall", "clean-clone .ci/run, wall time", 1385, 1385, "s", "wall time of this run (above)"),
    FigureBefore("tests", "clean-clone .ci/run, tests", 621, 621, "tests", "tests in this run"),
    FigureBefore(
        "double_apply",
        "README flow: double apply",
        394,
        394,
        "s",
        "the world's first + second apply (their run reports)",
    ),
    FigureBefore(
        "setup_apply",
        "test_dev_local: setup apply",
        277,
        277,
        "s",
        "the world's first apply, which replaced it (all three environments)",
    ),
    FigureBefore(
        "destroy",
        "README flow: destroy",
        172,
        172,
        "s",
        "the longer of test_destroy.py and test_destroy_targets.py, which run side by side (setup included: the wait for the other world tests)",
    ),
    FigureBefore(
        "module_test", "module tests, each", 40, 60, "s", "each root's validate + terraform test: min-max (median)"
    ),
)
"""Measured on a lightly loaded 2-core machine before the suite's work on its time
(2026-12-06)."""


# ---- JUnit XML ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseResult:
    """One test case of a JUnit report."""

    nodeid: str
    path: str  # the test file, relative to the repository (e.g. tests/orchestrator/test_graph.py)
    seconds: float
    outcome: str  # passed | failed | skipped


@dataclass(frozen=True)
class JUnitRun:
    """A JUnit report: its test cases and the run's own time (the testsuite's `time`)."""

    tests: list[CaseResult]
    seconds: float
    started: str  # the testsuite's timestamp ("" when absent)


def module_path(classname: str) -> tuple[str, list[str]]:
    """The test file of a pytest JUnit classname (`tests.orchestrator.test_graph.TestX` ->
    `tests/orchestrator/test_graph.py`, [TestX]): the dotted parts up to the first test module
    (`test_*` or `*_test`); the parts after it are classes."""
    parts = classname.split(".")
    for index, part in enumerate(parts):
        if part.startswith("test_") or part.endswith("_test"):
            return "/".join(parts[: index + 1]) + ".py", parts[index + 1 :]
    return "/".join(parts) + ".py", []


def outcome_of(case: ElementTree.Element) -> str:
    """passed, failed (a <failure> or <error>, e.g. in setup) or skipped."""
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    if case.find("skipped") is not None:
        return "skipped"
    return "passed"


def case_result(case: ElementTree.Element) -> CaseResult:
    """A <testcase> as a test result: its node id rebuilt from classname and name (or from `file`
    when the report has it, junit_family=xunit1)."""
    path, classes = module_path(case.get("classname", ""))
    path = case.get("file") or path
    nodeid = "::".join([path, *classes, case.get("name", "")])
    return CaseResult(nodeid, path, float(case.get("time") or 0.0), outcome_of(case))


def read_junit(path: Path) -> JUnitRun:
    """Every test case of a JUnit XML file (pytest's --junitxml), with the run's time."""
    root = ElementTree.parse(path).getroot()  # noqa: S314 - the report pytest wrote here
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = [case_result(case) for suite in suites for case in suite.iter("testcase")]
    seconds = sum(float(suite.get("time") or 0.0) for suite in suites)
    started = next((suite.get("timestamp", "") for suite in suites if suite.get("timestamp")), "")
    return JUnitRun(tests, seconds, started)


# ---- tiers ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TierTotal:
    """The tests of one tier: how many, their outcomes, the sum of their durations."""

    tier: str
    tests: int
    failed: int
    skipped: int
    seconds: float


def tier_of(path: str) -> str:
    """The tier of a test file: the listed tier it lies in, else its first two folders."""
    for tier in TIERS:
        if path.startswith(tier + "/"):
            return tier
    return "/".join(path.split("/")[:-1][:2]) or "(repository root)"


def tier_totals(tests: list[CaseResult]) -> list[TierTotal]:
    """One total per tier that has tests: the listed tiers in their order, then the others by name."""
    groups: dict[str, list[CaseResult]] = {}
    for test in tests:
        groups.setdefault(tier_of(test.path), []).append(test)
    order = [tier for tier in TIERS if tier in groups] + sorted(set(groups) - set(TIERS))
    return [
        TierTotal(
            tier,
            len(groups[tier]),
            sum(1 for t in groups[tier] if t.outcome == "failed"),
            sum(1 for t in groups[tier] if t.outcome == "skipped"),
            sum(t.seconds for t in groups[tier]),
        )
        for tier in order
    ]


def slowest(tests: list[CaseResult], count: int) -> list[CaseResult]:
    """The `count` longest tests, longest first (ties by node id)."""
    return sorted(tests, key=lambda t: (-t.seconds, t.nodeid))[:count]


# ---- figures now ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunFigures:
    """What this run measured besides its JUnit report."""

    wall: float  # seconds: this script's timing of pytest, else the JUnit report's own time
    cpu: float | None  # user+sys seconds of every process pytest waited for; None: not run here
    world_applies: tuple[float, float] | None  # the world's first and second apply, from their run reports


def world_apply_seconds(basetemp: Path | None) -> tuple[float, float] | None:
    """The `seconds` of the world's first and second apply (tests/world.py writes their run reports
    to <basetemp>/world/), or None when the run built no world."""
    if basetemp is None:
        return None
    reports = [basetemp / "world" / name for name in ("first-apply.json", "second-apply.json")]
    if not all(report.is_file() for report in reports):
        return None
    first, second = (float(json.loads(report.read_text(encoding="utf-8")).get("seconds", 0.0)) for report in reports)
    return first, second


def module_test_seconds(tests: list[CaseResult]) -> list[float]:
    return [t.seconds for t in tests if t.nodeid.startswith(MODULE_TESTS)]


def figure_now(figure: FigureBefore, tests: list[CaseResult], run: RunFigures) -> tuple[str, float | None]:
    """The figure now, as text, and the number the ratio now/before uses (None: nothing to compare)."""
    if figure.key == "tests":
        return f"{len(tests)} tests", float(len(tests))
    if figure.key == "wall":
        return f"{run.wall:.0f} s", run.wall
    if figure.key in ("double_apply", "setup_apply"):
        if run.world_applies is None:
            return "n/a", None
        seconds = sum(run.world_applies) if figure.key == "double_apply" else run.world_applies[0]
        return f"{seconds:.0f} s", seconds
    if figure.key == "destroy":
        units = [sum(t.seconds for t in tests if t.nodeid.startswith(unit)) for unit in DESTROY_UNITS]
        if not any(units):
            return ("n/a", None)
        return (f"{max(units):.0f} s", max(units))
    if figure.key == "module_test":
        seconds_each = module_test_seconds(tests)
        if not seconds_each:
            return "n/a", None
        median = statistics.median(seconds_each)
        return f"{min(seconds_each):.0f}-{max(seconds_each):.0f} s ({median:.0f})", median
    raise ValueError(f"no counterpart for the figure {figure.key!r}")


def figure_before_text(figure: FigureBefore) -> str:
    if figure.unit == "tests":
        return f"{figure.low:.0f} tests"
    return f"{figure.low:.0f} s" if figure.low == figure.high else f"{figure.low:.0f}-{figure.high:.0f} s"


# ---- report ---------------------------------------------------------------------------------------
def print_tiers(tests: list[CaseResult]) -> None:
    totals = tier_totals(tests)
    whole = sum(t.seconds for t in totals) or 1.0
    print(f"{'tier':<32}{'tests':>7}{'failed':>8}{'skipped':>9}{'durations':>12}{'share':>8}")
    for t in totals:
        print(f"{t.tier:<32}{t.tests:>7}{t.failed:>8}{t.skipped:>9}{t.seconds:>11.1f}s{t.seconds / whole:>8.1%}")
    print(
        f"{'total':<32}{len(tests):>7}{sum(t.failed for t in totals):>8}{sum(t.skipped for t in totals):>9}"
        f"{sum(t.seconds for t in totals):>11.1f}s{1:>8.1%}"
    )
    missing = [tier for tier in TIERS if tier not in {t.tier for t in totals}]
    if missing:
        print(f"  not in this run: {', '.join(missing)}")


def print_slowest(tests: list[CaseResult], count: int) -> None:
    print(f"\n{count} slowest tests (setup + call + teardown)")
    for test in slowest(tests, count):
        flag = "" if test.outcome == "passed" else f"  [{test.outcome}]"
        print(f"{test.seconds:>9.2f}s  {test.nodeid}{flag}")


def print_run(tests: list[CaseResult], run: RunFigures, ran_here: bool) -> None:
    durations = sum(t.seconds for t in tests)
    source = "this script's timing of pytest" if ran_here else "the JUnit report's own time"
    print(f"\nwall time of the run        {run.wall:>9.1f}s  ({source})")
    print(
        f"sum of the test durations   {durations:>9.1f}s  (÷ wall {durations / run.wall if run.wall else 0:.2f}: tests running at once, on average)"
    )
    if run.cpu is None:
        print(f"CPU time (children)         {'n/a':>10}  (the run was not made by this script)")
    else:
        print(
            f"CPU time (children)         {run.cpu:>9.1f}s  (÷ wall {run.cpu / run.wall if run.wall else 0:.2f}: cores busy on average;"
            " user+sys of every process pytest waited for)"
        )


def print_before_and_now(tests: list[CaseResult], run: RunFigures) -> None:
    print("\nbefore (measured 2026-12-06) and now")
    print(f"{'figure':<34}{'before':>12}{'now':>18}{'now/before':>12}  now is")
    for figure in FIGURES_BEFORE:
        text, value = figure_now(figure, tests, run)
        middle = (figure.low + figure.high) / 2
        ratio = f"{value / middle:.2f}" if value is not None else "—"
        print(f"{figure.label:<34}{figure_before_text(figure):>12}{text:>18}{ratio:>12}  {figure.counterpart}")
    print(
        "  a range's ratio is against its middle; the wall time and the tests are the whole suite's before: a subset's ratios say little"
    )


# ---- running pytest -------------------------------------------------------------------------------
def project_python() -> str:
    """The project's interpreter (as `.ci/run` uses it), else this one."""
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.is_file() else sys.executable


def pytest_command(pytest_args: list[str], junitxml: Path, basetemp: Path) -> list[str]:
    """pytest as `.ci/run` runs it (the addopts of pyproject.toml apply), plus the JUnit report, the
    base temporary directory (where the world leaves its run reports) and the timeline plugin."""
    return [
        project_python(),
        "-m",
        "pytest",
        "-p",
        "suite_timeline",
        *pytest_args,
        f"--junitxml={junitxml}",
        f"--basetemp={basetemp}",
    ]


def run_pytest(command: list[str], timeline: Path) -> tuple[float, float, int]:
    """Run pytest (its output to this terminal, no stdin), its timeline written to `timeline`: wall
    seconds, CPU seconds of every process it waited for, its exit code."""
    cpu_before = children_cpu()
    start = time.perf_counter()
    path = os.pathsep.join(filter(None, [str(REPO / "benchmarks"), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, TIMELINE_ENV: str(timeline)}
    result = subprocess.run(command, cwd=REPO, stdin=subprocess.DEVNULL, check=False, env=env)
    return time.perf_counter() - start, children_cpu() - cpu_before, result.returncode


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--from", dest="from_file", type=Path, metavar="FILE", help="profile this JUnit XML instead of running pytest"
    )
    parser.add_argument(
        "--junitxml", type=Path, metavar="FILE", help="keep the JUnit XML of the run here (default: a temporary file)"
    )
    parser.add_argument(
        "--basetemp",
        type=Path,
        metavar="DIR",
        help="pytest's base temporary directory (emptied by pytest; default: a temporary one, removed afterwards);"
        " with --from: where to find the world's run reports (<DIR>/world/*.json) of that run",
    )
    parser.add_argument(
        "--timeline",
        type=Path,
        metavar="DIR",
        help="with --from: the timeline that run wrote (SUITE_TIMELINE_DIR, see suite_timeline.py)",
    )
    parser.add_argument(
        "--slowest", type=int, default=15, metavar="N", help="how many of the slowest tests to list (default 15)"
    )
    parser.add_argument(
        "pytest_args",
        nargs="*",
        metavar="-- PYTEST_ARGS",
        help="paths and options for pytest, after `--` (default: none, i.e. the whole suite)",
    )
    return parser.parse_args(argv)


def profile_of_new_run(args: argparse.Namespace) -> tuple[JUnitRun, RunFigures, int]:
    """Run pytest; its JUnit report, its figures and its exit code (the timeline printed)."""
    scratch = Path(tempfile.mkdtemp(prefix="suite-profile-"))
    junitxml = args.junitxml or scratch / "junit.xml"
    basetemp = args.basetemp or scratch / "basetemp"
    command = pytest_command(args.pytest_args, junitxml, basetemp)
    print(f"running: {' '.join(command)}  (load {load_average()})", flush=True)
    try:
        timeline = scratch / "timeline"
        timeline.mkdir()
        wall, cpu, returncode = run_pytest(command, timeline)
        if not junitxml.is_file():
            sys.exit(f"pytest wrote no JUnit report (exit {returncode})")
        junit = read_junit(junitxml)
        figures = RunFigures(wall, cpu, world_apply_seconds(basetemp))
        print()
        print_timeline(read_timeline(timeline), world_ready_time(basetemp))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return junit, figures, returncode


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"code: {code_version()}; load {load_average()}", flush=True)
    if args.from_file is not None:
        if args.pytest_args:
            sys.exit("--from reads an earlier run: no pytest arguments with it")
        junit = read_junit(args.from_file)
        figures = RunFigures(junit.seconds, None, world_apply_seconds(args.basetemp))
        returncode = 0
        print(f"profile of {args.from_file} (run started {junit.started or 'at an unknown time'})")
        if args.timeline is not None:
            print()
            print_timeline(read_timeline(args.timeline), world_ready_time(args.basetemp))
    else:
        junit, figures, returncode = profile_of_new_run(args)
        print(f"\npytest exited {returncode}; load {load_average()} at the end")
    print()
    print_tiers(junit.tests)
    print_slowest(junit.tests, args.slowest)
    print_run(junit.tests, figures, ran_here=args.from_file is None)
    print_before_and_now(junit.tests, figures)
    return returncode


if __name__ == "__main__":
    sys.exit(main())
