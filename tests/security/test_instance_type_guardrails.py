"""Instance types outside the environment's allowed list, tried by a data scientist's own session.

The instance-types policy (identity, attached to every persona and workload role) denies CreateApp
and CreateTrainingJob when any requested instance type (sagemaker:InstanceTypes, every value of the
request) is outside env.yaml's instance_types; the same request on an allowed type is not refused by
IAM. Before the policy, nothing limited the instance types: the earlier documents allowed both."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from orchestrator.config.loader import load_envs
from orchestrator.policy.authorization import authorize
from orchestrator.policy.evaluator import Request
from tests.security.conftest import (
    REGION,
    applied_role,
    before,
    client,
    decided_before,
    not_refused,
    refused,
    session,
)

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

SSO_DATA_SCIENTISTS = "arn:aws:iam::999999999999:role/sso-data-scientists"  # envs/dev/env.yaml persona_principals
STUDIO_TAG = "studio-user-profile"
XGBOOST_IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
DISALLOWED = "ml.p4d.24xlarge"


def _allowed() -> dict[str, list[str]]:
    [dev] = load_envs(["dev"])
    return dev.instance_types.model_dump()


def _alice(world: World) -> dict[str, str]:
    """Alice's data scientist session, tagged with her Studio user profile as Identity Center does."""
    persona = f"arn:aws:iam::{world.accounts['dev']}:role/mlops-dev-data-scientist"
    sso = session(world.url, SSO_DATA_SCIENTISTS, tags={STUDIO_TAG: "alice"})
    return session(world.url, persona, via=sso, tags={STUDIO_TAG: "alice"})


def _contract(world: World) -> dict[str, str]:
    dev = world.accounts["dev"]
    ssm = client(world.url, session(world.url, f"arn:aws:iam::{dev}:role/inspector"), "ssm")
    names = (
        "network/private-subnet-ids",
        "network/sagemaker-security-group-id",
        "kms/ebs-key-arn",
        "kms/data-key-arn",
        "identity/sagemaker-execution-role-arn",
        "studio/domain-id",
    )
    return {name: ssm.get_parameter(Name=f"/mlops/dev/{name}")["Parameter"]["Value"] for name in names}


def _training_job(world: World, contract: dict[str, str], groups: list[str]) -> dict[str, Any]:
    """A job inside every other guardrail (subnets, security group, keys, encryption), on `groups`."""
    return {
        "TrainingJobName": "security-suite-instance-types",
        "RoleArn": contract["identity/sagemaker-execution-role-arn"],
        "AlgorithmSpecification": {"TrainingImage": XGBOOST_IMAGE, "TrainingInputMode": "File"},
        "OutputDataConfig": {
            "S3OutputPath": f"s3://mlops-dev-models-{world.accounts['dev']}/security-suite/",
            "KmsKeyId": contract["kms/data-key-arn"],
        },
        "ResourceConfig": {
            "InstanceGroups": [
                {"InstanceGroupName": f"group-{i}", "InstanceType": t, "InstanceCount": 1} for i, t in enumerate(groups)
            ],
            "VolumeSizeInGB": 30,
            "VolumeKmsKeyId": contract["kms/ebs-key-arn"],
        },
        "VpcConfig": {
            "Subnets": contract["network/private-subnet-ids"].split(","),
            "SecurityGroupIds": [contract["network/sagemaker-security-group-id"]],
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 600},
        "EnableInterContainerTrafficEncryption": True,
    }


def test_a_data_scientist_trains_only_on_allowed_instance_types(world: World) -> None:
    """Instance types DenyTrainingOtherInstanceTypes: one group outside instance_types.training
    denies the whole heterogeneous cluster."""
    allowed = _allowed()["training"]
    contract = _contract(world)
    sagemaker = client(world.url, _alice(world), "sagemaker")
    message = refused(lambda: sagemaker.create_training_job(**_training_job(world, contract, [allowed[0], DISALLOWED])))
    assert "explicit deny" in message and "DenyTrainingOtherInstanceTypes" in message, message
    message = refused(lambda: sagemaker.create_training_job(**_training_job(world, contract, [DISALLOWED])))
    assert "DenyTrainingOtherInstanceTypes" in message, message
    not_refused(lambda: sagemaker.create_training_job(**_training_job(world, contract, allowed)))
    # Before: the data scientist's documents let the same job through on any instance type.
    dev = world.accounts["dev"]
    request = Request(
        "sagemaker:CreateTrainingJob",
        f"arn:aws:sagemaker:{REGION}:{dev}:training-job/security-suite-instance-types",
        {"sagemaker:InstanceTypes": [allowed[0], DISALLOWED], "aws:RequestedRegion": REGION, **_earlier_vpc_and_keys()},
    )
    assert decided_before("mlops-dev-data-scientist", request, dev).allowed


def test_a_data_scientist_opens_studio_apps_only_on_allowed_instance_types(world: World) -> None:
    """Instance types DenyStudioAppsOtherInstanceTypes on CreateApp of the caller's own profile;
    'system' (the JupyterServer app) and the listed types pass."""
    allowed = _allowed()["studio_apps"]
    domain = _contract(world)["studio/domain-id"]
    sagemaker = client(world.url, _alice(world), "sagemaker")

    def app(name: str, app_type: str, instance_type: str) -> Any:
        return sagemaker.create_app(
            DomainId=domain,
            UserProfileName="alice",
            AppType=app_type,
            AppName=name,
            ResourceSpec={"InstanceType": instance_type},
        )

    message = refused(lambda: app("big", "KernelGateway", DISALLOWED))
    assert "explicit deny" in message and "DenyStudioAppsOtherInstanceTypes" in message, message
    for instance_type in allowed:
        app_type = "JupyterServer" if instance_type == "system" else "KernelGateway"
        name = f"ok-{instance_type.replace('.', '-')}"
        not_refused(lambda: app(name, app_type, instance_type))
        # Leave the profile as it was (the domain's destroy expects no app of the suite's).
        not_refused(
            lambda: sagemaker.delete_app(DomainId=domain, UserProfileName="alice", AppType=app_type, AppName=name)
        )
    # Before: any instance type for the own profile's apps.
    dev = world.accounts["dev"]
    request = Request(
        "sagemaker:CreateApp",
        f"arn:aws:sagemaker:{REGION}:{dev}:app/{domain}/alice/kernelgateway/big",
        {
            "sagemaker:InstanceTypes": [DISALLOWED],
            "aws:RequestedRegion": REGION,
            f"aws:PrincipalTag/{STUDIO_TAG}": "alice",
        },
    )
    assert decided_before("mlops-dev-data-scientist", request, dev).allowed


def test_a_projects_own_roles_run_jobs_only_on_allowed_instance_types(world: World) -> None:
    """The projects stack attaches the instance-types policy to each project's pipeline and job
    roles (read back from IAM): a processing job on a disallowed type is explicitly denied."""
    dev = world.accounts["dev"]
    allowed = _allowed()["processing"]
    job = f"arn:aws:sagemaker:{REGION}:{dev}:processing-job/security-suite-instance-types"
    for role in ("mlops-dev-abalone-pipeline", "mlops-dev-abalone-pipeline-jobs"):
        caller = applied_role(world.url, dev, role)
        for types, denied in (([DISALLOWED], True), ([allowed[0], DISALLOWED], True), (allowed, False)):
            request = Request("sagemaker:CreateProcessingJob", job, {"sagemaker:InstanceTypes": types})
            verdict = authorize(caller, request, dev)
            assert ("DenyProcessingOtherInstanceTypes" in verdict.denying_statements) is denied, (role, types)


def _earlier_vpc_and_keys() -> dict[str, Any]:
    """The network and keys the earlier guardrails allowed (the earlier world had other ids)."""
    conditions = {
        s["Sid"]: next(iter(next(iter(s["Condition"].values())).values()))
        for d in before("mlops-dev-data-scientist")["identity_policies"]
        for s in d["Statement"]
        if s.get("Sid") in ("DenyJobsOutsideAllowedSubnets", "DenyJobsOutsideAllowedSecurityGroups")
    }
    return {
        "sagemaker:VpcSubnets": conditions["DenyJobsOutsideAllowedSubnets"],
        "sagemaker:VpcSecurityGroupIds": conditions["DenyJobsOutsideAllowedSecurityGroups"],
        "sagemaker:VolumeKmsKeyArn": "arn:aws:kms:eu-west-1:111111111111:key/any",
        "sagemaker:OutputKmsKeyArn": "arn:aws:kms:eu-west-1:111111111111:key/any",
        "sagemaker:InterContainerTrafficEncryption": "true",
    }
