"""Versions of a bucket whose versioning is suspended are deleted one by one, as S3 does (stock moto
dropped every version of the key and failed with HTTP 500 on a delete marker)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from orchestrator.emulator import extensions

BUCKET = "versioned-then-suspended"


def _suspended_bucket_with_history() -> Any:
    """report.json: two versions and, on top, a delete marker; then versioning suspended."""
    extensions.register_all()
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=BUCKET, Key="report.json", Body=b"v1")
    s3.put_object(Bucket=BUCKET, Key="report.json", Body=b"v2")
    s3.delete_object(Bucket=BUCKET, Key="report.json")
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    return s3


def _history(s3: Any) -> list[tuple[str, str]]:
    listing = s3.list_object_versions(Bucket=BUCKET)
    return [("version", v["VersionId"]) for v in listing.get("Versions", [])] + [
        ("marker", m["VersionId"]) for m in listing.get("DeleteMarkers", [])
    ]


@mock_aws
def test_one_version_is_deleted_and_the_others_are_kept() -> None:
    s3 = _suspended_bucket_with_history()
    history = _history(s3)
    oldest = next(version for kind, version in history if kind == "version")
    s3.delete_object(Bucket=BUCKET, Key="report.json", VersionId=oldest)
    assert len(_history(s3)) == 2 and ("version", oldest) not in _history(s3)


@mock_aws
def test_the_bucket_is_emptied_version_by_version_and_deleted() -> None:
    """What Terraform's force_destroy does after the versioning resource suspended versioning."""
    s3 = _suspended_bucket_with_history()
    answer = s3.delete_objects(
        Bucket=BUCKET,
        Delete={"Objects": [{"Key": "report.json", "VersionId": version} for _, version in _history(s3)]},
    )
    assert len(answer["Deleted"]) == 3 and not answer.get("Errors")
    assert _history(s3) == []
    s3.delete_bucket(Bucket=BUCKET)


@mock_aws
def test_a_locked_version_is_kept() -> None:
    extensions.register_all()
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(
        Bucket=BUCKET,
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        ObjectLockEnabledForBucket=True,
    )
    version = s3.put_object(Bucket=BUCKET, Key="evidence", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    with pytest.raises(ClientError) as refused:
        s3.delete_object(Bucket=BUCKET, Key="evidence", VersionId=version)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
