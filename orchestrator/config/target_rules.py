"""Rules of env.yaml's target_accounts and organizations, checked before any AWS call: each stage
names its accounts one way, every listed id once, a canary among them, an OU only with the role
that resolves it (orchestrator/config/stage_targets.py)."""

from __future__ import annotations

from collections.abc import Iterator

from orchestrator.config.fields import CANARY_FIRST
from orchestrator.config.schema import EnvConfig
from orchestrator.config.stage_targets import StageTargetsConfig

Problem = tuple[str, object, str]


def _duplicates(field: str, values: list[str]) -> Iterator[Problem]:
    for index, value in enumerate(values):
        if value in values[:index]:
            yield f"{field}[{index}]", value, "is listed more than once"


def _listed_accounts(config: EnvConfig) -> Iterator[tuple[str, str]]:
    """Every account id target_accounts lists, with its field path as written."""
    for stage, value in config.target_accounts.items():
        if isinstance(value, str):
            yield f"target_accounts.{stage}", value
            continue
        path = f"target_accounts.{stage}" if isinstance(value, list) else f"target_accounts.{stage}.accounts"
        accounts = value if isinstance(value, list) else value.accounts
        yield from ((f"{path}[{index}]", account) for index, account in enumerate(accounts))


def _stage_source_problems(stage: str, targets: StageTargetsConfig) -> Iterator[Problem]:
    path = f"target_accounts.{stage}"
    if targets.accounts and targets.organizational_unit:
        yield (
            f"{path}.organizational_unit",
            targets.organizational_unit,
            "give either accounts or organizational_unit, not both",
        )
    if not targets.accounts and not targets.organizational_unit:
        yield path, targets, "names no account: give one account id, a list, accounts or organizational_unit"
    if targets.recursive and not targets.organizational_unit:
        yield f"{path}.recursive", True, "applies only to an organizational_unit"
    canary = targets.waves.canary
    if targets.accounts and canary != CANARY_FIRST and canary not in targets.accounts:
        yield f"{path}.waves.canary", canary, f"is not one of the stage's accounts ({', '.join(targets.accounts)})"


def target_account_problems(config: EnvConfig) -> Iterator[Problem]:
    """target_accounts and organizations: (field path, value as written, what is wrong)."""
    for path, account in _listed_accounts(config):
        if account == config.account_id:
            yield path, account, "is the environment's own account; target accounts must be separate"
    for stage, value in config.target_accounts.items():
        if isinstance(value, list):
            if not value:
                yield f"target_accounts.{stage}", value, "names no account: list at least one account id"
            yield from _duplicates(f"target_accounts.{stage}", value)
        elif isinstance(value, StageTargetsConfig):
            yield from _stage_source_problems(stage, value)
            yield from _duplicates(f"target_accounts.{stage}.accounts", value.accounts)
    if config.needs_resolution and config.organizations is None:
        yield (
            "organizations",
            None,
            "is required when a stage of target_accounts names an organizational_unit (read_role_arn: the role that lists its accounts)",
        )
