"""How the emulator authorizes SageMaker requests as AWS does: sagemaker:InstanceTypes (every instance
type of the request, a multivalued key) and the app ARN an app call is decided on."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator.emulator.authorization.actions import Check, Where, checks_for
from orchestrator.emulator.authorization.calls import Call

ACCOUNT = "111111111111"
REGION = "eu-west-1"


def _check(operation: str, params: dict[str, Any]) -> Check:
    checks = checks_for(Call("sagemaker", operation, params, REGION, "json", "POST"), Where(ACCOUNT))
    assert checks, operation
    return checks[0]


def _instance_types(operation: str, params: dict[str, Any]) -> object:
    return _check(operation, params).context.get("sagemaker:InstanceTypes")


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [
        (
            "CreateTrainingJob",
            {"TrainingJobName": "t", "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1}},
            ["ml.m5.large"],
        ),
        (
            "CreateTrainingJob",  # a heterogeneous cluster: one value per instance group
            {
                "TrainingJobName": "t",
                "ResourceConfig": {
                    "InstanceGroups": [
                        {"InstanceGroupName": "a", "InstanceType": "ml.m5.large", "InstanceCount": 1},
                        {"InstanceGroupName": "b", "InstanceType": "ml.p4d.24xlarge", "InstanceCount": 1},
                        {"InstanceGroupName": "c", "InstanceType": "ml.m5.large", "InstanceCount": 2},
                    ]
                },
            },
            ["ml.m5.large", "ml.p4d.24xlarge"],
        ),
        (
            "CreateProcessingJob",
            {"ProcessingJobName": "p", "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.t3.medium"}}},
            ["ml.t3.medium"],
        ),
        (
            "CreateTransformJob",
            {"TransformJobName": "x", "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}},
            ["ml.m5.xlarge"],
        ),
        (
            "CreateEndpointConfig",  # every production and shadow variant
            {
                "EndpointConfigName": "e",
                "ProductionVariants": [
                    {"VariantName": "a", "InstanceType": "ml.m5.large"},
                    {"VariantName": "b", "InstanceType": "ml.g5.12xlarge"},
                ],
                "ShadowProductionVariants": [{"VariantName": "s", "InstanceType": "ml.c5.xlarge"}],
            },
            ["ml.m5.large", "ml.g5.12xlarge", "ml.c5.xlarge"],
        ),
        (
            "CreateApp",
            {
                "DomainId": "d-abc",
                "UserProfileName": "alice",
                "AppType": "JupyterServer",
                "AppName": "default",
                "ResourceSpec": {"InstanceType": "system"},
            },
            ["system"],
        ),
        (
            "CreateHyperParameterTuningJob",
            {
                "HyperParameterTuningJobName": "h",
                "TrainingJobDefinitions": [
                    {"ResourceConfig": {"InstanceType": "ml.m5.large"}},
                    {
                        "HyperParameterTuningResourceConfig": {
                            "InstanceConfigs": [{"InstanceType": "ml.c5.2xlarge", "InstanceCount": 1}]
                        }
                    },
                ],
            },
            ["ml.m5.large", "ml.c5.2xlarge"],
        ),
    ],
    ids=["training", "training-instance-groups", "processing", "transform", "endpoint-config", "app", "tuning"],
)
def test_every_instance_type_of_the_request_is_a_value(
    operation: str, params: dict[str, Any], expected: list[str]
) -> None:
    assert _instance_types(operation, params) == expected


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("CreateApp", {"DomainId": "d-abc", "UserProfileName": "alice", "AppType": "JupyterServer", "AppName": "d"}),
        (
            "CreateEndpointConfig",  # serverless: memory and concurrency, no instance
            {
                "EndpointConfigName": "e",
                "ProductionVariants": [{"VariantName": "a", "ServerlessConfig": {"MemorySizeInMB": 2048}}],
            },
        ),
    ],
    ids=["app-without-resource-spec", "serverless-endpoint-config"],
)
def test_a_request_without_instance_type_has_no_key(operation: str, params: dict[str, Any]) -> None:
    assert _instance_types(operation, params) is None


@pytest.mark.parametrize("operation", ["CreateApp", "DescribeApp", "DeleteApp"])
def test_an_app_call_is_decided_on_the_app(operation: str) -> None:
    """As AWS: app/<domain>/<user profile or space>/<app type>/<app name>, lower case (a persona's
    own-profile statement names app/<domain>/${aws:PrincipalTag/...}/*)."""
    params = {"DomainId": "d-abc", "UserProfileName": "Alice", "AppType": "KernelGateway", "AppName": "Default"}
    assert (
        _check(operation, params).resource
        == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:app/d-abc/alice/kernelgateway/default"
    )
    space = {"DomainId": "d-abc", "SpaceName": "team", "AppType": "JupyterLab", "AppName": "default"}
    assert (
        _check(operation, space).resource == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:app/d-abc/team/jupyterlab/default"
    )
