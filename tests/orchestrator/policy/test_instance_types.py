"""The instance-types policy on example requests, with IAM's semantics of a multivalued key.

sagemaker:InstanceTypes carries every instance type of a request; ForAnyValue:StringNotLike denies
it when any one of them is not allowed. The document is the identity module's rendered policy for
the inputs of modules/identity/tests/policies.tftest.hcl, read from
modules/identity/tests/fixtures/instance-types-policy.json (that test file's run
"instance_types_statements" compares the two, so the fixture cannot drift from the module)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from orchestrator.policy.evaluator import Request, condition_matches, denied_by
from tests.conftest import REPO_ROOT

FIXTURE = REPO_ROOT / "modules" / "identity" / "tests" / "fixtures" / "instance-types-policy.json"
KEY = "sagemaker:InstanceTypes"

# action, an allowed request's types, a denied request's types, the statement that denies it
CASES = [
    ("sagemaker:CreateApp", ["system"], ["ml.g5.48xlarge"], "DenyStudioAppsOtherInstanceTypes"),
    ("sagemaker:CreateApp", ["ml.t3.medium"], ["ml.t3.large"], "DenyStudioAppsOtherInstanceTypes"),
    ("sagemaker:CreateProcessingJob", ["ml.m5.large"], ["ml.m5.24xlarge"], "DenyProcessingOtherInstanceTypes"),
    ("sagemaker:CreateTrainingJob", ["ml.m5.xlarge"], ["ml.p4d.24xlarge"], "DenyTrainingOtherInstanceTypes"),
    (
        "sagemaker:CreateTrainingJob",  # a heterogeneous cluster: one allowed group, one not
        ["ml.m5.large", "ml.m5.xlarge"],
        ["ml.m5.large", "ml.p4d.24xlarge"],
        "DenyTrainingOtherInstanceTypes",
    ),
    ("sagemaker:CreateHyperParameterTuningJob", ["ml.m5.large"], ["ml.c5.18xlarge"], "DenyTrainingOtherInstanceTypes"),
    ("sagemaker:CreateTransformJob", ["ml.m5.large"], ["ml.m5.xlarge"], "DenyTransformOtherInstanceTypes"),
    (
        "sagemaker:CreateEndpointConfig",  # two production variants, one of them not allowed
        ["ml.t2.medium", "ml.m5.large"],
        ["ml.m5.large", "ml.g5.12xlarge"],
        "DenyEndpointsOtherInstanceTypes",
    ),
]
IDS = [f"{c[0].split(':')[1]}-{'+'.join(c[2])}" for c in CASES]


@pytest.fixture(scope="module")
def policy() -> list[dict[str, Any]]:
    return [json.loads(FIXTURE.read_text(encoding="utf-8"))]


def _request(action: str, types: list[str] | None) -> Request:
    return Request(action, "*", {} if types is None else {KEY: types})


@pytest.mark.parametrize(("action", "allowed", "denied", "sid"), CASES, ids=IDS)
def test_allowed_types_pass(
    policy: list[dict[str, Any]], action: str, allowed: list[str], denied: list[str], sid: str
) -> None:
    assert denied_by(policy, _request(action, allowed)) == []


@pytest.mark.parametrize(("action", "allowed", "denied", "sid"), CASES, ids=IDS)
def test_any_type_outside_the_list_is_denied(
    policy: list[dict[str, Any]], action: str, allowed: list[str], denied: list[str], sid: str
) -> None:
    assert denied_by(policy, _request(action, denied)) == [sid]


@pytest.mark.parametrize(
    "action", ["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob", "sagemaker:CreateTransformJob"]
)
def test_a_job_without_instance_type_is_denied(policy: list[dict[str, Any]], action: str) -> None:
    """ForAnyValue is false on an absent key; the Null statement denies a job IAM cannot check."""
    assert denied_by(policy, _request(action, None)) == ["DenyJobsWithoutInstanceTypes"]


@pytest.mark.parametrize("action", ["sagemaker:CreateApp", "sagemaker:CreateEndpointConfig"])
def test_an_app_on_the_default_type_and_a_serverless_endpoint_config_pass(
    policy: list[dict[str, Any]], action: str
) -> None:
    """No instance type in the request: the domain's default (CreateApp) or serverless (endpoint configs)."""
    assert denied_by(policy, _request(action, None)) == []


def test_other_actions_are_not_touched(policy: list[dict[str, Any]]) -> None:
    assert denied_by(policy, _request("sagemaker:CreateModel", ["ml.p4d.24xlarge"])) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["ml.t3.medium"], False),
        (["ml.t3.medium", "ml.t3.large"], False),
        (["ml.t3.medium", "ml.m5.large"], True),  # any one value outside: true
        (["ml.m5.large", "ml.t3.medium"], True),
        ([], False),  # an empty set: no value is outside
    ],
)
def test_for_any_value_string_not_like_is_true_when_any_value_matches_no_pattern(
    values: list[str], expected: bool
) -> None:
    assert condition_matches("ForAnyValue:StringNotLike", KEY, ["ml.t3.*", "system"], {KEY: values}) is expected


def test_for_any_value_is_false_and_null_true_on_an_absent_key() -> None:
    assert condition_matches("ForAnyValue:StringNotLike", KEY, ["ml.t3.*"], {}) is False
    assert condition_matches("Null", KEY, "true", {}) is True
