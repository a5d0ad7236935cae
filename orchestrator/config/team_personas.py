"""The trust policies of the persona roles with `teams:` stay within IAM's size limit.

With teams, the environment's data scientist and team lead roles refuse every team user by name in
their trust policy (modules/identity trust.tf, DenyTeamUsers), and each team's persona roles admit
its users by name (team_personas.tf). A role's trust policy may have at most
TRUST_POLICY_MAX characters (IAM's default quota): this rule renders the larger of them, the
environment role's, as the module does and refuses a configuration whose policy would not fit, before
any Terraform call (the module's preconditions on aws_iam_role.team and aws_iam_role.this are its twins).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orchestrator.config.schema import EnvConfig

TRUST_POLICY_MAX = 2048
# modules/identity var.studio_user_profile_tag_key, which the identity stack leaves at its default.
STUDIO_USER_PROFILE_TAG_KEY = "studio-user-profile"
TEAM_PERSONAS = ("data_scientist", "team_lead")
ASSUMING = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]

Problem = tuple[str, object, str]


def persona_trust_policy(principals: list[str], team_users: list[str], tag_key: str) -> dict[str, Any]:
    """The environment's data scientist or team lead trust policy with teams (modules/identity trust.tf)."""
    own = f"${{aws:PrincipalTag/{tag_key}}}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyTeamUsers",
                "Effect": "Deny",
                "Principal": {"AWS": principals},
                "Action": ASSUMING,
                "Condition": {"StringEquals": {f"aws:PrincipalTag/{tag_key}": team_users}},
            },
            {
                "Sid": "AssumedByPersonaPrincipals",
                "Effect": "Allow",
                "Principal": {"AWS": principals},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            },
            {
                "Sid": "StudioUserProfileTagFromTheIdentityProvider",
                "Effect": "Allow",
                "Principal": {"AWS": principals},
                "Action": "sts:TagSession",
                "Condition": {
                    "ForAllValues:StringEquals": {"aws:TagKeys": [tag_key]},
                    "StringEquals": {f"aws:RequestTag/{tag_key}": own},
                },
            },
        ],
    }


def trust_size_problems(config: EnvConfig) -> Iterator[Problem]:
    """Each persona role whose trust policy, naming every team user, would exceed IAM's limit."""
    team_users = sorted(user for settings in config.teams.values() for user in settings.users)
    if not team_users:
        return
    for persona in TEAM_PERSONAS:
        principals = list(getattr(config.identity.persona_principals, persona))
        if not principals:
            continue
        document = persona_trust_policy(principals, team_users, STUDIO_USER_PROFILE_TAG_KEY)
        size = len(json.dumps(document, separators=(",", ":")))
        if size > TRUST_POLICY_MAX:
            yield (
                "teams",
                f"{len(team_users)} users",
                f"the {persona} role's trust policy, which refuses every team user by name, would be {size} characters;"
                f" IAM allows {TRUST_POLICY_MAX} (fewer or shorter team user names, or fewer persona principals)",
            )
