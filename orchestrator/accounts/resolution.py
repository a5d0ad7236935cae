"""Each stage's accounts at plan time: as listed in env.yaml, or every ACTIVE account of its AWS
Organizations OU (and, with `recursive`, of the OUs below it), listed through the organization's
read role (`organizations.read_role_arn`), sorted by id so that every plan sees one order.

An account that joins the OU is in the next plan: its grants (models bucket, data key, registry)
appear as changes to dev's stacks, and its wave in `targets`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from orchestrator.config import EnvConfig
from orchestrator.config.fields import CANARY_FIRST
from orchestrator.config.stage_targets import StageTargetsConfig
from orchestrator.errors import ConfigError, quoted

# AWS Organizations' account states: only an ACTIVE account hosts endpoints (SUSPENDED,
# PENDING_CLOSURE and CLOSED accounts are left out). `State` replaced the older `Status`.
ACTIVE = "ACTIVE"
NOT_FOUND = ("ParentNotFoundException", "ChildNotFoundException", "OrganizationalUnitNotFoundException")

# An Organizations client of the read role, for an environment.
OrganizationsClient = Callable[[EnvConfig], Any]


def _active(account: dict[str, Any]) -> bool:
    return str(account.get("State") or account.get("Status")) == ACTIVE


def _pages(client: Any, operation: str, key: str, **arguments: Any) -> Iterable[dict[str, Any]]:
    for page in client.get_paginator(operation).paginate(**arguments):
        yield from page.get(key, [])


def ou_accounts(client: Any, ou_id: str, recursive: bool) -> list[str]:
    """The ACTIVE account ids directly in `ou_id` (and in its child OUs at any depth when
    `recursive`), each once, sorted."""
    found: set[str] = set()
    parents = [ou_id]
    while parents:
        parent = parents.pop()
        found.update(
            a["Id"] for a in _pages(client, "list_accounts_for_parent", "Accounts", ParentId=parent) if _active(a)
        )
        if recursive:
            children = _pages(client, "list_children", "Children", ParentId=parent, ChildType="ORGANIZATIONAL_UNIT")
            parents.extend(child["Id"] for child in children)
    return sorted(found)


def _stage_accounts(client: Any, env: EnvConfig, stage: str, targets: StageTargetsConfig) -> list[str]:
    if not targets.organizational_unit:
        return list(targets.accounts)
    field = f"target_accounts.{stage}.organizational_unit"
    try:
        accounts = ou_accounts(client, targets.organizational_unit, targets.recursive)
    except Exception as exc:  # noqa: BLE001 - every AWS error names the field and the role
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
        reason = "is not an OU of the organization" if code in NOT_FOUND else f"could not be listed ({code}: {exc})"
        raise ConfigError(
            [f"{_where(env)}: {field}: {reason} as {_role(env)} (value {quoted(targets.organizational_unit)})"]
        ) from None
    if not accounts:
        raise ConfigError(
            [f"{_where(env)}: {field}: has no ACTIVE account (value {quoted(targets.organizational_unit)})"]
        )
    return accounts


def _where(env: EnvConfig) -> str:
    return f"envs/{env.name}/env.yaml"


def _role(env: EnvConfig) -> str:
    return env.organizations.read_role_arn if env.organizations else "(no organizations.read_role_arn)"


def resolved_problems(env: EnvConfig, accounts: dict[str, list[str]]) -> list[str]:
    """What only the resolved accounts show: a canary named outside its OU's accounts, the
    environment's own account among them."""
    problems = []
    for stage, targets in env.stage_targets.items():
        canary = targets.waves.canary
        if canary != CANARY_FIRST and canary not in accounts[stage]:
            problems.append(
                f"{_where(env)}: target_accounts.{stage}.waves.canary: is not an ACTIVE account of "
                f"{targets.organizational_unit} ({', '.join(accounts[stage])}) (value {quoted(canary)})"
            )
        if env.account_id in accounts[stage]:
            problems.append(
                f"{_where(env)}: target_accounts.{stage}.organizational_unit: holds the environment's own account "
                f"{env.account_id}; target accounts must be separate (value {quoted(targets.organizational_unit)})"
            )
    return problems


def resolve(env: EnvConfig, organizations: OrganizationsClient) -> dict[str, list[str]]:
    """Each stage's accounts, the OUs listed through `organizations(env)` (only when a stage has one);
    recorded on `env` for the stacks' inputs."""
    client = organizations(env) if env.needs_resolution else None
    accounts = {stage: _stage_accounts(client, env, stage, t) for stage, t in env.stage_targets.items()}
    problems = resolved_problems(env, accounts)
    if problems:
        raise ConfigError(problems)
    env.resolve_targets(accounts)
    return accounts


def _dev_envs(configs: list[EnvConfig]) -> list[EnvConfig]:
    """The dev environments among `configs` and the sources of the target ones, each once."""
    found: dict[int, EnvConfig] = {}
    for env in configs:
        dev = env if env.kind == "dev" else env.source
        found.setdefault(id(dev), dev)
    return list(found.values())


def target_env_problems(configs: list[EnvConfig]) -> list[str]:
    """A target environment's account must be one of its stage's resolved accounts (checked when
    the run resolved them; a run of target environments only lists no OU)."""
    problems = []
    for env in configs:
        if env.kind != "target" or not env.source.needs_resolution or not env.source.targets_known:
            continue
        resolved = env.source.target_account_ids.get(env.name, [])
        if env.account_id not in resolved:
            problems.append(
                f"envs/{env.name}/env.yaml: account_id: is not an ACTIVE account of {env.source_env}'s "
                f"target_accounts.{env.name} ({', '.join(resolved) or 'none'}) (value {quoted(env.account_id)})"
            )
    return problems


def resolve_all(configs: list[EnvConfig], organizations: OrganizationsClient) -> None:
    """Resolve the stages of every dev environment the run touches (also a target's source)."""
    problems: list[str] = []
    for dev in _dev_envs(configs):
        if dev.needs_resolution:
            try:
                resolve(dev, organizations)
            except ConfigError as exc:
                problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems)
    problems = target_env_problems(configs)
    if problems:
        raise ConfigError(problems)
