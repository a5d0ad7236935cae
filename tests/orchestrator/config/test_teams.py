"""env.yaml `teams:`: checked before anything runs, each problem with file, field and value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orchestrator.config import load_env
from orchestrator.config.teams import TeamConfig, team_role_names
from orchestrator.errors import ConfigError
from orchestrator.stacks import STACKS
from tests.conftest import write_env

TEAMS: dict[str, Any] = {
    "risk": {"users": {"carol": "data_scientist"}, "projects": ["abalone"], "data_prefixes": ["teams/risk/"]},
    "pricing": {
        "users": {"dave": "data_scientist", "erin": "team_lead"},
        "projects": ["rings"],
        "data_prefixes": ["teams/pricing/"],
        "execution_role": "per_user",
    },
}


def _with_teams(envs_dir: Path, dev_config: dict[str, Any], teams: dict[str, Any]) -> list[str]:
    config = {**dev_config, "teams": teams}
    write_env(envs_dir, "dev", config)
    try:
        load_env("dev", envs_dir)
    except ConfigError as error:
        return error.problems
    return []


def _team(**changes: Any) -> dict[str, Any]:
    return {**TEAMS["risk"], **changes}


def test_two_teams_load_and_their_users_get_their_roles(envs_dir: Path, dev_config: dict[str, Any]) -> None:
    assert _with_teams(envs_dir, dev_config, TEAMS) == []
    config = load_env("dev", envs_dir)
    assert team_role_names("mlops-dev", "risk", config.teams["risk"]) == {"carol": "mlops-dev-team-risk-execution"}
    assert team_role_names("mlops-dev", "pricing", config.teams["pricing"]) == {
        "dave": "mlops-dev-team-pricing-user-dave",
        "erin": "mlops-dev-team-pricing-user-erin",
    }


@pytest.mark.parametrize(
    ("teams", "field", "value"),
    [
        ({"Risk": _team()}, "teams", "Risk"),
        ({"risk": _team(data_prefixes=["teams/*/"])}, "teams.risk.data_prefixes[0]", "teams/*/"),
        ({"risk": _team(data_prefixes=["teams/risk"])}, "teams.risk.data_prefixes[0]", "teams/risk"),
        ({"risk": _team(data_prefixes=["teams/../"])}, "teams.risk.data_prefixes[0]", "teams/../"),
        ({"risk": _team(data_prefixes=[])}, "teams.risk.data_prefixes", "[]"),
        ({"risk": _team(execution_role="per_group")}, "teams.risk.execution_role", "per_group"),
        ({"risk": _team(users={"carol": "owner"})}, "teams.risk.users.carol", "owner"),
        ({"risk": _team(projects=["churn"])}, "teams.risk.projects[0]", "churn"),
        ({"risk": _team(projects=["abalone", "abalone"])}, "teams.risk.projects", "abalone"),
        ({"risk": _team(users={"alice": "data_scientist"})}, "teams.risk.users.alice", "alice"),
        ({"risk": _team(data_prefixes=["abalone/shared/"])}, "teams.risk.data_prefixes[0]", "abalone/shared/"),
        (
            {"risk": _team(), "pricing": {**TEAMS["pricing"], "users": {"carol": "data_scientist"}}},
            "teams.risk.users.carol",  # env.yaml is read in file order: pricing before risk
            "carol",
        ),
        (
            {"risk": _team(), "pricing": {**TEAMS["pricing"], "projects": ["abalone"]}},
            "teams.risk.projects[0]",
            "abalone",
        ),
        (
            {"risk": _team(), "pricing": {**TEAMS["pricing"], "data_prefixes": ["teams/risk/pricing/"]}},
            "teams.risk.data_prefixes[0]",
            "teams/risk/",
        ),
        (
            {"risk": _team(execution_role="per_user", users={"a" * 40: "data_scientist"})},
            f"teams.risk.users.{'a' * 40}",
            "a" * 40,
        ),
    ],
)
def test_a_bad_team_is_refused_naming_file_field_and_value(
    envs_dir: Path, dev_config: dict[str, Any], teams: dict[str, Any], field: str, value: str
) -> None:
    problems = _with_teams(envs_dir, dev_config, teams)
    assert any(p.startswith(f"{envs_dir / 'dev' / 'env.yaml'}: {field}") and value in p for p in problems), problems


def test_with_teams_no_environment_tag_may_be_called_team(envs_dir: Path, dev_config: dict[str, Any]) -> None:
    """A default tag team=<x> on every resource would make the team roles' tag denies refuse everything."""
    tagged = {**dev_config, "tags": {**dev_config["tags"], "Team": "all"}}
    problems = _with_teams(envs_dir, tagged, {"risk": _team()})
    assert any(": tags.Team: would tag every resource with a team" in p and "'all'" in p for p in problems), problems


def test_a_teams_execution_role_is_per_team_unless_it_says_per_user() -> None:
    assert TeamConfig(**TEAMS["risk"]).execution_role == "per_team"


def test_without_teams_the_stack_inputs_are_as_before(envs_dir: Path, dev_config: dict[str, Any]) -> None:
    """Additive: an env.yaml without teams: gives identity and platform no `teams` input at all."""
    without = {key: value for key, value in dev_config.items() if key != "teams"}
    write_env(envs_dir, "dev", without)
    config = load_env("dev", envs_dir)
    assert "teams" not in STACKS["identity"].inputs(config)
    assert "teams" not in STACKS["platform"].inputs(config)


def test_with_teams_identity_and_platform_get_each_team(envs_dir: Path, dev_config: dict[str, Any]) -> None:
    assert _with_teams(envs_dir, dev_config, TEAMS) == []
    config = load_env("dev", envs_dir)
    identity = STACKS["identity"].inputs(config)["teams"]
    assert identity["pricing"] == {
        "users": {"dave": "data_scientist", "erin": "team_lead"},
        "projects": ["rings"],
        "data_prefixes": ["teams/pricing/"],
        "execution_role": "per_user",
    }
    assert STACKS["platform"].inputs(config)["teams"] == identity
