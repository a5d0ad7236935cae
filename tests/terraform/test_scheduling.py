"""The run's xdist scheduling (conftest.py at the root): each root's `terraform test` is a work
unit of its own, every other test stays with its file (tests/integration relies on it)."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path
from types import ModuleType

from tests.conftest import REPO_ROOT
from tests.terraform.conftest import TESTED_ROOTS, label


def _root_conftest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("root_conftest", REPO_ROOT / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_terraform_root_is_its_own_work_unit() -> None:
    work_unit = _root_conftest().work_unit
    ids = [f"tests/terraform/test_modules.py::test_validate_and_terraform_test[{label(root)}]" for root in TESTED_ROOTS]
    assert len({work_unit(i) for i in ids}) == len(ids) > 1
    assert (
        work_unit("tests/terraform/test_modules.py::test_module_has_required_files[modules/kms]")
        == "tests/terraform/test_modules.py"
    )


def test_other_tests_stay_with_their_file() -> None:
    work_unit = _root_conftest().work_unit
    units = {
        work_unit(f"tests/integration/test_dev_local.py::{name}")
        for name in ("test_apply_creates_dev_in_its_own_account", "test_destroy_leaves_nothing")
    }
    assert units == {"tests/integration/test_dev_local.py"}
    assert work_unit("tests/orchestrator/test_x.py::TestY::test_z[a::b]") == "tests/orchestrator/test_x.py"


def test_the_scheduler_is_used_by_the_configured_distribution() -> None:
    addopts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"][
        "ini_options"
    ]["addopts"]
    assert "--dist loadfile" in addopts, "conftest.py's scheduler replaces loadfile only"

    class Config:
        dist = "loadfile"

        def getvalue(self, name: str) -> object:
            return {"dist": self.dist, "tx": ["2*popen"]}[name]

    class Other(Config):
        dist = "load"

    module = _root_conftest()
    scheduler = module.pytest_xdist_make_scheduler(Config(), log=None)
    assert scheduler._split_scope(
        "tests/terraform/test_modules.py::test_validate_and_terraform_test[modules/kms]"
    ).endswith("[modules/kms]")
    assert (
        scheduler._split_scope("tests/integration/test_dev_local.py::test_destroy_leaves_nothing")
        == "tests/integration/test_dev_local.py"
    )
    assert module.pytest_xdist_make_scheduler(Other(), log=None) is None


def test_the_units_without_a_world_come_first_waiting_ones_first_then_the_world_files_its_destroyers_last() -> None:
    module = _root_conftest()
    collection = [
        "tests/integration/test_destroy.py::test_destroy_leaves_nothing",
        "tests/integration/test_destroy_targets.py::test_g",
        "tests/integration/test_dev_guardrails.py::test_f",
        "tests/orchestrator/test_graph.py::test_a",
        "tests/security/test_attacks.py::test_b",
        "tests/terraform/test_modules.py::test_validate_and_terraform_test[modules/kms]",
        "tests/integration/test_dev_local.py::test_c",
        "tests/gates/test_checkov.py::test_d",
        "tests/integration/test_dev_local.py::test_e",
        "tests/integration/test_accounts.py::test_h",
    ]
    assert module.ordered(collection) == [
        "tests/integration/test_accounts.py::test_h",
        "tests/terraform/test_modules.py::test_validate_and_terraform_test[modules/kms]",
        "tests/gates/test_checkov.py::test_d",
        "tests/orchestrator/test_graph.py::test_a",
        "tests/integration/test_dev_local.py::test_c",
        "tests/integration/test_dev_local.py::test_e",
        "tests/integration/test_dev_guardrails.py::test_f",
        "tests/security/test_attacks.py::test_b",
        "tests/integration/test_destroy_targets.py::test_g",
        "tests/integration/test_destroy.py::test_destroy_leaves_nothing",
    ]


def test_every_process_collects_in_schedule_order() -> None:
    """The scheduler sends a worker the indices of its own collection: the order is set there."""
    from types import SimpleNamespace

    module = _root_conftest()
    items = [
        SimpleNamespace(nodeid=n)
        for n in (
            "tests/integration/test_destroy.py::test_a",
            "tests/integration/test_destroy_targets.py::test_b",
            "tests/orchestrator/test_graph.py::test_c",
        )
    ]
    module.pytest_collection_modifyitems(items)
    assert [i.nodeid for i in items] == [
        "tests/orchestrator/test_graph.py::test_c",
        "tests/integration/test_destroy_targets.py::test_b",
        "tests/integration/test_destroy.py::test_a",
    ]


def test_every_file_that_uses_the_world_is_scheduled_as_a_world_unit() -> None:
    """A file that waits for the session's world but is not a world unit would be handed out
    first and hold a worker idle until the world is built (minutes)."""
    import re

    module = _root_conftest()
    uses_world = re.compile(r"\bworld(_at_end)?\s*:\s*World\b")
    users = sorted(
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "tests").rglob("test_*.py")
        if uses_world.search(path.read_text(encoding="utf-8"))
    )
    assert "tests/integration/test_readme_flow.py" in users
    late = [path for path in users if module.schedule_rank(path) < 10]
    assert late == [], f"add these to WORLD_UNITS (or WORLD_ENDERS) in conftest.py: {late}"


def test_the_world_units_go_first_once_the_world_is_built_the_destroyers_always_last() -> None:
    module = _root_conftest()
    queue = module.ordered(
        [
            "tests/gates/test_checkov.py",
            "tests/orchestrator/test_graph.py",
            "tests/integration/test_dev_local.py",
            "tests/security/test_attacks.py",
            "tests/integration/test_destroy_targets.py",
        ]
    )
    assert module.next_unit(queue, world_ready=False) == "tests/gates/test_checkov.py"
    assert module.next_unit(queue, world_ready=True) == "tests/integration/test_dev_local.py"
    world_done = [unit for unit in queue if "dev_local" not in unit and "security" not in unit]
    assert module.next_unit(world_done, world_ready=True) == "tests/gates/test_checkov.py", "then the filler"
    only_world = ["tests/integration/test_dev_local.py", "tests/integration/test_destroy_targets.py"]
    assert module.next_unit(only_world, world_ready=False) == "tests/integration/test_dev_local.py", "it waits"
    assert module.next_unit(["tests/integration/test_destroy_targets.py"], world_ready=True).endswith("targets.py")


def test_a_worker_gets_its_next_unit_only_when_down_to_its_last_test(tmp_path: Path) -> None:
    """xdist's workers hold their last test until they know what comes next: one pending test is
    the moment to hand out the next unit (not two or more, which queues units behind each other)."""
    from types import SimpleNamespace

    module = _root_conftest()

    class Config:
        option = SimpleNamespace(basetemp=None)
        _tmp_path_factory = SimpleNamespace(getbasetemp=lambda: tmp_path)

        def getvalue(self, name: str) -> object:
            return {"dist": "loadfile", "tx": ["2*popen"]}[name]

    scheduler = module.pytest_xdist_make_scheduler(Config(), log=None)
    assigned: list[str] = []
    scheduler._assign_work_unit = lambda node: assigned.append(node.name)
    scheduler.workqueue = {"tests/x.py": {"tests/x.py::t": False}}

    class Worker:
        shutting_down = False

        def __init__(self, name: str) -> None:
            self.name = name

    busy, last = Worker("busy"), Worker("last")
    scheduler.assigned_work = {
        busy: {"tests/a.py": {"tests/a.py::t1": True, "tests/a.py::t2": False, "tests/a.py::t3": False}},
        last: {"tests/b.py": {"tests/b.py::t1": True, "tests/b.py::t2": False}},
    }
    scheduler._reschedule(busy)
    scheduler._reschedule(last)
    assert assigned == ["last"]


def test_the_scheduler_hands_out_the_unit_next_unit_picks(tmp_path: Path) -> None:
    """The scheduler of the run, with the world's record present or not in the run's directory."""
    from collections import OrderedDict
    from types import SimpleNamespace

    module = _root_conftest()

    class Config:
        option = SimpleNamespace(basetemp=None)
        _tmp_path_factory = SimpleNamespace(getbasetemp=lambda: tmp_path)

        def getvalue(self, name: str) -> object:
            return {"dist": "loadfile", "tx": ["2*popen"]}[name]

    scheduler = module.pytest_xdist_make_scheduler(Config(), log=None)
    sent: list[str] = []

    class Node:
        def send_runtest_some(self, indexes: list[int]) -> None:
            sent.extend(collection[i] for i in indexes)

    node = Node()
    collection = ["tests/gates/test_checkov.py::test_a", "tests/integration/test_dev_local.py::test_b"]
    scheduler.registered_collections = {node: collection}
    scheduler.assigned_work = {}
    scheduler.workqueue = OrderedDict((n.split("::")[0], {n: False}) for n in collection)
    (tmp_path / "world").mkdir()
    (tmp_path / "world" / "world.json").write_text("{}")
    scheduler._assign_work_unit(node)
    assert sent == ["tests/integration/test_dev_local.py::test_b"]


def test_the_destroyers_go_to_different_workers(tmp_path: Path) -> None:
    """A worker holding one destroyer does not take the other while another worker holds none;
    once that one takes it, the first is told to shut down, so it runs the test it held."""
    from collections import OrderedDict
    from types import SimpleNamespace

    module = _root_conftest()

    class Config:
        option = SimpleNamespace(basetemp=None)
        _tmp_path_factory = SimpleNamespace(getbasetemp=lambda: tmp_path)

        def getvalue(self, name: str) -> object:
            return {"dist": "loadfile", "tx": ["2*popen"]}[name]

    class Worker:
        def __init__(self) -> None:
            self.shutting_down = False
            self.sent: list[int] = []

        def send_runtest_some(self, indexes: list[int]) -> None:
            self.sent.extend(indexes)

        def shutdown(self) -> None:
            self.shutting_down = True

    targets, destroy = "tests/integration/test_destroy_targets.py", "tests/integration/test_destroy.py"
    collection = ["tests/x.py::a", "tests/x.py::b", f"{targets}::t", f"{destroy}::t1", f"{destroy}::t2"]
    scheduler = module.pytest_xdist_make_scheduler(Config(), log=None)
    holding, busy = Worker(), Worker()
    scheduler.registered_collections = {holding: collection, busy: collection}
    scheduler.assigned_work = {
        holding: {targets: {f"{targets}::t": False}},
        busy: {"tests/x.py": {"tests/x.py::a": False, "tests/x.py::b": False}},
    }
    scheduler.workqueue = OrderedDict({destroy: {f"{destroy}::t1": False, f"{destroy}::t2": False}})
    scheduler._reschedule(holding)
    assert holding.sent == [] and not holding.shutting_down, "it left the other destroyer for the busy worker"
    scheduler.assigned_work[busy]["tests/x.py"]["tests/x.py::a"] = True
    scheduler._reschedule(busy)
    assert busy.sent == [3, 4] and holding.shutting_down, "the busy worker took it; the holder runs its test"
