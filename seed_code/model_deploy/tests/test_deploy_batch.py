"""Deploying a package to a stage's batch inference: the model as deploy-model creates it, the batch
pipeline's one Transform step (input and output prefixes, the endpoint key, instance type), the
pipeline role; idempotence, a new package updates the pipeline, a stage without batch is refused."""

from __future__ import annotations

import json

import pytest
from abalone_deploy import batch
from abalone_deploy.batch import BatchContract, read_batch_contract, run_deploy_batch
from abalone_deploy.deploy import PACKAGE_TAG
from abalone_deploy.settings import DeploySettings
from abalone_deploy.stage_contract import ContractError
from deploy_world import ACCOUNTS, FAST, PREFIX, PROJECT, World, contract_values


def _batch_contract(world: World, stage: str) -> BatchContract:
    account = ACCOUNTS[stage]
    values = {
        "storage/batch-bucket": f"mlops-{stage}-batch-{account}",
        f"hosting/projects/{PROJECT}/batch-pipeline-role-arn": f"arn:aws:iam::{account}:role/mlops-{stage}-{PROJECT}-batch",
    }
    world.seed_contract(stage, values)
    return BatchContract(*values.values())


def test_the_batch_pipeline_runs_the_package_model_over_the_input_prefix_with_the_stage_key(ready: World) -> None:
    arn = ready.register("Approved")
    contract = _batch_contract(ready, "staging")
    result = run_deploy_batch(ready.clients("staging"), ready.target("staging"), None, FAST, log=lambda _: None)
    assert (result.pipeline_name, result.package_arn, result.action) == ("mlops-staging-abalone-batch", arn, "created")

    staging = ready.client("staging", "sagemaker")
    model = staging.describe_model(ModelName=result.model_name)
    values = contract_values("staging")
    assert model["ExecutionRoleArn"] == values["hosting/model-execution-role-arn"]
    assert model["VpcConfig"]["Subnets"] == ["subnet-staginga", "subnet-stagingb"]
    pipeline = staging.describe_pipeline(PipelineName=result.pipeline_name)
    assert pipeline["RoleArn"] == contract.pipeline_role_arn
    [step] = json.loads(pipeline["PipelineDefinition"])["Steps"]
    arguments, key = step["Arguments"], values["kms/endpoint-key-arn"]
    assert step["Type"] == "Transform" and arguments["ModelName"] == result.model_name
    assert (
        arguments["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == f"s3://{contract.bucket}/abalone/input/"
    )
    assert arguments["TransformOutput"]["KmsKeyId"] == key and arguments["TransformResources"]["VolumeKmsKeyId"] == key
    assert (
        arguments["TransformOutput"]["S3OutputPath"]["Std:Join"]["Values"][0]
        == f"s3://{contract.bucket}/abalone/output"
    )
    assert arguments["TransformResources"]["InstanceType"] == "ml.m5.large"
    tags = staging.list_tags(ResourceArn=pipeline["PipelineArn"])["Tags"]
    assert {"Key": PACKAGE_TAG, "Value": arn} in tags
    for other in ("prod", "dev"):
        assert ready.client(other, "sagemaker").list_pipelines()["PipelineSummaries"] == []


def test_the_same_package_changes_nothing_and_a_new_one_updates_the_pipeline(ready: World) -> None:
    first = ready.register("Approved")
    _batch_contract(ready, "prod")
    clients, target = ready.clients("prod"), ready.target("prod")
    created = run_deploy_batch(clients, target, None, FAST, log=lambda _: None)
    assert run_deploy_batch(clients, target, first, FAST, log=lambda _: None).action == "unchanged"
    second = ready.register("Approved")
    updated = run_deploy_batch(clients, target, None, DeploySettings(instance_type="ml.m5.xlarge"), log=lambda _: None)
    assert updated.action == "updated" and updated.package_arn == second and updated.model_name != created.model_name
    prod = ready.client("prod", "sagemaker")
    arn = prod.describe_pipeline(PipelineName=updated.pipeline_name)["PipelineArn"]
    assert {"Key": PACKAGE_TAG, "Value": second} in prod.list_tags(ResourceArn=arn)["Tags"]


def test_a_stage_without_the_projects_batch_contract_is_refused_before_any_change(ready: World) -> None:
    ready.register("Approved")
    with pytest.raises(ContractError, match=r"no batch inference for project abalone.*serving: batch"):
        read_batch_contract(ready.client("staging", "ssm"), ready.target("staging"))
    assert (
        batch.main(
            [
                "--prefix",
                PREFIX,
                "--stage",
                "staging",
                "--project",
                PROJECT,
                "--dev-account",
                ACCOUNTS["dev"],
                "--region",
                "eu-west-1",
            ],
            ready.clients("staging"),
        )
        == 2
    )
    assert ready.writes("staging") == []
