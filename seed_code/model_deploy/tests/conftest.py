"""Fixtures: the three emulated accounts of ``deploy_world``, fresh for every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from deploy_world import (
    ACCOUNTS,
    REGION,
    World,
    keeping_customer_metadata,
    monitoring_schedule_shims,
    shared_session,
    tags_replacing_values,
    update_endpoint_shim,
)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[World]:
    """Offline: fake credentials, no machine profile, moto for every call."""
    from moto import mock_aws
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setattr(SageMakerResponse, "update_endpoint", update_endpoint_shim, raising=False)
    for method, shim in monitoring_schedule_shims().items():
        monkeypatch.setattr(SageMakerResponse, method, shim, raising=False)
    # Stock moto's processing jobs (the platform's emulator, when its extensions are loaded in this
    # process, runs a Model Monitor baseline job for real, in a VPC and as a role these tests have not).
    stock_processing_job = getattr(SageMakerResponse.create_processing_job, "__wrapped__", None)
    if stock_processing_job is not None:
        monkeypatch.setattr(SageMakerResponse, "create_processing_job", stock_processing_job)
    monkeypatch.setattr(
        SageMakerModelBackend,
        "update_model_package",
        keeping_customer_metadata(SageMakerModelBackend.update_model_package),
    )
    monkeypatch.setattr(SageMakerModelBackend, "add_tags", tags_replacing_values)
    with mock_aws():
        sts = shared_session().client("sts", region_name=REGION)
        credentials = {}
        for stage, account in ACCOUNTS.items():
            assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/x", RoleSessionName=f"tests-{stage}")[
                "Credentials"
            ]
            credentials[stage] = {
                "aws_access_key_id": assumed["AccessKeyId"],
                "aws_secret_access_key": assumed["SecretAccessKey"],
                "aws_session_token": assumed["SessionToken"],
            }
        yield World(credentials)


@pytest.fixture
def ready(world: World) -> World:
    """The platform as applied: the dev group exists, both stages publish their contract."""
    world.create_group()
    for stage in ("staging", "prod"):
        world.seed_contract(stage)
        world.create_stage_resources(stage)
    return world
