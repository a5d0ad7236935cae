"""EventBridge rules deliver to SNS topics, as EventBridge does.

Stock moto 5.2.5 delivers a matching event to log groups, archives, SQS queues, event buses and API
destinations only: a rule with an SNS topic target makes PutEvents fail (NotImplementedError), and
a DISABLED rule delivers like an enabled one. Here:

- a rule delivers only while it is enabled;
- an SNS target receives the target's input: the InputTransformer's template with its placeholders
  replaced (a string value inserted as it is inside a JSON string or a plain-text template, as a
  JSON string elsewhere in a JSON template; an object, array or number as JSON; a path the event
  lacks as an empty string, or null in JSON), the constant Input, the InputPath's part of the event,
  or else the whole event (its time in ISO 8601);
- EventBridge publishes as the service principal `events.amazonaws.com` for the rule: the topic's
  policy must allow it `sns:Publish` (with `aws:SourceArn` = the rule's ARN, `aws:SourceAccount`,
  `aws:SecureTransport` = true) and, for a topic encrypted with a KMS key, the key's policy must allow
  it `kms:GenerateDataKey` with the same context. A topic without a policy, or with AWS's default
  one (the owner account's principals only), refuses it. A refused delivery is dropped and logged
  to the emulator's log (EventBridge counts it as a failed invocation; the sender is not told).

Not checked: the key's grants and the `kms:Decrypt` a subscriber's delivery needs (SNS delivering
to an encrypted SQS queue uses the queue's key as sns.amazonaws.com: neither moto nor this module
checks that key's policy, nor the queue policy that lets the topic send).
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from orchestrator.emulator.authorization.resource_policies import owner_and_policy, resolve_kms_key
from orchestrator.emulator.extensions.pipelines.service import service_context, service_refusal
from orchestrator.policy.evaluator import Request

SERVICE = "events.amazonaws.com"
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.-]+)>")
_MISSING = object()


def log(text: str) -> None:
    print(f"[{time.strftime('%d/%b/%Y %H:%M:%S')}] events: {text}", file=sys.stderr, flush=True)


def _iso_time(event: dict[str, Any]) -> dict[str, Any]:
    """The event as targets see it: moto keeps `time` as epoch seconds, EventBridge sends ISO 8601."""
    shown = dict(event)
    if isinstance(shown.get("time"), int | float):
        shown["time"] = datetime.fromtimestamp(float(shown["time"]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    shown.pop("ingestion-time", None)
    return shown


def _find(event: dict[str, Any], path: str) -> Any:
    from jsonpath_ng.ext.parser import parse  # noqa: PLC0415 - moto's own dependency

    matches = parse(path).find(event)
    return matches[0].value if matches else _MISSING


def _inside_json_string(text: str) -> bool:
    """Whether the end of `text`, the start of a JSON document, lies inside a string."""
    inside = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = inside
        elif char == '"':
            inside = not inside
    return inside


def _rendered(value: Any, as_text: bool) -> str:
    if value is _MISSING:
        return "" if as_text else "null"
    if isinstance(value, str):
        return value if as_text else json.dumps(value)
    return json.dumps(value)


def transformed(template: str, paths: dict[str, str], event: dict[str, Any], rule: Any) -> str:
    """The InputTransformer's output for `event` (placeholders of neither the paths nor the
    predefined variables are left as they are)."""
    values = {name: _find(event, path) for name, path in paths.items()} | {
        "aws.events.rule-arn": rule.arn,
        "aws.events.rule-name": rule.name,
        "aws.events.event.json": event,
    }
    is_json = template.lstrip().startswith(("{", "["))

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        as_text = not is_json or _inside_json_string(template[: match.start()])
        return _rendered(values[name], as_text)

    return _PLACEHOLDER.sub(replace, template)


def target_input(target: dict[str, Any], event: dict[str, Any], rule: Any) -> str:
    """What the target receives for `event`."""
    shown = _iso_time(event)
    transformer = target.get("InputTransformer")
    if transformer:
        return transformed(transformer["InputTemplate"], transformer.get("InputPathsMap") or {}, shown, rule)
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        found = _find(shown, target["InputPath"])
        return "null" if found is _MISSING else json.dumps(found)
    return json.dumps(shown)


def _publish_refusal(rule_arn: str, topic: Any) -> str | None:
    """Why EventBridge may not publish the rule's events to `topic` (None: it may)."""
    context = service_context(rule_arn, SERVICE)
    _, policy = owner_and_policy(topic.arn, topic.account_id, "sns:Publish")
    if policy is None:
        return f"the topic {topic.arn} has no policy that allows {SERVICE}"
    refusal = service_refusal(policy.document, Request("sns:Publish", topic.arn, context), SERVICE)
    if refusal is not None:
        return f"the policy of {topic.arn} {refusal}"
    if not topic.kms_master_key_id:
        return None
    where = SimpleNamespace(account=topic.account_id)
    key = resolve_kms_key(where, topic.sns_backend.region_name, topic.kms_master_key_id)
    _, key_policy = owner_and_policy(key, topic.account_id, "kms:GenerateDataKey") if key else ("", None)
    if key is None or key_policy is None:
        return f"the topic's key {topic.kms_master_key_id} cannot be found or has no policy"
    refusal = service_refusal(key_policy.document, Request("kms:GenerateDataKey", key, context), SERVICE)
    return None if refusal is None else f"the policy of the topic's key {key} {refusal}"


def publish(rule: Any, target: dict[str, Any], event: dict[str, Any]) -> None:
    """Deliver `event` to the SNS topic of `target`, as EventBridge does for `rule`."""
    from moto.sns.models import sns_backends  # noqa: PLC0415 - the emulator's state

    arn = str(target["Arn"])
    _, _, _, region, account = arn.split(":")[:5]
    topic = sns_backends[account][region].topics.get(arn)
    if topic is None:
        log(f"{rule.arn} target {target['Id']}: the topic {arn} does not exist; event {event.get('id')} dropped")
        return
    refusal = _publish_refusal(rule.arn, topic)
    if refusal is not None:
        log(f"{rule.arn} target {target['Id']}: AccessDenied: {refusal}; event {event.get('id')} dropped")
        return
    topic.publish(target_input(target, event, rule))


def rules_deliver_to_sns_topics() -> None:
    """Rule.send_to_targets: only an enabled rule delivers; its SNS targets are published to here
    (as the events service principal, under the topic's and its key's policies); the other targets
    go to moto's own delivery."""
    from moto.events.models import Rule  # noqa: PLC0415

    stock_send = Rule.send_to_targets

    def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        if not str(self.state).startswith("ENABLED"):
            return
        topics = [t for t in self.targets if str(t.get("Arn", "")).split(":")[2:3] == ["sns"]]
        if not topics:
            stock_send(self, original_event, transform_input)
            return
        if self.event_pattern.matches_event(original_event):
            for target in topics:
                publish(self, target, original_event)
        targets = self.targets
        self.targets = [t for t in targets if t not in topics]
        try:
            stock_send(self, original_event, transform_input)
        finally:
            self.targets = targets

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]
