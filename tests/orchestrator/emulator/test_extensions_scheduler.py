"""EventBridge Scheduler: a one-time schedule invokes its SageMaker pipeline target as the target's
role (only if that role trusts the scheduler for the schedule's group), then is deleted; recurring
schedules are stored and never invoked."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from orchestrator.emulator.extensions.scheduler import due_in_seconds, group_arn
from tests.orchestrator.emulator.inprocess import REGION, serving, session

ACCOUNT = "222222222222"
PIPELINE = "batch-pipeline"
PIPELINE_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/{PIPELINE}"
GROUP = "batch"
DEFINITION = {
    "Version": "2020-12-01",
    "Parameters": [],
    "Steps": [{"Name": "Check", "Type": "Condition", "Arguments": {"Conditions": []}}],
}


def _trust(service: str, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture(scope="module")
def emulator() -> Iterator[dict[str, Any]]:
    with serving() as url:
        admin = session(url, f"arn:aws:iam::{ACCOUNT}:role/admin")
        iam = admin.client("iam", endpoint_url=url)
        pipeline_role = iam.create_role(RoleName="pipeline", AssumeRolePolicyDocument=_trust("sagemaker.amazonaws.com"))
        start = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sagemaker:StartPipelineExecution", "Resource": PIPELINE_ARN}
                ],
            }
        )
        roles = {}
        for name, source in (("schedule", GROUP), ("other-group", "elsewhere")):
            condition = {
                "ArnEquals": {"aws:SourceArn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/{source}"}
            }
            roles[name] = iam.create_role(
                RoleName=name, AssumeRolePolicyDocument=_trust("scheduler.amazonaws.com", condition)
            )["Role"]["Arn"]
            iam.put_role_policy(RoleName=name, PolicyName="start", PolicyDocument=start)
        admin.client("sagemaker", endpoint_url=url).create_pipeline(
            PipelineName=PIPELINE, PipelineDefinition=json.dumps(DEFINITION), RoleArn=pipeline_role["Role"]["Arn"]
        )
        admin.client("scheduler", endpoint_url=url).create_schedule_group(Name=GROUP)
        yield {"url": url, "admin": admin, "roles": roles}


def _executions(emulator: dict[str, Any]) -> list[dict[str, Any]]:
    sagemaker = emulator["admin"].client("sagemaker", endpoint_url=emulator["url"])
    return list(sagemaker.list_pipeline_executions(PipelineName=PIPELINE)["PipelineExecutionSummaries"])


def _schedule(emulator: dict[str, Any], name: str, role: str, expression: str) -> Any:
    scheduler = emulator["admin"].client("scheduler", endpoint_url=emulator["url"])
    scheduler.create_schedule(
        Name=name,
        GroupName=GROUP,
        ScheduleExpression=expression,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": PIPELINE_ARN, "RoleArn": role},
        ActionAfterCompletion="DELETE",
    )
    return scheduler


def test_a_one_time_schedule_starts_its_pipeline_as_its_role_then_is_deleted(emulator: dict[str, Any]) -> None:
    scheduler = _schedule(emulator, "now", emulator["roles"]["schedule"], "at(2020-01-01T00:00:00)")
    deadline = time.monotonic() + 20
    while not _executions(emulator) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_executions(emulator)) == 1
    while time.monotonic() < deadline:
        try:
            scheduler.get_schedule(Name="now", GroupName=GROUP)
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ResourceNotFoundException"
            break
        time.sleep(0.2)
    else:
        pytest.fail("the one-time schedule was not deleted after its invocation")


def test_a_role_that_trusts_the_scheduler_for_another_group_is_not_used(emulator: dict[str, Any]) -> None:
    before = len(_executions(emulator))
    _schedule(emulator, "wrong-role", emulator["roles"]["other-group"], "at(2020-01-01T00:00:00)")
    _schedule(emulator, "nightly", emulator["roles"]["schedule"], "cron(0 2 * * ? *)")
    time.sleep(2)
    assert len(_executions(emulator)) == before


def test_when_a_schedule_is_due() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert due_in_seconds("cron(0 2 * * ? *)", "UTC", now) is None
    assert due_in_seconds("rate(1 day)", None, now) is None
    assert due_in_seconds("at(2026-01-01T12:00:30)", "UTC", now) == 30.0
    assert due_in_seconds("at(2025-12-31T00:00:00)", "UTC", now) == 0.0
    assert due_in_seconds("at(2026-01-01T13:00:00)", "Europe/Paris", now) == 0.0
    assert group_arn(f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{GROUP}/x", GROUP).endswith(
        ":schedule-group/batch"
    )
