"""env.yaml `teams:`: several data-science teams in one dev environment, isolated from each other.

Each team names its Studio users (user profile -> persona), the projects of `projects:` it owns and
its prefixes in the environment's data bucket; its users' Studio apps and jobs run as the team's
execution role (`per_team`, `<prefix>-<env>-team-<team>-execution`) or as one role per user
(`per_user`, `<prefix>-<env>-team-<team>-user-<user>`), which reaches only those prefixes, its
projects' prefixes of the data and models buckets and its projects' model package groups
(modules/identity teams.tf). Without `teams:` nothing of this exists and the environment plans as
before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, field_validator

from orchestrator.config import aws_rules
from orchestrator.config.fields import Persona, ProjectName, UserProfileName
from orchestrator.config.team_personas import trust_size_problems

if TYPE_CHECKING:
    from orchestrator.config.schema import EnvConfig

TEAM_NAME = re.compile(r"[a-z][a-z0-9]{1,19}", re.ASCII)
# A key prefix of the data bucket: lowercase path segments, each ending with "/"; no wildcard or
# policy-variable character can reach a policy's resource from it.
DATA_PREFIX = re.compile(r"([a-z0-9][a-z0-9_.-]{0,62}/){1,8}", re.ASCII)
PREFIXES_PER_TEAM = 10
# The tag on team roles and user profiles that the team roles' attribute-based denies read.
TEAM_TAG_KEY = "team"
TEAMS_MAX = 20

Problem = tuple[str, object, str]


def _team_name(value: str) -> str:
    if not TEAM_NAME.fullmatch(value):
        raise ValueError("must be 2-20 lowercase letters or digits, starting with a letter")
    return value


def _data_prefix(value: str) -> str:
    if not DATA_PREFIX.fullmatch(value):
        raise ValueError(
            "is not a data-bucket key prefix: 1-8 segments of lowercase letters, digits, '.', '_' or '-', "
            "each ending with '/' (e.g. teams/risk/)"
        )
    if any(segment in (".", "..") or segment.strip(".") == "" for segment in value.split("/")[:-1]):
        raise ValueError("has a '.' or '..' segment")
    return value


TeamName = Annotated[StrictStr, AfterValidator(_team_name)]
DataPrefix = Annotated[StrictStr, AfterValidator(_data_prefix)]


class TeamConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    users: dict[UserProfileName, Persona] = Field(
        default_factory=dict,
        description="Studio user profile name -> persona; the profile runs as the team's (or the user's) execution role.",
    )
    projects: list[ProjectName] = Field(
        default_factory=list,
        description="Projects of `projects:` the team owns: their prefixes of the data and models buckets and model package groups.",
    )
    data_prefixes: list[DataPrefix] = Field(
        min_length=1,
        max_length=PREFIXES_PER_TEAM,
        description="The team's key prefixes of the data bucket (e.g. teams/<team>/): read and written only by the team's roles.",
    )
    execution_role: Literal["per_team", "per_user"] = Field(
        default="per_team",
        description="per_team: one execution role for the team's user profiles; per_user: one role per user profile.",
    )

    @field_validator("projects", "data_prefixes")
    @classmethod
    def _once_each(cls, values: list[str]) -> list[str]:
        repeated = sorted({value for index, value in enumerate(values) if value in values[:index]})
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} more than once")
        return values


def team_role_names(name_prefix: str, team: str, config: TeamConfig) -> dict[str, str]:
    """User profile -> the name of the execution role it runs as (modules/identity teams.tf)."""
    if config.execution_role == "per_team":
        return dict.fromkeys(config.users, f"{name_prefix}-team-{team}-execution")
    return {user: f"{name_prefix}-team-{team}-user-{user}" for user in config.users}


def _user_problems(config: EnvConfig) -> Iterator[Problem]:
    owner: dict[str, str] = {user.lower(): "studio.users" for user in config.studio.users}
    for team, settings in config.teams.items():
        for user, persona in settings.users.items():
            field = f"teams.{team}.users.{user}"
            if user.lower() in owner:
                yield field, user, f"is also a user of {owner[user.lower()]} (a user profile belongs to one team)"
            owner.setdefault(user.lower(), f"teams.{team}.users")
            if persona not in config.personas:
                yield (
                    field,
                    persona,
                    f"persona has no role in this environment (give identity.persona_principals.{persona})",
                )


def _project_problems(config: EnvConfig) -> Iterator[Problem]:
    owner: dict[str, str] = {}
    for team, settings in config.teams.items():
        for index, project in enumerate(settings.projects):
            field = f"teams.{team}.projects[{index}]"
            if project not in config.projects:
                yield field, project, f"is not a project of projects: ({', '.join(sorted(config.projects)) or 'none'})"
            elif project in owner and owner[project] != team:
                yield field, project, f"belongs to team {owner[project]} already (a project belongs to one team)"
            owner.setdefault(project, team)


def _prefix_problems(config: EnvConfig) -> Iterator[Problem]:
    seen: list[tuple[str, str]] = []
    for team, settings in config.teams.items():
        for index, prefix in enumerate(settings.data_prefixes):
            field = f"teams.{team}.data_prefixes[{index}]"
            project = prefix.split("/", 1)[0]
            if project in config.projects:
                yield (
                    field,
                    prefix,
                    f"is under project {project}'s prefix {project}/ (a team reaches it by owning the project)",
                )
            for other_team, other in seen:
                if other_team != team and (prefix.startswith(other) or other.startswith(prefix)):
                    yield field, prefix, f"overlaps {other!r} of team {other_team}"
            seen.append((team, prefix))


def _name_problems(config: EnvConfig) -> Iterator[Problem]:
    for team, settings in config.teams.items():
        for user, role in team_role_names(config.name_prefix, team, settings).items():
            reason = aws_rules.iam_name_problem(role, aws_rules.IAM_ROLE_NAME_MAX)
            if reason:
                yield f"teams.{team}.users.{user}", user, f"makes the execution role name: {reason}"
        if settings.execution_role == "per_user":
            lowered = [user.lower() for user in settings.users]
            for user in settings.users:
                if lowered.count(user.lower()) > 1:
                    yield (
                        f"teams.{team}.users.{user}",
                        user,
                        "differs from another user only in case; IAM role names do not",
                    )


def _tag_problems(config: EnvConfig) -> Iterator[Problem]:
    for key in config.tags:
        if key.lower() == TEAM_TAG_KEY:
            yield (
                f"tags.{key}",
                config.tags[key],
                f"would tag every resource with a team; with teams: the platform sets the {TEAM_TAG_KEY!r} tag itself",
            )


def team_problems(config: EnvConfig) -> list[Problem]:
    """Rules of `teams:` across fields: (field path, bad value, what is wrong)."""
    if not config.teams:
        return []
    if config.kind != "dev":
        return [("teams", sorted(config.teams), "only a kind 'dev' environment has data-science teams")]
    if len(config.teams) > TEAMS_MAX:
        return [("teams", f"{len(config.teams)} teams", f"at most {TEAMS_MAX} teams per environment")]
    return [
        *_tag_problems(config),
        *_user_problems(config),
        *_project_problems(config),
        *_prefix_problems(config),
        *_name_problems(config),
        *trust_size_problems(config),
    ]
