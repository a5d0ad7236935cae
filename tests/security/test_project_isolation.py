"""One ML project cannot reach another project's data, models or registry.

Each project of the projects stack runs as its own roles (modules/mlops-project,
pipeline_roles.tf): its CI role may pass only its pipeline role, which may pass only its job role,
and both reach only the project's prefix of the data and models buckets and its own model package
group. Before, the CI role passed the environment's shared pipeline-execution role, which reads and
writes every project's prefix and registers into every group: a commit to one project's repository
reached all of them. Each attack is tried with the attacker's credentials from inside the dev VPC
(where the buckets' endpoint condition holds, so only the roles' own policies decide) and decided
on the earlier shared role's documents (before/mlops-dev-pipeline-execution.json), where it passes."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from orchestrator.policy.authorization import authorize
from orchestrator.policy.evaluator import Request
from tests.security.conftest import REGION, applied_role, before, client, decided_before, not_refused, refused, session

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

PROJECT = "abalone"
OTHER = "other"
XGBOOST_IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
PASS_TO_SAGEMAKER = {"iam:PassedToService": "sagemaker.amazonaws.com"}


def _role_arn(world: World, name: str) -> str:
    return f"arn:aws:iam::{world.accounts['dev']}:role/mlops-dev-{name}"


def _inside_vpc(world: World) -> tuple[str, str]:
    """The emulator's address inside the dev VPC, and the environment's data key."""
    inspector = session(world.url, f"arn:aws:iam::{world.accounts['dev']}:role/inspector")
    ssm = client(world.url, inspector, "ssm")
    vpc = ssm.get_parameter(Name="/mlops/dev/network/vpc-id")["Parameter"]["Value"]
    key = ssm.get_parameter(Name="/mlops/dev/kms/data-key-arn")["Parameter"]["Value"]
    with urllib.request.urlopen(urllib.request.Request(f"{world.url}/_platform/vpcs/{vpc}", method="POST")) as answer:
        return str(json.loads(answer.read())["url"]), key


def _package(world: World, project: str) -> dict[str, Any]:
    dev = world.accounts["dev"]
    return {
        "ModelPackageGroupName": f"mlops-dev-{project}",
        "ModelApprovalStatus": "PendingManualApproval",
        "InferenceSpecification": {
            "Containers": [
                {
                    "Image": XGBOOST_IMAGE,
                    "ModelDataUrl": f"s3://mlops-dev-models-{dev}/{project}/security-suite/model.tar.gz",
                }
            ],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    }


def _cross_project_requests(world: World) -> dict[str, Request]:
    """What one project's pipeline must not do to another: read its data, write its models, register."""
    dev = world.accounts["dev"]
    group = f"arn:aws:sagemaker:{REGION}:{dev}:model-package-group/mlops-dev-{OTHER}"
    return {
        "read data": Request("s3:GetObject", f"arn:aws:s3:::mlops-dev-data-{dev}/{OTHER}/input/abalone.csv"),
        "write models": Request(
            "s3:PutObject",
            f"arn:aws:s3:::mlops-dev-models-{dev}/{OTHER}/runs/x/model.tar.gz",
            {"s3:x-amz-server-side-encryption": "aws:kms"},
        ),
        "register": Request(
            "sagemaker:CreateModelPackage",
            group,
            {"sagemaker:ModelApprovalStatus": "PendingManualApproval", "aws:RequestedRegion": REGION},
        ),
    }


def test_a_projects_pipeline_and_job_roles_reach_only_its_own_prefix_and_group(world: World) -> None:
    """Pipeline role: ReadProjectObjects and RegisterInProjectGroup name <bucket>/abalone/* and
    mlops-dev-abalone only; job role: Read/WriteProjectObjects the same prefix. Another project's
    prefix and group are refused (no statement allows them), the project's own are not."""
    dev = world.accounts["dev"]
    inside, key = _inside_vpc(world)
    data, models = f"mlops-dev-data-{dev}", f"mlops-dev-models-{dev}"
    for role in (f"{PROJECT}-pipeline", f"{PROJECT}-pipeline-jobs"):
        s3 = client(inside, session(world.url, _role_arn(world, role)), "s3")
        refused(lambda: s3.get_object(Bucket=data, Key=f"{OTHER}/input/abalone.csv"))
        refused(
            lambda: s3.put_object(
                Bucket=models,
                Key=f"{OTHER}/runs/x/model.tar.gz",
                Body=b"poisoned",
                ServerSideEncryption="aws:kms",
                SSEKMSKeyId=key,
            )
        )
        refused(lambda: s3.list_objects_v2(Bucket=data, Prefix=f"{OTHER}/"))
        not_refused(lambda: s3.get_object(Bucket=data, Key=f"{PROJECT}/input/abalone.csv"))
        not_refused(lambda: s3.list_objects_v2(Bucket=data, Prefix=f"{PROJECT}/"))
        sagemaker = client(inside, session(world.url, _role_arn(world, role)), "sagemaker")
        message = refused(lambda: sagemaker.create_model_package(**_package(world, OTHER)))
        assert "sagemaker:CreateModelPackage" in message, message
    jobs = client(inside, session(world.url, _role_arn(world, f"{PROJECT}-pipeline-jobs")), "s3")
    jobs.put_object(
        Bucket=models,
        Key=f"{PROJECT}/security-suite/probe.txt",
        Body=b"ok",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key,
    )
    pipeline = client(inside, session(world.url, _role_arn(world, f"{PROJECT}-pipeline")), "sagemaker")
    not_refused(lambda: pipeline.create_model_package(**_package(world, PROJECT)))

    # The same requests, decided on the applied documents and on the earlier shared pipeline role.
    for what, request in _cross_project_requests(world).items():
        for role in (f"mlops-dev-{PROJECT}-pipeline", f"mlops-dev-{PROJECT}-pipeline-jobs"):
            assert not authorize(applied_role(world.url, dev, role), request, dev).allowed, (role, what)
        assert decided_before("mlops-dev-pipeline-execution", request, dev).allowed, what


def test_a_projects_pipeline_role_creates_only_isolated_jobs_inside_the_guardrails(world: World) -> None:
    """Pipeline role: CreateIsolatedJobs allows processing and training jobs only with
    sagemaker:NetworkIsolation = true, and the attached guardrails deny a job outside the
    environment's subnets (DenyJobsWithoutVpcSubnets). The shared role allowed a job without isolation."""
    dev = world.accounts["dev"]
    inspector = client(world.url, session(world.url, f"arn:aws:iam::{dev}:role/inspector"), "ssm")
    contract = {
        name: inspector.get_parameter(Name=f"/mlops/dev/{name}")["Parameter"]["Value"]
        for name in (
            "network/private-subnet-ids",
            "network/sagemaker-security-group-id",
            "kms/ebs-key-arn",
            "kms/data-key-arn",
        )
    }
    vpc = {
        "Subnets": contract["network/private-subnet-ids"].split(","),
        "SecurityGroupIds": [contract["network/sagemaker-security-group-id"]],
    }
    sagemaker = client(world.url, session(world.url, _role_arn(world, f"{PROJECT}-pipeline")), "sagemaker")

    def job(network: dict[str, Any]) -> dict[str, Any]:
        return {
            "ProcessingJobName": "security-suite-isolation",
            "RoleArn": _role_arn(world, f"{PROJECT}-pipeline-jobs"),
            "AppSpecification": {"ImageUri": XGBOOST_IMAGE},
            "ProcessingResources": {
                "ClusterConfig": {
                    "InstanceCount": 1,
                    "InstanceType": "ml.m5.large",
                    "VolumeSizeInGB": 30,
                    "VolumeKmsKeyId": contract["kms/ebs-key-arn"],
                }
            },
            "ProcessingOutputConfig": {"Outputs": [], "KmsKeyId": contract["kms/data-key-arn"]},
            "NetworkConfig": {"EnableInterContainerTrafficEncryption": True, **network},
        }

    message = refused(
        lambda: sagemaker.create_processing_job(**job({"EnableNetworkIsolation": False, "VpcConfig": vpc}))
    )
    assert "no identity-based policy allows" in message, message
    message = refused(lambda: sagemaker.create_processing_job(**job({"EnableNetworkIsolation": True})))
    assert "explicit deny" in message, message
    processing = f"arn:aws:sagemaker:{REGION}:{dev}:processing-job/security-suite-isolation"
    not_isolated = Request(
        "sagemaker:CreateProcessingJob",
        processing,
        {
            "sagemaker:VpcSubnets": vpc["Subnets"],
            "sagemaker:VpcSecurityGroupIds": vpc["SecurityGroupIds"],
            "sagemaker:VolumeKmsKey": contract["kms/ebs-key-arn"],
            "sagemaker:VolumeKmsKeyArn": contract["kms/ebs-key-arn"],
            "sagemaker:OutputKmsKey": contract["kms/data-key-arn"],
            "sagemaker:OutputKmsKeyArn": contract["kms/data-key-arn"],
            "sagemaker:InterContainerTrafficEncryption": "true",
            "sagemaker:InstanceTypes": ["ml.m5.large"],  # the job's ClusterConfig
            "sagemaker:NetworkIsolation": "false",
            "aws:RequestedRegion": REGION,
        },
    )
    assert not authorize(applied_role(world.url, dev, f"mlops-dev-{PROJECT}-pipeline"), not_isolated, dev).allowed
    assert authorize(
        applied_role(world.url, dev, f"mlops-dev-{PROJECT}-pipeline"),
        replace(not_isolated, context={**not_isolated.context, "sagemaker:NetworkIsolation": "true"}),
        dev,
    ).allowed
    # The earlier world had other subnet and security group ids: its guardrails name them.
    allowed = {
        s["Sid"]: next(iter(s["Condition"]["ForAnyValue:StringNotEquals"].values()))
        for d in before("mlops-dev-pipeline-execution")["identity_policies"]
        for s in d["Statement"]
        if s.get("Sid") in ("DenyJobsOutsideAllowedSubnets", "DenyJobsOutsideAllowedSecurityGroups")
    }
    earlier_vpc = {
        "sagemaker:VpcSubnets": allowed["DenyJobsOutsideAllowedSubnets"],
        "sagemaker:VpcSecurityGroupIds": allowed["DenyJobsOutsideAllowedSecurityGroups"],
    }
    assert decided_before(
        "mlops-dev-pipeline-execution", replace(not_isolated, context={**not_isolated.context, **earlier_vpc}), dev
    ).allowed


def test_a_projects_ci_role_passes_only_its_own_pipeline_role_and_runs_only_its_own_pipeline(world: World) -> None:
    """CI role: PassProjectPipelineRoleToSageMaker names mlops-dev-abalone-pipeline only (before:
    the shared mlops-dev-pipeline-execution, which reaches every project); BuildPipeline names
    pipeline/mlops-dev-abalone-build only. The pipeline role passes only its own job role."""
    dev = world.accounts["dev"]
    ci = client(world.url, session(world.url, _role_arn(world, f"{PROJECT}-ci")), "sagemaker")
    own, other = f"mlops-dev-{PROJECT}-build", f"mlops-dev-{OTHER}-build"
    definition = json.dumps({"Version": "2020-12-01", "Steps": []})
    for role in (f"{OTHER}-pipeline", "pipeline-execution", f"{PROJECT}-pipeline-jobs"):
        message = refused(
            lambda: ci.update_pipeline(PipelineName=own, PipelineDefinition=definition, RoleArn=_role_arn(world, role))
        )
        assert "iam:PassRole" in message, (role, message)
    refused(
        lambda: ci.update_pipeline(
            PipelineName=other, PipelineDefinition=definition, RoleArn=_role_arn(world, f"{PROJECT}-pipeline")
        )
    )
    refused(lambda: ci.start_pipeline_execution(PipelineName=other))

    ci_role, pipeline_role = (
        applied_role(world.url, dev, f"mlops-dev-{PROJECT}-ci"),
        applied_role(world.url, dev, f"mlops-dev-{PROJECT}-pipeline"),
    )
    assert authorize(
        ci_role, Request("iam:PassRole", _role_arn(world, f"{PROJECT}-pipeline"), PASS_TO_SAGEMAKER), dev
    ).allowed
    assert authorize(
        pipeline_role, Request("iam:PassRole", _role_arn(world, f"{PROJECT}-pipeline-jobs"), PASS_TO_SAGEMAKER), dev
    ).allowed
    for role in (f"{OTHER}-pipeline-jobs", "sagemaker-execution", f"{PROJECT}-pipeline"):
        assert not authorize(
            pipeline_role, Request("iam:PassRole", _role_arn(world, role), PASS_TO_SAGEMAKER), dev
        ).allowed, role
    # Before: the role the CI role passed could pass the shared execution role, which reaches every project too.
    assert decided_before(
        "mlops-dev-pipeline-execution",
        Request("iam:PassRole", _role_arn(world, "sagemaker-execution"), PASS_TO_SAGEMAKER),
        dev,
    ).allowed
