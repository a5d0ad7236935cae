"""An endpoint that is watched: what a deployment sets up once its endpoint passed its test.

- **Scaling**: the variant is a scalable target (``sagemaker:variant:DesiredInstanceCount``, min and max
  instances) with a target-tracking policy on ``SageMakerVariantInvocationsPerInstance``.
- **Alarms** to the stage's alerts topic: ``Invocation5XXErrors`` (sum over 5 minutes), ``ModelLatency``
  (average over 5 minutes) and the largest ``feature_baseline_drift_<feature>`` Model Monitor publishes
  for the endpoint's schedule (metric math over every feature).
- **Data-quality baseline**: a processing job with the Model Monitor analyzer image on the training
  features (``data/baseline.csv``: the model-build split's train rows without ``Rings``), uploaded to
  ``monitoring/<project>/<deployment>/`` of the data-capture bucket; it writes ``statistics.json`` and
  ``constraints.json`` beside it.
- **Monitoring schedule** ``<endpoint>-data-quality`` on the endpoint's captured data, through a
  data-quality job definition of the deployment (its baseline, the monitoring role, the hosting network,
  the endpoint key); reports go to ``monitoring/<project>/reports/``.

Everything is named after the endpoint or the deployment (whose name carries its digest): a second
run finds it and changes nothing; a rollback points the schedule at the earlier deployment's job
definition and deletes the others. ``remove_monitoring`` undoes all of it before an endpoint is deleted.
The settings (schedule, thresholds, scaling) and the topic, role and image come from the stage
contract (``/<prefix>/<stage>/monitoring/…``), published by the hosting stack from env.yaml.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from abalone_deploy.endpoint_test import FEATURE_COLUMNS
from abalone_deploy.lookups import describe
from abalone_deploy.names import MAX_RESOURCE_NAME, Target, UsageError
from abalone_deploy.settings import DeploySettings
from abalone_deploy.stage_contract import ContractError, StageContract, read_parameters

Log = Callable[[str], None]

VARIANT_NAME = "AllTraffic"  # the endpoint configuration's one production variant (deploy.py)
SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
DRIFT_NAMESPACE = "aws/sagemaker/Endpoints/data-metrics"
PROCESSING_ROOT = "/opt/ml/processing"
ANALYZER_INPUT = f"{PROCESSING_ROOT}/input/baseline_dataset_input"
ANALYZER_OUTPUT = f"{PROCESSING_ROOT}/output"
MONITORING_INSTANCE_TYPE = "ml.m5.large"
BASELINE_FILE = "baseline.csv"
FINISHED = {"Completed", "Failed", "Stopped"}

PARAMETER_NAMES = {
    "alerts_topic_arn": "monitoring/alerts-topic-arn",
    "monitor_role_arn": "monitoring/monitor-role-arn",
    "analyzer_image_uri": "monitoring/analyzer-image-uri",
    "settings": "monitoring/settings",
}


class MonitoringError(RuntimeError):
    """The endpoint could not be put under watch (the message says which step and why)."""


@dataclass(frozen=True)
class MonitoringSettings:
    schedule_expression: str
    max_5xx_errors: int
    max_model_latency_ms: int
    max_feature_drift: float
    min_instances: int
    max_instances: int
    target_invocations_per_instance: int


@dataclass(frozen=True)
class MonitoringContract:
    alerts_topic_arn: str
    monitor_role_arn: str
    analyzer_image_uri: str
    settings: MonitoringSettings


def parse_settings(text: str, where: str) -> MonitoringSettings:
    """monitoring/settings as the hosting stack writes it (env.yaml monitoring, validated there)."""
    try:
        raw = json.loads(text)
        settings = MonitoringSettings(
            schedule_expression=str(raw["schedule_expression"]),
            max_5xx_errors=int(raw["alarms"]["max_5xx_errors"]),
            max_model_latency_ms=int(raw["alarms"]["max_model_latency_ms"]),
            max_feature_drift=float(raw["alarms"]["max_feature_drift"]),
            min_instances=int(raw["scaling"]["min_instances"]),
            max_instances=int(raw["scaling"]["max_instances"]),
            target_invocations_per_instance=int(raw["scaling"]["target_invocations_per_instance"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ContractError(
            f"{where} is not the monitoring settings the hosting stack writes ({error!r}); re-apply the hosting stack"
        ) from None
    if not 1 <= settings.min_instances <= settings.max_instances:
        raise ContractError(f"{where}: scaling needs 1 <= min_instances <= max_instances; re-apply the hosting stack")
    return settings


def read_monitoring_contract(ssm: Any, target: Target) -> MonitoringContract:
    raw = read_parameters(ssm, target, PARAMETER_NAMES)
    where = f"/{target.prefix}/{target.stage}/{PARAMETER_NAMES['settings']}"
    return MonitoringContract(
        alerts_topic_arn=raw["alerts_topic_arn"],
        monitor_role_arn=raw["monitor_role_arn"],
        analyzer_image_uri=raw["analyzer_image_uri"],
        settings=parse_settings(raw["settings"], where),
    )


# --- names ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchNames:
    """Every name of an endpoint's monitoring; all start with ``<prefix>-<stage>-<project>-``."""

    endpoint: str
    deployment: str  # the deployment's model / endpoint configuration name (it carries the digest)

    @property
    def scaling_resource_id(self) -> str:
        return f"endpoint/{self.endpoint}/variant/{VARIANT_NAME}"

    @property
    def scaling_policy(self) -> str:
        return f"{self.endpoint}-invocations"

    @property
    def alarms(self) -> tuple[str, str, str]:
        return (f"{self.endpoint}-5xx-errors", f"{self.endpoint}-model-latency", f"{self.endpoint}-feature-drift")

    @property
    def schedule(self) -> str:
        return f"{self.endpoint}-data-quality"

    @property
    def baseline_job(self) -> str:
        return _fits(f"{self.deployment}-baseline")

    @property
    def job_definition(self) -> str:
        return _fits(f"{self.deployment}-dq")


def _fits(name: str) -> str:
    if len(name) > MAX_RESOURCE_NAME:
        raise UsageError(f"name {name!r} is {len(name)} characters, SageMaker allows {MAX_RESOURCE_NAME}")
    return name


def _monitoring_uri(contract: StageContract, target: Target, *parts: str) -> str:
    return "/".join([f"s3://{contract.data_capture_bucket}/monitoring/{target.project}", *parts]) + "/"


# --- scaling -----------------------------------------------------------------------------------


def scale(autoscaling: Any, names: WatchNames, settings: MonitoringSettings) -> None:
    """Register the variant and put its target-tracking policy (both are upserts)."""
    autoscaling.register_scalable_target(
        ServiceNamespace="sagemaker",
        ResourceId=names.scaling_resource_id,
        ScalableDimension=SCALABLE_DIMENSION,
        MinCapacity=settings.min_instances,
        MaxCapacity=settings.max_instances,
    )
    autoscaling.put_scaling_policy(
        PolicyName=names.scaling_policy,
        ServiceNamespace="sagemaker",
        ResourceId=names.scaling_resource_id,
        ScalableDimension=SCALABLE_DIMENSION,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": float(settings.target_invocations_per_instance),
            "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
            "ScaleInCooldown": 300,
            "ScaleOutCooldown": 60,
        },
    )


def stop_scaling(autoscaling: Any, endpoint: str) -> bool:
    """Deregister the variant (its policies go with it), as SageMaker requires before an endpoint
    with auto scaling is updated or deleted; False if it was not registered."""
    names = WatchNames(endpoint, "")
    registered = autoscaling.describe_scalable_targets(
        ServiceNamespace="sagemaker", ResourceIds=[names.scaling_resource_id], ScalableDimension=SCALABLE_DIMENSION
    ).get("ScalableTargets", [])
    if not registered:
        return False
    autoscaling.deregister_scalable_target(
        ServiceNamespace="sagemaker", ResourceId=names.scaling_resource_id, ScalableDimension=SCALABLE_DIMENSION
    )
    return True


# --- alarms ------------------------------------------------------------------------------------


def alarm_requests(names: WatchNames, topic: str, settings: MonitoringSettings) -> list[dict[str, Any]]:
    """The three PutMetricAlarm requests (an existing alarm of the name is replaced: an upsert)."""
    endpoint_dimensions = [
        {"Name": "EndpointName", "Value": names.endpoint},
        {"Name": "VariantName", "Value": VARIANT_NAME},
    ]
    common = {
        "AlarmActions": [topic],
        "OKActions": [topic],
        "ComparisonOperator": "GreaterThanThreshold",
        "EvaluationPeriods": 1,
        "TreatMissingData": "notBreaching",
    }
    drift_dimensions = [
        {"Name": "Endpoint", "Value": names.endpoint},
        {"Name": "MonitoringSchedule", "Value": names.schedule},
    ]
    features: list[dict[str, Any]] = [
        {
            "Id": f"f{index}",
            "ReturnData": False,
            "MetricStat": {
                "Metric": {
                    "Namespace": DRIFT_NAMESPACE,
                    "MetricName": f"feature_baseline_drift_{feature}",
                    "Dimensions": drift_dimensions,
                },
                "Period": 3600,
                "Stat": "Maximum",
            },
        }
        for index, feature in enumerate(FEATURE_COLUMNS)
    ]
    largest = {
        "Id": "drift",
        "Expression": f"MAX([{', '.join(m['Id'] for m in features)}])",
        "Label": "largest feature drift",
        "ReturnData": True,
    }
    errors, latency, drift = names.alarms
    return [
        common
        | {
            "AlarmName": errors,
            "AlarmDescription": f"{names.endpoint}: more than {settings.max_5xx_errors} 5xx errors in 5 minutes",
            "Namespace": "AWS/SageMaker",
            "MetricName": "Invocation5XXErrors",
            "Dimensions": endpoint_dimensions,
            "Statistic": "Sum",
            "Period": 300,
            "Threshold": float(settings.max_5xx_errors),
        },
        common
        | {
            "AlarmName": latency,
            "AlarmDescription": f"{names.endpoint}: average model latency above {settings.max_model_latency_ms} ms",
            "Namespace": "AWS/SageMaker",
            "MetricName": "ModelLatency",
            "Dimensions": endpoint_dimensions,
            "Statistic": "Average",
            "Period": 300,
            "Threshold": float(settings.max_model_latency_ms * 1000),  # ModelLatency is in microseconds
        },
        common
        | {
            "AlarmName": drift,
            "AlarmDescription": f"{names.endpoint}: a feature drifted more than {settings.max_feature_drift} from the baseline",
            "Metrics": [largest, *features],
            "Threshold": settings.max_feature_drift,
        },
    ]


# --- baseline ----------------------------------------------------------------------------------


def baseline_data() -> bytes:
    return resources.files("abalone_deploy").joinpath(f"data/{BASELINE_FILE}").read_bytes()


def baseline_job_request(
    names: WatchNames, target: Target, contract: StageContract, watch: MonitoringContract
) -> dict[str, Any]:
    data = _monitoring_uri(contract, target, names.deployment, "baseline-data")
    return {
        "ProcessingJobName": names.baseline_job,
        "RoleArn": watch.monitor_role_arn,
        "AppSpecification": {"ImageUri": watch.analyzer_image_uri},
        "Environment": {
            "dataset_format": json.dumps({"csv": {"header": True, "output_columns_position": "START"}}),
            "dataset_source": ANALYZER_INPUT,
            "output_path": ANALYZER_OUTPUT,
            "publish_cloudwatch_metrics": "Disabled",
        },
        "ProcessingInputs": [
            {
                "InputName": "baseline_dataset_input",
                "S3Input": {
                    "S3Uri": data,
                    "LocalPath": ANALYZER_INPUT,
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                },
            }
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "monitoring_output",
                    "S3Output": {
                        "S3Uri": _monitoring_uri(contract, target, names.deployment, "baseline"),
                        "LocalPath": ANALYZER_OUTPUT,
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ],
            "KmsKeyId": contract.endpoint_key_arn,
        },
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": MONITORING_INSTANCE_TYPE,
                "VolumeSizeInGB": 20,
                "VolumeKmsKeyId": contract.endpoint_key_arn,
            }
        },
        "NetworkConfig": _network(contract),
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "Tags": [{"Key": "project", "Value": target.project}, {"Key": "stage", "Value": target.stage}],
    }


def _network(contract: StageContract) -> dict[str, Any]:
    return {
        "EnableNetworkIsolation": True,
        "EnableInterContainerTrafficEncryption": True,
        "VpcConfig": {"Subnets": list(contract.subnet_ids), "SecurityGroupIds": [contract.security_group_id]},
    }


def _wait_for_job(sagemaker: Any, name: str, settings: DeploySettings) -> dict[str, Any]:
    for _ in range(settings.wait_max_attempts):
        job = sagemaker.describe_processing_job(ProcessingJobName=name)
        if job["ProcessingJobStatus"] in FINISHED:
            return dict(job)
        time.sleep(settings.wait_delay_seconds)
    raise MonitoringError(f"baseline job {name} did not finish after {settings.wait_max_attempts} checks")


def make_baseline(
    clients: Any,
    names: WatchNames,
    target: Target,
    contract: StageContract,
    watch: MonitoringContract,
    settings: DeploySettings,
) -> str:
    """The deployment's baseline (run once; its job name carries the digest); returns its S3 prefix."""
    request = baseline_job_request(names, target, contract, watch)
    output = str(request["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"])
    if describe(clients.sagemaker.describe_processing_job, ProcessingJobName=names.baseline_job) is None:
        data = request["ProcessingInputs"][0]["S3Input"]["S3Uri"]
        clients.stage_s3.put_object(
            Bucket=contract.data_capture_bucket,
            Key=data.split("/", 3)[3] + BASELINE_FILE,
            Body=baseline_data(),
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=contract.endpoint_key_arn,
        )
        clients.sagemaker.create_processing_job(**request)
    job = _wait_for_job(clients.sagemaker, names.baseline_job, settings)
    if job["ProcessingJobStatus"] != "Completed":
        raise MonitoringError(
            f"baseline job {names.baseline_job} is {job['ProcessingJobStatus']}: {job.get('FailureReason', 'no reason given')}"
        )
    return output


# --- schedule ----------------------------------------------------------------------------------


def job_definition_request(
    names: WatchNames, target: Target, contract: StageContract, watch: MonitoringContract, baseline: str
) -> dict[str, Any]:
    return {
        "JobDefinitionName": names.job_definition,
        "DataQualityBaselineConfig": {
            "ConstraintsResource": {"S3Uri": baseline + "constraints.json"},
            "StatisticsResource": {"S3Uri": baseline + "statistics.json"},
        },
        "DataQualityAppSpecification": {
            "ImageUri": watch.analyzer_image_uri,
            "Environment": {"publish_cloudwatch_metrics": "Enabled"},
        },
        "DataQualityJobInput": {
            "EndpointInput": {
                "EndpointName": names.endpoint,
                "LocalPath": f"{PROCESSING_ROOT}/input/endpoint",
                "S3InputMode": "File",
                "S3DataDistributionType": "FullyReplicated",
            }
        },
        "DataQualityJobOutputConfig": {
            "MonitoringOutputs": [
                {
                    "S3Output": {
                        "S3Uri": _monitoring_uri(contract, target, "reports"),
                        "LocalPath": f"{PROCESSING_ROOT}/output",
                        "S3UploadMode": "EndOfJob",
                    }
                }
            ],
            "KmsKeyId": contract.endpoint_key_arn,
        },
        "JobResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": MONITORING_INSTANCE_TYPE,
                "VolumeSizeInGB": 20,
                "VolumeKmsKeyId": contract.endpoint_key_arn,
            }
        },
        "NetworkConfig": _network(contract),
        "RoleArn": watch.monitor_role_arn,
        "StoppingCondition": {"MaxRuntimeInSeconds": 1800},
        "Tags": [{"Key": "project", "Value": target.project}, {"Key": "stage", "Value": target.stage}],
    }


def schedule_config(names: WatchNames, settings: MonitoringSettings) -> dict[str, Any]:
    return {
        "ScheduleConfig": {"ScheduleExpression": settings.schedule_expression},
        "MonitoringJobDefinitionName": names.job_definition,
        "MonitoringType": "DataQuality",
    }


def put_schedule(sagemaker: Any, names: WatchNames, config: dict[str, Any]) -> str:
    """Create the endpoint's schedule or point it at this deployment; says what it did."""
    current = describe(sagemaker.describe_monitoring_schedule, MonitoringScheduleName=names.schedule)
    if current is None:
        sagemaker.create_monitoring_schedule(MonitoringScheduleName=names.schedule, MonitoringScheduleConfig=config)
        return "created"
    have = current.get("MonitoringScheduleConfig", {})
    if (have.get("MonitoringJobDefinitionName"), have.get("ScheduleConfig")) == (
        config["MonitoringJobDefinitionName"],
        config["ScheduleConfig"],
    ):
        return "unchanged"
    sagemaker.update_monitoring_schedule(MonitoringScheduleName=names.schedule, MonitoringScheduleConfig=config)
    return "updated"


def _job_definitions(sagemaker: Any, endpoint: str) -> list[str]:
    """The data-quality job definitions of ``endpoint`` (each described: another project's endpoint
    may share the name's start)."""
    listed = sagemaker.list_data_quality_job_definitions(
        EndpointName=endpoint, NameContains=endpoint, MaxResults=100
    ).get("JobDefinitionSummaries", [])
    names = [
        d["MonitoringJobDefinitionName"] for d in listed if d["MonitoringJobDefinitionName"].startswith(f"{endpoint}-")
    ]
    return [
        name
        for name in names
        if sagemaker.describe_data_quality_job_definition(JobDefinitionName=name)["DataQualityJobInput"][
            "EndpointInput"
        ]["EndpointName"]
        == endpoint
    ]


def delete_job_definitions(sagemaker: Any, endpoint: str, keep: str | None = None) -> list[str]:
    """The endpoint's data-quality job definitions other than ``keep``, deleted."""
    deleted = []
    for name in _job_definitions(sagemaker, endpoint):
        if name != keep:
            sagemaker.delete_data_quality_job_definition(JobDefinitionName=name)
            deleted.append(name)
    return deleted


# --- the whole ---------------------------------------------------------------------------------


def watch_endpoint(
    clients: Any,
    target: Target,
    contract: StageContract,
    deployment: str,
    settings: DeploySettings = DeploySettings(),
    log: Log = print,
) -> WatchNames:
    """Scaling, alarms, baseline and schedule of the endpoint serving ``deployment``."""
    watch = read_monitoring_contract(clients.ssm, target)
    names = WatchNames(target.endpoint_name, deployment)
    scale(clients.autoscaling, names, watch.settings)
    for request in alarm_requests(names, watch.alerts_topic_arn, watch.settings):
        clients.cloudwatch.put_metric_alarm(**request)
    baseline = make_baseline(clients, names, target, contract, watch, settings)
    if describe(clients.sagemaker.describe_data_quality_job_definition, JobDefinitionName=names.job_definition) is None:
        clients.sagemaker.create_data_quality_job_definition(
            **job_definition_request(names, target, contract, watch, baseline)
        )
    action = put_schedule(clients.sagemaker, names, schedule_config(names, watch.settings))
    retired = delete_job_definitions(clients.sagemaker, names.endpoint, keep=names.job_definition)
    log(
        f"{names.endpoint} watched: scaling {watch.settings.min_instances}-{watch.settings.max_instances} instances, "
        f"alarms {', '.join(names.alarms)} to {watch.alerts_topic_arn}, baseline {baseline}, "
        f"schedule {names.schedule} {action} ({watch.settings.schedule_expression})"
        + (f", retired {', '.join(retired)}" if retired else "")
    )
    return names


def remove_monitoring(clients: Any, target: Target, log: Log = print) -> None:
    """Everything ``watch_endpoint`` created for the endpoint, deleted (before the endpoint is)."""
    names = WatchNames(target.endpoint_name, "")
    if describe(clients.sagemaker.describe_monitoring_schedule, MonitoringScheduleName=names.schedule) is not None:
        clients.sagemaker.delete_monitoring_schedule(MonitoringScheduleName=names.schedule)
    deleted = delete_job_definitions(clients.sagemaker, names.endpoint)
    clients.cloudwatch.delete_alarms(AlarmNames=list(names.alarms))
    stop_scaling(clients.autoscaling, names.endpoint)
    log(f"{names.endpoint}: schedule, job definitions {deleted}, alarms and scaling removed")


def publish_result(clients: Any, target: Target, result: str, message: str, package_arn: str | None) -> str | None:
    """The deployment's result on the stage's alerts topic; None (and nothing sent) without a contract."""
    try:
        topic = read_parameters(clients.ssm, target, {"topic": PARAMETER_NAMES["alerts_topic_arn"]})["topic"]
    except ContractError:
        return None
    body = {
        "endpoint": target.endpoint_name,
        "stage": target.stage,
        "project": target.project,
        "result": result,
        "model_package_arn": package_arn,
        "message": message,
    }
    subject = f"{target.endpoint_name}: deployment {result}"[:100]
    return str(clients.sns.publish(TopicArn=topic, Subject=subject, Message=json.dumps(body))["MessageId"])
