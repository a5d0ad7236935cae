"""Each emulator extension is shown to close its gap (stock moto fails these calls)."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from orchestrator.emulator import extensions

REGION = "eu-west-1"


def _hardened_log_bucket_policy(bucket: str, source_bucket: str) -> str:
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, f"{arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                {
                    "Sid": "AllowS3ServerAccessLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/*",
                    "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source_bucket}"}},
                },
            ],
        }
    )


def _buckets(s3: object, policy: str | None) -> None:
    for name in ("source-bucket", "log-bucket"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})  # type: ignore[attr-defined]
    if policy:
        s3.put_bucket_policy(Bucket="log-bucket", Policy=policy)  # type: ignore[attr-defined]


@mock_aws
def test_bucket_logging_accepts_hardened_target_policy() -> None:
    extensions.register_all()
    s3 = boto3.client("s3", region_name=REGION)
    _buckets(s3, _hardened_log_bucket_policy("log-bucket", "source-bucket"))
    s3.put_bucket_logging(
        Bucket="source-bucket",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "log-bucket", "TargetPrefix": "s3/source-bucket/"}},
    )
    enabled = s3.get_bucket_logging(Bucket="source-bucket")["LoggingEnabled"]
    assert enabled == {"TargetBucket": "log-bucket", "TargetPrefix": "s3/source-bucket/"}


@mock_aws
def test_bucket_logging_still_refused_without_logging_grant() -> None:
    extensions.register_all()
    s3 = boto3.client("s3", region_name=REGION)
    only_deny = json.loads(_hardened_log_bucket_policy("log-bucket", "source-bucket"))
    only_deny["Statement"] = only_deny["Statement"][:1]
    _buckets(s3, json.dumps(only_deny))
    with pytest.raises(s3.exceptions.ClientError, match="InvalidTargetBucketForLogging"):
        s3.put_bucket_logging(
            Bucket="source-bucket",
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "log-bucket", "TargetPrefix": "x/"}},
        )


def _put_policy(s3: object, statements: list[dict[str, object]]) -> None:
    s3.put_bucket_policy(Bucket="data-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))  # type: ignore[attr-defined]


@mock_aws
def test_conditional_deny_that_does_not_match_lets_objects_through() -> None:
    extensions.register_all()
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="data-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    arn = "arn:aws:s3:::data-bucket"
    _put_policy(
        s3,
        [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    )
    s3.put_object(Bucket="data-bucket", Key="state", Body=b"{}")
    assert s3.get_object(Bucket="data-bucket", Key="state")["Body"].read() == b"{}"


@mock_aws
def test_unconditional_deny_still_denies() -> None:
    extensions.register_all()
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="data-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    _put_policy(
        s3,
        [
            {
                "Sid": "DenyAll",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::data-bucket/*",
            }
        ],
    )
    s3.put_object(Bucket="data-bucket", Key="k", Body=b"x")
    with pytest.raises(s3.exceptions.ClientError, match=r"403|AccessDenied|Forbidden"):
        s3.get_object(Bucket="data-bucket", Key="k")


@mock_aws
def test_negated_condition_on_absent_key_denies() -> None:
    """A request that did not come through the VPC endpoint carries no aws:SourceVpce: denied."""
    extensions.register_all()
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="data-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    _put_policy(
        s3,
        [
            {
                "Sid": "DenyOutsideEndpoint",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::data-bucket/*",
                "Condition": {"StringNotEquals": {"aws:SourceVpce": ["vpce-0123456789abcdef0"]}},
            }
        ],
    )
    s3.put_object(Bucket="data-bucket", Key="k", Body=b"x")
    with pytest.raises(s3.exceptions.ClientError, match=r"403|AccessDenied|Forbidden"):
        s3.get_object(Bucket="data-bucket", Key="k")


@mock_aws
def test_kms_rotation_period_is_stored_and_returned() -> None:
    extensions.register_all()
    kms = boto3.client("kms", region_name=REGION)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key, RotationPeriodInDays=180)
    status = kms.get_key_rotation_status(KeyId=key)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 180
    kms.disable_key_rotation(KeyId=key)
    assert "RotationPeriodInDays" not in kms.get_key_rotation_status(KeyId=key)
    kms.enable_key_rotation(KeyId=key)
    assert kms.get_key_rotation_status(KeyId=key)["RotationPeriodInDays"] == 365
