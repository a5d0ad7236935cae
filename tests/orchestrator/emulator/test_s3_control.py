"""S3 Control's account-level Block Public Access in the emulator: its requests (which sign as `s3`
and carry the account in `x-amz-account-id`) reach the account's S3 Control settings, IAM decides
them as s3:GetAccountPublicAccessBlock / s3:PutAccountPublicAccessBlock on `*`, and S3 honours the
settings: a public bucket policy or a public ACL is refused with AccessDenied."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from orchestrator.emulator.extensions.s3 import policy_is_public
from orchestrator.emulator.process import Emulator
from tests.orchestrator.emulator.test_emulator_authorization import (
    As,
    _admin,
    _code,
    _counts,
    _credentials,
    _role,
    emulator,  # noqa: F401 (the fixture)
)

REGION = "eu-west-1"
ACCOUNT, OTHER = "444444444444", "555555555555"
BUCKET = f"shared-{ACCOUNT}"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def s3control(url: str, credentials: dict[str, str]) -> Any:
    """The SDK names the host `<account>.<endpoint host>`, which no resolver knows: the emulator is the proxy."""
    return boto3.client(
        "s3control", endpoint_url=url, region_name=REGION, config=Config(proxies={"http": url}), **credentials
    )


def _public(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
            ],
        }
    )


@pytest.fixture(scope="module")
def accounts(emulator: Emulator) -> dict[str, Any]:
    admin = _admin(emulator.url, ACCOUNT)
    admin("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    operator = _role(
        admin,
        "bucket-operator",
        [
            {
                "Effect": "Allow",
                "Action": [
                    "s3:PutBucketPolicy",
                    "s3:PutBucketAcl",
                    "s3:PutBucketPublicAccessBlock",
                    "s3:GetAccountPublicAccessBlock",
                ],
                "Resource": "*",
            },
        ],
    )
    return {"admin": admin, "operator": As(emulator.url, _credentials(emulator.url, operator))}


def test_the_account_block_is_set_and_read_in_the_callers_account(accounts: dict[str, Any], emulator: Emulator) -> None:
    admin = s3control(emulator.url, accounts["admin"].credentials)
    assert _code(lambda: admin.get_public_access_block(AccountId=ACCOUNT)) == "NoSuchPublicAccessBlockConfiguration"
    admin.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)
    assert admin.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"] == ALL_ON
    other = s3control(emulator.url, _admin(emulator.url, OTHER).credentials)
    assert _code(lambda: other.get_public_access_block(AccountId=OTHER)) == "NoSuchPublicAccessBlockConfiguration", (
        "one setting per account"
    )


def test_iam_decides_the_account_block_as_account_actions_on_star(accounts: dict[str, Any], emulator: Emulator) -> None:
    before = _counts(emulator.url)
    operator = s3control(emulator.url, accounts["operator"].credentials)
    operator.get_public_access_block(AccountId=ACCOUNT)  # allowed (the block is set above)
    with pytest.raises(ClientError) as denied:
        operator.put_public_access_block(
            AccountId=ACCOUNT, PublicAccessBlockConfiguration={**ALL_ON, "BlockPublicPolicy": False}
        )
    error = denied.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert "s3:PutAccountPublicAccessBlock on resource: *" in error["Message"]
    assert _code(lambda: operator.delete_public_access_block(AccountId=ACCOUNT)) == "AccessDenied", (
        "deleting needs the same permission"
    )
    after = _counts(emulator.url)
    assert after["unevaluated"] == before["unevaluated"]
    assert (
        after["denied_actions"]["s3:PutAccountPublicAccessBlock"]
        == before["denied_actions"].get("s3:PutAccountPublicAccessBlock", 0) + 2
    )


def test_with_the_account_block_no_bucket_is_made_public(accounts: dict[str, Any], emulator: Emulator) -> None:
    s3control(emulator.url, accounts["admin"].credentials).put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON
    )
    operator = accounts["operator"]("s3")
    operator.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={k: False for k in ALL_ON})
    assert _code(lambda: operator.put_bucket_policy(Bucket=BUCKET, Policy=_public(BUCKET))) == "AccessDenied"
    assert (
        _code(lambda: accounts["admin"]("s3").put_bucket_policy(Bucket=BUCKET, Policy=_public(BUCKET)))
        == "AccessDenied"
    ), "the administrator too"
    assert _code(lambda: operator.put_bucket_acl(Bucket=BUCKET, ACL="public-read")) == "AccessDenied"
    named = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{BUCKET}/*",
                },
            ],
        }
    )
    operator.put_bucket_policy(Bucket=BUCKET, Policy=named)  # a named principal is not public


def test_without_any_block_a_public_policy_is_accepted(accounts: dict[str, Any], emulator: Emulator) -> None:
    admin = _admin(emulator.url, OTHER)
    bucket = f"open-{OTHER}"
    admin("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    admin("s3").put_bucket_policy(Bucket=bucket, Policy=_public(bucket))
    s3control(emulator.url, admin.credentials).put_public_access_block(
        AccountId=OTHER, PublicAccessBlockConfiguration={**ALL_ON, "BlockPublicPolicy": False}
    )
    admin("s3").put_bucket_policy(Bucket=bucket, Policy=_public(bucket))
    admin("s3").put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
    assert _code(lambda: admin("s3").put_bucket_policy(Bucket=bucket, Policy=_public(bucket))) == "AccessDenied", (
        "the bucket's own setting counts too"
    )


@pytest.mark.parametrize(
    ("statement", "public"),
    [
        ({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}, True),
        (
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111111111111:root", "*"]},
                "Action": "s3:GetObject",
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
            },
            False,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:*"}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Condition": {"StringNotEquals": {"aws:SourceAccount": "111111111111"}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            },
            True,
        ),
        (
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            False,
        ),
        ({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject"}, False),
    ],
)
def test_a_policy_is_public_as_s3_defines_it(statement: dict[str, Any], public: bool) -> None:
    assert policy_is_public({"Statement": [statement]}) is public
