"""P2: a full plan of dev + staging + prod — `python -m orchestrator plan` ÷ a naive CI loop that runs
`terraform init && terraform plan` in every stack root, one after the other, with a fresh init
each time (goal <= 0.4 on 2 cores).

Measured side by side in one run on the local target, against one emulator started here:

* prepare: `python -m orchestrator apply` of every env on a fresh emulator (untimed), so every
  stack can read the SSM parameters foundation writes and the plans are steady-state plans;
* ours: `python -m orchestrator plan` (all envs) with `--parallelism N` (default 3) and with
  `--parallelism 1`, both in every round;
* baseline: for every env and stack in the orchestrator's order, in that stack's generated root
  (`<work>/local/<env>/<stack>`), with a FRESH empty TF_DATA_DIR each time and exactly the Terraform
  env vars the orchestrator's engine sets (read from the engine: CLI config, credentials, GOGC...):
  `terraform init -input=false -no-color -backend-config=backend.tfbackend` then
  `terraform plan -input=false -no-color -lock-timeout=0s -detailed-exitcode` (exit 0 or 2, else fail).
  The baseline gets the orchestrator's shared plugin cache (providers are linked, not unpacked):
  that favours the baseline.

Rounds alternate (and reverse their order every round) so machine noise hits all sides alike;
one untimed plan of ours runs first (warm file cache; any re-init after the apply is excluded).
Besides wall times, the CPU seconds (user+sys) of each command's process tree and of the emulator
meanwhile are shown: on a machine shared with other work they vary much less than wall times.

    .venv/bin/python benchmarks/p2_full_plan.py [--rounds 2] [--parallelism 3] [--work-dir /tmp/bench-p2]
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
from dataclasses import dataclass, field
from pathlib import Path

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
    timed_run,
)

from orchestrator.config import load_envs  # noqa: E402
from orchestrator.emulator.process import start_emulator  # noqa: E402
from orchestrator.engine import Engine, terraform_binary  # noqa: E402
from orchestrator.progress import Progress  # noqa: E402
from orchestrator.settings import load_settings  # noqa: E402
from orchestrator.stacks import stacks_for  # noqa: E402
from orchestrator.targets.local import LocalTarget  # noqa: E402

GOAL = 0.4
INIT_LOGS = "*/*/init.log"  # below <work>/local: <env>/<stack>/init.log
LOOP = "naive loop: init + plan"


@dataclass(frozen=True)
class Root:
    env: str
    stack: str
    dir: Path


@dataclass
class Series:
    label: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user+sys of the command's process tree (the emulator excluded)
    emulator_cpu: list[float] = field(default_factory=list)  # user+sys of the emulator meanwhile
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)


# ---- setup ------------------------------------------------------------------------------------
def prepare_work_dir(path: Path) -> Path:
    """A work dir of this benchmark's own (never the repository's), without stale generated roots."""
    work = claim_work_dir(path, __file__)
    shutil.rmtree(work / "local", ignore_errors=True)  # roots and caches of an earlier emulator
    return work


def orchestrator_env(work: Path, emulator_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ORCHESTRATOR_WORK_DIR": str(work),
        "ORCHESTRATOR_EMULATOR_URL": emulator_url,
        "PYTHONPATH": str(REPO),
    }


def apply_all(env: dict[str, str], parallelism: int, log: Path) -> bool:
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"\n==== apply --parallelism {parallelism}\n")
        handle.flush()
        result = subprocess.run(
            orchestrator_command("apply", "--parallelism", str(parallelism)),
            env=env,
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return result.returncode == 0


def prepare(env: dict[str, str], parallelism: int, work: Path) -> float:
    """Apply every env once (untimed for the ratio); retry sequentially if the parallel apply fails."""
    log = work / "prepare-apply.log"
    log.write_text("", encoding="utf-8")
    start = time.perf_counter()
    print(f"preparing: python -m orchestrator apply --parallelism {parallelism} (all envs; log {log}) ...", flush=True)
    if not apply_all(env, parallelism, log):
        if parallelism == 1:
            sys.exit(f"prepare apply failed; see {log}:\n{log_tail(log)}")
        print(
            f"  apply --parallelism {parallelism} failed after {time.perf_counter() - start:.0f}s:\n{log_tail(log, 15)}",
            flush=True,
        )
        print("  retrying with --parallelism 1 ...", flush=True)
        if not apply_all(env, 1, log):
            sys.exit(f"prepare apply failed; see {log}:\n{log_tail(log)}")
    elapsed = time.perf_counter() - start
    print(f"prepared in {elapsed:.0f}s", flush=True)
    return elapsed


def stack_roots(work: Path) -> list[Root]:
    """The roots the orchestrator plans, in its order: every env, its stacks in dependency order."""
    roots = []
    for config in load_envs(None):
        for stack in stacks_for(config, None):
            roots.append(Root(config.name, stack.name, work / "local" / config.name / stack.name))
    missing = [
        r for r in roots if not (r.dir / "main.tf.json").is_file() or not (r.dir / "backend.tfbackend").is_file()
    ]
    if missing:
        sys.exit(f"generated roots missing after the apply: {', '.join(f'{r.env}/{r.stack}' for r in missing)}")
    return roots


def engine_terraform_env() -> dict[str, str]:
    """Exactly the variables the orchestrator's engine gives Terraform on the local target (CLI
    config, automation flags, Go runtime settings, credentials), taken from the engine itself;
    TF_DATA_DIR is set per root. Needs ORCHESTRATOR_WORK_DIR set (the CLI config lives there)."""
    engine = Engine(LocalTarget(), load_settings(), Progress(quiet=True))
    return dict(engine.runner.base_env)


def terraform_env(base: dict[str, str], data_dir: Path) -> dict[str, str]:
    """What the runner passes: the environment, the engine's variables, the root's data dir."""
    return {**os.environ, **base, "TF_DATA_DIR": str(data_dir)}


# ---- the timed commands -------------------------------------------------------------------------
def run_ours(env: dict[str, str], parallelism: int, work: Path) -> tuple[float, dict[str, int]]:
    """Time one full orchestrator plan; return the time and what it found (stacks, changes, re-inits)."""
    before = init_log_times(work / "local", INIT_LOGS)
    elapsed, result = timed_run(orchestrator_command("plan", "--parallelism", str(parallelism), "--json"), env, REPO)
    if result.returncode != 0:
        sys.exit(
            f"orchestrator plan --parallelism {parallelism} failed (exit {result.returncode}):\n{output_tail(result.stdout, result.stderr)}"
        )
    report = json.loads(result.stdout)
    stacks = [s for s in report["stacks"] if s["stack"] != "bootstrap"]
    reinits = count_changed(before, init_log_times(work / "local", INIT_LOGS))
    changed = sum(1 for s in stacks if s["add"] + s["change"] + s["destroy"] > 0)
    return elapsed, {"stacks": len(stacks), "with changes": changed, "re-inits": reinits}


def run_terraform(command: list[str], env: dict[str, str], cwd: Path, ok: tuple[int, ...]) -> int:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode not in ok:
        sys.exit(
            f"baseline failed in {cwd} (exit {result.returncode}): {' '.join(command)}\n{output_tail(result.stdout, result.stderr)}"
        )
    return result.returncode


def run_loop(roots: list[Root], work: Path, base: dict[str, str]) -> tuple[float, dict[str, int]]:
    """Time the naive loop over every root, each with a fresh, empty TF_DATA_DIR."""
    binary = terraform_binary()
    init = [binary, "init", "-input=false", "-no-color", "-backend-config=backend.tfbackend"]
    plan = [binary, "plan", "-input=false", "-no-color", "-lock-timeout=0s", "-detailed-exitcode"]
    changed = 0
    with tempfile.TemporaryDirectory(prefix="p2-data-", dir=work) as scratch:
        data_dirs = {root: Path(scratch) / f"{root.env}-{root.stack}" for root in roots}
        start = time.perf_counter()
        for root in roots:
            env = terraform_env(base, data_dirs[root])
            run_terraform(init, env, root.dir, (0,))
            changed += run_terraform(plan, env, root.dir, (0, 2)) == 2
        elapsed = time.perf_counter() - start
    return elapsed, {"stacks": len(roots), "with changes": changed}


# ---- report -------------------------------------------------------------------------------------
def print_table(series: list[Series], loop: Series, main_series: Series) -> bool:
    """The side-by-side table; True when the main measurement meets the goal."""
    width = max(len(s.label) for s in series) + 2
    print()
    print(f"{'':<{width}}{'median':>10}{'min':>10}{'max':>10}{'ours/loop':>11}{'CPU':>9}{'emu CPU':>9}")
    for s in series:
        ratio_text = f"{'':>11}" if s is loop else f"{s.median / loop.median:>11.3f}"
        cpu = f"{statistics.median(s.cpu):>8.1f}s{statistics.median(s.emulator_cpu):>8.1f}s"
        print(f"{s.label:<{width}}{s.median:>9.2f}s{min(s.times):>9.2f}s{max(s.times):>9.2f}s{ratio_text}{cpu}")
    for s in series:
        if s is not loop:
            ratio = s.median / loop.median
            cpu_ratio = statistics.median(s.cpu) / statistics.median(loop.cpu)
            print(
                f"P2 ratio ({s.label} / loop): {ratio:.3f}  (goal <= {GOAL}: {'met' if ratio <= GOAL else 'NOT met'}); CPU ratio {cpu_ratio:.3f}"
            )
    for s in series:
        if s.note:
            print(f"  last {s.label}: {s.note}")
    print(
        "  note: the loop uses the orchestrator's shared plugin cache (providers linked, not unpacked): favours the loop"
    )
    print(
        "  note: CPU = user+sys seconds of the command's process tree (median), emu CPU = the emulator's meanwhile;"
        " wall times depend on other work on the machine, CPU seconds much less"
    )
    return main_series.median / loop.median <= GOAL


def describe(found: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in found.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--parallelism",
        type=int,
        default=3,
        help="ours: --parallelism of the main measurement (1 is always measured too)",
    )
    parser.add_argument(
        "--prepare-parallelism", type=int, default=3, help="the preparing apply (falls back to 1 if it fails)"
    )
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/bench-p2"))
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed first plan of ours")
    args = parser.parse_args()

    wall = time.perf_counter()
    code_at_start = code_version()
    print(f"code: {code_at_start}", flush=True)
    work = prepare_work_dir(args.work_dir)
    os.environ["ORCHESTRATOR_WORK_DIR"] = str(work)
    levels = sorted({args.parallelism, 1}, reverse=True)
    ours = {p: Series(f"orchestrator plan --parallelism {p}") for p in levels}
    loop = Series(LOOP)
    emulator = start_emulator(work / "emulator.log")
    print(f"emulator {emulator.url} (log {work / 'emulator.log'}); work dir {work}", flush=True)
    try:
        env = orchestrator_env(work, emulator.url)
        prepared = prepare(env, args.prepare_parallelism, work)
        roots = stack_roots(work)
        base = engine_terraform_env()
        print(
            f"loop's Terraform env (from the engine): {', '.join(f'{k}={v}' for k, v in sorted(base.items()) if 'SECRET' not in k)}",
            flush=True,
        )
        loop.label = f"{LOOP} ({len(roots)} roots)"
        print(f"roots: {', '.join(f'{r.env}/{r.stack}' for r in roots)}", flush=True)
        if not args.no_warmup:
            elapsed, found = run_ours(env, levels[0], work)
            print(
                f"warm-up (untimed): orchestrator plan --parallelism {levels[0]} {elapsed:.2f}s ({describe(found)})",
                flush=True,
            )
        for round_number in range(1, args.rounds + 1):
            sides: list[tuple[Series, int | None]] = [(loop, None), *((ours[p], p) for p in levels)]
            for series, parallelism in round_order(sides, round_number):
                with CpuMeter(emulator.pid) as cpu:
                    elapsed, found = (
                        run_loop(roots, work, base) if parallelism is None else run_ours(env, parallelism, work)
                    )
                series.cpu.append(cpu.tree)
                series.emulator_cpu.append(cpu.emulator)
                series.times.append(elapsed)
                series.note = describe(found)
                print(
                    f"round {round_number}: {series.label:<40} {elapsed:7.2f}s  CPU {series.cpu[-1]:6.1f}s  emulator CPU {series.emulator_cpu[-1]:5.1f}s"
                    f"  ({describe(found)}; load {load_average()})",
                    flush=True,
                )
    finally:
        emulator.stop()

    met = print_table([loop, *ours.values()], loop, ours[levels[0]])
    print_outcome(
        f"P2 goal (parallelism {levels[0]}): {'met' if met else 'NOT met'}",
        code_at_start,
        prepared,
        wall,
        work / "emulator.log",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
