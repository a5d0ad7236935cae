"""`monitoring:` of a target environment's env.yaml: how its endpoints are watched.

The hosting stack publishes these values in the SSM contract (`/<prefix>/<stage>/monitoring/settings`)
and subscribes the emails to the alerts topic; each deployment reads them to create its endpoint's
scaling, alarms and Model Monitor schedule.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, model_validator

# SageMaker Model Monitor's schedules: hourly or daily, as cron() with a minute of 0 (the service
# accepts no other), e.g. cron(0 * ? * * *) (every hour) or cron(0 8 ? * * *) (daily at 08:00 UTC).
SCHEDULE_EXPRESSION = re.compile(r"cron\(0 (\*|\*/(?:[1-9]|1[0-2])|(?:[01]?[0-9]|2[0-3])) \? \* \* \*\)", re.ASCII)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", re.ASCII)
MAX_ENDPOINT_INSTANCES = 20
MAX_NOTIFICATION_EMAILS = 10


def _schedule(value: str) -> str:
    if not SCHEDULE_EXPRESSION.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a Model Monitor schedule: cron(0 * ? * * *) (hourly), cron(0 */N ? * * *) "
            "(every N hours, 1-12) or cron(0 H ? * * *) (daily at hour H UTC)"
        )
    return value


def _email(value: str) -> str:
    if not EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an email address (name@domain.tld)")
    return value


def _distinct_emails(emails: list[str]) -> list[str]:
    seen = [e.lower() for e in emails]
    duplicates = sorted({e for e in seen if seen.count(e) > 1})
    if duplicates:
        raise ValueError(f"lists {', '.join(duplicates)} more than once")
    return emails


ScheduleExpression = Annotated[StrictStr, AfterValidator(_schedule)]
Email = Annotated[StrictStr, AfterValidator(_email)]
# Addresses subscribed to a topic: at most MAX_NOTIFICATION_EMAILS, each once (letter case aside).
NotificationEmails = Annotated[list[Email], Field(max_length=MAX_NOTIFICATION_EMAILS), AfterValidator(_distinct_emails)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ScalingConfig(_Strict):
    min_instances: StrictInt = Field(default=1, ge=1, le=MAX_ENDPOINT_INSTANCES, description="Fewest instances.")
    max_instances: StrictInt = Field(default=2, ge=1, le=MAX_ENDPOINT_INSTANCES, description="Most instances.")
    target_invocations_per_instance: StrictInt = Field(
        default=100,
        ge=1,
        le=100_000,
        description="Target tracking: invocations per instance and minute (SageMakerVariantInvocationsPerInstance).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> ScalingConfig:
        if self.max_instances < self.min_instances:
            raise ValueError(
                f"max_instances {self.max_instances} is below min_instances {self.min_instances}: "
                "the endpoint could not scale at all"
            )
        return self


class AlarmsConfig(_Strict):
    max_5xx_errors: StrictInt = Field(
        default=5, ge=0, description="Invocation5XXErrors in 5 minutes above which the errors alarm fires."
    )
    max_model_latency_ms: StrictInt = Field(
        default=500, ge=1, le=3_600_000, description="Average ModelLatency (ms) over 5 minutes above which it fires."
    )
    max_feature_drift: StrictFloat | StrictInt = Field(
        default=0.2,
        gt=0,
        le=1,
        description="Largest feature_baseline_drift_<feature> (distance from the baseline, 0-1) of a monitoring run above which it fires.",
    )


class MonitoringConfig(_Strict):
    schedule_expression: ScheduleExpression = Field(
        default="cron(0 * ? * * *)", description="When the data-quality monitoring job runs on the captured data."
    )
    alarms: AlarmsConfig = Field(default_factory=AlarmsConfig)
    scaling: ScalingConfig = Field(default_factory=ScalingConfig)
    notification_emails: NotificationEmails = Field(
        default_factory=list,
        description="Subscribed to the alerts topic (each confirms the email AWS sends).",
    )

    def settings(self) -> dict[str, object]:
        """What each deployment reads from the contract (monitoring/settings)."""
        return {
            "schedule_expression": self.schedule_expression,
            "alarms": self.alarms.model_dump(),
            "scaling": self.scaling.model_dump(),
        }
