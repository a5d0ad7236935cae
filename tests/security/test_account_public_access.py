"""Account-level S3 Block Public Access: every account of the platform (dev, staging, prod) has all
four settings on (bootstrap, modules/s3-account-public-access-block), no platform role can turn them
off (no s3:PutAccountPublicAccessBlock), and so no role makes a bucket public, not even one with s3:*
on buckets it creates and whose own public access block it may remove.

Before, no account had the block: a role holding s3:* on its buckets (the CI apply role on
<prefix>-<env>-*) could create a bucket, remove the bucket's block and publish it with a bucket
policy for `*`; IAM allows each of those calls to it today too (decided below on its applied
policies), so only the account's block refuses them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config

from orchestrator.policy.authorization import authorize
from orchestrator.policy.evaluator import Request
from tests.security.conftest import REGION, applied_role, client, refused, session

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
ALL_OFF = {setting: False for setting in ALL_ON}


def s3control(url: str, credentials: dict[str, str]) -> Any:
    """S3 Control's SDK host is `<account>.<endpoint host>`, a name no resolver knows: the emulator is the proxy."""
    return boto3.client(
        "s3control", endpoint_url=url, region_name=REGION, config=Config(proxies={"http": url}), **credentials
    )


def _role(world: World, env: str, name: str) -> str:
    return f"arn:aws:iam::{world.accounts[env]}:role/mlops-{env}-{name}"


def test_every_account_blocks_public_access_with_all_four_settings(world: World) -> None:
    for account in world.accounts.values():
        administrator = session(world.url, f"arn:aws:iam::{account}:role/inspector")
        assert (
            s3control(world.url, administrator).get_public_access_block(AccountId=account)[
                "PublicAccessBlockConfiguration"
            ]
            == ALL_ON
        )


@pytest.mark.parametrize(
    ("env", "role"),
    [
        ("dev", "data-science-admin"),
        ("dev", "team-lead"),
        ("dev", "data-scientist"),
        ("dev", "github-apply"),
        ("staging", "github-apply"),
        ("prod", "github-apply"),
    ],
)
def test_no_platform_role_turns_the_account_block_off(world: World, env: str, role: str) -> None:
    """No policy of the platform grants s3:PutAccountPublicAccessBlock (Put and Delete both need it)."""
    account = world.accounts[env]
    control = s3control(world.url, session(world.url, _role(world, env, role)))
    message = refused(
        lambda: control.put_public_access_block(AccountId=account, PublicAccessBlockConfiguration=ALL_OFF)
    )
    assert "s3:PutAccountPublicAccessBlock" in message
    refused(lambda: control.delete_public_access_block(AccountId=account))


def test_a_role_with_s3_star_on_its_buckets_cannot_make_one_public(world: World) -> None:
    """The CI apply role (ManageBuckets: s3:* on mlops-dev-*) creates a bucket and removes the
    bucket's own block, as IAM lets it; publishing the bucket is then refused by the account's block."""
    dev = world.accounts["dev"]
    bucket = f"mlops-dev-public-attempt-{dev}"
    apply_role = _role(world, "dev", "github-apply")
    s3 = client(world.url, session(world.url, apply_role), "s3")
    public = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
            ],
        }
    )
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    try:
        s3.delete_public_access_block(Bucket=bucket)
        assert refused(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=public)) == "Access Denied"
        assert refused(lambda: s3.put_bucket_acl(Bucket=bucket, ACL="public-read")) == "Access Denied"
        caller = applied_role(world.url, dev, "mlops-dev-github-apply")
        for action in ("s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPublicAccessBlock"):
            assert authorize(caller, Request(action, f"arn:aws:s3:::{bucket}"), dev).allowed, (
                f"IAM allows {action}: only the account block refuses"
            )
    finally:
        s3.delete_bucket(Bucket=bucket)
