"""The emulator killed in the middle of an apply, on an emulator and in a work folder of this test's
own, started from a copy of the session world's saved resources (the world itself is not touched,
and no environment is applied from nothing again): the run says the emulator died, with its log and the command that
recovers; the state Terraform could not save (`errored.tfstate`) is pushed back by `recover-state`;
the apply run again converges, and a plan after it finds nothing to change.

What "recovered" means on the local target: the emulator keeps its resources in memory and saves
them only when it stops cleanly, so a killed emulator takes with it everything since its last clean
stop — here the tag changes Terraform had made — and the state object it held. The next run's
emulator starts from the last save: the backend's state there is the one the first apply wrote
(same lineage, older serial), so the errored state may be pushed over it; the next apply's refresh
then finds the lost changes missing and makes them again. On AWS nothing is lost with the
orchestrator's machine: the errored state is the only record of what the apply did, and the same
push brings it back."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.integration.conftest import copy_of_the_world, orchestrator, start_orchestrator

if TYPE_CHECKING:
    from tests.world import World

pytestmark = [pytest.mark.emulator]

ENV = "staging"
STACK = "hosting"
RUN_TIMEOUT_SECONDS = 900


def _envs_with_a_new_tag(envs_dir: Path) -> Path:
    """The README's environments (staging's source env is dev), staging with one more tag: every
    resource of its hosting stack changes in place."""
    for env in ("dev", "staging", "prod"):
        shutil.copytree(REPO_ROOT / "envs" / env, envs_dir / env)
    path = envs_dir / ENV / "env.yaml"
    config = yaml.safe_load(path.read_text())
    config["tags"]["fault-drill"] = "emulator-killed"
    path.write_text(yaml.safe_dump(config))
    return envs_dir


def _emulator_of(pid: int) -> int:
    """The emulator process the orchestrator `pid` started (its child running the emulator server)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and b"orchestrator.emulator.server" in cmdline:
            return int(stat.parent.name)
    raise AssertionError(f"no emulator process under the orchestrator {pid}")


def _apply_killing_the_emulator(work_dir: Path, envs_dir: Path) -> tuple[int, dict, str]:
    """`apply --env staging`, whose emulator is killed (SIGKILL) at the first resource Terraform
    reports changed: Terraform has changed resources and not yet saved the state."""
    process = start_orchestrator(
        ["apply", "--env", ENV, "--json"], work_dir, env={"ORCHESTRATOR_ENVS_DIR": str(envs_dir)}
    )
    watchdog = threading.Timer(RUN_TIMEOUT_SECONDS, process.kill)
    watchdog.start()
    seen: list[str] = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            seen.append(line)
            if f"] {ENV}/{STACK}: update " in line:
                os.kill(_emulator_of(process.pid), signal.SIGKILL)
                break
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT_SECONDS)
    finally:
        watchdog.cancel()
    return process.returncode, json.loads(stdout), "".join(seen) + stderr


def test_an_emulator_killed_mid_apply_is_explained_its_state_recovered_and_the_rerun_converges(
    world: World, tmp_path: Path
) -> None:
    work_dir = tmp_path / "work"
    copy_of_the_world(world, work_dir)
    envs_dir = _envs_with_a_new_tag(tmp_path / "envs")
    env_dir = {"ORCHESTRATOR_ENVS_DIR": str(envs_dir)}
    started = time.monotonic()

    returncode, report, stderr = _apply_killing_the_emulator(work_dir, envs_dir)
    assert returncode == 1, stderr[-4000:]
    [hosting] = [s for s in report["stacks"] if s["stack"] == STACK]
    assert hosting["result"] == "failed"
    error = hosting["error"]
    first_line = error.splitlines()[0]
    assert first_line.startswith("the local emulator exited during the run (killed by signal SIGKILL)"), error
    emulator_log = work_dir / "local" / "emulator.log"
    assert f"log: {emulator_log} (the emulator), {work_dir / 'local' / ENV / STACK / 'apply.log'} (Terraform)" in error
    assert f"recover: `python -m orchestrator apply --env {ENV}`" in error
    assert "Cannot assume IAM Role" not in first_line
    errored = work_dir / "local" / ENV / STACK / "errored.tfstate"
    assert errored.is_file(), "Terraform could not save the state and wrote it beside the root"
    assert f"left it in {errored}: it is the only record" in error
    assert f"`python -m orchestrator recover-state {ENV} {STACK}`" in error

    refused = orchestrator(["recover-state", ENV, STACK], work_dir, env=env_dir)
    assert refused.returncode == 2 and "needs --yes" in refused.stderr, "without a terminal: --yes, nothing done"
    recovered = orchestrator(["recover-state", ENV, STACK, "--yes"], work_dir, env=env_dir)
    assert recovered.returncode == 0, recovered.stderr[-4000:]
    assert f"{ENV}/{STACK}: pushed the errored state (lineage " in recovered.stdout
    assert not errored.exists()
    [kept] = errored.parent.glob("errored.tfstate.pushed-*")
    assert f"The file is kept as {kept}." in recovered.stdout

    rerun = orchestrator(["apply", "--env", ENV, "--json"], work_dir, timeout=RUN_TIMEOUT_SECONDS, env=env_dir)
    assert rerun.returncode == 0, rerun.stderr[-4000:]
    assert {s["stack"]: s["result"] for s in rerun.report["stacks"]}[STACK] == "applied"
    clean = orchestrator(
        ["plan", "--env", ENV, "--detailed-exitcode"], work_dir, timeout=RUN_TIMEOUT_SECONDS, env=env_dir
    )
    assert clean.returncode == 0, clean.stdout[-4000:] + clean.stderr[-4000:]
    assert clean.stdout.rstrip().endswith("No changes.")
    print(f"fault recovery: {time.monotonic() - started:.0f} s")
