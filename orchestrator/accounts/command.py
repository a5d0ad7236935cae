"""`python -m orchestrator targets`: a stage's accounts (its OU resolved through Organizations) and
its deployment plan in waves, as text, JSON or the GitHub Actions matrices a deploy workflow runs."""

from __future__ import annotations

import json
from typing import Any

from orchestrator.accounts.resolution import OrganizationsClient
from orchestrator.accounts.waves import deployment_plan, github_matrix, github_output_lines, waves
from orchestrator.config import EnvConfig
from orchestrator.errors import ConfigError, quoted
from orchestrator.targets.base import Target

__all__ = ["FORMATS", "github_output_lines", "organizations_of", "render", "stage_source"]

FORMATS = ("text", "json", "github-matrix")


def organizations_of(target: Target) -> OrganizationsClient:
    """Organizations as the environment's read role (organizations.read_role_arn), on `target`."""

    def client(env: EnvConfig) -> Any:
        assert env.organizations is not None  # noqa: S101 - the configuration requires it with an OU
        return target.role_client(env, env.organizations.read_role_arn, "organizations")

    return client


def stage_source(configs: list[EnvConfig], stage: str) -> EnvConfig:
    """The one dev environment among `configs` that deploys to `stage`."""
    devs = [env for env in configs if env.kind == "dev" and stage in env.target_accounts]
    if len(devs) == 1:
        return devs[0]
    if not devs:
        stages = sorted({s for env in configs if env.kind == "dev" for s in env.target_accounts})
        raise ConfigError(
            [
                f"--stage: no dev environment deploys to this stage (stages: {', '.join(stages) or 'none'}) (value {quoted(stage)})"
            ]
        )
    names = ", ".join(env.name for env in devs)
    raise ConfigError(
        [f"--stage: several dev environments ({names}) deploy to it; choose one with --env (value {quoted(stage)})"]
    )


def _text(plan: dict[str, Any], origin: str) -> str:
    lines = [f"{plan['stage']} ({origin}, source {plan['source']}): {len(plan['accounts'])} account(s), in waves"]
    lines += [f"  {w['name']:<8} {' '.join(w['accounts'])}" for w in plan["waves"]]
    return "\n".join(lines)


def _origin(dev: EnvConfig, stage: str) -> str:
    targets = dev.stage_targets[stage]
    if targets.organizational_unit:
        return f"organizational unit {targets.organizational_unit}{' and its children' if targets.recursive else ''}"
    return "listed in env.yaml"


def render(dev: EnvConfig, stage: str, output_format: str) -> tuple[dict[str, Any], str]:
    """The stage's plan (accounts resolved already) as a document and as the text to print."""
    targets = dev.stage_targets[stage]
    stage_waves = waves(dev.target_account_ids[stage], targets.waves)
    if output_format == "github-matrix":
        document = github_matrix(stage, dev.region, stage_waves, targets.waves.batch_size)
        return document, json.dumps(document, separators=(",", ":"))
    plan = deployment_plan(stage, dev.region, dev.name, stage_waves)
    return plan, json.dumps(plan, indent=2) if output_format == "json" else _text(plan, _origin(dev, stage))
