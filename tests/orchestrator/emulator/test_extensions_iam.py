"""The IAM extension of the emulator is shown to close its gaps: stock moto counts a repeated attachment
twice, and deletes a managed policy that is still attached or still has other versions; IAM counts it
once and refuses the deletion with DeleteConflict."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from orchestrator.emulator import extensions
from orchestrator.emulator.extensions.iam import ATTACHED, VERSIONED

DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def _iam_with_policy() -> tuple[Any, str]:
    extensions.register_all()
    iam = boto3.client("iam", region_name="eu-west-1")
    arn = iam.create_policy(PolicyName="guardrails", PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    iam.create_role(RoleName="worker", AssumeRolePolicyDocument=TRUST)
    return iam, arn


def _delete_refused(iam: Any, arn: str) -> str:
    with pytest.raises(ClientError) as refused:
        iam.delete_policy(PolicyArn=arn)
    assert refused.value.response["Error"]["Code"] == "DeleteConflict"
    iam.get_policy(PolicyArn=arn)  # still there
    return str(refused.value.response["Error"]["Message"])


@mock_aws
def test_an_attached_policy_is_kept_until_detached() -> None:
    iam, arn = _iam_with_policy()
    iam.attach_role_policy(RoleName="worker", PolicyArn=arn)
    assert _delete_refused(iam, arn) == ATTACHED
    iam.detach_role_policy(RoleName="worker", PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)
    assert arn not in [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]]


@mock_aws
def test_a_policy_with_other_versions_is_kept_until_they_are_deleted() -> None:
    iam, arn = _iam_with_policy()
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOCUMENT, SetAsDefault=True)
    assert _delete_refused(iam, arn) == VERSIONED
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy(PolicyArn=arn)
    assert arn not in [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]]


@mock_aws
def test_attaching_an_attached_policy_again_is_counted_once() -> None:
    """IAM treats the second attachment as a no-op: after one detach the policy can be deleted."""
    iam, arn = _iam_with_policy()
    iam.attach_role_policy(RoleName="worker", PolicyArn=arn)
    iam.attach_role_policy(RoleName="worker", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    iam.detach_role_policy(RoleName="worker", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 0
    iam.delete_policy(PolicyArn=arn)
    assert arn not in [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]]
