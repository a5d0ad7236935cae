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

The units are handed out in the order of `schedule_rank`, not largest first: the file whose tests
build the session's world (tests/world.py: ~6 minutes of applies) starts at once on one worker,
while the other works through the tests that need no world (the Terraform roots first, the
longest units); the other world files follow once the world is likely built, and the tests that
destroy it come last (they wait for every other world test anyway).
"""

from __future__ import annotations

from typing import Any

import pytest

# Node-id prefixes of tests that are each a work unit of their own.
SPREAD_ONE_BY_ONE = ("tests/terraform/test_modules.py::test_validate_and_terraform_test[",)


# The file that starts building the world: the longest chain of world tests.
WORLD_BUILDER = "tests/integration/test_dev_local.py"
WORLD_FILES = ("tests/integration/", "tests/security/")
WORLD_ENDERS = ("tests/integration/test_destroy.py",)


def schedule_rank(unit: str) -> int:
    """Where a work unit goes in the queue (lower first)."""
    if unit == WORLD_BUILDER:
        return 0
    if unit.startswith(WORLD_ENDERS):
        return 5
    if unit.startswith(WORLD_FILES):
        return 4
    if unit.startswith(SPREAD_ONE_BY_ONE):
        return 1
    if unit.startswith("tests/gates/"):
        return 2
    return 3


def ordered(collection: list[str]) -> list[str]:
    """The collection with its work units in schedule order (a unit's tests stay in their order)."""
    return sorted(collection, key=lambda nodeid: schedule_rank(work_unit(nodeid)))


def work_unit(nodeid: str) -> str:
    """The unit a test is scheduled with: its own node id if it is spread, otherwise its file."""
    if nodeid.startswith(SPREAD_ONE_BY_ONE):
        return nodeid
    return nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LoadFileSpreadingTerraformRoots(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

        def add_node_collection(self, node: Any, collection: Any) -> None:
            # Every node's collection is put in the same order, so they still compare equal.
            super().add_node_collection(node, ordered(list(collection)))

        def schedule(self) -> None:
            self.config.option.loadscopereorder = False  # the queue follows `ordered`, not the units' sizes
            super().schedule()

    return LoadFileSpreadingTerraformRoots(config, log)
