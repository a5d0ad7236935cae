"""Who changed a drifted resource: its newest CloudTrail management event since the stack's last apply.

For each address `drift` reports, the identifiers of the resource in the stack's state (`terraform
show -json`, read before the plan's refresh: also a resource deleted outside Terraform keeps them)
are looked up in the account's CloudTrail event history (LookupEvents, LookupAttributes
ResourceName), from the time the state object was last written — the stack's last apply — on.
The lookups use the credentials of `drift`'s own plan (the plan role). A failed lookup is reported
for that address; it never fails the drift run.

Limits, as CloudTrail's: the event history holds 90 days of management events of the region; data
events (S3 object writes, DynamoDB items) are only in a trail that logs them, never here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

# Values of a resource in the state that CloudTrail names resources by, tried in this order.
IDENTIFYING_ATTRIBUTES = ("id", "arn", "name", "bucket", "role", "key_id", "domain_id")
MAX_IDENTIFIERS = 3  # lookups per address (CloudTrail allows 2 per second per account and region)


@dataclass(frozen=True)
class Attribution:
    """The newest change CloudTrail holds for one drifted address, or why there is none."""

    address: str
    since: str  # ISO time the lookup started from (the stack's last apply)
    principal: str = ""  # the caller's ARN (an assumed-role session: arn:aws:sts::…:assumed-role/<role>/<session>)
    role: str = ""  # an assumed role's ARN (the session issuer)
    session: str = ""  # the session's name (or the user's name)
    time: str = ""  # ISO time of the event
    event_name: str = ""
    event_source: str = ""
    error: str = ""  # the lookup failed: why

    def text(self) -> str:
        if self.error:
            return f"who: lookup failed: {self.error}"
        if not self.event_name:
            return f"who: no CloudTrail event found since {self.since}"
        who = f"{self.role} session {self.session}" if self.role else self.principal
        return f"who: {who} at {self.time}: {self.event_source} {self.event_name}"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attribution:
        return cls(**{k: str(v) for k, v in data.items() if k in cls.__dataclass_fields__})


def state_identifiers(state: dict[str, Any]) -> dict[str, list[str]]:
    """Address -> the names CloudTrail may know the resource by, from `terraform show -json` of a state."""
    found: dict[str, list[str]] = {}
    for resource in _resources(state.get("values", {}).get("root_module", {})):
        values = resource.get("values") or {}
        names = [str(values[k]) for k in IDENTIFYING_ATTRIBUTES if isinstance(values.get(k), str) and values[k]]
        found[str(resource.get("address", ""))] = list(dict.fromkeys(names))
    return found


def _resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _resources(child)


def attribute(cloudtrail: Any, address: str, names: list[str], since: datetime) -> Attribution:
    """The newest event of any of the resource's names since `since`; a failure becomes the answer."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    start = since.astimezone(UTC).isoformat()
    try:
        events = [event for name in names[:MAX_IDENTIFIERS] for event in _events(cloudtrail, name, since)]
    except (BotoCoreError, ClientError) as exc:
        return Attribution(address, start, error=str(exc))
    if not events:
        return Attribution(address, start)
    return _from_event(address, start, max(events, key=lambda e: e["EventTime"]))


def _events(cloudtrail: Any, name: str, since: datetime) -> list[dict[str, Any]]:
    answer = cloudtrail.lookup_events(
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": name}], StartTime=since, MaxResults=1
    )
    events: list[dict[str, Any]] = answer.get("Events", [])
    return events


def _from_event(address: str, since: str, event: dict[str, Any]) -> Attribution:
    detail = json.loads(event.get("CloudTrailEvent") or "{}")
    identity = detail.get("userIdentity", {})
    issuer = identity.get("sessionContext", {}).get("sessionIssuer", {})
    when = event["EventTime"]
    return Attribution(
        address,
        since,
        principal=str(identity.get("arn", "")),
        role=str(issuer.get("arn", "")) if identity.get("type") == "AssumedRole" else "",
        session=str(event.get("Username", "")),
        time=when.astimezone(UTC).isoformat() if isinstance(when, datetime) else str(when),
        event_name=str(event.get("EventName", "")),
        event_source=str(event.get("EventSource", "")),
    )
