"""A batch project's deploy role has no endpoint: it cannot create, update or invoke one.

The dev env.yaml declares `abalone` with `serving: batch`: its deploy roles in staging and prod
(mlops-<stage>-abalone-deploy) write the project's models, its batch pipeline and its schedule's
state, nothing of an endpoint (modules/model-hosting batch.tf, ManageProjectModels). Before, every
project's deploy role had the realtime statements (ManageProjectHosting, InvokeProjectEndpoints,
...): before/mlops-staging-abalone-deploy-realtime.json, read back from the world of that version,
where each attack passes. A realtime project's deploy role (rings) keeps its endpoint and gets
nothing of batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from orchestrator.policy.authorization import Caller
from orchestrator.policy.evaluator import Decision, Request
from tests.security.conftest import REGION, before, client, decided_before, not_refused, refused, session

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

BATCH, REALTIME = "abalone", "rings"  # envs/dev/env.yaml: serving batch, and the default realtime


def _deployer(world: World, stage: str, project: str) -> dict[str, str]:
    return session(world.url, f"arn:aws:iam::{world.accounts[stage]}:role/mlops-{stage}-{project}-deploy")


def _earlier_batch_deployer() -> Caller:
    documents = before("mlops-staging-abalone-deploy-realtime")
    return Caller(
        account=documents["account"],
        arn=documents["arn"],
        session_arn=f"arn:aws:sts::{documents['account']}:assumed-role/mlops-staging-{BATCH}-deploy/attacker",
        identity_policies=tuple(documents["identity_policies"]),
        boundary=documents.get("boundary"),
    )


def test_a_batch_projects_deploy_role_cannot_create_update_or_invoke_an_endpoint(world: World) -> None:
    for stage in ("staging", "prod"):
        deployer = _deployer(world, stage, BATCH)
        sagemaker = client(world.url, deployer, "sagemaker")
        name = f"mlops-{stage}-{BATCH}"
        refused(lambda: sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-1-0123abcd"))
        refused(lambda: sagemaker.update_endpoint(EndpointName=name, EndpointConfigName=f"{name}-1-0123abcd"))
        refused(
            lambda: sagemaker.create_endpoint_config(
                EndpointConfigName=f"{name}-1-0123abcd",
                ProductionVariants=[
                    {"VariantName": "AllTraffic", "ModelName": f"{name}-1-0123abcd", "InstanceType": "ml.m5.large"}
                ],
            )
        )
        runtime = client(world.url, deployer, "sagemaker-runtime")
        refused(lambda: runtime.invoke_endpoint(EndpointName=name, Body=b"1", ContentType="text/csv"))
        # What batch needs stays: its models and its pipeline.
        not_refused(lambda: sagemaker.describe_model(ModelName=f"{name}-1-0123abcd"))
        not_refused(lambda: sagemaker.describe_pipeline(PipelineName=f"{name}-batch"))

    # The earlier documents let the batch project's deploy role create its endpoint.
    endpoint = f"arn:aws:sagemaker:{REGION}:{world.accounts['staging']}:endpoint/mlops-staging-{BATCH}"
    verdict = decided_before(
        "mlops-staging-abalone-deploy-realtime",
        Request("sagemaker:CreateEndpoint", endpoint),
        world.accounts["staging"],
        caller=_earlier_batch_deployer(),
    )
    assert verdict.decision is Decision.ALLOW


def test_a_realtime_projects_deploy_role_keeps_its_endpoint_and_gets_nothing_of_batch(world: World) -> None:
    deployer = _deployer(world, "staging", REALTIME)
    sagemaker = client(world.url, deployer, "sagemaker")
    not_refused(lambda: sagemaker.describe_endpoint(EndpointName=f"mlops-staging-{REALTIME}"))
    scheduler = client(world.url, deployer, "scheduler")
    refused(lambda: scheduler.get_schedule(Name=f"mlops-staging-{BATCH}-batch", GroupName="mlops-staging-batch"))
    refused(lambda: sagemaker.describe_pipeline(PipelineName=f"mlops-staging-{BATCH}-batch"))
