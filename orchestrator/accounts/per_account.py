"""A target environment (envs/staging, envs/prod) is the template of every account of its stage:
`--account ID` applies it to one of them. Its values stay as written; the account id changes, and
with it everything named after it: the deploy role `<prefix>-<env>-deploy` of that account, its
state bucket `<prefix>-<env>-tfstate-<account>` (each account keeps its stacks' state in its own
backend, under the same keys), its GitHub OIDC roles. An account of an OU is checked once the OU is
resolved (resolution.target_env_problems); a listed one here, before anything runs."""

from __future__ import annotations

from orchestrator.config import EnvConfig
from orchestrator.errors import ConfigError, quoted


def _problem(env: EnvConfig, account: str) -> str | None:
    if env.kind != "target":
        return f"--account: applies a target environment to one account of its stage; {env.name} is kind {env.kind!r} (value {quoted(account)})"
    if account == env.account_id:
        return None  # the env.yaml's own account: the environment as written (a deploy workflow names it too)
    pinned = [f for f in ("deploy_role_arn",) if getattr(env, f)] + (
        ["github.existing_oidc_provider_arn"] if env.github.existing_oidc_provider_arn else []
    )
    if pinned:
        return f"--account: envs/{env.name}/env.yaml names ARNs of one account ({', '.join(pinned)}); leave them out to apply it to several (value {quoted(account)})"
    targets = env.source.stage_targets[env.name]
    if not targets.organizational_unit and account not in targets.accounts:
        return f"--account: is not an account of {env.source_env}'s target_accounts.{env.name} ({', '.join(targets.accounts)}) (value {quoted(account)})"
    return None


def for_account(configs: list[EnvConfig], account: str | None) -> list[EnvConfig]:
    """`configs` applied to `account` (unchanged without one)."""
    if account is None:
        return configs
    problems = [p for env in configs if (p := _problem(env, account))]
    if problems:
        raise ConfigError(problems)
    return [env.in_account(account) for env in configs]
