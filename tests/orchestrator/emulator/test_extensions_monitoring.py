"""Model Monitor in the emulator: the analyzer's baseline of a CSV dataset, a baseline processing job run
as its role (and failed when SageMaker may not use the role), monitoring schedules with SageMaker's
checks, and how the monitoring calls are authorized (alarms by ARN, the job keys and networks)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from orchestrator.emulator.authorization.actions import Where, checks_for
from orchestrator.emulator.authorization.calls import Call
from orchestrator.emulator.extensions.monitoring import analyze_directory, baseline, is_analyzer_image
from tests.orchestrator.emulator.inprocess import REGION, serving, session

ACCOUNT = "222222222222"
BUCKET = f"capture-{ACCOUNT}"
ANALYZER = "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
TRUST_SAGEMAKER = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def test_the_baseline_has_the_analyzers_statistics_and_constraints() -> None:
    statistics, constraints = baseline([["1", "0.5", "a"], ["3", "", "b"], ["2", "1.5", "a"]], ["n", "x", "s"])
    assert statistics["dataset"] == {"item_count": 3}
    n, x, s = statistics["features"]
    assert (n["inferred_type"], x["inferred_type"], s["inferred_type"]) == ("Integral", "Fractional", "String")
    assert n["numerical_statistics"]["mean"] == 2.0 and n["numerical_statistics"]["min"] == 1.0
    assert x["numerical_statistics"]["common"] == {"num_present": 2, "num_missing": 1}
    assert sum(b["count"] for b in x["numerical_statistics"]["distribution"]["kll"]["buckets"]) == 2
    assert s["string_statistics"]["distinct_count"] == 2.0
    assert [(c["name"], c["completeness"]) for c in constraints["features"]] == [("n", 1.0), ("x", 2 / 3), ("s", 1.0)]
    assert constraints["features"][0]["num_constraints"] == {"is_non_negative": True}
    assert constraints["monitoring_config"]["distribution_constraints"]["perform_comparison"] == "Enabled"


def test_a_dataset_the_analyzer_cannot_read_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "data.csv").write_text("a,b\n1,2\n3\n")
    with pytest.raises(ValueError, match="do not have 2 columns"):
        analyze_directory(tmp_path / "in", tmp_path / "out", {"dataset_format": '{"csv": {"header": true}}'})
    with pytest.raises(ValueError, match="CSV datasets only"):
        analyze_directory(tmp_path / "in", tmp_path / "out", {"dataset_format": '{"json": {}}'})
    assert is_analyzer_image(ANALYZER + ":latest") and not is_analyzer_image("1.dkr.ecr/sagemaker-xgboost:1.7-1")


# --------------------------------------------------------------------------------------------
# Against the emulator served in this process
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator() -> Iterator[dict[str, Any]]:
    with serving() as url:
        admin = session(url, f"arn:aws:iam::{ACCOUNT}:role/admin")
        s3 = admin.client("s3", endpoint_url=url)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket=BUCKET, Key="monitoring/p/data/baseline.csv", Body=b"a,b\n1,2.5\n3,4.5\n")
        iam = admin.client("iam", endpoint_url=url)
        monitor = iam.create_role(RoleName="monitor", AssumeRolePolicyDocument=json.dumps(TRUST_SAGEMAKER))["Role"]
        iam.put_role_policy(
            RoleName="monitor",
            PolicyName="data",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"},
                        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"},
                        {
                            "Effect": "Allow",
                            "Action": "s3:PutObject",
                            "Resource": f"arn:aws:s3:::{BUCKET}/monitoring/p/baseline/*",
                        },
                    ],
                }
            ),
        )
        yield {"url": url, "admin": admin, "monitor": monitor["Arn"]}


def _baseline_job(emulator: dict[str, Any], name: str, role: str, output: str = "baseline") -> dict[str, Any]:
    sagemaker = emulator["admin"].client("sagemaker", endpoint_url=emulator["url"])
    sagemaker.create_processing_job(
        ProcessingJobName=name,
        RoleArn=role,
        AppSpecification={"ImageUri": ANALYZER},
        Environment={
            "dataset_format": '{"csv": {"header": true}}',
            "dataset_source": "/opt/ml/processing/input/baseline_dataset_input",
            "output_path": "/opt/ml/processing/output",
        },
        ProcessingInputs=[
            {
                "InputName": "baseline_dataset_input",
                "S3Input": {
                    "S3Uri": f"s3://{BUCKET}/monitoring/p/data/",
                    "LocalPath": "/opt/ml/processing/input/baseline_dataset_input",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                },
            }
        ],
        ProcessingOutputConfig={
            "Outputs": [
                {
                    "OutputName": "monitoring_output",
                    "S3Output": {
                        "S3Uri": f"s3://{BUCKET}/monitoring/p/{output}/",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ]
        },
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 20}
        },
    )
    assert sagemaker.describe_processing_job(ProcessingJobName=name)["ProcessingJobStatus"] in (
        "InProgress",
        "Completed",
    )
    for _ in range(100):
        job = sagemaker.describe_processing_job(ProcessingJobName=name)
        if job["ProcessingJobStatus"] != "InProgress":
            return dict(job)
        time.sleep(0.1)
    raise AssertionError(f"{name} still InProgress")


def test_a_baseline_job_computes_the_baseline_as_its_role(emulator: dict[str, Any]) -> None:
    job = _baseline_job(emulator, "baseline-1", emulator["monitor"])
    assert job["ProcessingJobStatus"] == "Completed", job.get("FailureReason")
    s3 = emulator["admin"].client("s3", endpoint_url=emulator["url"])
    statistics = json.loads(s3.get_object(Bucket=BUCKET, Key="monitoring/p/baseline/statistics.json")["Body"].read())
    assert statistics["dataset"]["item_count"] == 2
    assert [f["name"] for f in statistics["features"]] == ["a", "b"]
    assert s3.head_object(Bucket=BUCKET, Key="monitoring/p/baseline/constraints.json")["ContentLength"] > 0


def test_a_baseline_job_fails_where_its_role_may_not_write(emulator: dict[str, Any]) -> None:
    job = _baseline_job(emulator, "baseline-2", emulator["monitor"], output="elsewhere")
    assert job["ProcessingJobStatus"] == "Failed"
    assert "AccessDenied" in job["FailureReason"] and "s3:PutObject" in job["FailureReason"], job["FailureReason"]


def _endpoint(sagemaker: Any, name: str, capture: bool) -> None:
    sagemaker.create_model(
        ModelName=name, ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/x", PrimaryContainer={"Image": ANALYZER}
    )
    config: dict[str, Any] = {
        "EndpointConfigName": name,
        "ProductionVariants": [
            {"VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}
        ],
    }
    if capture:
        config["DataCaptureConfig"] = {
            "EnableCapture": True,
            "InitialSamplingPercentage": 100,
            "DestinationS3Uri": f"s3://{BUCKET}/p/",
            "CaptureOptions": [{"CaptureMode": "Input"}],
        }
    sagemaker.create_endpoint_config(**config)
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=name)
    sagemaker.create_data_quality_job_definition(
        JobDefinitionName=f"{name}-dq",
        DataQualityAppSpecification={"ImageUri": ANALYZER},
        DataQualityJobInput={"EndpointInput": {"EndpointName": name, "LocalPath": "/opt/ml/processing/input"}},
        DataQualityJobOutputConfig={
            "MonitoringOutputs": [
                {"S3Output": {"S3Uri": f"s3://{BUCKET}/r/", "LocalPath": "/opt/ml/processing/output"}}
            ]
        },
        JobResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 20}},
        RoleArn=emulator_role(),
    )


def emulator_role() -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/monitor"


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_monitoring_schedules_follow_sagemaker(emulator: dict[str, Any]) -> None:
    sagemaker = emulator["admin"].client("sagemaker", endpoint_url=emulator["url"])
    _endpoint(sagemaker, "watched", capture=True)
    _endpoint(sagemaker, "blind", capture=False)
    config = {
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
        "MonitoringJobDefinitionName": "watched-dq",
    }
    arn = sagemaker.create_monitoring_schedule(MonitoringScheduleName="s", MonitoringScheduleConfig=config)[
        "MonitoringScheduleArn"
    ]
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:monitoring-schedule/s"
    described = sagemaker.describe_monitoring_schedule(MonitoringScheduleName="s")
    assert (described["MonitoringScheduleStatus"], described["EndpointName"]) == ("Scheduled", "watched")
    with pytest.raises(ClientError) as twice:
        sagemaker.create_monitoring_schedule(MonitoringScheduleName="s", MonitoringScheduleConfig=config)
    assert _code(twice) == "ResourceInUse"
    for bad, message in (
        ({**config, "ScheduleConfig": {"ScheduleExpression": "cron(15 * ? * * *)"}}, "hourly or daily"),
        ({**config, "MonitoringJobDefinitionName": "missing"}, "Could not find job definition"),
        ({**config, "MonitoringJobDefinitionName": "blind-dq"}, "does not capture data"),
    ):
        with pytest.raises(ClientError, match=message):
            sagemaker.create_monitoring_schedule(MonitoringScheduleName="other", MonitoringScheduleConfig=bad)
    sagemaker.update_monitoring_schedule(
        MonitoringScheduleName="s",
        MonitoringScheduleConfig={**config, "ScheduleConfig": {"ScheduleExpression": "cron(0 6 ? * * *)"}},
    )
    assert sagemaker.describe_monitoring_schedule(MonitoringScheduleName="s")["MonitoringScheduleConfig"][
        "ScheduleConfig"
    ] == {"ScheduleExpression": "cron(0 6 ? * * *)"}
    listed = sagemaker.list_monitoring_schedules(EndpointName="watched")["MonitoringScheduleSummaries"]
    assert [s["MonitoringScheduleName"] for s in listed] == ["s"]
    sagemaker.delete_monitoring_schedule(MonitoringScheduleName="s")
    with pytest.raises(ClientError) as gone:
        sagemaker.describe_monitoring_schedule(MonitoringScheduleName="s")
    assert _code(gone) == "ResourceNotFound"


# --------------------------------------------------------------------------------------------
# Authorization of the monitoring calls
# --------------------------------------------------------------------------------------------


def _checks(service: str, operation: str, params: dict[str, Any]) -> list[Any]:
    return checks_for(Call(service, operation, params, REGION, "json", "POST"), Where(ACCOUNT)) or []


def test_alarms_are_decided_on_their_arns_and_scaling_on_star() -> None:
    [put] = _checks("cloudwatch", "PutMetricAlarm", {"AlarmName": "mlops-staging-p-5xx-errors"})
    assert put.resource == f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:mlops-staging-p-5xx-errors"
    deleted = _checks("cloudwatch", "DeleteAlarms", {"AlarmNames": ["a", "b"]})
    assert [c.resource.rsplit(":", 1)[1] for c in deleted] == ["a", "b"]
    [metrics] = _checks("cloudwatch", "PutMetricData", {"Namespace": "aws/sagemaker/Endpoints/data-metrics"})
    assert (metrics.resource, metrics.context) == (
        "*",
        {"cloudwatch:namespace": "aws/sagemaker/Endpoints/data-metrics"},
    )
    [register] = _checks("application-autoscaling", "RegisterScalableTarget", {"ResourceId": "endpoint/e/variant/v"})
    assert (register.action, register.resource) == ("application-autoscaling:RegisterScalableTarget", "*")


def test_a_job_definition_carries_its_network_and_keys() -> None:
    [check, *rest] = _checks(
        "sagemaker",
        "CreateDataQualityJobDefinition",
        {
            "JobDefinitionName": "d",
            "RoleArn": emulator_role(),
            "NetworkConfig": {"VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}},
            "JobResources": {"ClusterConfig": {"InstanceType": "ml.m5.large", "VolumeKmsKeyId": "k1"}},
            "DataQualityJobOutputConfig": {"KmsKeyId": "k2", "MonitoringOutputs": []},
        },
    )
    assert check.resource == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:data-quality-job-definition/d"
    assert check.context["sagemaker:VpcSubnets"] == ["subnet-1"]
    assert (check.context["sagemaker:VolumeKmsKey"], check.context["sagemaker:OutputKmsKey"]) == ("k1", "k2")
    assert check.context["sagemaker:InstanceTypes"] == ["ml.m5.large"]
    assert [(c.action, c.resource) for c in rest] == [("iam:PassRole", emulator_role())]
    inline = _checks(
        "sagemaker",
        "CreateMonitoringSchedule",
        {
            "MonitoringScheduleName": "s",
            "MonitoringScheduleConfig": {"MonitoringJobDefinition": {"RoleArn": emulator_role()}},
        },
    )
    assert [(c.action, c.resource) for c in inline][1:] == [("iam:PassRole", emulator_role())]
