"""With `teams:`, the persona roles' trust policies name every team user: refused before any Terraform
call when they would exceed IAM's 2048 characters (twin of modules/identity team_personas.tf)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orchestrator.config.team_personas import STUDIO_USER_PROFILE_TAG_KEY, persona_trust_policy
from tests.orchestrator.config.test_teams import TEAMS, _with_teams

# modules/identity/tests/policies.tftest.hcl (run team_personas) asserts the module renders this many characters
# for the same principals and users.
MODULE_PRINCIPALS = ["arn:aws:iam::999999999999:role/data-scientist", "arn:aws:iam::999999999999:role/data-scientist-2"]
MODULE_USERS = ["carol", "dave", "erin", "frank"]
MODULE_SIZE = 990


def test_the_rendering_is_the_modules() -> None:
    document = persona_trust_policy(MODULE_PRINCIPALS, MODULE_USERS, STUDIO_USER_PROFILE_TAG_KEY)
    assert len(json.dumps(document, separators=(",", ":"))) == MODULE_SIZE


def test_teams_whose_users_fit_load(envs_dir: Path, dev_config: dict[str, Any]) -> None:
    assert _with_teams(envs_dir, dev_config, TEAMS) == []


def test_too_many_team_users_are_refused(envs_dir: Path, dev_config: dict[str, Any]) -> None:
    users = {f"data-scientist-number-{i:03d}": "data_scientist" for i in range(60)}
    teams = {"risk": {**TEAMS["risk"], "users": users}}
    problems = _with_teams(envs_dir, dev_config, teams)
    assert any(
        ": teams:" in p and "60 users" in p and "data_scientist role's trust policy" in p and "2048" in p
        for p in problems
    ), problems
