"""Each EventBridge extension of the emulator is shown to close its gap (stock moto forgets a
connection's KMS key and never writes an updated authorization to the connection's secret)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from orchestrator.emulator import extensions

REGION = "eu-west-1"
PLACEHOLDER = "set-out-of-band"


def _clients() -> tuple[Any, Any, Any]:
    extensions.register_all()
    return (
        boto3.client("events", region_name=REGION),
        boto3.client("secretsmanager", region_name=REGION),
        boto3.client("kms", region_name=REGION),
    )


def _create(events: Any, name: str = "project-github", key: str | None = None) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "Name": name,
        "AuthorizationType": "API_KEY",
        "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "Authorization", "ApiKeyValue": PLACEHOLDER}},
    }
    if key is not None:
        arguments["KmsKeyIdentifier"] = key
    events.create_connection(**arguments)
    return events.describe_connection(Name=name)


def _secret(secrets: Any, arn: str) -> dict[str, Any]:
    return json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])


def _error_code(error: pytest.ExceptionInfo[Exception]) -> str:
    return str(error.value.response["Error"]["Code"])  # type: ignore[attr-defined]


@mock_aws
def test_connection_key_is_described_and_encrypts_its_secret() -> None:
    events, secrets, kms = _clients()
    key = kms.create_key()["KeyMetadata"]["Arn"]
    connection = _create(events, key=key)
    assert connection["KmsKeyIdentifier"] == key
    assert secrets.describe_secret(SecretId=connection["SecretArn"])["KmsKeyId"] == key


@mock_aws
def test_connection_without_key_describes_none() -> None:
    events, secrets, _ = _clients()
    connection = _create(events)
    assert "KmsKeyIdentifier" not in connection
    assert "KmsKeyId" not in secrets.describe_secret(SecretId=connection["SecretArn"])


@mock_aws
def test_update_without_key_keeps_it_and_update_with_key_replaces_it() -> None:
    events, secrets, kms = _clients()
    first, second = (kms.create_key()["KeyMetadata"]["Arn"] for _ in range(2))
    connection = _create(events, key=first)
    events.update_connection(Name="project-github", Description="token set")
    assert events.describe_connection(Name="project-github")["KmsKeyIdentifier"] == first
    events.update_connection(Name="project-github", KmsKeyIdentifier=second)
    assert events.describe_connection(Name="project-github")["KmsKeyIdentifier"] == second
    assert secrets.describe_secret(SecretId=connection["SecretArn"])["KmsKeyId"] == second


@mock_aws
def test_update_connection_writes_the_new_api_key_to_the_secret() -> None:
    events, secrets, kms = _clients()
    key = kms.create_key()["KeyMetadata"]["Arn"]
    connection = _create(events, key=key)
    assert _secret(secrets, connection["SecretArn"])["api_key_value"] == PLACEHOLDER

    events.update_connection(
        Name="project-github",
        AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "Authorization", "ApiKeyValue": "Bearer example-token"}},
    )

    assert _secret(secrets, connection["SecretArn"]) == {
        "api_key_name": "Authorization",
        "api_key_value": "Bearer example-token",
    }
    stages = secrets.describe_secret(SecretId=connection["SecretArn"])["VersionIdsToStages"]
    assert sorted(stage for version in stages.values() for stage in version) == ["AWSCURRENT", "AWSPREVIOUS"]
    # The secret keeps the connection's key, and DescribeConnection still never shows the value.
    assert secrets.describe_secret(SecretId=connection["SecretArn"])["KmsKeyId"] == key
    assert events.describe_connection(Name="project-github")["AuthParameters"]["ApiKeyAuthParameters"] == {
        "ApiKeyName": "Authorization"
    }


@mock_aws
def test_update_without_auth_parameters_leaves_the_secret_alone() -> None:
    events, secrets, _ = _clients()
    connection = _create(events)
    before = secrets.describe_secret(SecretId=connection["SecretArn"])["VersionIdsToStages"]
    events.update_connection(Name="project-github", Description="only the description")
    assert secrets.describe_secret(SecretId=connection["SecretArn"])["VersionIdsToStages"] == before
    assert _secret(secrets, connection["SecretArn"])["api_key_value"] == PLACEHOLDER


@mock_aws
def test_update_of_an_unknown_connection_is_not_found() -> None:
    events, _, _ = _clients()
    with pytest.raises(events.exceptions.ResourceNotFoundException) as error:
        events.update_connection(Name="missing", KmsKeyIdentifier="alias/anything")
    assert _error_code(error) == "ResourceNotFoundException"


@mock_aws
def test_deleting_the_connection_still_deletes_its_secret() -> None:
    events, secrets, kms = _clients()
    connection = _create(events, key=kms.create_key()["KeyMetadata"]["Arn"])
    events.delete_connection(Name="project-github")
    assert secrets.list_secrets()["SecretList"] == []
    with pytest.raises(secrets.exceptions.ResourceNotFoundException):
        secrets.describe_secret(SecretId=connection["SecretArn"])
