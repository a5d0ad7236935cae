"""How pytest-xdist spreads the whole run over its workers (pyproject.toml: `-n 2 --dist loadfile`).

`loadfile` keeps the tests of a file on one worker: the tests of tests/integration share
module-scoped fixtures (one emulator, one apply per file) and rely on it. The exception is
SPREAD_ONE_BY_ONE: each root's `terraform test` (tests/terraform/test_modules.py, one test per
module, the bootstrap and each stack) stands alone, shares only session fixtures, and is the
slowest kind of test outside tests/integration; under plain `loadfile` they would all run on the
one worker that gets their file. They are scheduled one by one instead.

(`--dist loadgroup` with `xdist_group` marks would say the same thing, but with pytest 9.2 and
pytest-xdist 3.8 it does not group at all: xdist marks a group by rewriting the test's node id,
which pytest 9.2 no longer reads; pytest-xdist issue #1386.)

The units are queued in the order of `schedule_rank`, not largest first. The session's world
(tests/world.py: dev, staging and prod applied, ~6 minutes) is built in the background from the
start, so both workers first take the units that need no world (those that mostly wait on the
provider first, then the Terraform roots, the longest first); `next_unit` hands out the world
files, the longest chain first, as soon as the world is built, ahead of what still needs no world
(which then fills the time one worker would otherwise wait at the end); the units that destroy
the world come last (they wait for every other world test anyway).
"""

from __future__ import annotations

from typing import Any

import pytest

# Node-id prefixes of tests that are each a work unit of their own.
SPREAD_ONE_BY_ONE = ("tests/terraform/test_modules.py::test_validate_and_terraform_test[",)


# Units that need no world and mostly wait on the provider (idle CPU): handed out before the
# Terraform roots, so their waits overlap the roots' CPU-bound tests on the other worker.
WAITING_FIRST = (
    "tests/integration/test_accounts.py",  # bootstraps two accounts on an emulator of its own
    "tests/integration/test_bring_your_own_network.py",  # a dev and a target env applied side by side in VPCs made with boto3, own emulator
)

# Units that use the world, the longest first (each worker takes the next when it finishes one, so
# the longest start first and the short ones even out the end); the ones that destroy it after all others.
WORLD_UNITS = (
    "tests/integration/test_dev_local.py",  # changes dev and puts it back: ~190 s
    "tests/integration/test_fault_recovery.py",  # starts from a copy of the world's saved resources
    "tests/integration/test_dev_drift.py",  # drifts dev by hand and puts it back
    "tests/integration/test_stateful_consent.py",  # starts from a copy of the world's saved resources
    "tests/integration/test_dev_guardrails.py",
    "tests/integration/test_journey.py",
    "tests/integration/test_job_packages.py",  # the seed pipeline with a package from dev's CodeArtifact: ~2 min
    "tests/integration/test_organization_targets_apply.py",  # own emulator from the world's resources: ~90 s (135 s loaded)
    "tests/security/",
    "tests/integration/test_project_launch.py",  # launches (and deletes) its own SageMaker projects in dev
    "tests/integration/test_pipeline_failure_notifications.py",  # one failing build of abalone in dev: ~10 s (35 s on a loaded machine)
    "tests/integration/test_package_repository.py",  # publishes a wheel to dev's CodeArtifact, pip installs it (~7 s)
    "tests/integration/test_organization_targets.py",  # an organization of its own; plans dev (foundation, projects) twice
    "tests/integration/test_readme_flow.py",
    "tests/integration/test_prod_detective.py",  # reads prod's detective controls: ~5 s
)
# staging and prod's destroy before dev's: should one worker get both units, the README's last
# `destroy` (test_destroy.py, which waits for the other) must not wait for a unit queued behind it.
WORLD_ENDERS = ("tests/integration/test_destroy_targets.py", "tests/integration/test_destroy.py")


WORLD_RANK = 10  # the first world unit's rank: the units before need no world


def schedule_rank(unit: str) -> int:
    """Where a work unit goes in the queue (lower first)."""
    if unit in WAITING_FIRST:
        return -1
    if unit.startswith(SPREAD_ONE_BY_ONE):
        return 0
    if unit.startswith("tests/gates/"):
        return 1
    for position, ender in enumerate(WORLD_ENDERS):
        if unit == ender:
            return WORLD_RANK + len(WORLD_UNITS) + position
    for position, prefix in enumerate(WORLD_UNITS):
        if unit.startswith(prefix):
            return WORLD_RANK + position
    return 2


def rank_of(nodeid: str) -> int:
    """The schedule rank of the unit a test belongs to."""
    return schedule_rank(work_unit(nodeid))


def ordered(collection: list[str]) -> list[str]:
    """The collection with its work units in schedule order (a unit's tests stay in their order)."""
    return sorted(collection, key=rank_of)


def next_unit(queue: list[str], world_ready: bool) -> str:
    """The unit a worker gets next, from the queue in schedule order: once the world is built, the
    world's units before whatever needs no world (those then fill the time the other worker spends
    on the last world units, while the destroyers wait); before, the units that need no world, so
    no worker waits for the world while there is other work. The destroyers always come last."""
    enders = WORLD_RANK + len(WORLD_UNITS)
    preferred = [unit for unit in queue if (WORLD_RANK <= schedule_rank(unit) < enders) == world_ready]
    return next((unit for unit in preferred if schedule_rank(unit) < enders), queue[0])


def work_unit(nodeid: str) -> str:
    """The unit a test is scheduled with: its own node id if it is spread, otherwise its file."""
    if nodeid.startswith(SPREAD_ONE_BY_ONE):
        return nodeid
    return nodeid.split("::", 1)[0]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every process collects the tests in schedule order: the scheduler hands out units by their
    indices in the workers' own collections, so the order must be the workers' own."""
    items[:] = sorted(items, key=lambda item: rank_of(item.nodeid))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LoadFileSpreadingTerraformRoots(LoadFileScheduling):  # type: ignore[misc]  # pytest-xdist is untyped
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

        def schedule(self) -> None:
            self.config.option.loadscopereorder = (
                False  # the queue follows the collection's order, not the units' sizes
            )
            super().schedule()

        def _reschedule(self, node: Any) -> None:
            """The next unit once the worker is down to its last test (which it holds until it knows
            what comes next), not two tests ahead as xdist does: a long unit is not queued behind
            another on one worker while the other worker runs out of work."""
            if node.shutting_down:
                return
            if not self.workqueue:
                node.shutdown()
                return
            if self._pending_of(self.assigned_work[node]) > 1:
                return
            if self._leave_the_ender_to_another_worker(node):
                return
            self._assign_work_unit(node)
            if not self.workqueue:  # the last unit is out: a worker holding its last test may run it now
                for other in self.nodes:
                    if (
                        other is not node
                        and not other.shutting_down
                        and self._pending_of(self.assigned_work[other]) <= 1
                    ):
                        other.shutdown()

        def _holds_an_ender(self, node: Any) -> bool:
            return any(
                unit in WORLD_ENDERS and not all(work.values())
                for unit, work in self.assigned_work.get(node, {}).items()
            )

        def _leave_the_ender_to_another_worker(self, node: Any) -> bool:
            """The destroyers on different workers, side by side: a worker that holds one (a one-test
            unit, held until the worker knows what follows) does not take the other while another
            worker, which will ask, holds none."""
            if not all(unit in WORLD_ENDERS for unit in self.workqueue) or not self._holds_an_ender(node):
                return False
            return any(
                other is not node and not other.shutting_down and not self._holds_an_ender(other)
                for other in self.nodes
            )

        def _assign_work_unit(self, node: Any) -> None:
            from tests.world import shared_dir

            world_ready = (shared_dir(self.config) / "world.json").is_file()
            if self.workqueue:
                self.workqueue.move_to_end(next_unit(list(self.workqueue), world_ready), last=False)
            super()._assign_work_unit(node)

    return LoadFileSpreadingTerraformRoots(config, log)
