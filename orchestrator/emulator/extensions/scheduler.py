"""EventBridge Scheduler: one-time schedules deliver to their target.

Stock moto stores schedules and never invokes a target. Here a one-time schedule (`at(...)`,
ENABLED) invokes its target once its time has come (at once if it has passed), as EventBridge
Scheduler does: it assumes the target's RoleArn as `scheduler.amazonaws.com` (only if the role's
trust policy allows it, with `aws:SourceAccount` and `aws:SourceArn` = the schedule group's ARN),
and calls the target's API with that role's session, a signed request the emulator authorizes like
anybody's. With ActionAfterCompletion DELETE the schedule is deleted after its invocation.
Targets run here: SageMaker pipelines (templated target `arn:…:sagemaker:…:pipeline/<name>`,
StartPipelineExecution with SageMakerPipelineParameters). Other targets, and recurring
(`rate`/`cron`) schedules, which would fire by wall clock, are stored and never invoked; to run a
recurring schedule's target now, create a one-time schedule with the same Target.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from orchestrator.emulator.extensions.pipelines.service import Refused, assume, reason

SERVICE = "scheduler.amazonaws.com"
SESSION_NAME = "EventBridgeScheduler"
_AT = re.compile(r"^at\((?P<when>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_PIPELINE = re.compile(r"^arn:[^:]+:sagemaker:(?P<region>[^:]+):(?P<account>\d{12}):pipeline/(?P<name>[^/]+)$")


def log(text: str) -> None:
    print(f"[{time.strftime('%d/%b/%Y %H:%M:%S')}] scheduler: {text}", file=sys.stderr, flush=True)


def due_in_seconds(expression: str, timezone: str | None, now: datetime | None = None) -> float | None:
    """Seconds until a one-time schedule's time (0 if it has passed); None for a recurring one."""
    match = _AT.match(expression or "")
    if match is None:
        return None
    when = datetime.fromisoformat(match.group("when")).replace(tzinfo=ZoneInfo(timezone or "UTC"))
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def group_arn(schedule_arn: str, group: str) -> str:
    """The schedule group's ARN (what EventBridge Scheduler sets as aws:SourceArn)."""
    return schedule_arn.split(":schedule/", 1)[0] + f":schedule-group/{group}"


def invoke(schedule_arn: str, group: str, target: dict[str, Any]) -> str:
    """The target's invocation, as the target's role; the started execution's ARN."""
    match = _PIPELINE.match(str(target.get("Arn", "")))
    if match is None:
        raise Refused(f"the emulator invokes SageMaker pipeline targets only, not {target.get('Arn')}")
    session = assume(
        str(target.get("RoleArn", "")), group_arn(schedule_arn, group), match.group("region"), SERVICE, SESSION_NAME
    )
    parameters = (target.get("SageMakerPipelineParameters") or {}).get("PipelineParameterList") or []
    answer = session.client("sagemaker").start_pipeline_execution(
        PipelineName=match.group("name"), **({"PipelineParameters": parameters} if parameters else {})
    )
    return str(answer["PipelineExecutionArn"])


def _deliver(backend: Any, schedule: Any, delay: float) -> None:
    time.sleep(delay)
    try:
        started = invoke(schedule.arn, schedule.group_name, dict(schedule.target))
        log(f"{schedule.arn} invoked {schedule.target.get('Arn')}: {started}")
    except Exception as exc:  # noqa: BLE001 - a failed invocation is logged, as the service records it
        log(f"{schedule.arn} could not invoke {schedule.target.get('Arn')}: {reason(exc)}")
    if schedule.action_after_completion == "DELETE":
        try:
            backend.delete_schedule(schedule.group_name, schedule.name)
        except Exception as exc:  # noqa: BLE001 - deleted meanwhile
            log(f"{schedule.arn} not deleted after its invocation: {exc}")


def one_time_schedules_invoke_their_target() -> None:
    """CreateSchedule of an ENABLED `at(...)` schedule: its target is invoked once
    its time has come, in a thread of the emulator (the request that created it has been answered)."""
    from moto.scheduler.models import EventBridgeSchedulerBackend  # noqa: PLC0415

    stock_create = EventBridgeSchedulerBackend.create_schedule

    def create_schedule(self: EventBridgeSchedulerBackend, *args: Any, **kwargs: Any) -> Any:
        schedule = stock_create(self, *args, **kwargs)
        delay = due_in_seconds(schedule.schedule_expression, schedule.schedule_expression_timezone)
        if delay is not None and schedule.state == "ENABLED":
            threading.Thread(
                target=_deliver, args=(self, schedule, delay), name=f"schedule-{schedule.name}", daemon=True
            ).start()
        return schedule

    EventBridgeSchedulerBackend.create_schedule = create_schedule  # type: ignore[method-assign]
