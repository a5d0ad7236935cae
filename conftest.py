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
"""

from __future__ import annotations

from typing import Any

import pytest

# Node-id prefixes of tests that are each a work unit of their own.
SPREAD_ONE_BY_ONE = ("tests/terraform/test_modules.py::test_validate_and_terraform_test[",)


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

    return LoadFileSpreadingTerraformRoots(config, log)
