"""The guardrails' bucket perimeter has exactly one exception: s3:GetObject of an object tagged
servicecatalog:provisioning=true (Service Catalog's copy of a product template, which the launch
role must read). Evaluated on example requests with IAM's condition semantics.

The policies are the identity module's rendered documents (launch policy, permission boundary,
guardrails) for the inputs of modules/identity/tests/policies.tftest.hcl. They are read from
modules/identity/tests/fixtures/template-read-policies.json, which that test file's run
"fixture_is_the_rendered_policies" compares with output.policy_documents, so the fixture cannot
drift from the module."""

from __future__ import annotations

import json
from typing import Any

import pytest

from orchestrator.policy.evaluator import Decision, Request, denied_by, evaluate
from tests.conftest import REPO_ROOT

FIXTURE = REPO_ROOT / "modules" / "identity" / "tests" / "fixtures" / "template-read-policies.json"
ACCOUNT = "111111111111"
TAG = "s3:ExistingObjectTag/servicecatalog:provisioning"
# A bucket Service Catalog owns (its name is not known in advance) and an object in it.
SC_BUCKET = "arn:aws:s3:::sc-0123456789abcdef0123456789abcdef-eu-west-1"
SC_TEMPLATE = f"{SC_BUCKET}/1234567890/template.yaml"
DATA_OBJECT = f"arn:aws:s3:::mlops-dev-data-{ACCOUNT}/train/abalone.csv"
TAGGED = {TAG: "true"}


@pytest.fixture(scope="module")
def policies() -> dict[str, dict[str, Any]]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def guardrails(policies: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [policies["sagemaker-guardrails"]]


def _launch_role_decision(policies: dict[str, dict[str, Any]], request: Request) -> Decision:
    """IAM's decision for the launch role: its policy and the guardrails (attached), within its
    boundary (allowed only if both allow; an explicit deny in either wins)."""
    identity = evaluate([policies["launch"], policies["sagemaker-guardrails"]], request)
    bounded = evaluate([policies["permission-boundary"]], request)
    if Decision.EXPLICIT_DENY in (identity, bounded):
        return Decision.EXPLICIT_DENY
    return Decision.ALLOW if identity == bounded == Decision.ALLOW else Decision.IMPLICIT_DENY


# --- the guardrails on the four requests that define the exception ---------------------------


def test_get_object_of_a_tagged_template_copy_is_not_denied(guardrails: list[dict[str, Any]]) -> None:
    request = Request("s3:GetObject", SC_TEMPLATE, TAGGED)
    assert denied_by(guardrails, request) == []
    assert evaluate(guardrails, request) == Decision.IMPLICIT_DENY  # no deny (the guardrails allow nothing)


def test_get_object_without_the_tag_on_a_foreign_bucket_is_denied(guardrails: list[dict[str, Any]]) -> None:
    request = Request("s3:GetObject", "arn:aws:s3:::attacker-bucket/payload.bin")
    assert evaluate(guardrails, request) == Decision.EXPLICIT_DENY
    assert denied_by(guardrails, request) == ["DenyOtherBuckets"]


def test_put_object_with_the_tag_on_a_foreign_bucket_is_denied(guardrails: list[dict[str, Any]]) -> None:
    request = Request("s3:PutObject", "arn:aws:s3:::attacker-bucket/exfil.csv", TAGGED)
    assert evaluate(guardrails, request) == Decision.EXPLICIT_DENY
    assert denied_by(guardrails, request) == ["DenyOtherBucketsTaggedObjectsExceptGet"]


def test_list_bucket_on_a_foreign_bucket_is_denied(guardrails: list[dict[str, Any]]) -> None:
    request = Request("s3:ListBucket", "arn:aws:s3:::attacker-bucket")
    assert evaluate(guardrails, request) == Decision.EXPLICIT_DENY
    assert denied_by(guardrails, request) == ["DenyOtherBuckets"]


# --- the exception cannot widen anything else --------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        "s3:GetObjectTagging",
        "s3:GetObjectVersion",
        "s3:GetObjectAcl",
        "s3:PutObjectTagging",
        "s3:PutObjectAcl",
        "s3:DeleteObjectTagging",
        "s3:DeleteObject",
        "s3:RestoreObject",
        "s3:SomeFutureObjectAction",
    ],
)
def test_every_other_action_on_a_tagged_foreign_object_is_denied(guardrails: list[dict[str, Any]], action: str) -> None:
    assert denied_by(guardrails, Request(action, SC_TEMPLATE, TAGGED)) == ["DenyOtherBucketsTaggedObjectsExceptGet"]


@pytest.mark.parametrize("value", ["false", "True", "TRUE", ""])
def test_only_the_exact_tag_value_true_is_exempt(guardrails: list[dict[str, Any]], value: str) -> None:
    assert denied_by(guardrails, Request("s3:GetObject", SC_TEMPLATE, {TAG: value})) == ["DenyOtherBuckets"]


def test_another_tag_does_not_exempt(guardrails: list[dict[str, Any]]) -> None:
    request = Request("s3:GetObject", SC_TEMPLATE, {"s3:ExistingObjectTag/provisioning": "true"})
    assert denied_by(guardrails, request) == ["DenyOtherBuckets"]


def test_environment_buckets_are_unaffected(guardrails: list[dict[str, Any]]) -> None:
    for request in (
        Request("s3:GetObject", DATA_OBJECT),
        Request("s3:PutObject", DATA_OBJECT),
        Request("s3:ListBucket", f"arn:aws:s3:::mlops-dev-data-{ACCOUNT}"),
        # A tagged object in an environment bucket keeps every action the role policies grant.
        Request("s3:GetObjectTagging", DATA_OBJECT, TAGGED),
        Request("s3:PutObjectTagging", DATA_OBJECT, TAGGED),
        Request("s3:GetObject", f"arn:aws:s3:::mlops-dev-project-p-abc123def456-{ACCOUNT}/model.tar.gz", TAGGED),
    ):
        assert denied_by(guardrails, request) == [], request


def test_the_not_action_statement_does_not_reach_other_services(guardrails: list[dict[str, Any]]) -> None:
    """A Deny with NotAction matches every service's actions; the s3: condition key (never present
    on a request to another service) is what keeps it to S3."""
    for request in (
        Request("sagemaker:DescribeDomain", f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:domain/d-0123456789ab"),
        Request(
            "iam:PassRole",
            f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-sagemaker-execution",
            {"iam:PassedToService": "sagemaker.amazonaws.com"},
        ),
        Request("kms:Decrypt", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/11111111-1111-1111-1111-111111111111"),
    ):
        assert denied_by(guardrails, request) == [], request


def test_creating_or_listing_other_buckets_stays_denied(guardrails: list[dict[str, Any]]) -> None:
    assert denied_by(guardrails, Request("s3:CreateBucket", f"arn:aws:s3:::sagemaker-eu-west-1-{ACCOUNT}")) == [
        "DenyOtherBuckets"
    ]
    assert denied_by(guardrails, Request("s3:ListAllMyBuckets", "*")) == ["DenyOtherBuckets"]


# --- the launch role as a whole (policy, guardrails, boundary) ----------------------------------


def test_launch_role_reads_service_catalogs_template_copy(policies: dict[str, dict[str, Any]]) -> None:
    assert _launch_role_decision(policies, Request("s3:GetObject", SC_TEMPLATE, TAGGED)) == Decision.ALLOW


def test_launch_role_reads_nothing_else_outside_the_environment(policies: dict[str, dict[str, Any]]) -> None:
    assert _launch_role_decision(policies, Request("s3:GetObject", SC_TEMPLATE)) == Decision.EXPLICIT_DENY
    assert (
        _launch_role_decision(policies, Request("s3:GetObjectVersion", SC_TEMPLATE, TAGGED)) == Decision.EXPLICIT_DENY
    )
    assert _launch_role_decision(policies, Request("s3:PutObject", SC_TEMPLATE, TAGGED)) == Decision.EXPLICIT_DENY


def test_launch_role_passes_only_the_deploy_events_role_to_eventbridge(policies: dict[str, dict[str, Any]]) -> None:
    to_events = {"iam:PassedToService": "events.amazonaws.com"}
    deploy_events = f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-deploy-events"
    assert _launch_role_decision(policies, Request("iam:PassRole", deploy_events, to_events)) == Decision.ALLOW
    for role in (
        "mlops-dev-pipeline-execution",
        "mlops-dev-sagemaker-execution",
        "mlops-dev-project-p-abc123def456",
        "mlops-dev-launch",
    ):
        request = Request("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/{role}", to_events)
        assert _launch_role_decision(policies, request) != Decision.ALLOW, role
    to_sagemaker = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    assert _launch_role_decision(policies, Request("iam:PassRole", deploy_events, to_sagemaker)) != Decision.ALLOW
    pipeline = f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-pipeline-execution"
    assert _launch_role_decision(policies, Request("iam:PassRole", pipeline, to_sagemaker)) == Decision.ALLOW


def test_launch_role_manages_policies_of_platform_model_package_groups_only(
    policies: dict[str, dict[str, Any]],
) -> None:
    group = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package-group/mlops-dev-churn-p-abc123def456"
    other = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package-group/team-x-churn"
    for action in (
        "sagemaker:PutModelPackageGroupPolicy",
        "sagemaker:GetModelPackageGroupPolicy",
        "sagemaker:DeleteModelPackageGroupPolicy",
    ):
        assert _launch_role_decision(policies, Request(action, group)) == Decision.ALLOW, action
        assert _launch_role_decision(policies, Request(action, other)) == Decision.IMPLICIT_DENY, action
