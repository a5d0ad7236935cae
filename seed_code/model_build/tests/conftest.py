"""Shared fixtures: the abalone data, a platform contract, and an emulated AWS account."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from abalone_build.contract import PlatformContract

# The data: $ABALONE_CSV if set, otherwise the copy this code ships (data/abalone.csv beside tests/).
ABALONE_CSV = Path(
    os.environ.get("ABALONE_CSV") or Path(__file__).resolve().parents[1] / "data" / "abalone.csv"
).resolve()

REGION = "eu-west-1"
ACCOUNT = "123456789012"
PREFIX = "mlops"
ENV = "dev"

# What the foundation and identity stacks publish, as they publish it (subnets comma-separated).
CONTRACT_VALUES = {
    "network/private-subnet-ids": "subnet-0aaa1111,subnet-0bbb2222",
    "network/sagemaker-security-group-id": "sg-0ccc3333",
    "kms/data-key-arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-1111-1111-1111-111111111111",
    "kms/ebs-key-arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/22222222-2222-2222-2222-222222222222",
    "storage/data-bucket": f"mlops-dev-data-{ACCOUNT}",
    "storage/models-bucket": f"mlops-dev-models-{ACCOUNT}",
    "identity/pipeline-execution-role-arn": f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-pipeline-execution",
    "identity/sagemaker-execution-role-arn": f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-sagemaker-execution",
}


@pytest.fixture(scope="session")
def abalone_csv() -> Path:
    """The UCI Abalone data this code ships (data/abalone.csv); its absence fails."""
    if not ABALONE_CSV.is_file():
        pytest.fail(f"abalone data not found at {ABALONE_CSV} (shipped as seed_code/model_build/data/abalone.csv)")
    return ABALONE_CSV


@pytest.fixture(autouse=True, scope="module")
def _no_instance_metadata_service() -> Iterator[None]:
    """No test asks the EC2 instance metadata service for credentials: the SDK's Estimator creates a
    client of boto3's default session, whose credential search would otherwise end there on a
    machine without AWS credentials (a network call, seconds each)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield


def sample_contract() -> PlatformContract:
    """The contract of CONTRACT_VALUES, as read_contract returns it."""
    return PlatformContract(
        prefix=PREFIX,
        environment=ENV,
        region=REGION,
        subnet_ids=tuple(CONTRACT_VALUES["network/private-subnet-ids"].split(",")),
        security_group_id=CONTRACT_VALUES["network/sagemaker-security-group-id"],
        data_key_arn=CONTRACT_VALUES["kms/data-key-arn"],
        ebs_key_arn=CONTRACT_VALUES["kms/ebs-key-arn"],
        data_bucket=CONTRACT_VALUES["storage/data-bucket"],
        models_bucket=CONTRACT_VALUES["storage/models-bucket"],
        pipeline_execution_role_arn=CONTRACT_VALUES["identity/pipeline-execution-role-arn"],
        sagemaker_execution_role_arn=CONTRACT_VALUES["identity/sagemaker-execution-role-arn"],
    )


@pytest.fixture
def contract() -> PlatformContract:
    return sample_contract()


@pytest.fixture(scope="module")
def module_contract() -> PlatformContract:
    """The same contract, for what a test module builds once."""
    return sample_contract()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """An in-process emulated account (moto) with fake credentials: nothing leaves the machine,
    and no profile or config file of the machine running the tests is read."""
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    with mock_aws():
        yield


@pytest.fixture
def contract_values() -> dict[str, str]:
    """A fresh copy of the published contract values, to edit in a test."""
    return dict(CONTRACT_VALUES)


@pytest.fixture
def seed_contract(aws: None) -> Callable[..., None]:
    """Publish contract parameters in the emulated SSM, typed as the platform types them."""
    import boto3

    def seed(values: dict[str, str] | None = None, prefix: str = PREFIX, env: str = ENV) -> None:
        ssm = boto3.client("ssm", region_name=REGION)
        for name, value in (CONTRACT_VALUES if values is None else values).items():
            kind = "StringList" if name == "network/private-subnet-ids" else "String"
            ssm.put_parameter(Name=f"/{prefix}/{env}/{name}", Value=value, Type=kind)

    return seed
