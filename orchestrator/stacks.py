"""The stacks (Terraform roots) an environment runs, their order and their inputs from env.yaml."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator import paths
from orchestrator.accounts.deploy_targets import target_waves
from orchestrator.config import EnvConfig, packages
from orchestrator.config.monitoring import MonitoringConfig
from orchestrator.errors import ConfigError

BOOTSTRAP = "bootstrap"


@dataclass(frozen=True)
class StackSpec:
    name: str
    source: Path
    depends_on: tuple[str, ...]
    inputs: Callable[[EnvConfig], dict[str, Any]]

    def state_key(self, env: EnvConfig) -> str:
        return f"{env.name}/{self.name}/terraform.tfstate"


def state_bucket_name(env: EnvConfig) -> str:
    return f"{env.name_prefix}-tfstate-{env.account_id}"


def lock_table_name(env: EnvConfig) -> str:
    return f"{env.name_prefix}-tflock"


def state_key_alias(env: EnvConfig) -> str:
    return f"alias/{env.name_prefix}-tfstate"


def _common(env: EnvConfig) -> dict[str, Any]:
    return {"prefix": env.prefix, "environment": env.name, "deploy_role_arn": env.effective_deploy_role_arn}


def _bootstrap_inputs(env: EnvConfig) -> dict[str, Any]:
    return {
        **_common(env),
        "key_administrator_arns": list(env.kms.administrator_arns),
        "key_deletion_window_days": env.kms.deletion_window_days,
        "github_repository": env.github.repository,
        "github_plan_branch": env.github.plan_branch,
        "create_oidc_provider": env.github.create_oidc_provider,
        "existing_oidc_provider_arn": env.github.existing_oidc_provider_arn,
        "endpoint_autoscaling": env.kind == "target",
        **_organizations_inputs(env),
    }


def _organizations_inputs(env: EnvConfig) -> dict[str, Any]:
    """The read role that lists the stages' OUs, which the account's plan role (the deploy workflow's
    waves jobs) may assume; only when env.yaml has one (without: the inputs are what they were)."""
    return {"organizations_read_role_arn": env.organizations.read_role_arn} if env.organizations else {}


def _foundation_inputs(env: EnvConfig) -> dict[str, Any]:
    return {
        **_common(env),
        "network": {**env.network.model_dump(), "interface_endpoints": packages.interface_endpoints(env)},
        "kms": env.kms.model_dump(),
        "storage": env.storage.model_dump(),
        "packages": packages.stack_inputs(env),
        "target_accounts": env.target_account_ids,
        "project_names": sorted(env.projects),
    }


def _teams_inputs(env: EnvConfig) -> dict[str, Any]:
    """`teams` only when env.yaml has teams: without them the stacks' inputs are what they were."""
    return {"teams": {name: team.model_dump() for name, team in env.teams.items()}} if env.teams else {}


def _identity_inputs(env: EnvConfig) -> dict[str, Any]:
    return {
        "prefix": env.prefix,
        "environment": env.name,
        "identity": env.identity.model_dump(),
        "target_accounts": env.target_account_ids,
        "instance_types": env.instance_types.model_dump(),
        "packages_enabled": env.packages.enabled,
        **_teams_inputs(env),
    }


def _platform_inputs(env: EnvConfig) -> dict[str, Any]:
    return {
        **_common(env),
        "personas": env.personas,
        "studio": env.studio.model_dump(),
        "project_templates": env.project_templates.model_dump(),
        "packages_enabled": env.packages.enabled,
        "force_destroy": env.storage.force_destroy,
        **_teams_inputs(env),
    }


def _oidc_provider_arn(env: EnvConfig) -> str:
    return (
        env.github.existing_oidc_provider_arn
        or f"arn:{env.partition}:iam::{env.account_id}:oidc-provider/token.actions.githubusercontent.com"
    )


def _projects_inputs(env: EnvConfig) -> dict[str, Any]:
    return {
        **_common(env),
        "projects": {
            name: {
                "repository": dict(zip(("owner", "name"), p.repository.split("/"), strict=False)),
                "registry": p.registry,
                "notify": list(p.notify),
            }
            for name, p in env.projects.items()
        },
        "target_accounts": env.target_account_ids,
        "target_waves": target_waves(env),
        "oidc_provider_arn": _oidc_provider_arn(env),
        "force_destroy": env.storage.force_destroy,
    }


def _hosting_inputs(env: EnvConfig) -> dict[str, Any]:
    return {
        **_common(env),
        "network": env.network.model_dump(),
        "kms": env.kms.model_dump(),
        "model_source": {"account_id": env.source.account_id, "env": env.source.name},
        "projects": {
            name: project.model_dump(include={"repository", "serving", "batch"})
            for name, project in env.source.projects.items()
        },
        "endpoint_instance_types": list(env.instance_types.endpoints),
        "monitoring": _monitoring_inputs(env.monitoring or MonitoringConfig()),
        "transform_instance_types": list(env.instance_types.transform),
        "force_destroy": env.storage.force_destroy,
    }


def _monitoring_inputs(monitoring: MonitoringConfig) -> dict[str, Any]:
    return {"settings": monitoring.settings(), "notification_emails": list(monitoring.notification_emails)}


def _detective_inputs(env: EnvConfig) -> dict[str, Any]:
    controls = env.detective_controls
    return {
        **_common(env),
        "kms": env.kms.model_dump(),
        "detective_controls": {
            "enabled": controls.is_enabled(env.kind, env.name),
            "minimum_severity": controls.minimum_severity,
            "subscriptions": [s.model_dump() for s in controls.subscriptions],
            "log_retention_days": controls.log_retention_days,
            "log_reader_arns": list(controls.log_readers),
        },
        "force_destroy": env.storage.force_destroy,
    }


BOOTSTRAP_STACK = StackSpec(BOOTSTRAP, paths.BOOTSTRAP_DIR, (), _bootstrap_inputs)

STACKS: dict[str, StackSpec] = {
    "foundation": StackSpec("foundation", paths.STACKS_DIR / "foundation", (), _foundation_inputs),
    "identity": StackSpec("identity", paths.STACKS_DIR / "identity", ("foundation",), _identity_inputs),
    "platform": StackSpec("platform", paths.STACKS_DIR / "platform", ("identity",), _platform_inputs),
    "projects": StackSpec("projects", paths.STACKS_DIR / "projects", ("identity",), _projects_inputs),
    "hosting": StackSpec("hosting", paths.STACKS_DIR / "hosting", (), _hosting_inputs),
    "detective": StackSpec("detective", paths.STACKS_DIR / "detective", (), _detective_inputs),
}

STACKS_BY_KIND: dict[str, tuple[str, ...]] = {
    "dev": ("foundation", "identity", "platform", "projects"),
    "target": ("hosting",),
}


def _stack_names(env: EnvConfig) -> tuple[str, ...]:
    """The kind's stacks, and `detective` where env.yaml's detective_controls needs it (on, or off to destroy)."""
    detective = ("detective",) if env.detective_controls.runs_stack(env.kind, env.name) else ()
    return STACKS_BY_KIND[env.kind] + detective


def stacks_for(env: EnvConfig, only: list[str] | None = None) -> list[StackSpec]:
    """The environment's stacks in dependency order (dependencies first)."""
    names = _stack_names(env)
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise ConfigError(
                [f"--stack: unknown stack {u!r} for env {env.name} (stacks: {', '.join(names)})" for u in unknown]
            )
    ordered: list[StackSpec] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if any(s.name == name for s in ordered):
            return
        if name in visiting:
            raise ConfigError([f"stack dependencies form a cycle through {name!r}"])
        visiting.add(name)
        for dep in STACKS[name].depends_on:
            visit(dep)
        visiting.discard(name)
        ordered.append(STACKS[name])

    for name in names:
        visit(name)
    return [s for s in ordered if not only or s.name in only]
