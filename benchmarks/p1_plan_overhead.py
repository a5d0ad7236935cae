"""P1: the orchestrator's overhead on a plan — `python -m orchestrator plan` ÷ raw `terraform plan`
for the same stack, measured side by side in one run on the local target (goal ≤ 1.05).

Both plan the same, already-applied stack against the same running emulator with the same
Terraform data dir and CLI config; runs alternate so that machine noise hits both alike.

    .venv/bin/python benchmarks/p1_plan_overhead.py [--rounds 5] [--env dev] [--stack foundation]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench_support import orchestrator_command, output_tail, timed_run  # noqa: E402

from orchestrator import paths  # noqa: E402
from orchestrator.emulator.process import start_emulator  # noqa: E402
from orchestrator.engine import terraform_binary  # noqa: E402
from orchestrator.targets.local import LOCAL_CREDENTIALS  # noqa: E402


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    elapsed, result = timed_run(command, env, cwd)
    if result.returncode not in (0, 2):
        sys.exit(f"failed: {' '.join(command)}\n{output_tail(result.stdout, result.stderr, 2000)}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--env", default="dev")
    parser.add_argument("--stack", default="foundation")
    args = parser.parse_args()

    work = Path(os.environ.get("ORCHESTRATOR_WORK_DIR", REPO / ".orchestrator-bench")).resolve()
    env = {**os.environ, "ORCHESTRATOR_WORK_DIR": str(work), "PYTHONPATH": str(REPO)}
    emulator = start_emulator(work / "emulator.log")
    try:
        env["ORCHESTRATOR_EMULATOR_URL"] = emulator.url
        print(f"preparing: applying {args.env} on {emulator.url} ...", flush=True)
        subprocess.run(
            orchestrator_command("apply", "--env", args.env), env=env, cwd=REPO, check=True, capture_output=True
        )

        os.environ["ORCHESTRATOR_WORK_DIR"] = str(work)
        workspace = paths.work_dir() / "local" / args.env / args.stack
        raw_env = {
            **env,
            **LOCAL_CREDENTIALS,
            "AWS_EC2_METADATA_DISABLED": "true",
            "TF_CLI_CONFIG_FILE": str(work / "terraform.rc"),
            "TF_DATA_DIR": str(workspace / ".terraform"),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
        }
        raw = [terraform_binary(), "plan", "-input=false", "-lock-timeout=0s"]
        ours = orchestrator_command("plan", "--env", args.env, "--stack", args.stack)
        _timed(raw, raw_env, workspace)  # warm-up: file cache, provider binary
        _timed(ours, env, REPO)
        raw_times, our_times = [], []
        for round_number in range(1, args.rounds + 1):
            raw_times.append(_timed(raw, raw_env, workspace))
            our_times.append(_timed(ours, env, REPO))
            print(
                f"round {round_number}: terraform plan {raw_times[-1]:.2f}s  orchestrator plan {our_times[-1]:.2f}s",
                flush=True,
            )
    finally:
        emulator.stop()

    raw_median, our_median = statistics.median(raw_times), statistics.median(our_times)
    ratio = our_median / raw_median
    print()
    print(f"{'':<28}{'median':>10}{'min':>10}{'max':>10}")
    print(f"{'raw terraform plan':<28}{raw_median:>9.2f}s{min(raw_times):>9.2f}s{max(raw_times):>9.2f}s")
    print(f"{'python -m orchestrator plan':<28}{our_median:>9.2f}s{min(our_times):>9.2f}s{max(our_times):>9.2f}s")
    print(
        f"P1 overhead ratio (orchestrator / raw): {ratio:.3f}  (goal <= 1.05: {'met' if ratio <= 1.05 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
