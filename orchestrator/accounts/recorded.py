"""The accounts a saved plan was made for: `plan --out-dir DIR` writes, beside each stack's saved
plan of a dev environment whose stages come from an OU, the accounts the OUs resolved to
(`<env>.<stack>.target-accounts.json`), and `apply --from DIR` uses them instead of listing the
OUs again. The reviewed plan is what is applied: an account that joined or left the OU since is
in the next plan (a plan whose state changed meanwhile is refused as stale by Terraform)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestrator.config import EnvConfig
from orchestrator.errors import ConfigError, quoted

if TYPE_CHECKING:
    from orchestrator.stacks import StackSpec

ACCOUNT_ID = re.compile(r"\d{12}")


def record_file(run_dir: Path, env: EnvConfig, stack: StackSpec) -> Path:
    return run_dir / f"{env.name}.{stack.name}.target-accounts.json"


def write_record(run_dir: Path, env: EnvConfig, stack: StackSpec) -> None:
    """Record the stages' accounts the plan of `stack` was made for (an environment whose stages
    are all listed in env.yaml has nothing to record, and an earlier run's record is removed)."""
    path = record_file(run_dir, env, stack)
    if not env.needs_resolution or not env.targets_known:
        path.unlink(missing_ok=True)
        return
    document = {"env": env.name, "stack": stack.name, "target_accounts": env.target_account_ids}
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _stage_problems(path: Path, env: EnvConfig, accounts: Any) -> list[str]:
    if not isinstance(accounts, dict):
        return [f"{path}: target_accounts: is not a mapping of stage to account ids (value {quoted(accounts)})"]
    problems = []
    for stage, ids in accounts.items():
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and ACCOUNT_ID.fullmatch(i) for i in ids):
            problems.append(
                f"{path}: target_accounts.{stage}: is not a list of 12-digit account ids (value {quoted(ids)})"
            )
    if sorted(accounts) != sorted(env.stage_targets):
        problems.append(
            f"{path}: target_accounts: names the stages {', '.join(sorted(map(str, accounts)))}, but "
            f"envs/{env.name}/env.yaml has {', '.join(sorted(env.stage_targets))} (env.yaml changed since the plan; "
            f"plan again) (value {quoted(sorted(accounts))})"
        )
    return problems


def read_record(run_dir: Path, env: EnvConfig, stack: StackSpec) -> dict[str, list[str]]:
    """The accounts the saved plan of `stack` in `run_dir` was made for; a missing or bad record
    is a ConfigError naming the file, the field and what to do."""
    path = record_file(run_dir, env, stack)
    if not path.is_file():
        raise ConfigError(
            [
                f"--from: {path} is missing: the plan of {env.name}/{stack.name} was saved without the accounts "
                f"envs/{env.name}/env.yaml's target_accounts organizational units resolved to (a plan directory of an "
                f"earlier version); plan again with `plan --out-dir {run_dir}`, review it, and apply that "
                f"(value {quoted(str(run_dir))})"
            ]
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            [f"{path}: is not the JSON `plan --out-dir` wrote ({exc}) (value {quoted(str(path))})"]
        ) from None
    accounts = document.get("target_accounts") if isinstance(document, dict) else None
    problems = _stage_problems(path, env, accounts)
    if problems or not isinstance(accounts, dict):
        raise ConfigError(problems)
    return {str(stage): list(ids) for stage, ids in accounts.items()}


def recorded_accounts(run_dir: Path, env: EnvConfig, stacks: list[StackSpec]) -> dict[str, list[str]]:
    """The one set of accounts every saved plan of `stacks` was made for; plans made for different
    accounts (saved by different plan runs into one directory) are refused."""
    records = {stack.name: read_record(run_dir, env, stack) for stack in stacks}
    distinct = {json.dumps(accounts, sort_keys=True) for accounts in records.values()}
    if len(distinct) > 1:
        raise ConfigError(
            [
                f"--from: the plans of {env.name} in {run_dir} were made for different accounts of its target_accounts "
                f"({'; '.join(f'{name}: {json.dumps(a, sort_keys=True)}' for name, a in records.items())}); "
                f"plan them again in one run (value {quoted(str(run_dir))})"
            ]
        )
    return next(iter(records.values()))
