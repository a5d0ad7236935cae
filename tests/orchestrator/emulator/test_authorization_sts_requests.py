"""How the emulator authorizes AssumeRole as STS does: the role's trust policy decides sts:AssumeRole,
sts:TagSession when session tags are sent and sts:SetSourceIdentity when a source identity is set,
each with the request's tags as aws:RequestTag/aws:TagKeys."""

from __future__ import annotations

from typing import Any

from orchestrator.emulator.authorization.actions import Check, Where, checks_for
from orchestrator.emulator.authorization.calls import Call

ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-team-risk-data-scientist"


def _checks(params: dict[str, Any]) -> list[Check]:
    checks = checks_for(Call("sts", "AssumeRole", params, "eu-west-1", "query", "POST"), Where(ACCOUNT))
    assert checks is not None
    return checks


def test_a_plain_assume_role_is_one_check_on_the_role() -> None:
    [check] = _checks({"RoleArn": ROLE, "RoleSessionName": "s"})
    assert (check.action, check.resource) == ("sts:AssumeRole", ROLE)
    assert "aws:TagKeys" not in check.context


def test_tags_and_a_source_identity_are_decided_by_the_trust_policy_too() -> None:
    params = {
        "RoleArn": ROLE,
        "RoleSessionName": "s",
        "SourceIdentity": "carol",
        "Tags": [{"Key": "studio-user-profile", "Value": "carol"}],
    }
    checks = _checks(params)
    assert [c.action for c in checks] == ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
    for check in checks:
        assert check.resource == ROLE
        assert check.context["aws:RequestTag/studio-user-profile"] == "carol"
        assert check.context["aws:TagKeys"] == ["studio-user-profile"]
        assert check.context["sts:SourceIdentity"] == "carol"


def test_a_source_identity_without_tags_needs_set_source_identity() -> None:
    checks = _checks({"RoleArn": ROLE, "RoleSessionName": "s", "SourceIdentity": "carol"})
    assert [c.action for c in checks] == ["sts:AssumeRole", "sts:SetSourceIdentity"]
