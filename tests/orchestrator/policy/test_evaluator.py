"""The evaluator follows IAM's condition semantics (checked on the classic traps)."""

from __future__ import annotations

import pytest

from orchestrator.policy.evaluator import Decision, Request, condition_matches, evaluate


def test_negated_operator_on_absent_key_matches() -> None:
    assert condition_matches("StringNotEquals", "aws:SourceVpce", ["vpce-1"], {}) is True
    assert condition_matches("StringEquals", "aws:SourceVpce", ["vpce-1"], {}) is False


def test_if_exists_matches_absent_key() -> None:
    assert condition_matches("StringNotEqualsIfExists", "s3:x-amz-server-side-encryption", "aws:kms", {}) is True
    assert (
        condition_matches(
            "StringNotEqualsIfExists",
            "s3:x-amz-server-side-encryption",
            "aws:kms",
            {"s3:x-amz-server-side-encryption": "aws:kms"},
        )
        is False
    )


def test_null_tests_presence() -> None:
    assert condition_matches("Null", "sagemaker:VpcSubnets", "true", {}) is True
    assert condition_matches("Null", "sagemaker:VpcSubnets", "true", {"sagemaker:VpcSubnets": ["subnet-1"]}) is False
    assert condition_matches("Null", "sagemaker:VpcSubnets", "false", {"sagemaker:VpcSubnets": ["subnet-1"]}) is True


def test_set_operators() -> None:
    allowed = ["subnet-a", "subnet-b"]
    assert (
        condition_matches(
            "ForAnyValue:StringNotEquals",
            "sagemaker:VpcSubnets",
            allowed,
            {"sagemaker:VpcSubnets": ["subnet-a", "subnet-x"]},
        )
        is True
    )
    assert (
        condition_matches(
            "ForAnyValue:StringNotEquals",
            "sagemaker:VpcSubnets",
            allowed,
            {"sagemaker:VpcSubnets": ["subnet-a", "subnet-b"]},
        )
        is False
    )
    assert condition_matches("ForAnyValue:StringNotEquals", "sagemaker:VpcSubnets", allowed, {}) is False
    assert condition_matches("ForAllValues:StringEquals", "sagemaker:VpcSubnets", allowed, {}) is True


def test_arn_like_is_per_segment_and_like_uses_wildcards() -> None:
    assert condition_matches(
        "ArnLike",
        "aws:PrincipalArn",
        "arn:aws:iam::111111111111:role/mlops-dev-*",
        {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/mlops-dev-deploy"},
    )
    assert not condition_matches(
        "ArnLike",
        "aws:PrincipalArn",
        "arn:aws:iam::111111111111:role/mlops-dev-*",
        {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/mlops-dev-deploy"},
    )
    assert condition_matches(
        "StringLike",
        "token.actions.githubusercontent.com:sub",
        "repo:acme/*",
        {"token.actions.githubusercontent.com:sub": "repo:acme/anything:ref:refs/heads/main"},
    )


def test_conditions_in_one_statement_are_anded_and_separate_statements_ored() -> None:
    and_statement = {
        "Effect": "Deny",
        "Action": "sagemaker:CreateTrainingJob",
        "Resource": "*",
        "Condition": {"Null": {"sagemaker:VpcSubnets": "true", "sagemaker:VolumeKmsKey": "true"}},
    }
    request = Request("sagemaker:CreateTrainingJob", context={"sagemaker:VpcSubnets": ["subnet-a"]})
    # ANDed: subnets present, so the missing volume key alone does NOT trigger the deny (the trap).
    assert evaluate([{"Statement": [and_statement]}], request) == Decision.IMPLICIT_DENY
    separate = [
        {**and_statement, "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}}},
        {**and_statement, "Condition": {"Null": {"sagemaker:VolumeKmsKey": "true"}}},
    ]
    assert evaluate([{"Statement": separate}], request) == Decision.EXPLICIT_DENY


def test_explicit_deny_wins_over_allow() -> None:
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::env-data", "arn:aws:s3:::env-data/*"]},
        ]
    }
    assert evaluate([policy], Request("s3:GetObject", "arn:aws:s3:::env-data/x")) == Decision.ALLOW
    assert evaluate([policy], Request("s3:GetObject", "arn:aws:s3:::other/x")) == Decision.EXPLICIT_DENY
    assert evaluate([policy], Request("ec2:RunInstances")) == Decision.IMPLICIT_DENY


def test_actions_are_case_insensitive_and_several_values_need_a_set_operator() -> None:
    policy = {"Statement": [{"Effect": "Allow", "Action": "SageMaker:Describe*", "Resource": "*"}]}
    assert evaluate([policy], Request("sagemaker:DescribeDomain")) == Decision.ALLOW
    with pytest.raises(ValueError, match="ForAnyValue"):
        condition_matches("StringEquals", "k", "a", {"k": ["a", "b"]})
