"""``deploy-batch``: deploy a model package of the dev registry to a stage's batch inference.

    deploy-batch --prefix mlops --stage staging --project abalone --dev-account 111111111111 \
                 [--model-package-arn ARN] [--region eu-west-1] [--instance-type ml.m5.large]

For projects declared with ``serving: batch``: instead of an endpoint, the stage runs the model on
a schedule. The deployment creates the model exactly as ``deploy-model`` does (the package's image
and archive, the model execution role, the hosting subnets and security group, network isolation)
and writes the project's batch pipeline ``<prefix>-<stage>-<project>-batch``: one Transform step
over ``s3://<batch bucket>/<project>/input/`` writing its predictions to
``s3://<batch bucket>/<project>/output/<execution id>/`` (``<input name>.out``, one line per input
row), the stage's endpoint key as volume and output key, run as the project's batch pipeline role.
The stage's EventBridge Scheduler schedule ``<prefix>-<stage>-<project>-batch`` (hosting stack,
group ``<prefix>-<stage>-batch``) starts that pipeline; this command does not run it, and enables
the schedule if it was disabled.

``handle-approval-event`` runs the same deployment for a stage whose contract says ``serving:
batch`` (``BatchSchedule``): the package a stage runs is the pipeline's tag while its schedule is
enabled; with no Approved package left to run, the schedule is disabled (the pipeline stays, and
runs again once a deployment enables it).

The model is named ``<prefix>-<stage>-<project>-<version>-<digest>`` (the digest covers everything
that defines the batch deployment): running it again changes nothing; a new package updates the
pipeline, whose tag names the package it runs.

Exit codes: 0 deployed (or already deployed), 1 an AWS call or the registry failed, 2 bad
arguments, a package that is not Approved, or an incomplete stage contract.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from abalone_deploy import cli
from abalone_deploy.deploy import (
    PACKAGE_TAG,
    Log,
    create_model_if_absent,
    deploy_parser,
    digest,
    model_parts,
    model_request,
    package_tag,
    package_tags,
    verified_package,
)
from abalone_deploy.lookups import describe
from abalone_deploy.names import Target
from abalone_deploy.registry import ModelPackage
from abalone_deploy.serving import Outcome
from abalone_deploy.settings import DeploySettings
from abalone_deploy.stage_contract import ContractError, StageContract, read_stage_contract

STEP_NAME = "BatchTransform"
PIPELINE_SCHEMA_VERSION = "2020-12-01"
ENABLED, DISABLED = "ENABLED", "DISABLED"
# What UpdateSchedule needs restated besides the state (it replaces the whole schedule).
_SCHEDULE_FIELDS = (
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "FlexibleTimeWindow",
    "Target",
    "Description",
    "StartDate",
    "EndDate",
    "KmsKeyArn",
    "ActionAfterCompletion",
)


@dataclass(frozen=True)
class BatchContract:
    """What the hosting stack publishes for a batch project, besides the stage contract."""

    bucket: str
    pipeline_role_arn: str


@dataclass(frozen=True)
class BatchDeployment:
    pipeline_name: str
    model_name: str
    package_arn: str
    action: str  # created | updated | unchanged


def pipeline_name(target: Target) -> str:
    """``<prefix>-<stage>-<project>-batch``: the pipeline the stage's schedule starts."""
    return f"{target.name_prefix}-batch"


def read_batch_contract(ssm: Any, target: Target) -> BatchContract:
    """/<prefix>/<stage>/storage/batch-bucket and …/hosting/projects/<project>/batch-pipeline-role-arn."""
    base = f"/{target.prefix}/{target.stage}/"
    names = {
        "bucket": base + "storage/batch-bucket",
        "pipeline_role_arn": base + f"hosting/projects/{target.project}/batch-pipeline-role-arn",
    }
    try:
        found = ssm.get_parameters(Names=list(names.values())).get("Parameters", [])
    except (ClientError, BotoCoreError) as error:
        raise ContractError(f"cannot read the batch contract under {base}: {error}") from None
    values = {p["Name"]: str(p["Value"]).strip() for p in found}
    missing = [name for name in names.values() if not values.get(name)]
    if missing:
        raise ContractError(
            f"the stage contract {base} has no batch inference for project {target.project}; missing: "
            f"{', '.join(missing)}. Declare the project with serving: batch in the dev env.yaml and apply the "
            f"{target.stage} environment's hosting stack."
        )
    return BatchContract(**{field: values[name] for field, name in names.items()})


def build_batch(
    target: Target, contract: StageContract, batch: BatchContract, package: ModelPackage, settings: DeploySettings
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The CreateModel request and the pipeline definition, named by their content."""
    parts = model_parts(contract, package)
    input_uri = f"s3://{batch.bucket}/{target.project}/input/"
    output_uri = f"s3://{batch.bucket}/{target.project}/output"
    resources = {
        "InstanceType": settings.instance_type,
        "InstanceCount": settings.initial_instance_count,
        "VolumeKmsKeyId": contract.endpoint_key_arn,
    }
    spec = {
        "package": package.arn,
        "container": parts[0],
        "role": contract.model_execution_role_arn,
        "vpc": parts[1],
        "isolation": True,
        "batch": [input_uri, output_uri, resources, contract.endpoint_key_arn, batch.pipeline_role_arn],
    }
    name = target.resource_name(package.version, digest(spec))
    definition = {
        "Version": PIPELINE_SCHEMA_VERSION,
        "Metadata": {},
        "Parameters": [],
        "Steps": [
            {
                "Name": STEP_NAME,
                "Type": "Transform",
                "Arguments": {
                    "ModelName": name,
                    "TransformInput": {
                        "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": input_uri}},
                        "ContentType": "text/csv",
                        "SplitType": "Line",
                    },
                    "TransformOutput": {
                        "S3OutputPath": {
                            "Std:Join": {"On": "/", "Values": [output_uri, {"Get": "Execution.PipelineExecutionId"}]}
                        },
                        "Accept": "text/csv",
                        "AssembleWith": "Line",
                        "KmsKeyId": contract.endpoint_key_arn,
                    },
                    "TransformResources": resources,
                },
            }
        ],
    }
    return model_request(name, contract, parts, package_tags(target, package)), definition


def deploy_batch(
    sagemaker: Any,
    target: Target,
    contract: StageContract,
    batch: BatchContract,
    package: ModelPackage,
    settings: DeploySettings = DeploySettings(),
    log: Log = print,
) -> BatchDeployment:
    """Make the stage's batch pipeline run ``package``; create or update only what differs."""
    request, definition = build_batch(target, contract, batch, package, settings)
    create_model_if_absent(sagemaker, request, log)
    name, text = pipeline_name(target), json.dumps(definition, sort_keys=True)
    current = describe(sagemaker.describe_pipeline, PipelineName=name)
    if current is None:
        sagemaker.create_pipeline(
            PipelineName=name, PipelineDefinition=text, RoleArn=batch.pipeline_role_arn, Tags=request["Tags"]
        )
        action = "created"
    elif current.get("PipelineDefinition") == text and current.get("RoleArn") == batch.pipeline_role_arn:
        action = "unchanged"
    else:
        sagemaker.update_pipeline(PipelineName=name, PipelineDefinition=text, RoleArn=batch.pipeline_role_arn)
        sagemaker.add_tags(ResourceArn=current["PipelineArn"], Tags=[{"Key": PACKAGE_TAG, "Value": package.arn}])
        action = "updated"
    log(f"batch pipeline {name}: {action} (model {request['ModelName']})")
    return BatchDeployment(name, request["ModelName"], package.arn, action)


def schedule_names(target: Target) -> tuple[str, str]:
    """The schedule's group ``<prefix>-<stage>-batch`` and name ``<prefix>-<stage>-<project>-batch``."""
    return f"{target.prefix}-{target.stage}-batch", pipeline_name(target)


def read_schedule(scheduler: Any, target: Target) -> dict[str, Any]:
    group, name = schedule_names(target)
    found = describe(scheduler.get_schedule, Name=name, GroupName=group)
    if found is None:
        raise ContractError(
            f"the stage has no schedule {group}/{name} for project {target.project}: apply the "
            f"{target.stage} environment's hosting stack"
        )
    return found


def switch_schedule(scheduler: Any, target: Target, state: str, log: Log) -> bool:
    """Enable or disable the stage's schedule; True if it changed."""
    current = read_schedule(scheduler, target)
    if current.get("State") == state:
        return False
    group, name = schedule_names(target)
    kept = {field: current[field] for field in _SCHEDULE_FIELDS if current.get(field) is not None}
    scheduler.update_schedule(Name=name, GroupName=group, State=state, **kept)
    log(f"schedule {group}/{name}: {current.get('State')} -> {state}")
    return True


def run_deploy_batch(
    clients: cli.Clients, target: Target, package_arn: str | None, settings: DeploySettings, log: Log = print
) -> BatchDeployment:
    contract = read_stage_contract(clients.ssm, target)
    batch = read_batch_contract(clients.ssm, target)
    read_schedule(clients.scheduler, target)  # a stage without it is refused before any change
    package = verified_package(clients, target, package_arn, log)
    deployment = deploy_batch(clients.sagemaker, target, contract, batch, package, settings, log)
    switch_schedule(clients.scheduler, target, ENABLED, log)
    return deployment


class BatchSchedule:
    """``batch``: the stage's pipeline, run by its schedule. A stage runs the package of the
    pipeline's tag while the schedule is enabled, and nothing while it is disabled."""

    def name(self, target: Target) -> str:
        return pipeline_name(target)

    def absent(self) -> str:
        return "its schedule is disabled, or no pipeline"

    def deployed(self, clients: cli.Clients, target: Target) -> str | None:
        if read_schedule(clients.scheduler, target).get("State") != ENABLED:
            return None
        pipeline = describe(clients.sagemaker.describe_pipeline, PipelineName=pipeline_name(target))
        return None if pipeline is None else package_tag(clients.sagemaker, pipeline["PipelineArn"])

    def deploy(self, clients: cli.Clients, target: Target, arn: str, settings: DeploySettings, log: Log) -> str:
        result = run_deploy_batch(clients, target, arn, settings, log)
        group, name = schedule_names(target)
        return f"model {result.model_name} ({result.action}), schedule {group}/{name} enabled"

    def retire(self, clients: cli.Clients, target: Target, deployed: str, why: str, log: Log) -> Outcome:
        switch_schedule(clients.scheduler, target, DISABLED, log)
        group, name = schedule_names(target)
        return Outcome(
            "disabled",
            None,
            f"{pipeline_name(target)} ran {deployed}, which is {why}, not Approved, and {target.group_arn} has no "
            f"other Approved package: schedule {group}/{name} disabled (the next approval enables it again)",
        )


def main(argv: Sequence[str] | None = None, clients: cli.Clients | None = None) -> int:
    parser = deploy_parser(__doc__)

    def run(args: Any) -> None:
        target = cli.target_from_args(args)
        result = run_deploy_batch(
            clients or cli.default_clients(target.region), target, args.model_package_arn, cli.settings_from_args(args)
        )
        print(f"{result.pipeline_name} runs {result.package_arn} ({result.action})")

    return cli.run(parser, argv, run)


if __name__ == "__main__":
    raise SystemExit(main())
