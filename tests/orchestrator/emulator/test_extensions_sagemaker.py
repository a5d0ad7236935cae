"""Each SageMaker extension of the emulator is shown to close its gap (stock moto fails these calls
or answers them unlike AWS)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from orchestrator.emulator import extensions
from orchestrator.emulator.persistence import load_state, save_state

REGION = "eu-west-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/studio-execution"
IDLE = {
    "LifecycleManagement": "ENABLED",
    "IdleTimeoutInMinutes": 120,
    "MinIdleTimeoutInMinutes": 60,
    "MaxIdleTimeoutInMinutes": 240,
}
SCRIPT = base64.b64encode(b"#!/bin/bash\nset -eu\n").decode()


def _clients() -> tuple[Any, Any]:
    extensions.register_all()
    return boto3.client("sagemaker", region_name=REGION), boto3.client("efs", region_name=REGION)


def _user_settings(lifecycle_config_arn: str | None = None) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "ExecutionRole": ROLE,
        "SecurityGroups": ["sg-0123456789abcdef0"],
        "SharingSettings": {"NotebookOutputOption": "Disabled"},
        "StudioWebPortal": "ENABLED",
        "DefaultLandingUri": "studio::",
        "CodeEditorAppSettings": {"AppLifecycleManagement": {"IdleSettings": IDLE}},
        "JupyterLabAppSettings": {"AppLifecycleManagement": {"IdleSettings": IDLE}},
    }
    if lifecycle_config_arn:
        settings["JupyterLabAppSettings"]["LifecycleConfigArns"] = [lifecycle_config_arn]
        settings["JupyterLabAppSettings"]["DefaultResourceSpec"] = {
            "InstanceType": "ml.t3.medium",
            "LifecycleConfigArn": lifecycle_config_arn,
        }
    return settings


def _domain(sm: Any, name: str = "studio", user_settings: dict[str, Any] | None = None) -> str:
    """A hardened domain. CreateDomain does not look the network up (nor does the emulator), so
    the VPC and subnet are plain ids: creating them would cost seconds of EC2 backend start-up."""
    key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    created = sm.create_domain(
        DomainName=name,
        AuthMode="IAM",
        AppNetworkAccessType="VpcOnly",
        VpcId="vpc-0123456789abcdef0",
        SubnetIds=["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
        KmsKeyId=key,
        DomainSettings={
            "SecurityGroupIds": ["sg-0123456789abcdef0"],
            "DockerSettings": {"EnableDockerAccess": "DISABLED"},
        },
        DefaultUserSettings=user_settings or _user_settings(),
        Tags=[{"Key": "team", "Value": "platform"}],
    )
    return str(created["DomainId"])


def _error_code(error: pytest.ExceptionInfo[Exception]) -> str:
    return str(error.value.response["Error"]["Code"])  # type: ignore[attr-defined]


@mock_aws
def test_create_domain_returns_aws_ids_url_and_a_real_home_efs() -> None:
    sm, efs = _clients()
    domain_id = _domain(sm)
    assert re.fullmatch(r"d-[a-z0-9]{12}", domain_id)
    domain = sm.describe_domain(DomainId=domain_id)
    assert domain["DomainArn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{domain_id}"
    assert domain["Status"] == "InService"
    assert domain["Url"] == f"https://{domain_id}.studio.{REGION}.sagemaker.aws"
    assert domain["DefaultUserSettings"] == _user_settings()
    assert domain["DomainSettings"]["DockerSettings"] == {"EnableDockerAccess": "DISABLED"}
    assert domain["TagPropagation"] == "DISABLED"
    for absent in (
        "SingleSignOnManagedApplicationInstanceId",
        "SingleSignOnApplicationArn",
        "SecurityGroupIdForDomainBoundary",
        "FailureReason",
    ):
        assert absent not in domain
    home = efs.describe_file_systems(FileSystemId=domain["HomeEfsFileSystemId"])["FileSystems"][0]
    assert home["Encrypted"] is True and home["KmsKeyId"] == domain["KmsKeyId"]
    assert {"Key": "ManagedByAmazonSageMakerResource", "Value": domain["DomainArn"]} in home["Tags"]
    assert [d["DomainId"] for d in sm.list_domains()["Domains"]] == [domain_id]


@mock_aws
def test_unknown_domain_is_resource_not_found() -> None:
    sm, _ = _clients()
    for call in (
        lambda: sm.describe_domain(DomainId="d-000000000000"),
        lambda: sm.delete_domain(DomainId="d-000000000000"),
    ):
        with pytest.raises(sm.exceptions.ClientError) as error:
            call()
        assert _error_code(error) == "ResourceNotFound"


@mock_aws
def test_domain_with_user_profiles_cannot_be_deleted() -> None:
    sm, _ = _clients()
    domain_id = _domain(sm)
    sm.create_user_profile(DomainId=domain_id, UserProfileName="alice", UserSettings={"ExecutionRole": ROLE})
    with pytest.raises(sm.exceptions.ClientError) as error:
        sm.delete_domain(DomainId=domain_id, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    assert _error_code(error) == "ResourceInUse"
    sm.delete_user_profile(DomainId=domain_id, UserProfileName="alice")
    sm.delete_domain(DomainId=domain_id, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    with pytest.raises(sm.exceptions.ClientError) as error:
        sm.describe_domain(DomainId=domain_id)
    assert _error_code(error) == "ResourceNotFound"


@pytest.mark.parametrize(
    ("retention", "efs_kept"),
    [({"HomeEfsFileSystem": "Delete"}, False), ({"HomeEfsFileSystem": "Retain"}, True), (None, True)],
)
@mock_aws
def test_delete_domain_honours_retention_policy(retention: dict[str, str] | None, efs_kept: bool) -> None:
    sm, efs = _clients()
    domain_id = _domain(sm)
    home = sm.describe_domain(DomainId=domain_id)["HomeEfsFileSystemId"]
    sm.delete_domain(DomainId=domain_id, **({"RetentionPolicy": retention} if retention else {}))
    remaining = [fs["FileSystemId"] for fs in efs.describe_file_systems()["FileSystems"]]
    assert (home in remaining) is efs_kept
    assert sm.list_domains()["Domains"] == []


@mock_aws
def test_update_domain_merges_the_settings_sent() -> None:
    sm, _ = _clients()
    domain_id = _domain(sm)
    longer = {**IDLE, "IdleTimeoutInMinutes": 180}
    arn = sm.update_domain(
        DomainId=domain_id,
        DefaultUserSettings={
            "ExecutionRole": ROLE,
            "JupyterLabAppSettings": {"AppLifecycleManagement": {"IdleSettings": longer}},
        },
        DomainSettingsForUpdate={"SecurityGroupIds": ["sg-0fedcba9876543210"]},
    )["DomainArn"]
    domain = sm.describe_domain(DomainId=domain_id)
    assert arn == domain["DomainArn"] and domain["Status"] == "InService"
    settings = domain["DefaultUserSettings"]
    assert settings["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"] == longer
    assert settings["CodeEditorAppSettings"] == _user_settings()["CodeEditorAppSettings"]  # not sent: kept
    assert domain["DomainSettings"] == {
        "SecurityGroupIds": ["sg-0fedcba9876543210"],
        "DockerSettings": {"EnableDockerAccess": "DISABLED"},
    }


@mock_aws
def test_user_profiles_are_created_described_updated_listed_and_deleted() -> None:
    sm, _ = _clients()
    domain_id = _domain(sm)
    settings = {
        "ExecutionRole": ROLE,
        "SecurityGroups": ["sg-0123456789abcdef0"],
        "SharingSettings": {"NotebookOutputOption": "Disabled"},
    }
    arn = sm.create_user_profile(DomainId=domain_id, UserProfileName="alice", UserSettings=settings)["UserProfileArn"]
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/{domain_id}/alice"
    profile = sm.describe_user_profile(DomainId=domain_id, UserProfileName="alice")
    assert profile["Status"] == "InService" and profile["UserProfileArn"] == arn and profile["UserSettings"] == settings
    assert profile["HomeEfsFileSystemUid"].isdigit()
    with pytest.raises(sm.exceptions.ClientError) as error:
        sm.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    assert _error_code(error) == "ResourceInUse"
    with pytest.raises(sm.exceptions.ClientError) as error:
        sm.create_user_profile(DomainId="d-000000000000", UserProfileName="bob")
    assert _error_code(error) == "ResourceNotFound"
    sm.update_user_profile(
        DomainId=domain_id,
        UserProfileName="alice",
        UserSettings={"SharingSettings": {"NotebookOutputOption": "Allowed"}},
    )
    updated = sm.describe_user_profile(DomainId=domain_id, UserProfileName="alice")["UserSettings"]
    assert updated == {**settings, "SharingSettings": {"NotebookOutputOption": "Allowed"}}
    listed = sm.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]
    assert [(p["DomainId"], p["UserProfileName"], p["Status"]) for p in listed] == [(domain_id, "alice", "InService")]
    sm.delete_user_profile(DomainId=domain_id, UserProfileName="alice")
    with pytest.raises(sm.exceptions.ClientError) as error:
        sm.describe_user_profile(DomainId=domain_id, UserProfileName="alice")
    assert _error_code(error) == "ResourceNotFound"


@mock_aws
def test_studio_lifecycle_configs_are_created_described_listed_and_deleted() -> None:
    sm, _ = _clients()
    arn = sm.create_studio_lifecycle_config(
        StudioLifecycleConfigName="jupyterlab-hardening",
        StudioLifecycleConfigContent=SCRIPT,
        StudioLifecycleConfigAppType="JupyterLab",
    )["StudioLifecycleConfigArn"]
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:studio-lifecycle-config/jupyterlab-hardening"
    config = sm.describe_studio_lifecycle_config(StudioLifecycleConfigName="jupyterlab-hardening")
    assert config["StudioLifecycleConfigContent"] == SCRIPT and config["StudioLifecycleConfigAppType"] == "JupyterLab"
    listed = sm.list_studio_lifecycle_configs(AppTypeEquals="JupyterLab")["StudioLifecycleConfigs"]
    assert [c["StudioLifecycleConfigArn"] for c in listed] == [arn]
    with pytest.raises(sm.exceptions.ClientError) as error:
        sm.create_studio_lifecycle_config(
            StudioLifecycleConfigName="bad",
            StudioLifecycleConfigContent="not base64!",
            StudioLifecycleConfigAppType="JupyterLab",
        )
    assert _error_code(error) == "ValidationException"

    domain_id = _domain(sm, user_settings=_user_settings(arn))
    with pytest.raises(sm.exceptions.ClientError) as error:
        sm.delete_studio_lifecycle_config(StudioLifecycleConfigName="jupyterlab-hardening")
    assert _error_code(error) == "ResourceInUse"
    sm.delete_domain(DomainId=domain_id)
    sm.delete_studio_lifecycle_config(StudioLifecycleConfigName="jupyterlab-hardening")
    with pytest.raises(sm.exceptions.ClientError) as error:
        sm.describe_studio_lifecycle_config(StudioLifecycleConfigName="jupyterlab-hardening")
    assert _error_code(error) == "ResourceNotFound"


@mock_aws
def test_user_profiles_and_lifecycle_configs_can_be_tagged() -> None:
    sm, _ = _clients()
    domain_id = _domain(sm)
    profile = sm.create_user_profile(
        DomainId=domain_id, UserProfileName="alice", Tags=[{"Key": "owner", "Value": "alice"}]
    )["UserProfileArn"]
    config = sm.create_studio_lifecycle_config(
        StudioLifecycleConfigName="lab",
        StudioLifecycleConfigContent=SCRIPT,
        StudioLifecycleConfigAppType="JupyterLab",
        Tags=[{"Key": "team", "Value": "platform"}],
    )["StudioLifecycleConfigArn"]
    assert sm.list_tags(ResourceArn=profile)["Tags"] == [{"Key": "owner", "Value": "alice"}]
    assert sm.list_tags(ResourceArn=config)["Tags"] == [{"Key": "team", "Value": "platform"}]
    sm.add_tags(ResourceArn=profile, Tags=[{"Key": "cost", "Value": "ds"}])
    sm.delete_tags(ResourceArn=profile, TagKeys=["owner"])
    assert sm.list_tags(ResourceArn=profile)["Tags"] == [{"Key": "cost", "Value": "ds"}]
    sm.delete_user_profile(DomainId=domain_id, UserProfileName="alice")
    with pytest.raises(sm.exceptions.ClientError) as error:
        sm.list_tags(ResourceArn=profile)
    assert _error_code(error) == "ResourceNotFound"


@mock_aws
def test_add_tags_overwrites_the_value_of_an_existing_key() -> None:
    sm, _ = _clients()
    domain_arn = sm.describe_domain(DomainId=_domain(sm))["DomainArn"]
    sm.add_tags(ResourceArn=domain_arn, Tags=[{"Key": "team", "Value": "ml"}, {"Key": "env", "Value": "dev"}])
    tags = {t["Key"]: t["Value"] for t in sm.list_tags(ResourceArn=domain_arn)["Tags"]}
    assert tags == {"team": "ml", "env": "dev"}
    assert len(sm.list_tags(ResourceArn=domain_arn)["Tags"]) == 2


@mock_aws
def test_servicecatalog_portfolio_status_toggles_per_region() -> None:
    sm, _ = _clients()
    assert sm.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Disabled"
    sm.enable_sagemaker_servicecatalog_portfolio()
    assert sm.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Enabled"
    other_region = boto3.client("sagemaker", region_name="us-east-1")
    assert other_region.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Disabled"
    sm.disable_sagemaker_servicecatalog_portfolio()
    assert sm.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Disabled"


@mock_aws
def test_model_package_group_can_be_deleted() -> None:
    sm, _ = _clients()
    sm.create_model_package_group(
        ModelPackageGroupName="abalone", ModelPackageGroupDescription="Abalone age regressors"
    )
    group = sm.describe_model_package_group(ModelPackageGroupName="abalone")
    assert (
        group["ModelPackageGroupDescription"] == "Abalone age regressors"
        and group["ModelPackageGroupStatus"] == "Completed"
    )
    sm.delete_model_package_group(ModelPackageGroupName="abalone")
    for call in (
        lambda: sm.describe_model_package_group(ModelPackageGroupName="abalone"),
        lambda: sm.delete_model_package_group(ModelPackageGroupName="abalone"),
    ):
        with pytest.raises(sm.exceptions.ClientError, match="does not exist"):
            call()


@mock_aws
def test_a_model_package_can_be_deleted() -> None:
    sm, _ = _clients()
    sm.create_model_package_group(ModelPackageGroupName="abalone")
    container = {
        "Image": "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        "ModelDataUrl": "s3://models/abalone/model.tar.gz",
    }
    spec = {
        "Containers": [container],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    }
    arns = [
        sm.create_model_package(ModelPackageGroupName="abalone", InferenceSpecification=spec)["ModelPackageArn"]
        for _ in range(2)
    ]
    sm.delete_model_package(ModelPackageName=arns[0])
    remaining = sm.list_model_packages(ModelPackageGroupName="abalone")["ModelPackageSummaryList"]
    assert [p["ModelPackageArn"] for p in remaining] == [arns[1]]
    for call in (
        lambda: sm.describe_model_package(ModelPackageName=arns[0]),
        lambda: sm.delete_model_package(ModelPackageName=arns[0]),
    ):
        with pytest.raises(sm.exceptions.ClientError, match="not found"):
            call()


@mock_aws
def test_model_package_group_policy_is_put_read_and_deleted() -> None:
    sm, _ = _clients()
    group_arn = sm.create_model_package_group(ModelPackageGroupName="abalone")["ModelPackageGroupArn"]
    with pytest.raises(sm.exceptions.ClientError, match="Cannot find resource policy"):
        sm.get_model_package_group_policy(ModelPackageGroupName="abalone")
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
                    "Action": "sagemaker:DescribeModelPackageGroup",
                    "Resource": group_arn,
                }
            ],
        }
    )
    assert (
        sm.put_model_package_group_policy(ModelPackageGroupName="abalone", ResourcePolicy=policy)[
            "ModelPackageGroupArn"
        ]
        == group_arn
    )
    assert sm.get_model_package_group_policy(ModelPackageGroupName="abalone")["ResourcePolicy"] == policy
    sm.delete_model_package_group_policy(ModelPackageGroupName="abalone")
    with pytest.raises(sm.exceptions.ClientError, match="Cannot find resource policy"):
        sm.get_model_package_group_policy(ModelPackageGroupName="abalone")
    with pytest.raises(sm.exceptions.ClientError, match="Cannot find Model Package Group"):
        sm.put_model_package_group_policy(ModelPackageGroupName="absent", ResourcePolicy=policy)


def test_studio_resources_survive_save_and_load(tmp_path: Path) -> None:
    state = tmp_path / "state.pickle"
    with mock_aws():
        sm, _ = _clients()
        domain_id = _domain(sm)
        sm.create_user_profile(DomainId=domain_id, UserProfileName="alice", Tags=[{"Key": "owner", "Value": "alice"}])
        sm.create_studio_lifecycle_config(
            StudioLifecycleConfigName="lab",
            StudioLifecycleConfigContent=SCRIPT,
            StudioLifecycleConfigAppType="JupyterLab",
        )
        sm.enable_sagemaker_servicecatalog_portfolio()
        sm.create_model_package_group(ModelPackageGroupName="abalone")
        sm.put_model_package_group_policy(
            ModelPackageGroupName="abalone", ResourcePolicy='{"Version": "2012-10-17", "Statement": []}'
        )
        save_state(state)
    with mock_aws():
        assert load_state(state) is True
        sm = boto3.client("sagemaker", region_name=REGION)
        assert sm.describe_domain(DomainId=domain_id)["Status"] == "InService"
        assert sm.describe_user_profile(DomainId=domain_id, UserProfileName="alice")["Status"] == "InService"
        assert (
            sm.describe_studio_lifecycle_config(StudioLifecycleConfigName="lab")["StudioLifecycleConfigContent"]
            == SCRIPT
        )
        assert sm.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Enabled"
        assert "Statement" in sm.get_model_package_group_policy(ModelPackageGroupName="abalone")["ResourcePolicy"]


@mock_aws
def test_approving_a_model_package_keeps_its_customer_metadata() -> None:
    sm, _ = _clients()
    sm.create_model_package_group(ModelPackageGroupName="abalone")
    arn = sm.create_model_package(
        ModelPackageGroupName="abalone",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "img", "ModelDataUrl": "s3://b/k/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        CustomerMetadataProperties={"model-sha256": "a" * 64, "run": "7"},
    )["ModelPackageArn"]
    sm.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    assert sm.describe_model_package(ModelPackageName=arn)["CustomerMetadataProperties"] == {
        "model-sha256": "a" * 64,
        "run": "7",
    }
    sm.update_model_package(
        ModelPackageArn=arn,
        CustomerMetadataProperties={"run": "8"},
        CustomerMetadataPropertiesToRemove=["model-sha256"],
    )
    assert sm.describe_model_package(ModelPackageName=arn)["CustomerMetadataProperties"] == {"run": "8"}
