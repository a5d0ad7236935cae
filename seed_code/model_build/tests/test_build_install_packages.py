"""abalone_build.install_packages, run as a Processing job runs it: a real, offline pip install of a
wheel from a local wheelhouse into a directory of its own, then the job's script importing it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from abalone_build import install_packages

SCRIPT = """
import json, sys
import vetted_stats
json.dump({"mean": vetted_stats.mean([1, 2, 6]), "argv": sys.argv[1:], "from": vetted_stats.__file__},
          open(sys.argv[1], "w"))
"""


def _wheelhouse(directory: Path, requirements: str) -> Path:
    """A pure-Python wheel of `vetted-stats` 1.0.0 and the requirements naming it."""
    directory.mkdir()
    info = "vetted_stats-1.0.0.dist-info"
    members = {
        "vetted_stats/__init__.py": "def mean(values):\n    return sum(values) / len(values)\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: vetted-stats\nVersion: 1.0.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/RECORD": "".join(f"{name},,\n" for name in ["vetted_stats/__init__.py", f"{info}/RECORD"]),
    }
    with zipfile.ZipFile(directory / "vetted_stats-1.0.0-py3-none-any.whl", "w") as wheel:
        for name, text in members.items():
            wheel.writestr(name, text)
    (directory / install_packages.REQUIREMENTS_FILE).write_text(requirements)
    return directory


def _run(tmp_path: Path, wheelhouse: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    command = [
        sys.executable,
        install_packages.__file__,
        "--wheelhouse",
        str(wheelhouse),
        "--target",
        str(tmp_path / "installed"),
        "--report-dir",
        str(tmp_path / "report"),
        str(script),
        str(tmp_path / "out.json"),
        "--flag",
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path)


def test_installs_offline_into_its_own_directory_records_it_and_runs_the_script(tmp_path: Path) -> None:
    run = _run(tmp_path, _wheelhouse(tmp_path / "wheels", "vetted-stats==1.0.0\n"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"install_packages: vetted-stats 1.0.0 imported from {tmp_path / 'installed'}" in run.stdout
    report = json.loads((tmp_path / "report" / install_packages.REPORT_FILE).read_text())
    assert report == {"installed": [{"name": "vetted-stats", "version": "1.0.0", "modules": ["vetted_stats"]}]}
    result = json.loads((tmp_path / "out.json").read_text())
    assert result["mean"] == 3.0 and result["argv"] == [str(tmp_path / "out.json"), "--flag"]
    assert result["from"].startswith(str(tmp_path / "installed"))


def test_a_wheel_that_does_not_match_its_hash_stops_the_job_before_the_script(tmp_path: Path) -> None:
    run = _run(tmp_path, _wheelhouse(tmp_path / "wheels", f"vetted-stats==1.0.0 --hash=sha256:{'0' * 64}\n"))
    assert run.returncode != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in run.stdout + run.stderr
    assert not (tmp_path / "out.json").exists()


def test_the_pip_command_is_offline_and_exact() -> None:
    command = install_packages.pip_install_command(Path("/w"), Path("/t"))
    assert command[1:4] == ["-m", "pip", "install"]
    assert {"--no-index", "--no-deps"} <= set(command)
    assert command[-2:] == ["-r", "/w/requirements.txt"]
    assert command[command.index("--target") + 1] == "/t"
