"""The SQS extension of the emulator is shown to close its gap (stock moto reports SSE-SQS as on
for a queue encrypted with a customer managed KMS key)."""

from __future__ import annotations

from typing import Any

import boto3
from moto import mock_aws

from orchestrator.emulator import extensions

REGION = "eu-west-1"


def _clients() -> tuple[Any, str]:
    extensions.register_all()
    kms = boto3.client("kms", region_name=REGION)
    return boto3.client("sqs", region_name=REGION), kms.create_key(Description="queue key")["KeyMetadata"]["Arn"]


def _encryption(sqs: Any, url: str) -> dict[str, str]:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return {name: attributes[name] for name in ("SqsManagedSseEnabled", "KmsMasterKeyId") if name in attributes}


@mock_aws
def test_queue_created_with_a_kms_key_is_not_sqs_managed() -> None:
    sqs, key_arn = _clients()
    url = sqs.create_queue(
        QueueName="dead-letters", Attributes={"KmsMasterKeyId": key_arn, "KmsDataKeyReusePeriodSeconds": "300"}
    )["QueueUrl"]
    assert _encryption(sqs, url) == {"SqsManagedSseEnabled": "false", "KmsMasterKeyId": key_arn}


@mock_aws
def test_queue_without_a_kms_key_keeps_sqs_managed_encryption() -> None:
    sqs, _ = _clients()
    url = sqs.create_queue(QueueName="plain")["QueueUrl"]
    assert _encryption(sqs, url) == {"SqsManagedSseEnabled": "true"}


@mock_aws
def test_kms_key_set_later_turns_sqs_managed_encryption_off() -> None:
    sqs, key_arn = _clients()
    url = sqs.create_queue(QueueName="later")["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": key_arn})
    assert _encryption(sqs, url) == {"SqsManagedSseEnabled": "false", "KmsMasterKeyId": key_arn}


@mock_aws
def test_creating_the_same_kms_queue_again_is_idempotent() -> None:
    sqs, key_arn = _clients()
    attributes = {"KmsMasterKeyId": key_arn, "MessageRetentionPeriod": "1209600"}
    first = sqs.create_queue(QueueName="again", Attributes=attributes)["QueueUrl"]
    assert sqs.create_queue(QueueName="again", Attributes=attributes)["QueueUrl"] == first
    assert _encryption(sqs, first)["SqsManagedSseEnabled"] == "false"
