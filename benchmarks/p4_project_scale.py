"""P4: how dev's plan grows with its ML projects — plan time and peak memory of
`python -m orchestrator plan --env dev` with 1, 10 and 50 projects (goal: linear, <= 0.5 s per added
project).

Only the stacks whose plan grows with the project count are planned: `projects` (one
modules/mlops-project per project) and `foundation` (takes `project_names`: the projects' CI role
ARNs). staging/prod's `hosting` also takes dev's projects, but this measures dev only.

* configuration: per project count N, a temporary copy of `envs/` (dev, staging, prod env.yaml; the
  stacks stay in the repository) where dev's `projects:` has N entries `proj-001: {repository:
  example-org/proj-001}`, ... (staging/prod are copied as they are: they read dev's projects through
  `source_env`), used through ORCHESTRATOR_ENVS_DIR;
* prepare: `python -m orchestrator apply --env dev` with the smallest N on a fresh emulator (untimed);
* each N has its own ORCHESTRATOR_WORK_DIR (generated roots, TF_DATA_DIRs), all on the same
  emulator and state, so that alternating the N does not re-run `terraform init` each time; the
  first plan of each N (which inits its new roots) is an untimed warm-up, reported apart;
* timed, rounds alternating over N (order reversed every other round):
  `python -m orchestrator plan --env dev --stack foundation --stack projects --json`, run inside a
  small Python wrapper (the orchestrator runs in the wrapper's own process, via runpy) that reports
  at exit `getrusage(RUSAGE_SELF).ru_maxrss` (the orchestrator process) and
  `getrusage(RUSAGE_CHILDREN).ru_maxrss` (the LARGEST single waited-for descendant: terraform or
  the AWS provider plugin, not their sum). The benchmark also samples the whole process tree from
  /proc (every --sample-interval s): the sum of its PSS (shared pages split: what the run needs at
  once), of its RSS (shared pages, e.g. the provider binary, counted once per process) and the
  number of processes. CPU seconds (user+sys) of the command's process tree and of the emulator are
  recorded too: on a machine shared with other work they vary much less than the wall times.

The orchestrator's default --parallelism (3) applies: foundation and projects plan at the same time.

    .venv/bin/python benchmarks/p4_project_scale.py [--rounds 2] [--projects 1,10,50] [--work-dir /tmp/bench-p4]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench_support import (  # noqa: E402
    CpuMeter,
    claim_work_dir,
    code_version,
    count_changed,
    init_log_times,
    load_average,
    log_tail,
    orchestrator_command,
    output_tail,
    print_outcome,
    round_order,
)

from orchestrator import paths  # noqa: E402
from orchestrator.config import load_envs  # noqa: E402
from orchestrator.emulator.process import Emulator, start_emulator  # noqa: E402

GOAL_SECONDS_PER_PROJECT = 0.5
ENV_NAMES = ("dev", "staging", "prod")

# Runs the orchestrator in this process (as `python -m orchestrator` does) and, at exit, writes the
# peak RSS of this process and of its largest waited-for descendant (KiB on Linux) to argv[1].
WRAPPER = """\
import atexit, json, resource, runpy, sys
out = sys.argv[1]
def report():
    with open(out, "w") as handle:
        json.dump({"self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   "children_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, handle)
atexit.register(report)
sys.argv = ["orchestrator", *sys.argv[2:]]
runpy.run_module("orchestrator", run_name="__main__", alter_sys=True)
"""


@dataclass
class TreeMemory:
    rss_kib: int = 0  # summed RSS: pages shared between the processes (the provider binary) count once per process
    pss_kib: int = 0  # summed PSS: shared pages split between their processes (what the tree really needs)
    processes: int = 0


@dataclass
class Scale:
    count: int
    envs_dir: Path
    work_dir: Path
    times: list[float] = field(default_factory=list)
    self_kib: list[int] = field(default_factory=list)
    child_kib: list[int] = field(default_factory=list)
    tree: list[TreeMemory] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    emulator_cpu: list[float] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)
    first_plan: float = 0.0
    reinits: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Measured:
    seconds: float
    self_kib: int
    child_kib: int
    tree: TreeMemory
    changes: dict[str, int]
    reinits: int
    cpu: float  # user+sys seconds of the command's process tree
    emulator_cpu: float  # user+sys seconds of the emulator meanwhile


# ---- setup ------------------------------------------------------------------------------------
def prepare_work_dir(path: Path) -> Path:
    """A work dir of this benchmark's own (never the repository's), emptied of earlier runs' roots."""
    work = claim_work_dir(path, __file__)
    for stale in [*work.glob("envs-n*"), *work.glob("work-n*/local")]:
        shutil.rmtree(stale)
    return work


def projects(count: int) -> dict[str, dict[str, str]]:
    return {f"proj-{i:03d}": {"repository": f"example-org/proj-{i:03d}"} for i in range(1, count + 1)}


def write_envs(dest: Path, count: int) -> None:
    """A copy of the repository's env.yaml files where dev has `count` projects; validated."""
    for name in ENV_NAMES:
        source = paths.ENVS_DIR / name / "env.yaml"
        (dest / name).mkdir(parents=True, exist_ok=True)
        if name == "dev":
            document: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
            document["projects"] = projects(count)
            (dest / name / "env.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        else:
            shutil.copyfile(source, dest / name / "env.yaml")
    configs = load_envs(None, dest)
    dev = next(c for c in configs if c.name == "dev")
    if len(dev.projects) != count or any(len(c.source.projects) != count for c in configs if c.kind == "target"):
        sys.exit(f"{dest}: the copied configuration does not have {count} project(s) in dev and its targets")


def make_scales(work: Path, counts: list[int]) -> list[Scale]:
    scales = []
    for count in counts:
        scale = Scale(count, work / f"envs-n{count:03d}", work / f"work-n{count:03d}")
        write_envs(scale.envs_dir, count)
        scales.append(scale)
    return scales


def orchestrator_env(scale: Scale, emulator_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ORCHESTRATOR_ENVS_DIR": str(scale.envs_dir),
        "ORCHESTRATOR_WORK_DIR": str(scale.work_dir),
        "ORCHESTRATOR_EMULATOR_URL": emulator_url,
        "PYTHONPATH": str(REPO),
    }


def prepare(scale: Scale, emulator_url: str, log: Path) -> float:
    print(
        f"preparing: python -m orchestrator apply --env dev with {scale.count} project(s) (log {log}) ...", flush=True
    )
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as handle:
        result = subprocess.run(
            orchestrator_command("apply", "--env", "dev"),
            env=orchestrator_env(scale, emulator_url),
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.STDOUT,
            check=False,
        )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"prepare apply failed (exit {result.returncode}); see {log}:\n{log_tail(log)}")
    print(f"prepared in {elapsed:.0f}s", flush=True)
    return elapsed


# ---- memory -------------------------------------------------------------------------------------
def tree_pids(root: int) -> set[int]:
    """`root` and all its descendants, from /proc (empty once it is gone)."""
    parent_of: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent_of[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])  # after "pid (comm) ": state, ppid
    tree, frontier = set(), {root} & parent_of.keys()
    while frontier:
        tree |= frontier
        frontier = {pid for pid, parent in parent_of.items() if parent in frontier} - tree
    return tree


def tree_memory(root: int) -> TreeMemory:
    memory = TreeMemory()
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as handle:
                fields = {line.split(":")[0]: line.split()[1] for line in handle if line.startswith(("Rss:", "Pss:"))}
        except (OSError, IndexError):
            continue
        memory.rss_kib += int(fields.get("Rss", 0))
        memory.pss_kib += int(fields.get("Pss", 0))
        memory.processes += 1
    return memory


class TreeSampler:
    """Samples the memory of a process tree in a thread; `peak` holds the largest sums (and count) seen."""

    def __init__(self, pid: int, interval: float) -> None:
        self.peak = TreeMemory()
        self._pid, self._interval = pid, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            now = tree_memory(self._pid)
            self.peak = TreeMemory(
                max(self.peak.rss_kib, now.rss_kib),
                max(self.peak.pss_kib, now.pss_kib),
                max(self.peak.processes, now.processes),
            )

    def __enter__(self) -> TreeSampler:
        if self._interval > 0:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


# ---- the timed command --------------------------------------------------------------------------
def plan_args(stacks: list[str]) -> list[str]:
    return ["plan", "--env", "dev", *(arg for stack in stacks for arg in ("--stack", stack)), "--json"]


def planned_changes(stdout: str) -> dict[str, int]:
    report = json.loads(stdout)
    return {s["stack"]: s["add"] + s["change"] + s["destroy"] for s in report["stacks"] if s["stack"] != "bootstrap"}


def run_plan(scale: Scale, stacks: list[str], emulator: Emulator, interval: float) -> Measured:
    """One plan of dev through the wrapper: time, peak RSS (self, largest child, sampled tree), changes."""
    rusage_file = scale.work_dir / "rusage.json"
    rusage_file.unlink(missing_ok=True)
    init_logs = scale.work_dir / "local" / "dev"  # <stack>/init.log
    before = init_log_times(init_logs, "*/init.log")
    command = [sys.executable, "-c", WRAPPER, str(rusage_file), *plan_args(stacks)]
    with CpuMeter(emulator.pid) as cpu:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            env=orchestrator_env(scale, emulator.url),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with TreeSampler(process.pid, interval) as sampler:
            stdout, stderr = process.communicate()
        elapsed = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(
            f"plan with {scale.count} project(s) failed (exit {process.returncode}):\n{output_tail(stdout, stderr)}"
        )
    usage = json.loads(rusage_file.read_text(encoding="utf-8"))
    reinits = count_changed(before, init_log_times(init_logs, "*/init.log"))
    return Measured(
        elapsed,
        usage["self_kib"],
        usage["children_kib"],
        sampler.peak,
        planned_changes(stdout),
        reinits,
        cpu.tree,
        cpu.emulator,
    )


def record(scale: Scale, measured: Measured) -> None:
    scale.times.append(measured.seconds)
    scale.self_kib.append(measured.self_kib)
    scale.child_kib.append(measured.child_kib)
    scale.tree.append(measured.tree)
    scale.cpu.append(measured.cpu)
    scale.emulator_cpu.append(measured.emulator_cpu)
    scale.changes = measured.changes
    scale.reinits += measured.reinits


# ---- report -------------------------------------------------------------------------------------
def mib(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def slope(a: Scale, b: Scale) -> float:
    return (b.median - a.median) / (b.count - a.count)


def cpu_slope(a: Scale, b: Scale) -> float:
    return (statistics.median(b.cpu) - statistics.median(a.cpu)) / (b.count - a.count)


def least_squares(scales: list[Scale]) -> tuple[float, float]:
    """Slope (s/project) and R² of the line through the medians."""
    xs, ys = [float(s.count) for s in scales], [s.median for s in scales]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    fitted = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    total = sum((y - mean_y) ** 2 for y in ys)
    residual = sum((y - (mean_y + fitted * (x - mean_x))) ** 2 for x, y in zip(xs, ys, strict=True))
    return fitted, 1 - residual / total if total else 1.0


def print_table(scales: list[Scale], stacks: list[str]) -> bool:
    print()
    print(f"plan --env dev --stack {' --stack '.join(stacks)}; memory in MiB, peaks over the timed rounds")
    header = (
        f"{'projects':>8}{'median':>9}{'min':>9}{'max':>9}{'1st+init':>10}{'CPU':>8}{'emu CPU':>9}{'changes':>9}"
        f"{'orch RSS':>10}{'max child':>11}{'tree PSS':>10}{'tree RSS':>10}{'procs':>7}  changes per stack"
    )
    print(header)
    print("-" * len(header))
    for s in scales:
        per_stack = ", ".join(f"{k} {v}" for k, v in s.changes.items())
        print(
            f"{s.count:>8}{s.median:>8.2f}s{min(s.times):>8.2f}s{max(s.times):>8.2f}s{s.first_plan:>9.2f}s"
            f"{statistics.median(s.cpu):>7.1f}s{statistics.median(s.emulator_cpu):>8.1f}s{sum(s.changes.values()):>9}"
            f"{mib(max(s.self_kib)):>10}{mib(max(s.child_kib)):>11}{mib(max(t.pss_kib for t in s.tree)):>10}"
            f"{mib(max(t.rss_kib for t in s.tree)):>10}{max(t.processes for t in s.tree):>7}  {per_stack}"
        )
    print()
    slopes = [(a, b, slope(a, b)) for a, b in itertools.pairwise(scales)]
    if len(scales) > 2:
        slopes.append((scales[0], scales[-1], slope(scales[0], scales[-1])))
    for a, b, value in slopes:
        memory = (max(t.pss_kib for t in b.tree) - max(t.pss_kib for t in a.tree)) / 1024 / (b.count - a.count)
        print(
            f"slope {a.count:>3} -> {b.count:>3} projects: {value:+.3f} s/project   CPU {cpu_slope(a, b):+.3f} s/project"
            f"   tree PSS {memory:+.1f} MiB/project"
        )
    met = all(value <= GOAL_SECONDS_PER_PROJECT for _, _, value in slopes)
    if len(scales) > 2:
        fitted, r_squared = least_squares(scales)
        first, last = slopes[0][2], slopes[len(scales) - 2][2]
        growth = last / first if first > 0 else float("inf")
        shape = "super-linear" if growth > 1.5 else "sub-linear" if growth < 0.5 else "linear (within +-50%)"
        print(
            f"least-squares slope {fitted:+.3f} s/project, R^2 {r_squared:.3f}; last/first segment slope ratio {growth:.2f}: {shape}"
        )
        met = met and growth <= 1.5
    print(f"P4 goal (linear, <= {GOAL_SECONDS_PER_PROJECT} s per added project): {'met' if met else 'NOT met'}")
    print(
        "  note: CPU = user+sys seconds of the command's process tree, emu CPU = the emulator's meanwhile (medians);"
        " wall times depend on other work on the machine, CPU seconds much less"
    )
    print(
        "  note: 'orch RSS' is the orchestrator process itself (RUSAGE_SELF), 'max child' the largest single waited-for descendant"
        " (RUSAGE_CHILDREN ru_maxrss: terraform or the provider plugin, not a sum); 'tree PSS'/'tree RSS'/'procs' are the peaks of"
        " /proc samples of the whole process tree (RSS counts the pages the processes share, e.g. the provider binary, once per process)"
    )
    reinit = [f"{s.count}: {s.reinits}" for s in scales if s.reinits]
    if reinit:
        print(
            f"  WARNING: timed plans re-ran terraform init (a Terraform source changed meanwhile?): {', '.join(reinit)}"
        )
    return met


def parse_counts(text: str) -> list[int]:
    counts = sorted({int(part) for part in text.split(",") if part.strip()})
    if not counts or counts[0] < 1 or counts[-1] > 999:
        raise argparse.ArgumentTypeError(f"expected project counts from 1 to 999 like 1,10,50 (value {text!r})")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--projects",
        type=parse_counts,
        default=[1, 10, 50],
        help="project counts, comma-separated (the smallest is applied)",
    )
    parser.add_argument(
        "--stack", action="append", dest="stacks", help="stacks to plan (repeatable; default foundation and projects)"
    )
    parser.add_argument(
        "--sample-interval",
        type=float,
        default=0.25,
        help="seconds between /proc samples of the process tree's memory (0: off)",
    )
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/bench-p4"))
    args = parser.parse_args()
    stacks: list[str] = args.stacks or ["foundation", "projects"]

    wall = time.perf_counter()
    code_at_start = code_version()
    print(f"code: {code_at_start}", flush=True)
    work = prepare_work_dir(args.work_dir)
    scales = make_scales(work, args.projects)
    print(
        f"timed: python -m orchestrator {' '.join(plan_args(stacks))} (in the rusage wrapper), N = {', '.join(map(str, args.projects))}",
        flush=True,
    )
    emulator = start_emulator(work / "emulator.log")
    print(f"emulator {emulator.url} (log {work / 'emulator.log'}); work dir {work}", flush=True)
    try:
        prepared = prepare(scales[0], emulator.url, work / "prepare-apply.log")
        for scale in scales:
            first = run_plan(scale, stacks, emulator, args.sample_interval)
            scale.first_plan = first.seconds
            print(
                f"warm-up (untimed) {scale.count:>3} project(s): {first.seconds:6.2f}s, {first.reinits} init(s), "
                f"changes {sum(first.changes.values())}",
                flush=True,
            )
        for round_number in range(1, args.rounds + 1):
            for scale in round_order(scales, round_number):
                measured = run_plan(scale, stacks, emulator, args.sample_interval)
                record(scale, measured)
                print(
                    f"round {round_number}: {scale.count:>3} project(s) {measured.seconds:6.2f}s  CPU {measured.cpu:5.1f}s"
                    f"  emulator CPU {measured.emulator_cpu:4.1f}s  orch {mib(measured.self_kib)} MiB, "
                    f"max child {mib(measured.child_kib)} MiB, tree PSS {mib(measured.tree.pss_kib)} MiB "
                    f"(RSS {mib(measured.tree.rss_kib)} MiB, {measured.tree.processes} procs), "
                    f"changes {sum(measured.changes.values())}, load {load_average()}"
                    + (f", {measured.reinits} RE-INIT(S)" if measured.reinits else ""),
                    flush=True,
                )
    finally:
        emulator.stop()

    met = print_table(scales, stacks)
    print_outcome(f"P4 goal: {'met' if met else 'NOT met'}", code_at_start, prepared, wall, work / "emulator.log")
    return 0


if __name__ == "__main__":
    sys.exit(main())
