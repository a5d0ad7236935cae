"""How the emulator authorizes a batch deployment's requests as AWS does: CreateTransformJob acts on
the transform job (its model is the sagemaker:ModelArn key, not the resource), with its volume and
output keys; EventBridge Scheduler's schedules and groups, and the target role a schedule passes."""

from __future__ import annotations

from typing import Any

from orchestrator.emulator.authorization.actions import Check, Where, checks_for
from orchestrator.emulator.authorization.calls import Call

ACCOUNT = "222222222222"
REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1"


def _checks(service: str, operation: str, params: dict[str, Any]) -> list[Check]:
    checks = checks_for(Call(service, operation, params, REGION, "json", "POST"), Where(ACCOUNT))
    assert checks is not None, operation
    return checks


def test_a_transform_job_is_decided_on_the_job_with_its_model_keys_and_instance_type() -> None:
    [check] = _checks(
        "sagemaker",
        "CreateTransformJob",
        {
            "TransformJobName": "Pipelines-abc-BatchTransform-x",
            "ModelName": "mlops-staging-abalone-3-abcd1234",
            "TransformOutput": {"S3OutputPath": "s3://b/o", "KmsKeyId": KEY},
            "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeKmsKeyId": KEY},
        },
    )
    assert check.action == "sagemaker:CreateTransformJob"
    assert check.resource == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:transform-job/pipelines-abc-batchtransform-x"
    assert (
        check.context["sagemaker:ModelArn"]
        == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/mlops-staging-abalone-3-abcd1234"
    )
    assert check.context["sagemaker:VolumeKmsKey"] == KEY and check.context["sagemaker:OutputKmsKey"] == KEY
    assert check.context["sagemaker:InstanceTypes"] == ["ml.m5.large"]


def test_a_transform_job_without_keys_carries_no_key_condition() -> None:
    [check] = _checks(
        "sagemaker",
        "CreateTransformJob",
        {"TransformJobName": "t", "ModelName": "m", "TransformResources": {"InstanceType": "ml.p3.2xlarge"}},
    )
    assert "sagemaker:VolumeKmsKey" not in check.context and "sagemaker:OutputKmsKey" not in check.context


def test_a_schedule_is_decided_on_its_group_and_passes_its_target_role_to_the_scheduler() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/mlops-staging-abalone-schedule"
    create, pass_role = _checks(
        "scheduler",
        "CreateSchedule",
        {"Name": "once", "GroupName": "mlops-staging-batch", "Target": {"Arn": "arn:x", "RoleArn": role}},
    )
    assert create.resource == f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/mlops-staging-batch/once"
    assert (pass_role.action, pass_role.resource) == ("iam:PassRole", role)
    assert pass_role.context == {"iam:PassedToService": "scheduler.amazonaws.com"}
    [default] = _checks("scheduler", "GetSchedule", {"Name": "once"})
    assert default.resource.endswith(":schedule/default/once")
    [group] = _checks("scheduler", "CreateScheduleGroup", {"Name": "mlops-staging-batch"})
    assert group.resource.endswith(":schedule-group/mlops-staging-batch")
    assert _checks("scheduler", "ListSchedules", {})[0].resource == "*"
