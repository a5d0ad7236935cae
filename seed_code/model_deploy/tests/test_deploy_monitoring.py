"""A deployed endpoint is watched: scaling, alarms to the alerts topic, a data-quality baseline and
schedule; re-runs change nothing, a newer deployment or a rollback moves the schedule, removal undoes
it, and every result is published."""

from __future__ import annotations

import json
from typing import Any

import pytest
from abalone_deploy import approval_event, monitoring
from abalone_deploy.endpoint_test import FEATURE_COLUMNS
from abalone_deploy.stage_contract import ContractError
from deploy_world import ACCOUNTS, ANALYZER_IMAGE, GOOD_ANSWER, REGION, World

ENDPOINT = "mlops-staging-abalone"
RESOURCE_ID = f"endpoint/{ENDPOINT}/variant/AllTraffic"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNTS['staging']}:mlops-staging-model-alerts"


def _handle(world: World, status: str, arn: str) -> int:
    argv = [
        *("--status", status, "--model-package-arn", arn, "--stage", "staging", "--project", "abalone"),
        *("--prefix", "mlops", "--dev-account", ACCOUNTS["dev"], "--region", REGION, "--wait-delay", "0"),
    ]
    return approval_event.main(argv, clients=world.clients("staging"))


def _subscribed_queue(world: World) -> str:
    sqs = world.client("staging", "sqs")
    url = sqs.create_queue(QueueName="alerts")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    world.client("staging", "sns").subscribe(TopicArn=TOPIC, Protocol="sqs", Endpoint=arn)
    return url


def _notifications(world: World, url: str) -> list[dict[str, Any]]:
    messages = world.client("staging", "sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(json.loads(m["Body"])["Message"]) for m in messages.get("Messages", [])]


def _schedule(world: World) -> dict[str, Any]:
    return world.client("staging", "sagemaker").describe_monitoring_schedule(
        MonitoringScheduleName=f"{ENDPOINT}-data-quality"
    )


def test_a_deployed_endpoint_scales_alarms_to_the_topic_has_a_baseline_and_a_schedule(ready: World) -> None:
    queue = _subscribed_queue(ready)
    arn = ready.register("Approved")
    ready.answer("staging", GOOD_ANSWER)
    assert _handle(ready, "Approved", arn) == 0

    autoscaling = ready.client("staging", "application-autoscaling")
    target = autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]
    assert [(t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in target] == [(RESOURCE_ID, 1, 3)]
    policy = autoscaling.describe_scaling_policies(ServiceNamespace="sagemaker")["ScalingPolicies"]
    assert [p["PolicyName"] for p in policy] == [f"{ENDPOINT}-invocations"]
    tracking = policy[0]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 100.0
    assert tracking["PredefinedMetricSpecification"]["PredefinedMetricType"] == "SageMakerVariantInvocationsPerInstance"

    alarms = {a["AlarmName"]: a for a in ready.client("staging", "cloudwatch").describe_alarms()["MetricAlarms"]}
    assert sorted(alarms) == sorted(f"{ENDPOINT}-{n}" for n in ("5xx-errors", "model-latency", "feature-drift"))
    assert all(a["AlarmActions"] == [TOPIC] for a in alarms.values())
    assert alarms[f"{ENDPOINT}-5xx-errors"]["MetricName"] == "Invocation5XXErrors"
    assert alarms[f"{ENDPOINT}-model-latency"]["Threshold"] == 500_000.0, "ModelLatency is in microseconds"
    drift = alarms[f"{ENDPOINT}-feature-drift"]["Metrics"]
    assert {m["MetricStat"]["Metric"]["MetricName"] for m in drift if "MetricStat" in m} == {
        f"feature_baseline_drift_{f}" for f in FEATURE_COLUMNS
    }

    sagemaker = ready.client("staging", "sagemaker")
    config = ready.endpoint_config("staging")["EndpointConfigName"]
    job = sagemaker.describe_processing_job(ProcessingJobName=f"{config}-baseline")
    assert job["AppSpecification"]["ImageUri"] == ANALYZER_IMAGE
    assert job["RoleArn"] == f"arn:aws:iam::{ACCOUNTS['staging']}:role/mlops-staging-model-monitor"
    assert job["NetworkConfig"]["VpcConfig"]["Subnets"] == ["subnet-staginga", "subnet-stagingb"]
    data = job["ProcessingInputs"][0]["S3Input"]["S3Uri"]
    bucket, key = data.removeprefix("s3://").split("/", 1)
    uploaded = ready.client("staging", "s3").get_object(Bucket=bucket, Key=key + "baseline.csv")["Body"].read()
    assert uploaded.decode().splitlines()[0] == ",".join(FEATURE_COLUMNS)
    definition = sagemaker.describe_data_quality_job_definition(JobDefinitionName=f"{config}-dq")
    assert definition["DataQualityJobInput"]["EndpointInput"]["EndpointName"] == ENDPOINT
    assert definition["DataQualityBaselineConfig"]["StatisticsResource"]["S3Uri"].endswith(
        f"/monitoring/abalone/{config}/baseline/statistics.json"
    )
    assert _schedule(ready)["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] == f"{config}-dq"

    [notice] = _notifications(ready, queue)
    assert (notice["result"], notice["model_package_arn"], notice["endpoint"]) == ("succeeded", arn, ENDPOINT)


def test_a_second_run_changes_nothing_and_a_newer_deployment_moves_the_schedule(ready: World) -> None:
    first = ready.register("Approved")
    ready.answer("staging", GOOD_ANSWER, GOOD_ANSWER, GOOD_ANSWER)
    assert _handle(ready, "Approved", first) == 0
    before = len(ready.writes("staging"))
    assert _handle(ready, "Approved", first) == 0
    again = ready.writes("staging")[before:]
    assert "CreateProcessingJob" not in again and "UpdateMonitoringSchedule" not in again, again

    second = ready.register("Approved")
    assert _handle(ready, "Approved", second) == 0
    config = ready.endpoint_config("staging")["EndpointConfigName"]
    assert _schedule(ready)["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] == f"{config}-dq"
    left = ready.client("staging", "sagemaker").list_data_quality_job_definitions()["JobDefinitionSummaries"]
    assert [d["MonitoringJobDefinitionName"] for d in left] == [f"{config}-dq"], "the first deployment's is retired"
    # The update deregistered the variant (SageMaker refuses to update a scaled endpoint) and
    # the monitoring registered it again.
    calls = ready.writes("staging")
    assert calls.index("UpdateEndpoint") > calls.index("CreateEndpointConfig")
    targets = ready.client("staging", "application-autoscaling").describe_scalable_targets(ServiceNamespace="sagemaker")
    assert len(targets["ScalableTargets"]) == 1


def test_removing_the_monitoring_leaves_nothing_of_it(ready: World) -> None:
    arn = ready.register("Approved")
    ready.answer("staging", GOOD_ANSWER)
    assert _handle(ready, "Approved", arn) == 0
    monitoring.remove_monitoring(ready.clients("staging"), ready.target("staging"))
    sagemaker = ready.client("staging", "sagemaker")
    with pytest.raises(sagemaker.exceptions.ClientError):
        _schedule(ready)
    assert sagemaker.list_data_quality_job_definitions()["JobDefinitionSummaries"] == []
    assert ready.client("staging", "cloudwatch").describe_alarms()["MetricAlarms"] == []
    autoscaling = ready.client("staging", "application-autoscaling")
    assert autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"] == []


def test_a_failed_deployment_is_published_too(ready: World) -> None:
    queue = _subscribed_queue(ready)
    arn = ready.register("Approved")
    ready.answer("staging", "not a number")
    assert _handle(ready, "Approved", arn) == 1
    [notice] = _notifications(ready, queue)
    assert notice["result"] == "failed" and "returned 1 predictions for 5 rows" in notice["message"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "is not the monitoring settings"),
        ('{"schedule_expression": "cron(0 * ? * * *)"}', "is not the monitoring settings"),
        (
            json.dumps(
                {
                    "schedule_expression": "cron(0 * ? * * *)",
                    "alarms": {"max_5xx_errors": 1, "max_model_latency_ms": 1, "max_feature_drift": 0.1},
                    "scaling": {"min_instances": 3, "max_instances": 2, "target_invocations_per_instance": 1},
                }
            ),
            "min_instances <= max_instances",
        ),
    ],
)
def test_unusable_settings_name_the_parameter(text: str, expected: str) -> None:
    with pytest.raises(ContractError, match=expected) as raised:
        monitoring.parse_settings(text, "/mlops/staging/monitoring/settings")
    assert "/mlops/staging/monitoring/settings" in str(raised.value)
