"""The stack graph: every (environment, stack) one command touches, and what each needs first.

A node is `<env>/<stack>`. Within an environment a stack needs the stacks its `StackSpec` names
(`depends_on`), among those selected; on plan and apply every stack of an environment also needs
the environment's bootstrap (its state backend). Environments share no edge: each has its own
account and state, and what one grants another is named by deterministic ARNs, not read from the
other's state. Destroy walks the same graph backwards: a stack goes after every stack that needs it.

`run_graph` runs ready nodes `parallelism` at a time. On a failure it starts nothing new
(fail-fast, the default) or, with `keep_going`, goes on with every node whose dependencies all
succeeded; either way the nodes it did not run are reported as skipped, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from orchestrator.config import EnvConfig
from orchestrator.errors import ConfigError
from orchestrator.outcome import StackOutcome
from orchestrator.stacks import BOOTSTRAP_STACK, StackSpec

DEFAULT_MAX_STACKS = 60


@dataclass(frozen=True)
class Node:
    env: EnvConfig
    stack: StackSpec

    @property
    def label(self) -> str:
        return f"{self.env.name}/{self.stack.name}"


@dataclass
class StackGraph:
    nodes: list[Node]  # in the order they were selected
    needs: dict[str, list[str]]  # label -> labels it needs first

    def order(self) -> list[Node]:
        """Dependencies first; otherwise the selection order (so each environment's stacks stay together)."""
        cycle = find_cycle(self.needs)
        if cycle:
            raise ConfigError([f"stack dependencies form a cycle: {' -> '.join(cycle)}"])
        placed: set[str] = set()
        ordered: list[Node] = []
        remaining = list(self.nodes)
        while remaining:
            node = next(n for n in remaining if all(d in placed for d in self.needs[n.label]))
            ordered.append(node)
            placed.add(node.label)
            remaining.remove(node)
        return ordered

    def reversed(self) -> StackGraph:
        """The graph destroy walks: a node needs every node that needed it."""
        needed_by: dict[str, list[str]] = {n.label: [] for n in self.nodes}
        for label, needs in self.needs.items():
            for dependency in needs:
                needed_by[dependency].append(label)
        return StackGraph(list(reversed(self.nodes)), needed_by)

    def to_dict(self) -> dict[str, Any]:
        ordered = self.order()
        return {
            "order": [n.label for n in ordered],
            "nodes": [
                {"stack": n.label, "env": n.env.name, "account": n.env.account_id, "needs": self.needs[n.label]}
                for n in ordered
            ],
        }

    def text(self) -> str:
        ordered = self.order()
        width = max((len(n.label) for n in ordered), default=0)
        lines = [f"{n.label:<{width}}  <- {', '.join(self.needs[n.label]) or '(nothing)'}" for n in ordered]
        lines.append(f"{len(ordered)} stack(s) in {len({n.env.name for n in ordered})} environment(s)")
        return "\n".join(lines)

    def json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def find_cycle(needs: dict[str, list[str]]) -> list[str] | None:
    """One cycle of the dependency relation as a closed path (a -> b -> a), or None."""
    state: dict[str, str] = {}  # visiting | done
    path: list[str] = []

    def visit(label: str) -> list[str] | None:
        state[label] = "visiting"
        path.append(label)
        for dependency in needs.get(label, []):
            if state.get(dependency) == "visiting":
                return [*path[path.index(dependency) :], dependency]
            if dependency not in state:
                found = visit(dependency)
                if found:
                    return found
        path.pop()
        state[label] = "done"
        return None

    for label in needs:
        if label not in state:
            found = visit(label)
            if found:
                return found
    return None


def build_graph(
    selection: Iterable[tuple[EnvConfig, list[StackSpec]]], with_bootstrap: bool, with_dependencies: bool = True
) -> StackGraph:
    """The graph of the selected stacks of each environment (and their bootstraps, if asked).

    Without dependencies (plan, drift) a stack needs only its bootstrap: a plan reads the applied
    state and SSM contract of the stacks it depends on, never their plans, so planning them in
    order changes nothing but the time it takes."""
    nodes: list[Node] = []
    needs: dict[str, list[str]] = {}
    for env, stacks in selection:
        selected = {s.name for s in stacks}
        boot = Node(env, BOOTSTRAP_STACK)
        if with_bootstrap and stacks:
            nodes.append(boot)
            needs[boot.label] = []
        for stack in stacks:
            node = Node(env, stack)
            nodes.append(node)
            needs[node.label] = [f"{env.name}/{d}" for d in stack.depends_on if d in selected and with_dependencies]
            if with_bootstrap:
                needs[node.label].insert(0, boot.label)
    return StackGraph(nodes, needs)


def check_size(graph: StackGraph, max_stacks: int) -> None:
    """Refuse, before anything runs, a command that would touch more stacks than allowed."""
    count = sum(1 for n in graph.nodes if n.stack is not BOOTSTRAP_STACK)
    if count > max_stacks:
        raise ConfigError(
            [
                f"--max-stacks: this command would touch {count} stacks, more than the limit of {max_stacks}; "
                "narrow it with --env/--stack or raise --max-stacks if that is intended"
            ]
        )


def _skipped(node: Node, action: str, reason: str) -> StackOutcome:
    return StackOutcome(node.env.name, node.stack.name, action, result="skipped", error=reason)


def _why_not(needs: list[str], failed: set[str], skipped: dict[str, str], keep_going: bool) -> str:
    """Why a pending node must not run now ('' if it may, once its dependencies are done)."""
    broken = [d for d in needs if d in failed]
    if broken:
        return f"{', '.join(broken)} failed"
    passed_on = [skipped[d] for d in needs if d in skipped]
    if passed_on:
        return passed_on[0]
    if failed and not keep_going:
        return "stopped after a failure (fail-fast; --keep-going runs what does not depend on it)"
    return ""


def run_graph(
    graph: StackGraph,
    run: Callable[[Node], list[StackOutcome]],
    action: str,
    parallelism: int = 1,
    keep_going: bool = False,
) -> list[StackOutcome]:
    """Run every node once its dependencies have succeeded; outcomes in graph order."""
    ordered = graph.order()
    results: dict[str, list[StackOutcome]] = {}
    failed: set[str] = set()
    skipped: dict[str, str] = {}  # label -> why it did not run
    succeeded: set[str] = set()
    pending = list(ordered)
    running: dict[Future[list[StackOutcome]], Node] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="stack") as pool:
        while pending or running:
            for node in list(pending):
                reason = _why_not(graph.needs[node.label], failed, skipped, keep_going)
                if reason:
                    results[node.label] = [_skipped(node, action, reason)]
                    skipped[node.label] = reason
                    pending.remove(node)
            for node in [n for n in pending if all(d in succeeded for d in graph.needs[n.label])]:
                if len(running) >= max(1, parallelism):
                    break
                pending.remove(node)
                running[pool.submit(run, node)] = node
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                node = running.pop(future)
                outcomes = future.result()
                results[node.label] = outcomes
                (failed if any(o.result == "failed" for o in outcomes) else succeeded).add(node.label)
    return [o for node in ordered for o in results.get(node.label, [])]
