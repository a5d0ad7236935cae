"""The emulator reads back at once what the AWS provider wrote, for the four resources whose create
the provider follows with a wait (benchmarks/emulator_waits.py; docs/benchmarks.md, "Provider
waits on the emulator").

The provider (5.100.0) polls these reads until they equal what it sent, a fixed number of times in
a row: if the emulator answered in another shape, each create would poll until its timeout (3 min
for a lifecycle configuration or a queue) and fail. Each test sends what the provider sends (taken
from its debug log) and compares the read-back as the provider's wait does."""

from __future__ import annotations

import json
from typing import Any

import boto3
from moto import mock_aws

from orchestrator.emulator import extensions

REGION = "eu-west-1"
ACCOUNT = "123456789012"


def _client(service: str) -> Any:
    extensions.register_all()
    return boto3.client(service, region_name=REGION)


@mock_aws
def test_lifecycle_configuration_reads_back_as_written() -> None:
    """waitLifecycleConfigEquals: same rules, same TransitionDefaultMinimumObjectSize."""
    s3 = _client("s3")
    s3.create_bucket(Bucket="data-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    rule = {
        "ID": "default",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
        "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}],
        "Expiration": {"Days": 365},
    }
    s3.put_bucket_lifecycle_configuration(
        Bucket="data-bucket",
        LifecycleConfiguration={"Rules": [rule]},
        TransitionDefaultMinimumObjectSize="all_storage_classes_128K",
    )
    read = s3.get_bucket_lifecycle_configuration(Bucket="data-bucket")
    assert read["Rules"] == [rule]
    assert read["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"


@mock_aws
def test_kms_key_policy_rotation_and_tags_read_back_as_written() -> None:
    """waitKeyRotationEnabledPropagated, waitKeyPolicyPropagated, waitTagsPropagated."""
    kms = _client("kms")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Root",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    tags = [{"TagKey": "Name", "TagValue": "data"}, {"TagKey": "Purpose", "TagValue": "data"}]
    key_id = kms.create_key(Description="data", Policy=json.dumps(policy), Tags=tags)["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=365)

    rotation = kms.get_key_rotation_status(KeyId=key_id)
    assert (rotation["KeyRotationEnabled"], rotation["RotationPeriodInDays"]) == (True, 365)
    assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == policy
    assert sorted(kms.list_resource_tags(KeyId=key_id)["Tags"], key=lambda tag: tag["TagKey"]) == tags


@mock_aws
def test_queue_attributes_read_back_as_written() -> None:
    """waitQueueAttributesPropagated: every attribute sent is read back with the same value."""
    key_arn = _client("kms").create_key(Description="queue")["KeyMetadata"]["Arn"]
    sqs = _client("sqs")
    sent = {
        "KmsMasterKeyId": key_arn,
        "KmsDataKeyReusePeriodSeconds": "300",
        "MessageRetentionPeriod": "1209600",
        "ReceiveMessageWaitTimeSeconds": "0",
        "MaximumMessageSize": "262144",
        "VisibilityTimeout": "30",
        "DelaySeconds": "0",
    }
    url = sqs.create_queue(QueueName="dead-letters", Attributes=sent, tags={"Name": "dead-letters"})["QueueUrl"]
    read = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert {name: read.get(name) for name in sent} == sent


@mock_aws
def test_vpc_dns_hostnames_read_back_as_set() -> None:
    """waitVPCAttributeUpdated: the attribute is read back as modified."""
    ec2 = _client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    read = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")
    assert read["EnableDnsHostnames"] == {"Value": True}
