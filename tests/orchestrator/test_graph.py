"""The stack graph: order, cycles, destroy order, the size guard, and how ready stacks are run."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from orchestrator.errors import ConfigError
from orchestrator.graph import Node, StackGraph, build_graph, check_size, find_cycle, run_graph
from orchestrator.outcome import StackOutcome
from orchestrator.stacks import BOOTSTRAP_STACK, STACKS, StackSpec


def _env(name: str) -> Any:
    return SimpleNamespace(
        name=name, account_id={"dev": "111111111111", "staging": "222222222222"}.get(name, "333333333333")
    )


def _dev_stacks() -> list[StackSpec]:
    return [STACKS[n] for n in ("foundation", "identity", "platform", "projects")]


def _labels(nodes: list[Node]) -> list[str]:
    return [n.label for n in nodes]


def test_dependencies_come_first_and_each_environment_stays_together() -> None:
    graph = build_graph([(_env("dev"), _dev_stacks()), (_env("staging"), [STACKS["hosting"]])], with_bootstrap=True)
    assert _labels(graph.order()) == [
        "dev/bootstrap",
        "dev/foundation",
        "dev/identity",
        "dev/platform",
        "dev/projects",
        "staging/bootstrap",
        "staging/hosting",
    ]
    assert graph.needs["dev/platform"] == ["dev/bootstrap", "dev/identity"]
    assert graph.needs["staging/hosting"] == ["staging/bootstrap"], "environments share no edge"


def test_plans_wait_only_for_their_bootstrap_and_run_together() -> None:
    """A plan reads applied state, never another stack's plan: plan and drift keep only the bootstrap edge."""
    graph = build_graph([(_env("dev"), _dev_stacks())], with_bootstrap=True, with_dependencies=False)
    assert {label: graph.needs[label] for label in ("dev/identity", "dev/platform")} == {
        "dev/identity": ["dev/bootstrap"],
        "dev/platform": ["dev/bootstrap"],
    }
    started: list[str] = []
    most, running, guard = [0], [0], threading.Lock()

    def run(node: Node) -> list[StackOutcome]:
        with guard:
            started.append(node.label)
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.1)
        with guard:
            running[0] -= 1
        return [StackOutcome(node.env.name, node.stack.name, "plan", result="no changes")]

    run_graph(graph, run, "plan", parallelism=4)
    assert started[0] == "dev/bootstrap" and most[0] == 4, "the four stacks plan at the same time, after the bootstrap"


def test_destroy_walks_the_graph_backwards() -> None:
    graph = build_graph([(_env("dev"), _dev_stacks())], with_bootstrap=False).reversed()
    assert _labels(graph.order()) == ["dev/projects", "dev/platform", "dev/identity", "dev/foundation"]
    assert sorted(graph.needs["dev/identity"]) == ["dev/platform", "dev/projects"]


def test_dependencies_that_are_not_selected_are_not_waited_for() -> None:
    graph = build_graph([(_env("dev"), [STACKS["platform"]])], with_bootstrap=False)
    assert graph.needs == {"dev/platform": []}


def test_a_cycle_is_refused_naming_its_path() -> None:
    def spec(name: str, *needs: str) -> StackSpec:
        return StackSpec(name, BOOTSTRAP_STACK.source, needs, lambda env: {})

    graph = build_graph(
        [(_env("dev"), [spec("a", "c"), spec("b", "a"), spec("c", "b"), spec("d")])], with_bootstrap=False
    )
    with pytest.raises(ConfigError) as refused:
        graph.order()
    assert "stack dependencies form a cycle: dev/a -> dev/c -> dev/b -> dev/a" in str(refused.value.problems)
    assert find_cycle({"x": ["y"], "y": []}) is None


def test_graph_text_and_json_name_every_stack_and_what_it_needs() -> None:
    graph = build_graph([(_env("dev"), _dev_stacks())], with_bootstrap=False)
    text = graph.text()
    assert "dev/projects    <- dev/identity" in text and text.endswith("4 stack(s) in 1 environment(s)")
    data = graph.to_dict()
    assert data["order"][0] == "dev/foundation"
    assert data["nodes"][0] == {"stack": "dev/foundation", "env": "dev", "account": "111111111111", "needs": []}


def test_too_many_stacks_are_refused_before_anything_runs() -> None:
    graph = build_graph([(_env(n), [STACKS["hosting"]]) for n in ("dev", "staging", "prod")], with_bootstrap=True)
    check_size(graph, 3)  # bootstraps do not count
    with pytest.raises(ConfigError) as refused:
        check_size(graph, 2)
    assert "would touch 3 stacks, more than the limit of 2" in str(refused.value.problems)


class Recorder:
    """Runs nodes slowly, records overlap and start order; fails the labels it is told to."""

    def __init__(self, fail: set[str] = frozenset(), seconds: float = 0.05) -> None:  # type: ignore[assignment]
        self.fail = fail
        self.seconds = seconds
        self.started: list[str] = []
        self.finished: list[str] = []
        self.running = 0
        self.most = 0
        self._guard = threading.Lock()

    def __call__(self, node: Node) -> list[StackOutcome]:
        with self._guard:
            self.started.append(node.label)
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.seconds)
        with self._guard:
            self.running -= 1
            self.finished.append(node.label)
        result = "failed" if node.label in self.fail else "applied"
        return [StackOutcome(node.env.name, node.stack.name, "apply", result=result)]


def _dev_graph() -> StackGraph:
    return build_graph([(_env("dev"), _dev_stacks())], with_bootstrap=False)


def test_independent_stacks_run_together_and_none_before_what_it_needs() -> None:
    recorder = Recorder()
    outcomes = run_graph(_dev_graph(), recorder, "apply", parallelism=4)
    assert recorder.most == 2, "platform and projects both need only identity: they run together"
    assert recorder.finished.index("dev/identity") < min(
        recorder.started.index("dev/platform"), recorder.started.index("dev/projects")
    )
    assert [o.label for o in outcomes] == ["dev/foundation", "dev/identity", "dev/platform", "dev/projects"]


def test_parallelism_one_runs_one_stack_at_a_time() -> None:
    recorder = Recorder()
    run_graph(_dev_graph(), recorder, "apply", parallelism=1)
    assert recorder.most == 1
    assert recorder.started == ["dev/foundation", "dev/identity", "dev/platform", "dev/projects"]


def test_fail_fast_starts_nothing_new_and_says_why() -> None:
    recorder = Recorder(fail={"dev/identity"})
    outcomes = run_graph(_dev_graph(), recorder, "apply", parallelism=2)
    assert [(o.label, o.result) for o in outcomes] == [
        ("dev/foundation", "applied"),
        ("dev/identity", "failed"),
        ("dev/platform", "skipped"),
        ("dev/projects", "skipped"),
    ]
    assert outcomes[2].error == "dev/identity failed"


def test_keep_going_runs_what_does_not_depend_on_the_failure() -> None:
    graph = build_graph([(_env("dev"), _dev_stacks()), (_env("staging"), [STACKS["hosting"]])], with_bootstrap=False)
    recorder = Recorder(fail={"dev/foundation"})
    fail_fast = run_graph(graph, recorder, "apply", parallelism=1)
    assert [(o.label, o.result) for o in fail_fast][-1] == ("staging/hosting", "skipped")
    assert "fail-fast" in fail_fast[-1].error

    kept = run_graph(graph, Recorder(fail={"dev/foundation"}), "apply", parallelism=1, keep_going=True)
    results = {o.label: o.result for o in kept}
    assert {o.label: o.error for o in kept}["dev/platform"] == "dev/foundation failed", "the root cause is passed on"
    assert results == {
        "dev/foundation": "failed",
        "dev/identity": "skipped",
        "dev/platform": "skipped",
        "dev/projects": "skipped",
        "staging/hosting": "applied",
    }


def test_an_interrupt_in_one_stack_stops_the_run() -> None:
    def interrupted(node: Node) -> list[StackOutcome]:
        if node.label == "dev/identity":
            raise KeyboardInterrupt
        return [StackOutcome(node.env.name, node.stack.name, "apply", result="applied")]

    with pytest.raises(KeyboardInterrupt):
        run_graph(_dev_graph(), interrupted, "apply", parallelism=2)


def test_every_stack_with_buckets_receives_the_environments_force_destroy() -> None:
    """storage.force_destroy of env.yaml must reach every stack that owns buckets, targets included
    (it once did not reach the hosting stack, and destroy of a throw-away prod stopped on its logs)."""
    from orchestrator.config import load_envs

    for env in load_envs(None):
        throw_away = env.model_copy(update={"storage": env.storage.model_copy(update={"force_destroy": True})})
        for stack in {"dev": ("foundation", "projects")}.get(env.kind) or ("hosting",):
            for config, expected in ((env, False), (throw_away, True)):
                inputs = STACKS[stack].inputs(config)
                assert inputs.get("force_destroy", inputs.get("storage", {}).get("force_destroy")) is expected, (
                    f"{env.name}/{stack}"
                )
