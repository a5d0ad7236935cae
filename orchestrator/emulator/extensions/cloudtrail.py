"""CloudTrail: the management events of the calls the emulator served, and LookupEvents over them.

moto has no LookupEvents and records nothing. Here every successful mutating call is recorded as
CloudTrail records a management event: account, region, time, eventName, eventSource, the caller
as the authorization layer resolved it (userIdentity: the assumed-role session and its role), and
the resources the request names (the ARNs IAM checked, and the ids, names and ARNs among its
parameters). Not recorded, as CloudTrail's event history does not hold them: read-only calls
(Get/List/Describe/...: `readOnly` events), data events (S3 object calls, DynamoDB item calls,
SQS messages, endpoint invocations) and STS, whose calls change no resource.

The record lives on moto's CloudTrail backend of the account and region, so the emulator's
save/restore keeps it like any other resource (persistence.py).
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_RESULTS = 50  # LookupEvents' maximum page
_READ_ONLY_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Search", "Query", "Scan", "BatchGet", "Select")
_KMS_CRYPTO = ("Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateRandom", "Sign", "Verify", "GenerateMac")
_DATA_OPERATIONS = {
    "dynamodb": ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"),
    "sqs": ("SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch"),
    "sagemaker-runtime": ("InvokeEndpoint", "InvokeEndpointAsync", "InvokeEndpointWithResponseStream"),
    "lambda": ("Invoke", "InvokeAsync", "InvokeWithResponseStream"),
}
_NAME_SUFFIXES = ("Id", "Name", "Arn", "Ids", "Names", "Arns")
_NOT_RESOURCES = frozenset({"RoleSessionName", "ClientToken", "ClientRequestToken", "KeyName"})
_ATTRIBUTES = {
    "EventId": "EventId",
    "EventName": "EventName",
    "EventSource": "EventSource",
    "Username": "Username",
    "AccessKeyId": "AccessKeyId",
    "ReadOnly": "ReadOnly",
}


@dataclass(frozen=True)
class Served:
    """One served call, as the authorization layer saw it."""

    account: str
    region: str
    service: str  # botocore's name, e.g. "ec2"
    signing_name: str  # the SigV4 scope's service: the event source's host, e.g. "ec2"
    operation: str
    params: dict[str, Any]
    caller_arn: str  # the role's ARN for its sessions
    session_arn: str | None  # arn:aws:sts::<account>:assumed-role/<role>/<session>
    access_key: str
    checked_resources: tuple[str, ...]  # the ARNs IAM checked


def is_recorded(service: str, operation: str, params: dict[str, Any]) -> bool:
    """Whether CloudTrail's event history holds the call: a management event that is not read-only."""
    if service == "sts" or operation.startswith(_READ_ONLY_PREFIXES):
        return False
    if service == "kms" and operation.startswith(_KMS_CRYPTO):
        return False
    if service == "s3" and params.get("Key") is not None:
        return False  # object calls are data events
    return operation not in _DATA_OPERATIONS.get(service, ())


def record(served: Served, when: datetime | None = None) -> None:
    """Keep the call's event in its account and region."""
    events = _events(served.account, served.region)
    events.append(_event(served, (when or datetime.now(UTC)).replace(microsecond=0)))  # CloudTrail's precision


def recorded_events(account: str, region: str) -> list[dict[str, Any]]:
    """The events of an account and region, oldest first (a copy)."""
    return list(_events(account, region))


def _events(account: str, region: str) -> list[dict[str, Any]]:
    from moto.cloudtrail.models import cloudtrail_backends  # noqa: PLC0415

    backend: Any = cloudtrail_backends[account][region]
    if not hasattr(backend, "platform_events"):
        backend.platform_events = []
    events: list[dict[str, Any]] = backend.platform_events
    return events


def _resource_names(served: Served) -> list[str]:
    names: list[str] = [arn for arn in served.checked_resources if arn != "*" and not arn.endswith(":*")]
    for arn in list(names):
        tail = arn.split(":", 5)[-1].rsplit("/", 1)[-1]
        if tail and tail != arn:
            names.append(tail)
    for key, value in served.params.items():
        if key in _NOT_RESOURCES or not (key.endswith(_NAME_SUFFIXES) or key in ("Resources", "Bucket")):
            continue
        values = value if isinstance(value, list) else [value]
        names.extend(v for v in values if isinstance(v, str) and 0 < len(v) <= 2048)
    return list(dict.fromkeys(names))


def _resource_type(served: Served, name: str) -> str:
    if name.startswith("arn:"):
        parts = name.split(":", 5)
        kind = parts[5].split("/", 1)[0] if len(parts) == 6 and "/" in parts[5] else parts[2]
        return f"AWS::{parts[2].upper()}::{kind}"
    return f"AWS::{served.signing_name.upper()}::Resource"


def _user_identity(served: Served) -> dict[str, Any]:
    if served.session_arn is None:
        kind = "Root" if served.caller_arn.endswith(":root") else "IAMUser"
        return {
            "type": kind,
            "arn": served.caller_arn,
            "accountId": served.account,
            "accessKeyId": served.access_key,
            "userName": served.caller_arn.rsplit("/", 1)[-1],
        }
    role_name = served.caller_arn.rsplit("/", 1)[-1]
    session_name = served.session_arn.rsplit("/", 1)[-1]
    return {
        "type": "AssumedRole",
        "principalId": f"{served.access_key}:{session_name}",
        "arn": served.session_arn,
        "accountId": served.account,
        "accessKeyId": served.access_key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": served.access_key,
                "arn": served.caller_arn,
                "accountId": served.account,
                "userName": role_name,
            },
        },
    }


def _event(served: Served, when: datetime) -> dict[str, Any]:
    identity = _user_identity(served)
    username = served.session_arn.rsplit("/", 1)[-1] if served.session_arn else str(identity["userName"])
    source = f"{served.signing_name}.amazonaws.com"
    event_id = str(uuid.uuid4())
    names = _resource_names(served)
    detail = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": served.operation,
        "awsRegion": served.region,
        "requestParameters": _jsonable(served.params),
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": served.account,
    }
    return {
        "EventId": event_id,
        "EventName": served.operation,
        "ReadOnly": "false",
        "AccessKeyId": served.access_key,
        "EventTime": when.timestamp(),
        "EventSource": source,
        "Username": username,
        "Resources": [{"ResourceType": _resource_type(served, n), "ResourceName": n} for n in names],
        "CloudTrailEvent": json.dumps(detail, default=str),
    }


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _time(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value)
    try:
        return float(text)
    except ValueError:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _matches(event: dict[str, Any], attributes: list[dict[str, Any]]) -> bool:
    for attribute in attributes:
        key, value = attribute.get("AttributeKey"), attribute.get("AttributeValue")
        if key == "ResourceName":
            if value not in [r["ResourceName"] for r in event["Resources"]]:
                return False
        elif key == "ResourceType":
            if value not in [r["ResourceType"] for r in event["Resources"]]:
                return False
        elif key in _ATTRIBUTES and event.get(_ATTRIBUTES[key]) != value:
            return False
    return True


def lookup(
    account: str,
    region: str,
    attributes: list[dict[str, Any]],
    start: Any = None,
    end: Any = None,
    max_results: int | None = None,
    next_token: str | None = None,
) -> dict[str, Any]:
    """LookupEvents' answer: the matching events, newest first, one page."""
    since, until = _time(start), _time(end)
    found = [
        e
        for e in reversed(_events(account, region))
        if (since is None or e["EventTime"] >= since)
        and (until is None or e["EventTime"] <= until)
        and _matches(e, attributes)
    ]
    offset = int(base64.b64decode(next_token).decode()) if next_token else 0
    size = min(int(max_results or MAX_RESULTS), MAX_RESULTS)
    answer: dict[str, Any] = {"Events": found[offset : offset + size]}
    if offset + size < len(found):
        answer["NextToken"] = base64.b64encode(str(offset + size).encode()).decode()
    return answer


def lookup_events_are_answered_from_the_record() -> None:
    """LookupEvents: moto has none; answered from the events recorded above, as CloudTrail does."""
    from moto.cloudtrail.responses import CloudTrailResponse  # noqa: PLC0415

    def lookup_events(self: CloudTrailResponse) -> str:
        answer = lookup(
            self.current_account,
            self.region,
            list(self._get_param("LookupAttributes") or []),
            self._get_param("StartTime"),
            self._get_param("EndTime"),
            self._get_param("MaxResults"),
            self._get_param("NextToken"),
        )
        return json.dumps(answer)

    CloudTrailResponse.lookup_events = lookup_events  # type: ignore[attr-defined]
