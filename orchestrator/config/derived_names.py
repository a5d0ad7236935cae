"""The names the stacks and modules build from env.yaml values, checked against AWS's limits.

Names follow modules/*/main.tf and envs/stacks/*/main.tf: `<prefix>-<env>-<what>[-<account>]` for
the environment, `<prefix>-<env>-<project>-<what>` for a project, `<prefix>-<stage>-...` for the
roles a dev environment grants in its target accounts. Each problem names the env.yaml field whose
value makes the name too long or reserved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from orchestrator.config import aws_rules
from orchestrator.config.ci_roles import APPLY_ROLE, PLAN_ROLE

if TYPE_CHECKING:
    from orchestrator.config.schema import EnvConfig

ENV_BUCKETS = {
    "dev": ("tfstate", "tfstate-logs", "data", "models", "access-logs", "sc-templates"),
    "target": ("tfstate", "tfstate-logs", "data-capture", "access-logs"),
}
ENV_ROLES = {
    "dev": (
        "deploy",
        PLAN_ROLE,
        APPLY_ROLE,
        "data-science-admin",
        "team-lead",
        "data-scientist",
        "sagemaker-execution",
        "pipeline-execution",
        "launch",
        "deploy-events",
    ),
    "target": ("deploy", PLAN_ROLE, APPLY_ROLE, "model-execution"),
}
ENV_POLICIES = (
    f"{APPLY_ROLE}-manage",
    f"{APPLY_ROLE}-read-state",
    "ci-boundary",
    "permission-boundary",
    "sagemaker-guardrails",
    "hosting-boundary",
    "project-deploy",
)
PROJECT_ROLES = ("ci", "pipeline", "pipeline-jobs", "approval-events")
# Other names of a project and the limit of the service that holds them.
PROJECT_NAMES = {
    "": 63,
    "-model-approval": 64,
    "-github": 64,
    "-repository-dispatch": 64,
    "-approval-dlq": 80,
    "-pipeline-events": 64,  # the EventBridge rule (64) and SNS topic (256) of failed executions
    "-build": 256,
}
# mlops-project: <name_prefix>-<project>-artifacts-<account> must fit 63 characters.
PROJECT_PREFIX_MAX = 39


@dataclass(frozen=True)
class NameProblem:
    field: str
    value: object
    reason: str


Check = Callable[[str], "str | None"]


def _role(name: str) -> str | None:
    return aws_rules.iam_name_problem(name, aws_rules.IAM_ROLE_NAME_MAX)


def _policy(name: str) -> str | None:
    return aws_rules.iam_name_problem(name, aws_rules.IAM_POLICY_NAME_MAX, "policy")


def _named(limit: int) -> Check:
    def check(name: str) -> str | None:
        return f"name {name!r} has {len(name)} characters; the service allows {limit}" if len(name) > limit else None

    return check


def _env_names(config: EnvConfig) -> Iterator[tuple[str, Check]]:
    prefix, account = config.name_prefix, config.account_id
    yield from ((f"{prefix}-{what}-{account}", aws_rules.bucket_name_problem) for what in ENV_BUCKETS[config.kind])
    yield from ((f"{prefix}-{what}", _role) for what in ENV_ROLES[config.kind])
    yield from ((f"{prefix}-{what}", _policy) for what in ENV_POLICIES)
    yield config.ssm_prefix, aws_rules.ssm_path_problem


def _project_names(config: EnvConfig, project: str) -> Iterator[tuple[str, Check]]:
    base = f"{config.name_prefix}-{project}"
    yield f"{base}-artifacts-{config.account_id}", aws_rules.bucket_name_problem
    yield from ((f"{base}-{what}", _role) for what in PROJECT_ROLES)
    yield from ((f"{base}{suffix}", _named(limit)) for suffix, limit in PROJECT_NAMES.items())
    for stage in config.target_accounts:
        yield f"{config.prefix}-{stage}-{project}-deploy", _role


def _project_rules(config: EnvConfig, project: str) -> Iterator[str]:
    if "--" in project:
        yield "has '--'; a project name takes single hyphens only"
    if f"{project}-".startswith("project-"):
        yield "is 'project' or starts with 'project-': <prefix>-<env>-project-* names belong to SageMaker project templates"
    if len(config.name_prefix) + len(project) > PROJECT_PREFIX_MAX:
        yield f"with '{config.name_prefix}' is {len(config.name_prefix) + len(project)} characters; together they may have {PROJECT_PREFIX_MAX}"


def name_problems(config: EnvConfig) -> list[NameProblem]:
    """Every name built from prefix, env name, projects and stages that AWS would refuse."""
    problems = [
        NameProblem("prefix", config.prefix, reason) for name, check in _env_names(config) if (reason := check(name))
    ]
    for stage in config.target_accounts:
        name = f"{config.prefix}-{stage}-model-execution"
        problems += [NameProblem(f"target_accounts.{stage}", stage, r) for r in [_role(name)] if r]
    for project in config.projects:
        field = f"projects.{project}"
        problems += [NameProblem(field, project, reason) for reason in _project_rules(config, project)]
        problems += [
            NameProblem(field, project, reason)
            for name, check in _project_names(config, project)
            if (reason := check(name))
        ]
    return problems


def hosted_project_problems(config: EnvConfig, projects: list[str]) -> list[NameProblem]:
    """kind target: the deploy role <prefix>-<env>-<project>-deploy of each source project."""
    names = ((project, f"{config.name_prefix}-{project}-deploy") for project in projects)
    return [NameProblem("source_env", project, reason) for project, name in names if (reason := _role(name))]
