"""The platform's own gate rules: what no reviewed plan makes (guardrails detached, a boundary
weakened, a principal outside the platform admitted), each shown on a plan that does it and one that
does not."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from orchestrator.policy.plan_guard import guard_plan, platform_accounts

GUARDRAILS = "arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails"
BOUNDARY = "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"
PLATFORM = {"111111111111", "222222222222", "999999999999"}


def change(
    address: str, kind: str, actions: list[str], before: dict[str, Any] | None, after: dict[str, Any] | None
) -> dict[str, Any]:
    return {"address": address, "type": kind, "change": {"actions": actions, "before": before, "after": after}}


def rules(*resource_changes: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.address, f.rule) for f in guard_plan({"resource_changes": list(resource_changes)}, PLATFORM)]


def test_detaching_the_guardrails_from_a_role_that_stays_is_refused() -> None:
    detach = change(
        "a.guard",
        "aws_iam_role_policy_attachment",
        ["delete"],
        {"role": "mlops-dev-data-scientist", "policy_arn": GUARDRAILS},
        None,
    )
    assert rules(detach) == [("a.guard", "guardrails-detached")]
    role_goes = change("a.role", "aws_iam_role", ["delete"], {"name": "mlops-dev-data-scientist"}, None)
    assert rules(detach, role_goes) == [], "destroying the role detaches its policies first"
    exclusive = change(
        "a.exclusive",
        "aws_iam_role_policy_attachments_exclusive",
        ["update"],
        {"role_name": "mlops-dev-team-lead", "policy_arns": [GUARDRAILS]},
        {"role_name": "mlops-dev-team-lead", "policy_arns": []},
    )
    assert rules(exclusive) == [("a.exclusive", "guardrails-detached")]
    instance_types = "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"
    both = change(
        "a.both",
        "aws_iam_role_policy_attachments_exclusive",
        ["update"],
        {"role_name": "mlops-dev-team-lead", "policy_arns": [GUARDRAILS, instance_types]},
        {"role_name": "mlops-dev-team-lead", "policy_arns": [GUARDRAILS]},
    )
    assert rules(both) == [("a.both", "guardrails-detached")], "the instance-types policy is kept like the guardrails"
    other = change(
        "a.other",
        "aws_iam_role_policy_attachment",
        ["delete"],
        {"role": "x", "policy_arn": "arn:aws:iam::111111111111:policy/other"},
        None,
    )
    assert rules(other) == []


def test_weakening_a_boundary_is_refused() -> None:
    dropped = change(
        "a.role",
        "aws_iam_role",
        ["update"],
        {"name": "r", "permissions_boundary": BOUNDARY},
        {"name": "r", "permissions_boundary": None},
    )
    assert rules(dropped) == [("a.role", "boundary-weakened")]
    deny = {
        "Sid": "DenyBoundaryRemoval",
        "Effect": "Deny",
        "Action": "iam:DeleteRolePermissionsBoundary",
        "Resource": "*",
    }
    allow = {"Sid": "SageMaker", "Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}
    before = {"name": "mlops-dev-permission-boundary", "policy": json.dumps({"Statement": [allow, deny]})}
    lost = change(
        "a.boundary", "aws_iam_policy", ["update"], before, {**before, "policy": json.dumps({"Statement": [allow]})}
    )
    assert rules(lost) == [("a.boundary", "boundary-weakened")]
    grown = change(
        "a.boundary",
        "aws_iam_policy",
        ["update"],
        before,
        {**before, "policy": json.dumps({"Statement": [allow, deny, {**deny, "Sid": "More"}]})},
    )
    assert rules(grown) == [], "adding a deny tightens"
    unrelated = change(
        "a.policy",
        "aws_iam_policy",
        ["update"],
        {**before, "name": "mlops-dev-team-lead"},
        {"name": "mlops-dev-team-lead", "policy": "{}"},
    )
    assert rules(unrelated) == []


def _trust(principal: Any, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Sid": "Who", "Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Statement": [statement]})


def test_a_principal_outside_the_platform_is_refused_in_trust_key_and_bucket_policies() -> None:
    outside = change(
        "a.role",
        "aws_iam_role",
        ["update"],
        {"name": "r"},
        {"name": "r", "assume_role_policy": _trust({"AWS": "arn:aws:iam::444444444444:root"})},
    )
    assert rules(outside) == [("a.role", "outside-principal")]
    bare_id = change("a.key", "aws_kms_key", ["update"], {}, {"policy": _trust({"AWS": ["444444444444"]})})
    assert rules(bare_id) == [("a.key", "outside-principal")]
    anyone = change("a.bucket", "aws_s3_bucket_policy", ["create"], None, {"policy": _trust("*")})
    assert rules(anyone) == [("a.bucket", "outside-principal")]
    scoped = change(
        "a.bucket",
        "aws_s3_bucket_policy",
        ["create"],
        None,
        {"policy": _trust({"AWS": "*"}, {"StringEquals": {"aws:PrincipalAccount": "111111111111"}})},
    )
    assert rules(scoped) == []
    inside = change(
        "a.role",
        "aws_iam_role",
        ["create"],
        None,
        {
            "name": "r",
            "assume_role_policy": _trust(
                {"AWS": ["arn:aws:iam::999999999999:role/sso-leads", "arn:aws:iam::222222222222:role/x"]}
            ),
        },
    )
    services = change(
        "a.role2",
        "aws_iam_role",
        ["create"],
        None,
        {"name": "r2", "assume_role_policy": _trust({"Service": "sagemaker.amazonaws.com"})},
    )
    assert rules(inside, services) == []
    denied = change(
        "a.key",
        "aws_kms_key",
        ["update"],
        {},
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::444444444444:root"}, "Action": "kms:*"}
                    ]
                }
            )
        },
    )
    assert rules(denied) == [], "naming an outsider in a Deny admits nobody"


def test_an_api_destination_sends_the_token_only_to_githubs_dispatch_api() -> None:
    def destination(url: str) -> dict[str, Any]:
        return change(
            "a.dispatch",
            "aws_cloudwatch_event_api_destination",
            ["update"],
            {"invocation_endpoint": "x"},
            {"invocation_endpoint": url},
        )

    assert rules(destination("https://api.github.com/repos/example-org/abalone-model/dispatches")) == []
    for elsewhere in (
        "https://attacker.example/collect",
        "https://api.github.com.attacker.example/repos/a/b/dispatches",
        "http://api.github.com/repos/a/b/dispatches",
    ):
        assert rules(destination(elsewhere)) == [("a.dispatch", "api-destination-not-github")], elsewhere


def test_the_platform_accounts_come_from_the_configuration() -> None:
    personas = SimpleNamespace(
        data_science_admin=["arn:aws:iam::999999999999:role/admins"],
        team_lead=[],
        data_scientist=["arn:aws:iam::888888888888:role/ds"],
    )
    env = SimpleNamespace(
        account_id="111111111111",
        kind="dev",
        target_account_ids={"staging": ["222222222222"], "prod": ["333333333333"]},
        identity=SimpleNamespace(
            persona_principals=personas, existing_role_arns={"x": "arn:aws:iam::111111111111:role/brought"}
        ),
        kms=SimpleNamespace(administrator_arns=["arn:aws:iam::777777777777:role/key-admins"]),
    )
    assert platform_accounts(env) == {
        "111111111111",
        "222222222222",
        "333333333333",
        "999999999999",
        "888888888888",
        "777777777777",
    }
