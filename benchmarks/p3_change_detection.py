"""P3: change detection — which stacks `--changed-since` selects for a change, and how fast.

In a scratch clone of this repository, one change at a time is made (uncommitted) and
`python -m orchestrator graph --changed-since HEAD --json` is timed: it runs the whole selection
(configuration, git, HCL parsing of every stack's module graph) and no Terraform. Goals: a
docs-only change selects 0 stacks in under 2 s; a one-module change selects only the stacks built
from that module.

    .venv/bin/python benchmarks/p3_change_detection.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_support import orchestrator_command, timed_run

REPO = Path(__file__).resolve().parent.parent

CHANGES = {
    "docs only (README.md, a module README)": ["README.md", "modules/identity/README.md"],
    "one module (modules/identity/main.tf)": ["modules/identity/main.tf"],
    "a shared module (modules/s3-bucket/main.tf)": ["modules/s3-bucket/main.tf"],
    "one environment (envs/staging/env.yaml)": ["envs/staging/env.yaml"],
    "a CloudFormation template": ["templates/sagemaker-projects/model-build.yaml"],
}


def _selected(clone: Path) -> tuple[float, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(clone)}
    env.pop("ORCHESTRATOR_ENVS_DIR", None)
    elapsed, result = timed_run(orchestrator_command("graph", "--changed-since", "HEAD", "--json"), env, clone)
    if result.returncode != 0:
        sys.exit(f"graph failed:\n{result.stderr[-2000:]}")
    data = json.loads(result.stdout)
    return elapsed, list(data.get("order", []))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="p3-") as scratch:
        clone = Path(scratch) / "repo"
        subprocess.run(["git", "clone", "-q", "--local", str(REPO), str(clone)], check=True)
        total = len(_selected_all(clone))
        print(f"{'change':<46}{'stacks':>8}{'of':>4}{'median':>9}{'max':>8}  selected")
        for label, files in CHANGES.items():
            for file in files:
                with (clone / file).open("a", encoding="utf-8") as handle:
                    handle.write("\n# benchmark change\n" if not file.endswith(".md") else "\nbenchmark change\n")
            times: list[float] = []
            selected: list[str] = []
            for _ in range(args.rounds):
                elapsed, selected = _selected(clone)
                times.append(elapsed)
            subprocess.run(["git", "checkout", "-q", "--", *files], cwd=clone, check=True)
            print(
                f"{label:<46}{len(selected):>8}{total:>4}{statistics.median(times):>8.2f}s{max(times):>7.2f}s  {', '.join(selected) or '-'}"
            )
    return 0


def _selected_all(clone: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(clone)}
    result = subprocess.run(
        orchestrator_command("graph", "--json"), cwd=clone, env=env, capture_output=True, text=True, check=True
    )
    return list(json.loads(result.stdout)["order"])


if __name__ == "__main__":
    sys.exit(main())
