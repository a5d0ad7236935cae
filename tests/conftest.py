"""Shared fixtures: the repository's paths, a sandbox for environment files, and the world: the
README's environments applied once per test session (tests/world.py)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

if TYPE_CHECKING:
    from tests.world import World

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_ENV = REPO_ROOT / "envs" / "dev" / "env.yaml"


@pytest.fixture
def dev_config() -> dict:
    return yaml.safe_load(DEV_ENV.read_text(encoding="utf-8"))


@pytest.fixture
def envs_dir(tmp_path: Path) -> Path:
    path = tmp_path / "envs"
    path.mkdir()
    return path


def write_env(envs_dir: Path, name: str, data: dict) -> Path:
    folder = envs_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "env.yaml"
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    return target


def orchestrator_env(**extra: str) -> dict[str, str]:
    """Environment for running `python -m orchestrator` as a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **extra}
    env.pop("ORCHESTRATOR_EMULATOR_URL", None)
    return env


PYTHON = sys.executable


# One world per test session (tests/world.py): dev, staging and prod applied once, shared by every
# test that asks for `world`, destroyed by the tests that ask for `world_at_end`.

WORLD_TESTS = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    # Known also when xdist is not loaded (`-p no:xdist`), where the integration files keep their groups.
    config.addinivalue_line(
        "markers", "xdist_group(name): tests of one group run on one pytest-xdist worker (--dist loadgroup)"
    )


def _fixtures_of(item: pytest.Item) -> tuple[str, ...]:
    return tuple(getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def world(request: pytest.FixtureRequest) -> World:
    """The README's environments (dev, staging, prod) applied on one running emulator, shared by
    every test of the run that asks for it, on every xdist worker.

    Use `world.url` (the emulator; `--emulator-url`, or `Account(world.url, world.accounts["prod"],
    role_name)` from tests/integration/conftest.py), `world.work_dir` (ORCHESTRATOR_WORK_DIR of the
    apply) and `world.accounts` (env name → account id). A test may change the world only if it
    puts it back before it ends (other tests run beside it); it is destroyed after every test that
    uses it has finished."""
    from tests.world import open_world, shared_dir

    return open_world(shared_dir(request.config))


@pytest.fixture(scope="session")
def world_at_end(world: World, request: pytest.FixtureRequest) -> World:
    """The world, once every other test that uses it has finished, on any worker: for the tests
    that destroy it. Such tests are collected after all others."""
    from tests.world import shared_dir, wait_until_finished

    wait_until_finished(shared_dir(request.config), request.config.stash.get(WORLD_TESTS, []))
    return world


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that destroy the world run last (in their own order)."""
    items[:] = [i for i in items if "world_at_end" not in _fixtures_of(i)] + [
        i for i in items if "world_at_end" in _fixtures_of(i)
    ]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Every process of the run collects every test: each knows which tests use the world
    (the ones that destroy it excepted). If any test of the run uses it, its build starts now, in
    the background (tests/world.py), while the tests that need no world run."""
    session.config.stash[WORLD_TESTS] = [
        i.nodeid for i in session.items if "world" in _fixtures_of(i) and "world_at_end" not in _fixtures_of(i)
    ]
    if session.config.option.collectonly or not any("world" in _fixtures_of(i) for i in session.items):
        return
    from tests.world import shared_dir, start_building

    start_building(shared_dir(session.config))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    yield
    if "world" in _fixtures_of(item):  # the destroyers too: the README's last `destroy` waits for the other one
        from tests.world import mark_finished, shared_dir

        mark_finished(shared_dir(item.config), item.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The main process (not an xdist worker), once every test has finished: stop the world's emulator."""
    if hasattr(session.config, "workerinput") or not hasattr(session.config, "_tmp_path_factory"):
        return
    from tests.world import shared_dir, stop_world

    stop_world(shared_dir(session.config))
