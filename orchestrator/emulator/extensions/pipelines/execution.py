"""One pipeline execution, run in a thread of the emulator as SageMaker Pipelines runs it.

The execution acts as the pipeline's RoleArn (service.py: only if that role trusts SageMaker). Its
steps run one at a time, each once every step it depends on has succeeded (a step inside a
Condition's branch only if the condition chose that branch); the first failed step ends the
execution as Failed, with SageMaker's FailureReason "Step failure: One or multiple steps failed."
Steps not reached are not listed. Each step's record (status, times, FailureReason, Metadata) is
kept on the execution as ListPipelineExecutionSteps reports it; each step is logged to the
emulator's log. A property file (`Std:JsonGet`) is read from its step's output by the pipeline
role's session when an expression first needs it. Every status change is put on the account's
default event bus (status_events.py).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

from orchestrator.emulator.extensions.pipelines import status_events
from orchestrator.emulator.extensions.pipelines.data import read_object
from orchestrator.emulator.extensions.pipelines.definition import Definition, DefinitionError, Step, parse
from orchestrator.emulator.extensions.pipelines.expressions import ExpressionError, Scope, follow, path_parts
from orchestrator.emulator.extensions.pipelines.jobs import Run, StepFailed
from orchestrator.emulator.extensions.pipelines.service import Refused, RoleSession, assume, reason
from orchestrator.emulator.extensions.pipelines.steps import run_step

STEP_FAILURE = "Step failure: One or multiple steps failed."


def log(text: str) -> None:
    """A line in the emulator's log (its stderr), in the authorization middleware's format."""
    print(f"[{time.strftime('%d/%b/%Y %H:%M:%S')}] pipelines: {text}", file=sys.stderr, flush=True)


def _now() -> Any:
    from moto.core.utils import utcnow  # noqa: PLC0415

    return utcnow()


def _finish(execution: Any, status: str, failure_reason: str | None = None) -> None:
    """The execution's new status, announced on the default event bus as SageMaker does (moto's
    initial status is not one: the first change has no previous status)."""
    previous = execution.pipeline_execution_status if getattr(execution, "status_announced", False) else None
    execution.pipeline_execution_status = status
    execution.pipeline_execution_failure_reason = failure_reason
    execution.last_modified_time = _now()
    execution.status_announced = True
    try:
        status_events.emit(execution, previous)
    except Exception as exc:  # noqa: BLE001 - a broken delivery must not change the execution
        log(f"{execution.arn} status change to {status} not delivered to EventBridge: {exc!r}")


def _property_file_reader(session: RoleSession, definition: Definition, scope: Scope) -> Any:
    read: dict[tuple[str, str], Any] = {}

    def property_file(step_name: str, file_name: str) -> Any:
        if (step_name, file_name) in read:
            return read[(step_name, file_name)]
        step = definition.steps.get(step_name)
        spec = step.property_files.get(file_name) if step is not None else None
        if spec is None:
            raise ExpressionError(f"step {step_name} declares no property file {file_name}")
        if step_name not in scope.properties:
            raise ExpressionError(f"step {step_name} has not succeeded, its property file {file_name} cannot be read")
        output = follow(
            scope.properties[step_name],
            path_parts(f"ProcessingOutputConfig.Outputs['{spec['OutputName']}'].S3Output.S3Uri"),
            f"step {step_name}",
        )
        uri = f"{str(output).rstrip('/')}/{spec['FilePath']}"
        try:
            read[(step_name, file_name)] = json.loads(read_object(session.client("s3"), uri))
        except Exception as exc:
            raise ExpressionError(
                f"property file {file_name} of step {step_name} ({uri}) cannot be read: {reason(exc)}"
            ) from exc
        return read[(step_name, file_name)]

    return property_file


def _next_step(definition: Definition, done: set[str], succeeded: set[str], chosen: set[str]) -> Step | None:
    for step in definition.steps.values():
        if step.name in done or not step.depends_on <= succeeded:
            continue
        if step.branch_of is None or step.name in chosen:
            return step
    return None


def _record(execution: Any, step: Step) -> dict[str, Any]:
    record: dict[str, Any] = {
        "StepName": step.name,
        "StepStatus": "Executing",
        "StartTime": _now(),
        "AttemptCount": 1,
        "Metadata": {},
    }
    for key, value in (("StepDisplayName", step.display_name), ("StepDescription", step.description)):
        if value:
            record[key] = value
    execution.step_records.append(record)
    return record


def _run_steps(execution: Any, definition: Definition, run: Run, scope: Scope) -> bool:
    """Run every step that becomes runnable; False once a step failed."""
    done: set[str] = set()
    succeeded: set[str] = set()
    chosen: set[str] = set()
    while (step := _next_step(definition, done, succeeded, chosen)) is not None:
        done.add(step.name)
        record = _record(execution, step)
        log(f"{execution.arn} step {step.name} ({step.type}) executing")
        try:
            result = run_step(run, step, scope)
        except StepFailed as failed:
            record.update(StepStatus="Failed", EndTime=_now(), FailureReason=failed.reason, Metadata=failed.metadata)
            log(f"{execution.arn} step {step.name} failed after {_seconds(record)}: {failed.reason}")
            return False
        scope.properties[step.name] = result.properties
        record.update(StepStatus="Succeeded", EndTime=_now(), Metadata=result.metadata)
        succeeded.add(step.name)
        if step.type == "Condition":
            chosen.update(step.branch(bool(result.properties["Outcome"])))
        log(f"{execution.arn} step {step.name} succeeded after {_seconds(record)}")
    return True


def _seconds(record: dict[str, Any]) -> str:
    return f"{(record['EndTime'] - record['StartTime']).total_seconds():.1f}s"


def execute(execution: Any, pipeline_role: str, definition: Definition, parameters: dict[str, Any]) -> None:
    """The execution's thread: the pipeline role's session, then the steps."""
    region, execution_id = execution.arn.split(":")[3], execution.arn.rsplit("/", 1)[-1]
    try:
        session = assume(pipeline_role, execution.arn, region)
    except Refused as exc:
        log(f"{execution.arn} failed: {exc}")
        _finish(execution, "Failed", str(exc))
        return
    started = _now()
    variables = {
        "PipelineExecutionId": execution_id,
        "PipelineExecutionArn": execution.arn,
        "PipelineName": execution.arn.split(":pipeline/", 1)[-1].split("/", 1)[0],
        "PipelineArn": execution.arn.split("/execution/", 1)[0],
        "StartDateTime": started.isoformat(),
        "CurrentDateTime": started.isoformat(),
    }
    scope = Scope(parameters, variables)
    scope.property_file = _property_file_reader(session, definition, scope)
    run = Run(execution.arn, execution_id, session, log)
    try:
        succeeded = _run_steps(execution, definition, run, scope)
    except Exception as exc:  # noqa: BLE001 - the execution must end, whatever broke
        log(f"{execution.arn} broke: {exc!r}")
        _finish(execution, "Failed", f"InternalServerError: {exc}")
        return
    _finish(execution, "Succeeded" if succeeded else "Failed", None if succeeded else STEP_FAILURE)
    log(f"{execution.arn} {execution.pipeline_execution_status} after {(_now() - started).total_seconds():.1f}s")


def start(execution: Any, pipeline_role: str, definition_text: str, given: list[dict[str, Any]] | None) -> None:
    """Begin the execution: Executing, with its steps run by a thread of its own. A definition
    or parameters that cannot run fail it at once."""
    execution.step_records = []
    try:
        definition = parse(definition_text)
        parameters = definition.values(given)
    except DefinitionError as exc:
        log(f"{execution.arn} failed: {exc}")
        _finish(execution, "Failed", f"ClientError: {exc}")
        return
    _finish(execution, "Executing")
    log(f"{execution.arn} started as {pipeline_role}")
    threading.Thread(
        target=execute,
        args=(execution, pipeline_role, definition, parameters),
        name=f"pipeline-{execution.arn.rsplit('/', 1)[-1]}",
        daemon=True,
    ).start()
