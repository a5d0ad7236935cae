"""Three emulated accounts (moto): dev holds the registry, staging and prod host endpoints.

Each account is reached through ``sts.assume_role`` into ``arn:aws:iam::<account>:role/x``: moto
maps the returned access key to that account, so resources created with one account's clients
are invisible to the others'. moto keeps each account's registry to itself, so the "cross-account
read through the group policy" is modelled by handing the dev account's SageMaker client to the
code as its registry client — which is what that read amounts to.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from abalone_deploy.clients import Clients
from abalone_deploy.names import Target, make_target
from abalone_deploy.registry import MODEL_DIGEST_KEY
from abalone_deploy.settings import DeploySettings

REGION = "eu-west-1"
PREFIX = "mlops"
PROJECT = "abalone"
ACCOUNTS = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333"}
IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
MODELS_BUCKET = f"mlops-dev-models-{ACCOUNTS['dev']}"
# Instant waiters: moto's endpoints are InService at once.
FAST = DeploySettings(wait_delay_seconds=0, wait_max_attempts=2)


def contract_values(stage: str) -> dict[str, str]:
    """What the hosting stack publishes under /<prefix>/<stage>/ of the stage's account."""
    account = ACCOUNTS[stage]
    return {
        "network/private-subnet-ids": f"subnet-{stage}a,subnet-{stage}b",
        "network/sagemaker-security-group-id": f"sg-{stage}",
        "kms/endpoint-key-arn": f"arn:aws:kms:{REGION}:{account}:key/{account[:8]}-0000-0000-0000-000000000000",
        "storage/data-capture-bucket": f"mlops-{stage}-data-capture-{account}",
        "hosting/model-execution-role-arn": f"arn:aws:iam::{account}:role/mlops-{stage}-model-execution",
        f"hosting/projects/{PROJECT}/deploy-role-arn": f"arn:aws:iam::{account}:role/mlops-{stage}-{PROJECT}-deploy",
        f"hosting/projects/{PROJECT}/serving": "realtime",
        "monitoring/alerts-topic-arn": f"arn:aws:sns:{REGION}:{account}:mlops-{stage}-model-alerts",
        "monitoring/monitor-role-arn": f"arn:aws:iam::{account}:role/mlops-{stage}-model-monitor",
        "monitoring/analyzer-image-uri": ANALYZER_IMAGE,
        "monitoring/settings": json.dumps(MONITORING_SETTINGS),
    }


ANALYZER_IMAGE = "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
MONITORING_SETTINGS = {
    "schedule_expression": "cron(0 * ? * * *)",
    "alarms": {"max_5xx_errors": 5, "max_model_latency_ms": 500, "max_feature_drift": 0.2},
    "scaling": {"min_instances": 1, "max_instances": 3, "target_invocations_per_instance": 100},
}


def monitoring_schedule_shims() -> dict[str, Any]:
    """Create/Describe/Update/DeleteMonitoringSchedule, which moto 5.2.5 lacks: kept in a dict per
    account and region, ResourceNotFound for an unknown name (the platform's emulator checks more)."""
    from moto.core.responses import ActionResult, EmptyResult
    from moto.sagemaker.exceptions import ResourceNotFound

    schedules: dict[tuple[str, str, str], dict[str, Any]] = {}

    def key(self: Any) -> tuple[str, str, str]:
        return self.current_account, self.region, self._get_param("MonitoringScheduleName")

    def found(self: Any) -> dict[str, Any]:
        if key(self) not in schedules:
            raise ResourceNotFound(f"Monitoring schedule {key(self)[2]} does not exist")
        return schedules[key(self)]

    def create(self: Any) -> Any:
        account, region, name = key(self)
        arn = f"arn:aws:sagemaker:{region}:{account}:monitoring-schedule/{name}"
        schedules[key(self)] = {
            "MonitoringScheduleArn": arn,
            "MonitoringScheduleName": name,
            "MonitoringScheduleStatus": "Scheduled",
            "MonitoringScheduleConfig": self._get_param("MonitoringScheduleConfig"),
        }
        return ActionResult({"MonitoringScheduleArn": arn})

    def update(self: Any) -> Any:
        found(self)["MonitoringScheduleConfig"] = self._get_param("MonitoringScheduleConfig")
        return ActionResult({"MonitoringScheduleArn": found(self)["MonitoringScheduleArn"]})

    def delete(self: Any) -> Any:
        found(self)
        del schedules[key(self)]
        return EmptyResult()

    return {
        "create_monitoring_schedule": create,
        "describe_monitoring_schedule": lambda self: ActionResult(found(self)),
        "update_monitoring_schedule": update,
        "delete_monitoring_schedule": delete,
    }


def update_endpoint_shim(self: Any) -> Any:
    """UpdateEndpoint, which moto 5.2.5 lacks: the endpoint switches to the new configuration at once."""
    from moto.core.responses import ActionResult

    backend = self.sagemaker_backend
    endpoint = backend.endpoints[self._get_param("EndpointName")]
    config = backend.describe_endpoint_config(self._get_param("EndpointConfigName"))
    endpoint.endpoint_config_name = config["EndpointConfigName"]
    endpoint.production_variants = endpoint._process_production_variants(config["ProductionVariants"])
    endpoint.data_capture_config = config.get("DataCaptureConfig")
    return ActionResult({"EndpointArn": endpoint.arn})


def keeping_customer_metadata(update: Any) -> Any:
    """UpdateModelPackage as on AWS: moto 5.2.5 replaces the package's customer metadata with the
    request's (None without any), so an approval would wipe the digest the registration recorded."""

    def update_model_package(
        self: Any, model_package_arn: str, customer_metadata_properties: Any = None, **others: Any
    ) -> Any:
        package = self.model_packages.get(self.model_package_name_mapping.get(model_package_arn, model_package_arn))
        kept = dict(getattr(package, "customer_metadata_properties", None) or {})
        return update(
            self,
            model_package_arn=model_package_arn,
            customer_metadata_properties={**kept, **(customer_metadata_properties or {})},
            **others,
        )

    return update_model_package


def tags_replacing_values(self: Any, arn: str, tags: list[dict[str, str]]) -> list[dict[str, str]]:
    """AddTags as on AWS: a key already on the resource gets the new value (moto 5.2.5 appends a
    second tag of that key, and ListTags then answers both)."""
    resource = self._get_resource_from_arn(arn)
    for tag in tags:
        resource.tags = [old for old in resource.tags if old["Key"] != tag["Key"]] + [tag]
    return list(resource.tags)


_SESSION: list[Any] = []


def shared_session() -> Any:
    """One boto3 session for every test: its loader parses each service model once (a fresh session
    per account and test cost about a second per test). Clients get their account's credentials."""
    if not _SESSION:
        import boto3

        _SESSION.append(boto3.Session(region_name=REGION))
    return _SESSION[0]


@dataclass
class World:
    """The emulated accounts, with functions to register packages and script the endpoint's answers."""

    credentials: dict[str, dict[str, str]]  # stage -> assumed-role credentials of its account
    calls: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)

    def client(self, stage: str, service: str) -> Any:
        return shared_session().client(service, region_name=REGION, **self.credentials[stage])

    @property
    def dev(self) -> Any:
        return self.client("dev", "sagemaker")

    def target(self, stage: str) -> Target:
        return make_target(PREFIX, stage, PROJECT, ACCOUNTS["dev"], REGION)

    def clients(self, stage: str) -> Clients:
        """Clients of a stage account, recording every SageMaker call it makes there."""
        sagemaker = self.client(stage, "sagemaker")
        record = self.calls.setdefault(stage, [])
        sagemaker.meta.events.register(
            "provide-client-params.sagemaker.*",
            lambda params, model, **_: record.append((model.name, dict(params))),
        )
        return Clients(
            sagemaker=sagemaker,
            runtime=self.client(stage, "sagemaker-runtime"),
            ssm=self.client(stage, "ssm"),
            registry=self.dev,
            artifacts=self.client("dev", "s3"),
            autoscaling=self.client(stage, "application-autoscaling"),
            cloudwatch=self.client(stage, "cloudwatch"),
            sns=self.client(stage, "sns"),
            stage_s3=self.client(stage, "s3"),
            scheduler=self.client(stage, "scheduler"),
        )

    def writes(self, stage: str) -> list[str]:
        return [name for name, _ in self.calls.get(stage, []) if not name.startswith(("Describe", "List"))]

    def seed_contract(self, stage: str, values: dict[str, str] | None = None) -> None:
        ssm = self.client(stage, "ssm")
        for name, value in (contract_values(stage) if values is None else values).items():
            kind = "StringList" if name == "network/private-subnet-ids" else "String"
            ssm.put_parameter(Name=f"/{PREFIX}/{stage}/{name}", Value=value, Type=kind)

    def create_stage_resources(self, stage: str) -> None:
        """The alerts topic and data-capture bucket the hosting stack creates."""
        self.client(stage, "sns").create_topic(Name=f"mlops-{stage}-model-alerts")
        self.client(stage, "s3").create_bucket(
            Bucket=contract_values(stage)["storage/data-capture-bucket"],
            CreateBucketConfiguration={"LocationConstraint": REGION},
        )

    def create_group(self) -> None:
        self.dev.create_model_package_group(ModelPackageGroupName=f"{PREFIX}-dev-{PROJECT}")

    def register(self, status: str = "PendingManualApproval", containers: int = 1) -> str:
        """A package as the build pipeline registers it, then set to ``status`` as a lead would."""
        run = (
            len(
                self.dev.list_model_packages(ModelPackageGroupName=f"{PREFIX}-dev-{PROJECT}")["ModelPackageSummaryList"]
            )
            + 1
        )
        key = f"{PROJECT}/runs/r{run}/model.tar.gz"
        archive = f"model archive of run {run}".encode()
        s3 = self.client("dev", "s3")
        if MODELS_BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
            s3.create_bucket(Bucket=MODELS_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket=MODELS_BUCKET, Key=key, Body=archive)
        container = {"Image": IMAGE, "ModelDataUrl": f"s3://{MODELS_BUCKET}/{key}"}
        arn = self.dev.create_model_package(
            ModelPackageGroupName=f"{PREFIX}-dev-{PROJECT}",
            ModelApprovalStatus="PendingManualApproval",
            CustomerMetadataProperties={MODEL_DIGEST_KEY: hashlib.sha256(archive).hexdigest()},
            InferenceSpecification={
                "Containers": [container] * containers,
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
        )["ModelPackageArn"]
        if status != "PendingManualApproval":
            self.set_status(arn, status)
        return arn

    def set_status(self, arn: str, status: str) -> None:
        self.dev.update_model_package(ModelPackageArn=arn, ModelApprovalStatus=status)

    def delete_package(self, arn: str) -> None:
        """DeleteModelPackage, which moto 5.2.5 lacks: the package is gone from the dev registry.
        Register no package after this: moto numbers a new version by counting the group's packages."""
        from moto.sagemaker.models import sagemaker_backends

        del sagemaker_backends[ACCOUNTS["dev"]][REGION].model_packages[arn]

    def answer(self, stage: str, *bodies: str) -> None:
        """Queue what the stage's endpoint answers to its next invocations (moto's canned results)."""
        from moto.sagemakerruntime.models import sagemakerruntime_backends

        queue = sagemakerruntime_backends[ACCOUNTS[stage]][REGION].results_queue
        queue.extend((body, "text/csv", "AllTraffic", "") for body in bodies)

    def endpoint_config(self, stage: str) -> dict[str, Any]:
        sagemaker = self.client(stage, "sagemaker")
        endpoint = sagemaker.describe_endpoint(EndpointName=f"{PREFIX}-{stage}-{PROJECT}")
        return sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])


GOOD_ANSWER = "9.8,11.2,7.4,10.9,9.1"  # five predictions for the five sample rows
