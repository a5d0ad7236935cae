"""env.yaml `detective_controls:`: CloudTrail, AWS Config, Security Hub and GuardDuty of one
environment's account (stack `detective`, modules/detective-controls), switched per environment.

`enabled` left out means the platform's default: on for the prod target environment (kind target,
name prod), off elsewhere. The stack runs when the controls are enabled, and also when env.yaml
says `enabled: false`: switching them off plans the destroy of what an earlier apply made instead
of leaving it behind.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator

from orchestrator.config.fields import RoleArn

# A mailbox address (SNS accepts any; this one is what an operator means) and an https URL.
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", re.ASCII)
HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[\x21-\x7e]*)?", re.ASCII)
SUBSCRIPTIONS_MAX = 10
# The production target environment: the controls are on by default there.
DEFAULT_ON = ("target", "prod")


def _endpoint(value: str) -> str:
    if not (EMAIL.fullmatch(value) or HTTPS_URL.fullmatch(value)):
        raise ValueError("is neither an email address nor an https:// URL")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Subscription(_Strict):
    protocol: Literal["email", "https"] = Field(description="email or https.")
    endpoint: Annotated[StrictStr, AfterValidator(_endpoint)] = Field(
        description="The address (email) or URL (https) that receives the findings."
    )

    @model_validator(mode="after")
    def _endpoint_fits_protocol(self) -> Subscription:
        fits = EMAIL.fullmatch(self.endpoint) if self.protocol == "email" else HTTPS_URL.fullmatch(self.endpoint)
        if not fits:
            raise ValueError(
                f"endpoint {self.endpoint!r} is not an {'email address' if self.protocol == 'email' else 'https:// URL'}"
            )
        return self


class DetectiveControlsConfig(_Strict):
    enabled: StrictBool | None = Field(
        default=None,
        description="On/off; left out: on for the prod target environment, off elsewhere. false plans the destroy of what an earlier apply made.",
    )
    minimum_severity: Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"] = Field(
        default="HIGH", description="Security Hub and GuardDuty findings at or above it go to the topic."
    )
    subscriptions: list[Subscription] = Field(
        default_factory=list, max_length=SUBSCRIPTIONS_MAX, description="Who receives the findings (email or https)."
    )
    log_retention_days: StrictInt = Field(
        default=365, ge=365, le=3650, description="Days the trail's log files and Config's deliveries are kept."
    )
    log_readers: list[RoleArn] = Field(
        default_factory=list,
        description="Roles of this account that may decrypt the log files (through S3 only); they need an IAM policy too.",
    )

    @model_validator(mode="after")
    def _subscriptions_once(self) -> DetectiveControlsConfig:
        seen = [(s.protocol, s.endpoint) for s in self.subscriptions]
        if len(set(seen)) != len(seen):
            raise ValueError("subscriptions lists an endpoint twice")
        return self

    def is_enabled(self, kind: str, name: str) -> bool:
        """The switch, with the default for the environment when env.yaml leaves it out."""
        return self.enabled if self.enabled is not None else (kind, name) == DEFAULT_ON

    def runs_stack(self, kind: str, name: str) -> bool:
        """Whether the environment runs stack `detective`: when on, and when explicitly off (to destroy)."""
        return self.enabled is not None or self.is_enabled(kind, name)
