"""``deploy-model``: deploy a model package of the dev registry to a stage's endpoint.

    deploy-model --prefix mlops --stage staging --project abalone --dev-account 111111111111 \
                 [--model-package-arn ARN] [--region eu-west-1] [--instance-type ml.m5.large]

Without ``--model-package-arn`` the newest Approved package of ``<prefix>-dev-<project>`` is
deployed. The model and endpoint configuration are named
``<prefix>-<stage>-<project>-<package version>-<digest>``, where the digest covers everything
that defines them (package, image, artifact, role, network, key, instance type, capture); the
endpoint is ``<prefix>-<stage>-<project>``. Names being a function of the request is what makes
the deployment idempotent: a second run finds its model, its configuration and an endpoint
already serving it, and changes nothing.

Exit codes: 0 deployed (or already deployed), 1 an AWS call, the registry or the endpoint failed,
2 bad arguments, a package that is not Approved, or an incomplete stage contract.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import WaiterError

from abalone_deploy import cli
from abalone_deploy.artifact import verify_artifact
from abalone_deploy.lookups import describe
from abalone_deploy.monitoring import VARIANT_NAME, stop_scaling
from abalone_deploy.names import Target, UsageError, parse_package_arn
from abalone_deploy.registry import APPROVED, ModelPackage, describe_package, latest_approved
from abalone_deploy.settings import DeploySettings
from abalone_deploy.stage_contract import StageContract, read_stage_contract

# Tag on the model, the endpoint configuration and the endpoint. The configuration's tag is the
# one read back: a configuration is immutable, so its tag is exactly what the endpoint serves.
PACKAGE_TAG = "model-package-arn"
_TRANSITIONAL = {"Creating", "Updating", "SystemUpdating", "RollingBack"}

Log = Callable[[str], None]


class DeployError(RuntimeError):
    """The deployment did not reach a serving endpoint (the message says what SageMaker reported)."""


@dataclass(frozen=True)
class DeploymentResult:
    endpoint_name: str
    endpoint_config_name: str
    model_name: str
    package_arn: str
    action: str  # created | updated | recreated | unchanged


def digest(spec: dict[str, Any]) -> str:
    """Eight hex digits of everything that defines a deployment (its resources are named by it)."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:8]


def model_parts(contract: StageContract, package: ModelPackage) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model's container (the package's image and ``ModelDataUrl``) and its VPC (the stage's
    hosting subnets and security group): what every model of a stage is made of, endpoint or batch."""
    container: dict[str, Any] = {"Image": package.image, "ModelDataUrl": package.model_data_url}
    if package.environment:
        container["Environment"] = package.environment
    return container, {"Subnets": list(contract.subnet_ids), "SecurityGroupIds": [contract.security_group_id]}


def model_request(
    name: str, contract: StageContract, parts: tuple[dict[str, Any], dict[str, Any]], tags: list[dict[str, str]]
) -> dict[str, Any]:
    """CreateModel: the model execution role, in the hosting VPC, with network isolation."""
    container, vpc = parts
    return {
        "ModelName": name,
        "ExecutionRoleArn": contract.model_execution_role_arn,
        "PrimaryContainer": container,
        "VpcConfig": vpc,
        "EnableNetworkIsolation": True,
        "Tags": tags,
    }


def package_tags(target: Target, package: ModelPackage) -> list[dict[str, str]]:
    """The lineage tags of every resource a deployment creates."""
    return [
        {"Key": PACKAGE_TAG, "Value": package.arn},
        {"Key": "project", "Value": target.project},
        {"Key": "stage", "Value": target.stage},
    ]


def create_model_if_absent(sagemaker: Any, request: dict[str, Any], log: Log) -> None:
    if describe(sagemaker.describe_model, ModelName=request["ModelName"]) is None:
        sagemaker.create_model(**request)
        log(f"created model {request['ModelName']}")


def build_requests(
    target: Target, contract: StageContract, package: ModelPackage, settings: DeploySettings
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The CreateModel and CreateEndpointConfig requests, named by their content.

    The container is the package's image and ``ModelDataUrl``, not ``ModelPackageName``: creating
    a model from another account's package needs ``sagemaker:CreateModel`` granted on it by the
    group's policy, which the platform deliberately keeps read-only. The artifact itself is read
    by the model execution role, which dev's models bucket and data key (via S3) grant.
    """
    container, vpc = model_parts(contract, package)
    capture = {
        "EnableCapture": True,
        "InitialSamplingPercentage": settings.sampling_percentage,
        "DestinationS3Uri": f"s3://{contract.data_capture_bucket}/{target.project}/",
        "KmsKeyId": contract.endpoint_key_arn,
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"]},
    }
    variant = {
        "VariantName": VARIANT_NAME,
        "InstanceType": settings.instance_type,
        "InitialInstanceCount": settings.initial_instance_count,
        "InitialVariantWeight": 1.0,
    }
    spec = {
        "package": package.arn,
        "container": container,
        "role": contract.model_execution_role_arn,
        "vpc": vpc,
        "isolation": True,
        "variant": variant,
        "capture": capture,
        "key": contract.endpoint_key_arn,
    }
    name = target.resource_name(package.version, digest(spec))
    tags = package_tags(target, package)
    config_request = {
        "EndpointConfigName": name,
        "ProductionVariants": [{**variant, "ModelName": name}],
        "DataCaptureConfig": capture,
        "KmsKeyId": contract.endpoint_key_arn,
        "Tags": tags,
    }
    return model_request(name, contract, (container, vpc), tags), config_request


def _wait(sagemaker: Any, waiter_name: str, endpoint: str, settings: DeploySettings) -> None:
    config = {"Delay": settings.wait_delay_seconds, "MaxAttempts": settings.wait_max_attempts}
    try:
        sagemaker.get_waiter(waiter_name).wait(EndpointName=endpoint, WaiterConfig=config)
    except WaiterError as error:
        state = describe(sagemaker.describe_endpoint, EndpointName=endpoint) or {}
        raise DeployError(
            f"endpoint {endpoint} did not become {'InService' if waiter_name == 'endpoint_in_service' else 'deleted'}: "
            f"status {state.get('EndpointStatus', 'unknown')}, reason {state.get('FailureReason', error)!s}. "
            "See the endpoint's CloudWatch logs (/aws/sagemaker/Endpoints/" + endpoint + ")"
        ) from None


def deploy_package(
    sagemaker: Any,
    target: Target,
    contract: StageContract,
    package: ModelPackage,
    settings: DeploySettings = DeploySettings(),
    log: Log = print,
    autoscaling: Any | None = None,
) -> DeploymentResult:
    """Make the stage's endpoint serve ``package``; create only what is missing. With ``autoscaling``,
    an endpoint that is updated is first deregistered as a scalable target, as SageMaker requires
    (the deployment's monitoring registers it again)."""
    create_request, config_request = build_requests(target, contract, package, settings)
    name = create_request["ModelName"]
    endpoint = target.endpoint_name

    create_model_if_absent(sagemaker, create_request, log)
    if describe(sagemaker.describe_endpoint_config, EndpointConfigName=name) is None:
        sagemaker.create_endpoint_config(**config_request)
        log(f"created endpoint configuration {name}")

    current = describe(sagemaker.describe_endpoint, EndpointName=endpoint)
    if current is not None and current.get("EndpointStatus") in _TRANSITIONAL:
        log(f"endpoint {endpoint} is {current['EndpointStatus']}; waiting for it to settle")
        try:
            _wait(sagemaker, "endpoint_in_service", endpoint, settings)
        except DeployError as error:
            log(str(error))
        current = describe(sagemaker.describe_endpoint, EndpointName=endpoint)

    if current is not None and current.get("EndpointStatus") == "Failed":
        # A Failed endpoint serves nothing and cannot be updated: replace it.
        log(
            f"endpoint {endpoint} is Failed ({current.get('FailureReason', 'no reason given')}); deleting it to recreate it"
        )
        sagemaker.delete_endpoint(EndpointName=endpoint)
        _wait(sagemaker, "endpoint_deleted", endpoint, settings)
        current, action_if_created = None, "recreated"
    else:
        action_if_created = "created"

    if current is None:
        sagemaker.create_endpoint(EndpointName=endpoint, EndpointConfigName=name, Tags=config_request["Tags"])
        action = action_if_created
    elif current.get("EndpointConfigName") == name:
        action = "unchanged"
    else:
        if autoscaling is not None and stop_scaling(autoscaling, endpoint):
            log(f"endpoint {endpoint}: auto scaling deregistered for the update")
        sagemaker.update_endpoint(EndpointName=endpoint, EndpointConfigName=name)
        # AddTags replaces the value of an existing key: the endpoint's tag follows the deployment.
        sagemaker.add_tags(ResourceArn=current["EndpointArn"], Tags=[{"Key": PACKAGE_TAG, "Value": package.arn}])
        action = "updated"
    log(f"endpoint {endpoint}: {action} (configuration {name}); waiting for InService")

    _wait(sagemaker, "endpoint_in_service", endpoint, settings)
    serving = (describe(sagemaker.describe_endpoint, EndpointName=endpoint) or {}).get("EndpointConfigName")
    if serving != name:
        # An update that fails is rolled back by SageMaker to the previous configuration.
        raise DeployError(
            f"endpoint {endpoint} is InService but serves configuration {serving}, not {name}: "
            "SageMaker rolled the update back; see the endpoint's events and CloudWatch logs"
        )
    return DeploymentResult(endpoint, name, name, package.arn, action)


def deployed_package_arn(sagemaker: Any, target: Target) -> str | None:
    """The package the stage's endpoint serves, from its configuration's tag; None if no endpoint."""
    endpoint = describe(sagemaker.describe_endpoint, EndpointName=target.endpoint_name)
    if endpoint is None:
        return None
    config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    return package_tag(sagemaker, config["EndpointConfigArn"])


def package_tag(sagemaker: Any, arn: str) -> str | None:
    """The lineage tag ``model-package-arn`` of a SageMaker resource; None without it."""
    tags = sagemaker.list_tags(ResourceArn=arn).get("Tags", [])
    return next((tag["Value"] for tag in tags if tag["Key"] == PACKAGE_TAG), None)


def resolve_package(registry: Any, target: Target, arn: str | None) -> ModelPackage:
    """The package to deploy: the given one if it is Approved, else the newest Approved one."""
    if arn is None:
        latest = latest_approved(registry, target)
        if latest is None:
            raise UsageError(f"no Approved model package in {target.group_arn}: approve one in the dev registry first")
        arn = latest.arn
    else:
        parse_package_arn(target, arn)
    package = describe_package(registry, target, arn)
    if package.status != APPROVED:
        raise UsageError(
            f"--model-package-arn {arn} is {package.status or 'of unknown status'}; only Approved packages are deployed"
        )
    return package


def verified_package(clients: cli.Clients, target: Target, package_arn: str | None, log: Log) -> ModelPackage:
    """The package to deploy, once its archive is still the one registered."""
    package = resolve_package(clients.registry, target, package_arn)
    archive = verify_artifact(clients.artifacts, package)
    log(
        f"deploying {package.arn} (version {package.version}, archive SHA-256 {archive} as registered) to {target.stage}"
    )
    return package


def run_deploy(
    clients: cli.Clients, target: Target, package_arn: str | None, settings: DeploySettings, log: Log = print
) -> DeploymentResult:
    contract = read_stage_contract(clients.ssm, target)
    package = verified_package(clients, target, package_arn, log)
    return deploy_package(clients.sagemaker, target, contract, package, settings, log)


def deploy_parser(doc: str | None) -> argparse.ArgumentParser:
    """The command line of a deploying command: the target, the package, the deployment settings."""
    parser = cli.parser(doc)
    cli.add_target_arguments(parser)
    parser.add_argument(
        "--model-package-arn", help="an Approved package of <prefix>-dev-<project> (default: the newest Approved)"
    )
    cli.add_deploy_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None, clients: cli.Clients | None = None) -> int:
    parser = deploy_parser(__doc__)

    def run(args: Any) -> None:
        target = cli.target_from_args(args)
        result = run_deploy(
            clients or cli.default_clients(target.region), target, args.model_package_arn, cli.settings_from_args(args)
        )
        print(f"{result.endpoint_name} serves {result.package_arn} ({result.action})")

    return cli.run(parser, argv, run)
