"""Runs first in a Processing job that has packages: installs them offline, then runs the job's script.

    python3 install_packages.py [--wheelhouse DIR] [--target DIR] [--report-dir DIR] <script> [arguments...]

The job is network-isolated, so nothing is downloaded here: ``run-pipeline`` resolved the project's
job requirements from the environment's CodeArtifact repository beforehand and stored the wheels
with a normalised ``requirements.txt`` (and this file) in S3; SageMaker copies them into
``--wheelhouse``. This script

1. installs exactly the listed requirements from that directory: ``pip install --no-index
   --no-deps --find-links <wheelhouse> --target <target> -r <wheelhouse>/requirements.txt``
   (hashes in the file are checked again by pip); nothing goes into the image's site-packages;
2. imports every top-level module of each installed distribution from ``--target`` and writes
   what it installed and imported to ``<report-dir>/installed.json`` (a job output);
3. replaces itself with ``python3 <script> <arguments>``, with ``--target`` first on
   ``PYTHONPATH``, so the script imports the packages as it would any other.

Like the other Processing scripts it is shipped as a single file to images with an older Python:
standard library only, Python 3.8 syntax.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

WHEELHOUSE = "/opt/ml/processing/packages"
TARGET = "/opt/ml/processing/installed-packages"
REPORT_DIR = "/opt/ml/processing/packages-report"
REQUIREMENTS_FILE = "requirements.txt"
REPORT_FILE = "installed.json"


def pip_install_command(wheelhouse: Path, target: Path) -> list[str]:
    """Offline, exactly the listed distributions, into `target` only."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--no-index",
        "--no-deps",
        "--no-cache-dir",
        "--no-input",
        "--disable-pip-version-check",
        "--find-links",
        str(wheelhouse),
        "--target",
        str(target),
        "-r",
        str(wheelhouse / REQUIREMENTS_FILE),
    ]


def top_level_modules(distribution: importlib.metadata.Distribution) -> list[str]:
    """The importable names a distribution installs (top_level.txt, else its files' first parts)."""
    listed = distribution.read_text("top_level.txt")
    if listed:
        return sorted({line.strip() for line in listed.splitlines() if line.strip()})
    names = set()
    for path in distribution.files or []:
        first = path.parts[0]
        if first.endswith((".dist-info", ".data")) or first in ("__pycache__", "bin", ".."):
            continue
        if len(path.parts) == 1 and not first.endswith(".py"):
            continue
        names.add(first[: -len(".py")] if first.endswith(".py") else first)
    return sorted(names)


def installed(target: Path) -> list[dict[str, object]]:
    """Each distribution in `target`, imported from there: name, version, modules."""
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    report: list[dict[str, object]] = []
    for distribution in sorted(
        importlib.metadata.distributions(path=[str(target)]), key=lambda d: d.metadata["Name"].lower()
    ):
        modules = top_level_modules(distribution)
        for module in modules:
            importlib.import_module(module)
        report.append({"name": distribution.metadata["Name"], "version": distribution.version, "modules": modules})
    return report


def python_path(target: Path) -> str:
    existing = os.environ.get("PYTHONPATH", "")
    return os.pathsep.join([str(target), existing]) if existing else str(target)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Install the job's packages offline, then run its script.")
    parser.add_argument("--wheelhouse", type=Path, default=Path(WHEELHOUSE), help="the wheels and requirements.txt")
    parser.add_argument("--target", type=Path, default=Path(TARGET), help="where the packages are installed")
    parser.add_argument("--report-dir", type=Path, default=Path(REPORT_DIR), help="where installed.json is written")
    parser.add_argument("script", help="the job's script")
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="the script's arguments")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    installing = subprocess.run(pip_install_command(args.wheelhouse, args.target), check=False)
    if installing.returncode != 0:
        print(f"install_packages: pip install from {args.wheelhouse} failed", file=sys.stderr)
        return installing.returncode
    report = installed(args.target)
    args.report_dir.mkdir(parents=True, exist_ok=True)
    (args.report_dir / REPORT_FILE).write_text(json.dumps({"installed": report}, indent=2) + "\n")
    for entry in report:
        print(f"install_packages: {entry['name']} {entry['version']} imported from {args.target}")
    sys.stdout.flush()
    os.environ["PYTHONPATH"] = python_path(args.target)
    os.execv(sys.executable, [sys.executable, args.script, *args.arguments])  # noqa: S606 - the job's own script
    return 0  # not reached: execv replaces the process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
