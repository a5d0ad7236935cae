"""The commands behind the CLI: they load configuration first, then touch Terraform or AWS."""

from __future__ import annotations

import json
import time
from pathlib import Path

from botocore.exceptions import BotoCoreError

from orchestrator import existing_network, paths
from orchestrator.config import EnvConfig
from orchestrator.engine import Engine
from orchestrator.faults import disk_full, is_disk_full, rerun_command
from orchestrator.graph import Node, StackGraph, build_graph, run_graph
from orchestrator.outcome import StackOutcome, readable_plan
from orchestrator.policy.gate import check_plan
from orchestrator.policy.plan_guard import guard_plan, platform_accounts
from orchestrator.progress import Progress
from orchestrator.protected import administered_changes
from orchestrator.report.run_report import RunReport
from orchestrator.settings import PlatformSettings
from orchestrator.stacks import BOOTSTRAP_STACK, StackSpec
from orchestrator.stateful import (
    Consent,
    held,
    homes_at_stake,
    refusal,
    resource_type,
    stale,
    stale_refusal,
    stateful_addresses,
)
from orchestrator.studio.leftovers import env_leftovers
from orchestrator.targets.base import Duty, Target
from orchestrator.terraform.workspace import Workspace, root_dir


def run_stacks(
    command: str,
    target: Target,
    settings: PlatformSettings,
    envs: list[tuple[EnvConfig, list[StackSpec]]],
    progress: Progress,
    lock_timeout: str,
    out_dir: Path | None = None,
    parallelism: int = 1,
    keep_going: bool = False,
    policy_gate: bool = False,
    consents: tuple[Consent, ...] = (),
) -> RunReport:
    """plan / apply / destroy the selected stacks over the stack graph (`orchestrator/graph.py`):
    a stack starts once what it needs has succeeded (for destroy: once every stack that needs it
    is gone), `parallelism` at a time across all environments. `consents` allow, by address, the
    deletes and replaces of stateful resources (orchestrator/stateful.py) an apply would refuse."""
    start = time.monotonic()
    report = RunReport("apply" if command == "apply-saved" else command, target.name)
    engine = Engine(target, settings, progress, lock_timeout)
    graph = build_graph(
        envs, with_bootstrap=command in ("plan", "apply"), with_dependencies=command not in ("plan", "drift")
    )
    if command == "destroy":
        graph = graph.reversed()

    def run_node(node: Node) -> list[StackOutcome]:
        try:
            if node.stack is BOOTSTRAP_STACK:
                boot = engine.bootstrap(node.env, reconcile=False)
                return [boot] if boot is not None else []
            return _run_stack(command, engine, target, node.env, node.stack, progress, out_dir, policy_gate, consents)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            return [_disk_full(report.command, target.name, node.env.name, node.stack.name, exc)]
        except BotoCoreError as exc:  # the orchestrator's own call (the state backend's key or bucket) got no answer
            error = engine.explained_exception(node.env, node.stack, report.command, exc)
            return [StackOutcome(node.env.name, node.stack.name, report.command, result="failed", error=error)]

    outcomes = run_graph(graph, run_node, command, parallelism, keep_going)
    # A bootstrap is reported when it did something; one that never ran is no news (its stacks are).
    report.outcomes = [o for o in outcomes if not (o.stack == BOOTSTRAP_STACK.name and o.result == "skipped")]
    report.seconds = time.monotonic() - start
    return report


def _disk_full(command: str, target: str, env: str, stack: str, exc: OSError) -> StackOutcome:
    """A stack stopped by a write of the orchestrator's own (plan, log, generated root) that found the disk full."""
    fault = disk_full(paths.work_dir(), str(root_dir(target, env, stack)), rerun_command(command, env, target))
    return StackOutcome(env, stack, command, result="failed", error=f"{fault.text()}\n  the write that failed: {exc}")


def _run_stack(
    command: str,
    engine: Engine,
    target: Target,
    env: EnvConfig,
    stack: StackSpec,
    progress: Progress,
    out_dir: Path | None,
    policy_gate: bool = False,
    consents: tuple[Consent, ...] = (),
) -> list[StackOutcome]:
    if command == "drift":
        with Workspace(target, env, stack).exclusive():
            return [engine.drift(env, stack)]
    if command == "apply-saved":
        assert out_dir is not None  # noqa: S101 - the parser requires --from with apply-saved
        with Workspace(target, env, stack).exclusive():
            saved = engine.load_saved(env, stack, out_dir)
            # The gate reads the plan that will be applied (`terraform show` of the saved .tfplan),
            # never the JSON beside it, which nothing ties to that plan.
            refused = (
                _gated(engine, target, env, stack, progress) if policy_gate and saved.result == "changes" else None
            )
            return [
                _held(saved)
                or refused
                or _not_administrable(target, env, stack, saved)
                or engine.apply_saved(env, stack, out_dir, saved)
            ]
    if command in ("plan", "apply"):
        # A network created outside the platform: checked in the account before Terraform plans in it.
        mismatch = existing_network.checked(env, stack.name, lambda: target.duty_client(env, Duty.READ, "ec2"))
        if mismatch is not None:
            return [StackOutcome(env.name, stack.name, command, result="failed", error=mismatch)]
    with Workspace(target, env, stack).exclusive():
        planned = engine.plan(env, stack, destroy=command == "destroy", lock=command != "plan")
        outcome = planned
        if planned.result != "failed":
            stale_consent = _consented(engine, target, env, stack, planned, consents)
            if stale_consent is not None:
                return [stale_consent]
        if out_dir is not None and planned.result != "failed":
            engine.export_plan(env, stack, out_dir)
            if command == "plan":
                engine.save_plan(env, stack, planned, out_dir)
        if command in ("apply", "destroy") and planned.result == "changes":
            progress.block(readable_plan(planned))  # shown before anything is applied
            not_allowed = _held(planned) if command == "apply" else None
            if not_allowed is not None:
                return [not_allowed]
            if command == "apply" and policy_gate:
                refused = _gated(engine, target, env, stack, progress)
                if refused is not None:
                    return [refused]
        if command in ("apply", "destroy") and planned.result != "failed":
            outcome = _not_administrable(target, env, stack, planned) or engine.apply(env, stack, planned)
    if command == "destroy" and stack.name == STUDIO_STACK and outcome.result != "failed":
        # Before the network goes: what SageMaker created outside Terraform would block it.
        check = _studio_leftovers_check(target, env)
        if check is not None:
            return [outcome, check]
    return [outcome]


def _consented(
    engine: Engine,
    target: Target,
    env: EnvConfig,
    stack: StackSpec,
    planned: StackOutcome,
    consents: tuple[Consent, ...],
) -> StackOutcome | None:
    """The consents given for this stack, recorded in its plan (and so in a reviewed plan's summary),
    and what a Studio domain's replacement takes with it; a consent naming nothing the plan deletes
    or replaces stops the stack (bad input, exit 2)."""
    mine = [c for c in consents if c.label == planned.label]
    stale_ones = stale(planned, mine)
    if stale_ones:
        return StackOutcome(
            env.name,
            stack.name,
            planned.action,
            result="failed",
            error=stale_refusal(planned.label, stale_ones),
            changes=planned.changes,
            stale_consent=True,
        )
    planned.allowed = sorted({c.address for c in mine})
    domains = [
        address
        for address in stateful_addresses(stack.name, planned.changes)
        if resource_type(address) == "aws_sagemaker_domain"
    ]
    if domains:
        document = engine.export_plan(env, stack, Workspace(target, env, stack).dir)
        planned.at_stake = homes_at_stake(json.loads(document.read_text(encoding="utf-8")), domains)
    return None


def _held(planned: StackOutcome) -> StackOutcome | None:
    """An apply of a plan that deletes or replaces a stateful resource nobody allowed: refused before
    anything is applied, naming each address, its action and the flag that allows it."""
    if planned.action == "destroy" or planned.result != "changes" or not held(planned):
        return None
    return StackOutcome(
        planned.env,
        planned.stack,
        "apply",
        result="failed",
        error=refusal(planned),
        changes=planned.changes,
        allowed=planned.allowed,
        at_stake=planned.at_stake,
    )


def _gated(engine: Engine, target: Target, env: EnvConfig, stack: StackSpec, progress: Progress) -> StackOutcome | None:
    """checkov on the plan about to be applied (the workspace's saved plan, shown as JSON beside it):
    an outcome that stops the apply, or None to go on."""
    progress.say(f"{env.name}/{stack.name}", "policy gate: checkov and the platform's own rules on the plan")
    plan_json = engine.export_plan(env, stack, Workspace(target, env, stack).dir)
    verdict = check_plan(plan_json)
    findings = guard_plan(json.loads(plan_json.read_text(encoding="utf-8")), platform_accounts(env))
    if verdict.ok and not findings:
        progress.say(
            f"{env.name}/{stack.name}",
            f"policy gate: {verdict.passed} checks passed, no change weakens the platform (SARIF {verdict.sarif})",
        )
        return None
    lines = []
    if not verdict.ok:
        lines.append(
            f"policy gate: checkov found {len(verdict.failed)} failed check(s) in the plan; nothing was applied (SARIF: {verdict.sarif})"
        )
        lines += [f"  {failure}" for failure in verdict.failed]
    if findings:
        lines.append(
            f"policy gate: {len(findings)} change(s) no reviewed plan of the platform makes; nothing was applied"
        )
        lines += [f"  {finding}" for finding in findings]
    return StackOutcome(env.name, stack.name, "apply", result="failed", error="\n".join(lines))


def _not_administrable(target: Target, env: EnvConfig, stack: StackSpec, planned: StackOutcome) -> StackOutcome | None:
    """A plan that changes what only the deploy role may change, about to be applied with credentials
    that cannot (a GitHub CI role's session on AWS): refused before anything is applied, where the
    apply would otherwise stop half-way on AccessDenied."""
    administered = administered_changes(planned.changes) if planned.result == "changes" else []
    if not administered or target.can_administer(env):
        return None
    lines = [
        f"the plan of {env.name}/{stack.name} changes {', '.join(administered)}: the CI roles' boundary lets only the deploy role "
        f"({env.effective_deploy_role_arn}) change the permission boundaries and the guardrails. Nothing was applied.",
        f"Apply it with a platform administrator's credentials (which assume the deploy role): python -m orchestrator apply --target {target.name} --env {env.name}",
    ]
    return StackOutcome(
        env.name,
        stack.name,
        planned.action if planned.action == "destroy" else "apply",
        result="failed",
        error="\n".join(lines),
        changes=planned.changes,
    )


STUDIO_STACK = "platform"


def _studio_leftovers_check(target: Target, env: EnvConfig) -> StackOutcome | None:
    leftovers = env_leftovers(target, env)
    if not leftovers:
        return None
    lines = [
        f"SageMaker left resources outside Terraform that block deleting the VPC of {env.name}:",
        *(f"  {leftover.describe()}" for leftover in leftovers),
        f"Remove them (asks for confirmation; the home EFS holds user data): python -m orchestrator cleanup-studio --env {env.name} --target {target.name}",
        "then run destroy again; nothing else was destroyed.",
    ]
    return StackOutcome(env.name, "studio-leftovers", "check", result="failed", error="\n".join(lines))


def run_bootstrap(
    target: Target, settings: PlatformSettings, envs: list[EnvConfig], progress: Progress, parallelism: int = 1
) -> RunReport:
    """Each environment's state backend (bucket, lock table, key), `parallelism` accounts at a time:
    they share nothing, and most of a bootstrap is the provider waiting on the state bucket. On a
    failure nothing new starts (those running finish) and the accounts not bootstrapped are
    reported as skipped."""
    start = time.monotonic()
    report = RunReport("bootstrap", target.name)
    engine = Engine(target, settings, progress)
    nodes = [Node(env, BOOTSTRAP_STACK) for env in envs]
    graph = StackGraph(nodes, {node.label: [] for node in nodes})

    def run_node(node: Node) -> list[StackOutcome]:
        outcome = engine.bootstrap(node.env, reconcile=True)
        return [outcome] if outcome is not None else []

    report.outcomes = run_graph(graph, run_node, "bootstrap", parallelism)
    report.seconds = time.monotonic() - start
    return report
