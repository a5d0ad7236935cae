"""Deploying a package to a stage's batch inference: the model as deploy-model creates it, the batch
pipeline's one Transform step (input and output prefixes, the endpoint key, instance type), the
pipeline role; idempotence, a new package updates the pipeline, a stage without batch is refused.
handle-approval-event on a batch stage: approvals deploy, a rejection rolls the pipeline back to the
newest package still Approved, and with none left the schedule is disabled; each result published."""

from __future__ import annotations

import json
from typing import Any

import pytest
from abalone_deploy import approval_event, batch
from abalone_deploy.batch import BatchContract, BatchSchedule, read_batch_contract, run_deploy_batch
from abalone_deploy.deploy import PACKAGE_TAG
from abalone_deploy.settings import DeploySettings
from abalone_deploy.stage_contract import ContractError
from deploy_world import ACCOUNTS, FAST, PREFIX, PROJECT, World, contract_values


def _batch_contract(world: World, stage: str) -> BatchContract:
    """What the hosting stack adds for a batch project: the contract's batch values (serving: batch)
    and the schedule, enabled, in its group."""
    account = ACCOUNTS[stage]
    values = {
        "storage/batch-bucket": f"mlops-{stage}-batch-{account}",
        f"hosting/projects/{PROJECT}/batch-pipeline-role-arn": f"arn:aws:iam::{account}:role/mlops-{stage}-{PROJECT}-batch",
    }
    world.seed_contract(stage, values)
    world.client(stage, "ssm").put_parameter(
        Name=f"/{PREFIX}/{stage}/hosting/projects/{PROJECT}/serving", Value="batch", Type="String", Overwrite=True
    )
    scheduler = world.client(stage, "scheduler")
    scheduler.create_schedule_group(Name=f"mlops-{stage}-batch")
    scheduler.create_schedule(
        Name=f"mlops-{stage}-{PROJECT}-batch",
        GroupName=f"mlops-{stage}-batch",
        ScheduleExpression="cron(0 2 * * ? *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": f"arn:aws:sagemaker:eu-west-1:{account}:pipeline/mlops-{stage}-{PROJECT}-batch",
            "RoleArn": f"arn:aws:iam::{account}:role/mlops-{stage}-{PROJECT}-schedule",
        },
        State="ENABLED",
    )
    return BatchContract(*values.values())


def _schedule(world: World, stage: str) -> dict[str, Any]:
    scheduler = world.client(stage, "scheduler")
    found: dict[str, Any] = scheduler.get_schedule(
        Name=f"mlops-{stage}-{PROJECT}-batch", GroupName=f"mlops-{stage}-batch"
    )
    return found


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


def _alerts(world: World, stage: str) -> tuple[Any, str]:
    """An SQS queue subscribed to the stage's alerts topic."""
    sqs = world.client(stage, "sqs")
    url = sqs.create_queue(QueueName="alerts")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = f"arn:aws:sns:eu-west-1:{ACCOUNTS[stage]}:mlops-{stage}-model-alerts"
    world.client(stage, "sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return sqs, url


def _published(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(json.loads(m["Body"])["Message"]) for m in messages]


def _handle(world: World, status: str, arn: str) -> int:
    argv = {
        "--status": status,
        "--model-package-arn": arn,
        "--stage": "staging",
        "--project": PROJECT,
        "--prefix": PREFIX,
        "--dev-account": ACCOUNTS["dev"],
        "--region": "eu-west-1",
    }
    return approval_event.main([item for pair in argv.items() for item in pair], clients=world.clients("staging"))


def test_a_batch_stage_follows_approvals_rolls_back_on_rejection_and_disables_its_schedule_with_none_left(
    ready: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _batch_contract(ready, "staging")
    sqs, url = _alerts(ready, "staging")
    clients, target = ready.clients("staging"), ready.target("staging")

    def runs() -> str | None:
        return BatchSchedule().deployed(clients, target)

    v1 = ready.register("Approved")
    assert _handle(ready, "Approved", v1) == 0 and runs() == v1
    v2 = ready.register("Approved")
    assert _handle(ready, "Approved", v2) == 0 and runs() == v2
    ready.set_status(v2, "Rejected")
    assert _handle(ready, "Rejected", v2) == 0 and runs() == v1
    assert f"mlops-staging-abalone-batch rolled back to {v1}" in capsys.readouterr().out
    ready.set_status(v1, "Rejected")
    assert _handle(ready, "Rejected", v1) == 0
    assert _schedule(ready, "staging")["State"] == "DISABLED" and runs() is None
    # The schedule's target is kept as it was, only its state changes.
    assert _schedule(ready, "staging")["Target"]["RoleArn"].endswith(":role/mlops-staging-abalone-schedule")
    assert _handle(ready, "Rejected", v1) == 0
    assert "serves no model package (its schedule is disabled, or no pipeline)" in capsys.readouterr().out
    assert [(n["result"], n["model_package_arn"]) for n in _published(sqs, url)] == [
        ("succeeded", v1),
        ("succeeded", v2),
        ("succeeded", v1),
        ("succeeded", None),
    ]
    # No endpoint was made for a batch project.
    assert ready.client("staging", "sagemaker").list_endpoints()["Endpoints"] == []

    v3 = ready.register("Approved")
    assert _handle(ready, "Approved", v3) == 0
    assert _schedule(ready, "staging")["State"] == "ENABLED" and runs() == v3


def test_deploy_batch_on_a_stage_without_its_schedule_is_refused_before_any_change(ready: World) -> None:
    ready.register("Approved")
    _batch_contract(ready, "staging")
    ready.client("staging", "scheduler").delete_schedule(
        Name=f"mlops-staging-{PROJECT}-batch", GroupName="mlops-staging-batch"
    )
    with pytest.raises(batch.ContractError, match="has no schedule mlops-staging-batch/mlops-staging-abalone-batch"):
        run_deploy_batch(ready.clients("staging"), ready.target("staging"), None, FAST, log=lambda _: None)
    assert ready.writes("staging") == []
