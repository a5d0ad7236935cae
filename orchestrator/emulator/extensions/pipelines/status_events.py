"""SageMaker's "Model Building Pipeline Execution Status Change" events.

When an execution's status changes (Executing, Succeeded, Failed; Stopping and Stopped cannot happen
here: the emulator has no StopPipelineExecution), SageMaker puts an event on the default event bus
of the execution's account and region, source `aws.sagemaker`, with the pipeline and execution
ARNs as its resources and, in its detail, pipelineArn, pipelineExecutionArn,
pipelineExecutionDisplayName, currentPipelineExecutionStatus, previousPipelineExecutionStatus,
executionStartTime and, once it has ended, executionEndTime (times ISO 8601, UTC). The event
carries no failure reason (DescribePipelineExecution has it). EventBridge then routes it to the
rules that match and their targets.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

SOURCE = "aws.sagemaker"
DETAIL_TYPE = "SageMaker Model Building Pipeline Execution Status Change"
ENDED = ("Succeeded", "Failed", "Stopped")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def display_name(execution: Any) -> str:
    """The execution's display name; SageMaker names an unnamed one execution-<start in ms>."""
    given = getattr(execution, "pipeline_execution_display_name", None)
    return str(given) if given else f"execution-{int(execution.start_time.timestamp() * 1000)}"


def detail(execution: Any, previous: str | None) -> dict[str, Any]:
    """The event's detail for the execution's current status."""
    status = str(execution.pipeline_execution_status)
    shown: dict[str, Any] = {
        "pipelineArn": execution.arn.split("/execution/", 1)[0],
        "pipelineExecutionArn": execution.arn,
        "pipelineExecutionDisplayName": display_name(execution),
        "currentPipelineExecutionStatus": status,
        "previousPipelineExecutionStatus": previous,
        "executionStartTime": _iso(execution.start_time),
    }
    if status in ENDED:
        shown["executionEndTime"] = _iso(execution.last_modified_time)
    if getattr(execution, "pipeline_execution_description", None):
        shown["pipelineExecutionDescription"] = execution.pipeline_execution_description
    return {key: value for key, value in shown.items() if value is not None}


def entry(execution: Any, previous: str | None) -> dict[str, Any]:
    """The PutEvents entry SageMaker sends on the default bus."""
    found = detail(execution, previous)
    return {
        "Source": SOURCE,
        "DetailType": DETAIL_TYPE,
        "Detail": json.dumps(found),
        "Resources": [found["pipelineArn"], execution.arn],
    }


def emit(execution: Any, previous: str | None) -> None:
    """Put the status change of `execution` on its account's default event bus."""
    from moto.events.models import events_backends  # noqa: PLC0415 - the emulator's state

    _, _, _, region, account = execution.arn.split(":")[:5]
    events_backends[account][region].put_events([entry(execution, previous)])
