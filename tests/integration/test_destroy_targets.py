"""The end of the session's world, beside test_destroy.py (which destroys dev, then runs the
README's `destroy` of everything once this file is done): staging and prod, marked throw-away and
destroyed, on the other worker while dev's destroy runs. Nothing is left in their accounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import World, assert_nothing_left, orchestrator, throw_away

pytestmark = pytest.mark.emulator

TARGETS = ("staging", "prod")


def test_destroy_removes_staging_and_prod(world_at_end: World, tmp_path: Path) -> None:
    envs = throw_away(world_at_end, tmp_path / "envs", *TARGETS)
    selected = [arg for env in TARGETS for arg in ("--env", env)]
    run = orchestrator(
        ["destroy", *selected, "--yes", "--json", "--emulator-url", world_at_end.url],
        world_at_end.work_dir,
        env={"ORCHESTRATOR_ENVS_DIR": str(envs)},
    )
    assert run.returncode == 0, run.stderr[-4000:]
    stacks = sorted(run.report["stacks"], key=lambda s: (s["env"], s["stack"]))
    assert [(s["env"], s["stack"], s["result"]) for s in stacks] == [
        ("prod", "detective", "destroyed"),
        ("prod", "hosting", "destroyed"),
        ("staging", "hosting", "destroyed"),
    ]
    for env in TARGETS:
        assert_nothing_left(world_at_end.url, world_at_end.accounts[env])
