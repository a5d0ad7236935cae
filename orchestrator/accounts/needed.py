"""Which environments of a run need the accounts of their stages' OUs, and where they come from.

A stage's OU is listed through the organization's read role, which only the dev account's plan
role may assume (modules/github-oidc, organizations.tf): the deploy workflow's plan, waves and
drift jobs of dev. So a run lists an OU only when what it runs needs the accounts:

- a stack whose inputs name them (dev's foundation, identity and projects: the grants to the
  target accounts' roles); dev's platform and detective stacks and every stack of a target
  environment (staging, prod, any account of their stages) need none;
- `plan --out-dir`, which records them with the saved plans (orchestrator/accounts/recorded.py);
- the policy gate of an apply, which checks the plan's principals against the platform's accounts.

`apply --from DIR` never lists an OU: it uses the accounts recorded with the reviewed plans. A
target environment's account is checked against its stage's accounts only in a run that resolved
them (its source dev environment selected too; `targets` lists them for the deploy workflow)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from orchestrator.accounts.recorded import recorded_accounts
from orchestrator.accounts.resolution import OrganizationsClient, resolve_all, target_env_problems
from orchestrator.config import EnvConfig
from orchestrator.config.schema import UnresolvedTargetsError
from orchestrator.errors import ConfigError

if TYPE_CHECKING:
    from orchestrator.stacks import StackSpec

Selection = list[tuple[EnvConfig, list["StackSpec"]]]


def reads_target_accounts(env: EnvConfig, stack: StackSpec) -> bool:
    """Whether the stack's Terraform root names env's OU accounts: its inputs ask for them (probed
    before the environment is resolved)."""
    if not env.needs_resolution:
        return False
    try:
        stack.inputs(env)
    except UnresolvedTargetsError:
        return True
    return False


def needing(selection: Selection, *, saving: bool = False, gated: bool = False) -> list[EnvConfig]:
    """The environments with an OU whose accounts the run needs: a selected stack reads them, the
    plans are saved for `apply --from` (`saving`), or the policy gate checks a plan (`gated`)."""
    return [
        env
        for env, stacks in selection
        if env.needs_resolution and (saving or gated or any(reads_target_accounts(env, s) for s in stacks))
    ]


def resolve_for_run(
    selection: Selection, organizations: OrganizationsClient, *, saving: bool = False, gated: bool = False
) -> list[EnvConfig]:
    """List the OUs of the environments the run needs (none: no Organizations call at all), then
    check each selected target environment whose source was resolved; the environments resolved."""
    needed = needing(selection, saving=saving, gated=gated)
    if needed:
        resolve_all(needed, organizations)
    _share_with_targets(needed, [env for env, _ in selection])
    problems = target_env_problems([env for env, _ in selection])
    if problems:
        raise ConfigError(problems)
    return needed


def _share_with_targets(resolved: list[EnvConfig], configs: list[EnvConfig]) -> None:
    """A selected target environment's source (loaded with it) gets the accounts its dev
    environment, selected too, was just resolved to: one listing per run, and its account checked."""
    accounts = {env.name: env.target_account_ids for env in resolved}
    for env in configs:
        if env.kind == "target" and env.source.name in accounts:
            env.source.resolve_targets(accounts[env.source.name])


def use_recorded(selection: Selection, run_dir: Path, *, gated: bool = False) -> list[EnvConfig]:
    """`apply --from run_dir`: each environment that needs its OU accounts gets those recorded with
    its reviewed plans (never listed again); the environments given them."""
    needed = needing(selection, gated=gated)
    stacks = dict((id(env), s) for env, s in selection)
    for env in needed:
        env.resolve_targets(recorded_accounts(run_dir, env, stacks[id(env)]))
    return needed
