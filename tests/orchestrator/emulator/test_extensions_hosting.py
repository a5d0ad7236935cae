"""The hosting extensions close their gaps: UpdateEndpoint exists, another account's registry is read
through the group's resource policy (and only then), and an endpoint answers with its model."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from typing import Any

import boto3
import numpy
import pytest
import xgboost
from botocore.exceptions import ClientError
from moto import mock_aws

from orchestrator.emulator import extensions
from orchestrator.emulator.extensions.hosting import resource_policy_allows

REGION = "eu-west-1"
DEV, STAGING, PROD = "111111111111", "222222222222", "333333333333"
DEPLOY_ROLE = f"arn:aws:iam::{STAGING}:role/mlops-staging-abalone-deploy"
GROUP = "mlops-dev-abalone"
GROUP_ARN = f"arn:aws:sagemaker:{REGION}:{DEV}:model-package-group/{GROUP}"
IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def _session(role_arn: str) -> boto3.Session:
    credentials = boto3.client("sts", region_name=REGION).assume_role(RoleArn=role_arn, RoleSessionName="test")[
        "Credentials"
    ]
    return boto3.Session(
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


@pytest.fixture
def accounts() -> Iterator[dict[str, boto3.Session]]:
    extensions.register_all()
    with mock_aws():
        yield {
            "dev": _session(f"arn:aws:iam::{DEV}:role/admin"),
            "deploy": _session(DEPLOY_ROLE),
            "other-staging-role": _session(f"arn:aws:iam::{STAGING}:role/someone-else"),
            "prod": _session(f"arn:aws:iam::{PROD}:role/mlops-prod-abalone-deploy"),
        }


def _group_policy(reader_roles: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DeploymentAccountsReadModelPackages",
                    "Effect": "Allow",
                    "Principal": {"AWS": sorted({f"arn:aws:iam::{r.split(':')[4]}:root" for r in reader_roles})},
                    "Action": [
                        "sagemaker:DescribeModelPackage",
                        "sagemaker:DescribeModelPackageGroup",
                        "sagemaker:ListModelPackages",
                    ],
                    "Resource": [GROUP_ARN, f"arn:aws:sagemaker:{REGION}:{DEV}:model-package/{GROUP}/*"],
                    "Condition": {"ArnEquals": {"aws:PrincipalArn": reader_roles}},
                }
            ],
        }
    )


def _registry(dev: boto3.Session, reader_roles: list[str]) -> str:
    sm = dev.client("sagemaker")
    sm.create_model_package_group(ModelPackageGroupName=GROUP)
    sm.put_model_package_group_policy(ModelPackageGroupName=GROUP, ResourcePolicy=_group_policy(reader_roles))
    return sm.create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus="Approved",
        InferenceSpecification={
            "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://mlops-dev-models-111111111111/abalone/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]


def test_the_deploy_role_named_by_the_group_policy_reads_the_dev_registry(accounts: dict[str, boto3.Session]) -> None:
    package = _registry(accounts["dev"], [DEPLOY_ROLE])
    staging = accounts["deploy"].client("sagemaker")
    listed = staging.list_model_packages(ModelPackageGroupName=GROUP_ARN, ModelApprovalStatus="Approved")[
        "ModelPackageSummaryList"
    ]
    assert [p["ModelPackageArn"] for p in listed] == [package]
    described = staging.describe_model_package(ModelPackageName=package)
    assert described["InferenceSpecification"]["Containers"][0]["Image"] == IMAGE
    assert staging.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"] == [], (
        "by name: the caller's own account"
    )


@pytest.mark.parametrize("caller", ["other-staging-role", "prod"])
def test_callers_the_policy_does_not_name_are_denied(accounts: dict[str, boto3.Session], caller: str) -> None:
    package = _registry(accounts["dev"], [DEPLOY_ROLE])
    client = accounts[caller].client("sagemaker")
    for call in (
        lambda: client.list_model_packages(ModelPackageGroupName=GROUP_ARN),
        lambda: client.describe_model_package(ModelPackageName=package),
    ):
        with pytest.raises(ClientError) as denied:
            call()
        assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
        assert "not authorized" in denied.value.response["Error"]["Message"]


def test_a_group_without_policy_is_private(accounts: dict[str, boto3.Session]) -> None:
    accounts["dev"].client("sagemaker").create_model_package_group(ModelPackageGroupName=GROUP)
    with pytest.raises(ClientError) as denied:
        accounts["deploy"].client("sagemaker").list_model_packages(ModelPackageGroupName=GROUP_ARN)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"


def test_resource_policy_semantics() -> None:
    policy = json.loads(_group_policy([DEPLOY_ROLE]))
    resource = f"arn:aws:sagemaker:{REGION}:{DEV}:model-package/{GROUP}/1"
    assert resource_policy_allows(policy, "sagemaker:DescribeModelPackage", resource, DEPLOY_ROLE)
    assert not resource_policy_allows(policy, "sagemaker:UpdateModelPackage", resource, DEPLOY_ROLE), (
        "action not granted"
    )
    assert not resource_policy_allows(
        policy, "sagemaker:DescribeModelPackage", f"arn:aws:sagemaker:{REGION}:{DEV}:model-package/other/1", DEPLOY_ROLE
    )
    denying = {
        "Statement": [
            *policy["Statement"],
            {"Effect": "Deny", "Principal": "*", "Action": "sagemaker:*", "Resource": "*"},
        ]
    }
    assert not resource_policy_allows(denying, "sagemaker:DescribeModelPackage", resource, DEPLOY_ROLE), "a Deny wins"


def _model_archive() -> tuple[bytes, xgboost.Booster, numpy.ndarray]:
    rng = numpy.random.default_rng(7)
    features = rng.random((40, 3))
    booster = xgboost.train(
        {"objective": "reg:squarederror", "max_depth": 2}, xgboost.DMatrix(features, label=features.sum(axis=1) * 10), 5
    )
    buffer = io.BytesIO()
    raw = bytes(booster.save_raw(raw_format="ubj"))
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("xgboost-model")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    return buffer.getvalue(), booster, features[:3]


def _endpoint(stage: Any, name: str, model_data_url: str) -> None:
    stage.create_model(
        ModelName=f"{name}-model",
        ExecutionRoleArn=f"arn:aws:iam::{STAGING}:role/mlops-staging-model-execution",
        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": model_data_url},
    )
    stage.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": f"{name}-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
    )
    stage.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")


def test_an_endpoint_answers_with_its_xgboost_model_from_another_accounts_bucket(
    accounts: dict[str, boto3.Session],
) -> None:
    archive, booster, rows = _model_archive()
    dev_s3 = accounts["dev"].client("s3")
    dev_s3.create_bucket(
        Bucket="mlops-dev-models-111111111111", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    dev_s3.put_object(Bucket="mlops-dev-models-111111111111", Key="abalone/model.tar.gz", Body=archive)
    stage = accounts["deploy"].client("sagemaker")
    _endpoint(stage, "mlops-staging-abalone", "s3://mlops-dev-models-111111111111/abalone/model.tar.gz")

    body = "\n".join(",".join(str(v) for v in row) for row in rows)
    answer = (
        accounts["deploy"]
        .client("sagemaker-runtime")
        .invoke_endpoint(EndpointName="mlops-staging-abalone", ContentType="text/csv", Body=body)
    )
    predictions = [float(v) for v in answer["Body"].read().decode().split(",")]
    expected = booster.predict(xgboost.DMatrix(rows))
    assert predictions == pytest.approx([float(v) for v in expected], rel=1e-5)
    assert answer["ContentType"] == "text/csv"

    with pytest.raises(ClientError) as failed:
        accounts["deploy"].client("sagemaker-runtime").invoke_endpoint(
            EndpointName="mlops-staging-abalone", ContentType="text/csv", Body="a,b,c"
        )
    assert failed.value.response["Error"]["Code"] == "ModelError"
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 424


def test_an_endpoint_without_a_runnable_model_keeps_the_canned_answer(accounts: dict[str, boto3.Session]) -> None:
    stage = accounts["deploy"].client("sagemaker")
    _endpoint(stage, "mlops-staging-other", "s3://nowhere-bucket/model.tar.gz")
    answer = (
        accounts["deploy"]
        .client("sagemaker-runtime")
        .invoke_endpoint(EndpointName="mlops-staging-other", ContentType="text/csv", Body="1,2,3")
    )
    assert answer["Body"].read() == b"body"


def test_update_endpoint_switches_to_the_new_configuration(accounts: dict[str, boto3.Session]) -> None:
    stage = accounts["deploy"].client("sagemaker")
    _endpoint(stage, "mlops-staging-abalone", "s3://bucket/v1.tar.gz")
    stage.create_endpoint_config(
        EndpointConfigName="v2-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "mlops-staging-abalone-model",
                "InitialInstanceCount": 2,
                "InstanceType": "ml.m5.large",
            }
        ],
    )
    arn = stage.update_endpoint(EndpointName="mlops-staging-abalone", EndpointConfigName="v2-config")["EndpointArn"]
    endpoint = stage.describe_endpoint(EndpointName="mlops-staging-abalone")
    assert endpoint["EndpointArn"] == arn and endpoint["EndpointConfigName"] == "v2-config"
    assert endpoint["EndpointStatus"] == "InService"
    assert endpoint["ProductionVariants"][0]["CurrentInstanceCount"] == 2
    with pytest.raises(ClientError) as missing:
        stage.update_endpoint(EndpointName="no-such-endpoint", EndpointConfigName="v2-config")
    assert missing.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError):
        stage.update_endpoint(EndpointName="mlops-staging-abalone", EndpointConfigName="no-such-config")


def test_an_endpoint_whose_archive_is_another_kind_of_model_keeps_the_canned_answer(
    accounts: dict[str, boto3.Session],
) -> None:
    """Only a gzip'd archive holding an `xgboost-model` is run; any other archive is a model of a
    kind the emulator cannot serve (moto's canned answer), not a client error."""
    dev_s3 = accounts["dev"].client("s3")
    dev_s3.create_bucket(
        Bucket="mlops-dev-models-111111111111", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    dev_s3.put_object(Bucket="mlops-dev-models-111111111111", Key="abalone/other.tar.gz", Body=b"a PyTorch model, say")
    stage = accounts["deploy"].client("sagemaker")
    _endpoint(stage, "mlops-staging-pytorch", "s3://mlops-dev-models-111111111111/abalone/other.tar.gz")
    answer = (
        accounts["deploy"]
        .client("sagemaker-runtime")
        .invoke_endpoint(EndpointName="mlops-staging-pytorch", ContentType="text/csv", Body="1,2,3")
    )
    assert answer["Body"].read() == b"body"
