"""The plan linter finds each class of least-privilege violation (and passes a clean plan)."""

from __future__ import annotations

import json
from typing import Any

from orchestrator.policy.plan_lint import lint_plan

BOUNDARY = "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"
OIDC = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"


def _plan(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"planned_values": {"root_module": {"child_modules": [{"resources": list(resources)}]}}}


def _policy(address: str, *statements: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": address,
        "type": "aws_iam_policy",
        "values": {"policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})},
    }


def _role(
    address: str, sub: Any, operator: str = "StringEquals", boundary: str | None = BOUNDARY, aud: bool = True
) -> dict[str, Any]:
    condition: dict[str, Any] = {operator: {"token.actions.githubusercontent.com:sub": sub}}
    if aud:
        condition.setdefault("StringEquals", {})["token.actions.githubusercontent.com:aud"] = "sts.amazonaws.com"
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": OIDC},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ]
    }
    return {
        "address": address,
        "type": "aws_iam_role",
        "values": {"assume_role_policy": json.dumps(trust), "permissions_boundary": boundary},
    }


def _rules(plan: dict[str, Any]) -> set[str]:
    return {f.rule for f in lint_plan(plan)}


def test_clean_plan_has_no_findings() -> None:
    plan = _plan(
        _role("aws_iam_role.apply", "repo:acme/platform:environment:prod"),
        _role("aws_iam_role.plan", "repo:acme/platform:pull_request"),
        _policy(
            "aws_iam_policy.scoped",
            {
                "Sid": "Pass",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution",
            },
            {"Sid": "Read", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
        ),
    )
    assert lint_plan(plan) == []


def test_admin_wildcard_and_passrole_on_star() -> None:
    plan = _plan(
        _policy("aws_iam_policy.admin", {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}),
        _policy("aws_iam_policy.pass", {"Sid": "Pass", "Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*"}),
        _policy(
            "aws_iam_policy.iamstar",
            {"Sid": "Iam", "Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::*:role/*"},
        ),
    )
    findings = {(f.address, f.rule) for f in lint_plan(plan)}
    assert ("aws_iam_policy.admin", "admin-wildcard") in findings
    assert ("aws_iam_policy.pass", "passrole-wildcard") in findings
    assert ("aws_iam_policy.iamstar", "passrole-wildcard") in findings


def test_oidc_trust_must_pin_repository_and_environment() -> None:
    assert "oidc-sub-not-pinned" in _rules(_plan(_role("r", "repo:acme/*")))
    assert "oidc-sub-not-exact" in _rules(_plan(_role("r", "repo:acme/platform:*", operator="StringLike")))
    assert "oidc-sub-not-pinned" in _rules(_plan(_role("r", "repo:acme/platform:ref:refs/heads/*")))
    assert "oidc-sub-not-pinned" in _rules(_plan(_role("r", "repo:acme/platform:ref:refs/tags/v1")))
    assert "oidc-sub-not-pinned" not in _rules(_plan(_role("r", "repo:acme/platform:ref:refs/heads/main"))), (
        "one exact branch is pinned"
    )
    assert "oidc-aud-unchecked" in _rules(_plan(_role("r", "repo:acme/platform:pull_request", aud=False)))


def test_the_customised_subjects_are_pinned_and_the_pull_request_number_is_the_one_pattern() -> None:
    """modules/github-oidc's subjects in the template repo, context, ref pass; any other pattern does not."""
    for exact in (
        "repo:acme/platform:environment:prod:ref:refs/heads/main",
        "repo:acme/platform:ref:refs/heads/main:ref:refs/heads/main",
    ):
        assert _rules(_plan(_role("r", exact))) == set(), exact
    assert (
        _rules(_plan(_role("r", "repo:acme/platform:pull_request:ref:refs/pull/*/merge", operator="StringLike")))
        == set()
    )
    for pattern in (
        "repo:acme/platform:environment:prod:ref:refs/heads/*",
        "repo:acme/platform:pull_request:ref:*",
        "repo:acme/*:pull_request:ref:refs/pull/*/merge",
    ):
        assert "oidc-sub-not-exact" in _rules(_plan(_role("r", pattern, operator="StringLike"))), pattern
    assert "oidc-sub-not-pinned" in _rules(_plan(_role("r", "repo:acme/platform:environment:prod:ref:refs/tags/v1")))


def test_every_role_needs_a_boundary() -> None:
    assert _rules(_plan(_role("r", "repo:acme/platform:pull_request", boundary=None))) == {"missing-boundary"}
