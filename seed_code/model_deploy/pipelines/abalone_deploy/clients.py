"""The boto3 clients a deployment uses, built once and passed in (so tests can inject others).

``registry`` reads the dev account's model registry. In the workflow it is a client of the *same*
credentials as the others — the stage's deploy role — because the dev group's resource policy
grants that role: no role in dev is assumed. ``artifacts`` reads a package's archive in the dev
models bucket, which the bucket's policy and the data key's policy grant the deploy role, to check
it is still the one registered. Keeping it a separate field is what lets a test hand
in a client of the emulated dev account instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3


@dataclass(frozen=True)
class Clients:
    sagemaker: Any  # the stage account: models, endpoint configs, endpoints
    runtime: Any  # the stage account: sagemaker-runtime, for the endpoint test
    ssm: Any  # the stage account: the platform contract
    registry: Any  # a SageMaker client allowed to read the dev registry group
    artifacts: Any  # an S3 client allowed to read the dev models bucket (to check a package's archive)
    autoscaling: Any  # the stage account: application-autoscaling, the endpoint's scaling
    cloudwatch: Any  # the stage account: the endpoint's alarms
    sns: Any  # the stage account: the alerts topic (deployment results)
    stage_s3: Any  # the stage account: the baseline data in the data-capture bucket
    scheduler: Any = None  # the stage account: EventBridge Scheduler, a batch project's schedule


def default_clients(region: str) -> Clients:
    """Clients of the ambient credentials (the deploy role assumed through GitHub OIDC)."""
    session = boto3.Session(region_name=region)
    sagemaker = session.client("sagemaker")
    return Clients(
        sagemaker=sagemaker,
        runtime=session.client("sagemaker-runtime"),
        ssm=session.client("ssm"),
        registry=sagemaker,
        artifacts=session.client("s3"),
        autoscaling=session.client("application-autoscaling"),
        cloudwatch=session.client("cloudwatch"),
        sns=session.client("sns"),
        stage_s3=session.client("s3"),
        scheduler=session.client("scheduler"),
    )
