"""Changes no reviewed plan of this platform should make, refused by the policy gate before apply.

The GitHub apply role must be able to apply reviewed Terraform, so IAM alone cannot keep it from
weakening the platform; the gate reads the plan that is about to be applied and refuses:
- `guardrails-detached`: a role that stays loses the SageMaker guardrails or the instance-types policy;
- `boundary-weakened`: a role that stays loses its permission boundary (or gets another one), or a
  boundary policy loses one of its Deny statements;
- `outside-principal`: a trust, key, bucket, registry, queue, topic, secret or repository policy
  allows an AWS principal of an account that is not one of the platform's (its environments'
  accounts and the configured identity principals' accounts), or allows `*` with no condition on
  the principal's account, ARN or organization;
- `api-destination-not-github`: an EventBridge API destination (which sends the connection's
  GitHub token with every call) would invoke anything but GitHub's repository_dispatch API.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from orchestrator.policy.plan_lint import Finding

# The SageMaker guardrails and the instance types: both deny-only, both attached to every role.
GUARDRAILS_POLICY = re.compile(r":policy/.*-(sagemaker-guardrails|instance-types)$")
BOUNDARY_POLICY_NAME = re.compile(r"-(permission|ci|hosting|workload|vpc-flow-logs)-boundary$")
_ACCOUNT_IN_ARN = re.compile(r"^arn:[^:]+:(?:iam|sts)::(\d{12}):")
_ACCOUNT = re.compile(r"^\d{12}$")
GITHUB_DISPATCH = re.compile(r"^https://api\.github\.com/repos/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/dispatches$")
# Condition keys that tie a `*` principal to known callers.
_PRINCIPAL_SCOPING_KEYS = (
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:sourceaccount",
    "aws:sourcearn",
    "kms:calleraccount",
)
RESOURCE_POLICY_ATTRIBUTES = {
    "aws_iam_role": "assume_role_policy",
    "aws_kms_key": "policy",
    "aws_s3_bucket_policy": "policy",
    "aws_sagemaker_model_package_group_policy": "resource_policy",
    "aws_sqs_queue": "policy",
    "aws_sqs_queue_policy": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_secretsmanager_secret_policy": "policy",
    "aws_ecr_repository_policy": "policy",
}


@dataclass(frozen=True)
class Change:
    address: str
    type: str
    actions: tuple[str, ...]
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def deleted(self) -> bool:
        return "delete" in self.actions and "create" not in self.actions


def changes(plan: dict[str, Any]) -> list[Change]:
    return [
        Change(
            address=str(c.get("address", "?")),
            type=str(c.get("type", "")),
            actions=tuple((c.get("change") or {}).get("actions") or ()),
            before=(c.get("change") or {}).get("before") or {},
            after=(c.get("change") or {}).get("after") or {},
        )
        for c in plan.get("resource_changes", [])
    ]


def _document(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip():
        try:
            parsed = json.loads(value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _statements(value: Any) -> list[dict[str, Any]]:
    statements = _document(value).get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    return [s for s in statements if isinstance(s, dict)]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else ([] if value is None else [value])


def _deleted_roles(all_changes: list[Change]) -> set[str]:
    return {str(c.before.get("name")) for c in all_changes if c.type == "aws_iam_role" and c.deleted}


def _guardrails_detached(all_changes: list[Change]) -> Iterator[Finding]:
    gone = _deleted_roles(all_changes)
    for change in all_changes:
        role = str(change.before.get("role") or change.before.get("role_name") or "")
        if role in gone:
            continue
        if change.type == "aws_iam_role_policy_attachment" and "delete" in change.actions:
            arn = str(change.before.get("policy_arn", ""))
            still = str(change.after.get("policy_arn", "")) if change.after else ""
            if GUARDRAILS_POLICY.search(arn) and arn != still:
                yield Finding(change.address, "guardrails-detached", f"role {role} would lose {arn}")
        if change.type == "aws_iam_role_policy_attachments_exclusive" and change.after:
            lost = set(_as_list(change.before.get("policy_arns"))) - set(_as_list(change.after.get("policy_arns")))
            for arn in sorted(a for a in lost if GUARDRAILS_POLICY.search(str(a))):
                yield Finding(change.address, "guardrails-detached", f"role {role} would lose {arn}")


def _boundaries_weakened(all_changes: list[Change]) -> Iterator[Finding]:
    for change in all_changes:
        if change.type == "aws_iam_role" and change.after and change.before:
            before, after = change.before.get("permissions_boundary"), change.after.get("permissions_boundary")
            if before and before != after:
                yield Finding(
                    change.address,
                    "boundary-weakened",
                    f"role {change.before.get('name')} would change its boundary {before} to {after or 'none'}",
                )
        if (
            change.type == "aws_iam_policy"
            and change.after
            and change.before
            and BOUNDARY_POLICY_NAME.search(str(change.before.get("name", "")))
        ):
            after_denies = [s for s in _statements(change.after.get("policy")) if s.get("Effect") == "Deny"]
            for statement in (s for s in _statements(change.before.get("policy")) if s.get("Effect") == "Deny"):
                if statement not in after_denies:
                    yield Finding(
                        change.address,
                        "boundary-weakened",
                        f"boundary {change.before.get('name')} would lose or change its Deny statement {statement.get('Sid', '?')}",
                    )


def _principal_accounts(principal: Any) -> Iterator[str]:
    """The accounts an `AWS` principal names ('*' for everyone)."""
    if principal == "*":
        yield "*"
        return
    if not isinstance(principal, dict):
        return
    for value in _as_list(principal.get("AWS")):
        text = str(value)
        if text == "*":
            yield "*"
        elif _ACCOUNT.match(text):
            yield text
        elif match := _ACCOUNT_IN_ARN.match(text):
            yield match.group(1)


def _scopes_principals(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    return any(
        key.lower() in _PRINCIPAL_SCOPING_KEYS
        for operator in condition.values()
        if isinstance(operator, dict)
        for key in operator
    )


def _outside_principals(all_changes: list[Change], platform_accounts: set[str]) -> Iterator[Finding]:
    for change in all_changes:
        attribute = RESOURCE_POLICY_ATTRIBUTES.get(change.type)
        if attribute is None or not change.after:
            continue
        for statement in _statements(change.after.get(attribute)):
            if statement.get("Effect") != "Allow":
                continue
            for account in _principal_accounts(statement.get("Principal")):
                if account == "*" and not _scopes_principals(statement.get("Condition")):
                    yield Finding(
                        change.address,
                        "outside-principal",
                        f"statement {statement.get('Sid', '?')} allows any principal with no condition on its account",
                    )
                elif account != "*" and account not in platform_accounts:
                    yield Finding(
                        change.address,
                        "outside-principal",
                        f"statement {statement.get('Sid', '?')} allows account {account}, which is not one of the platform's",
                    )


def _api_destinations_elsewhere(all_changes: list[Change]) -> Iterator[Finding]:
    for change in all_changes:
        if change.type == "aws_cloudwatch_event_api_destination" and change.after:
            endpoint = str(change.after.get("invocation_endpoint", ""))
            if not GITHUB_DISPATCH.match(endpoint):
                yield Finding(
                    change.address,
                    "api-destination-not-github",
                    f"would send the connection's token to {endpoint!r}, not to GitHub's repository_dispatch API",
                )


def guard_plan(plan: dict[str, Any], platform_accounts: Iterable[str]) -> list[Finding]:
    """Every change of `plan` no reviewed plan of the platform should make."""
    all_changes = changes(plan)
    accounts = set(platform_accounts)
    return [
        *_guardrails_detached(all_changes),
        *_boundaries_weakened(all_changes),
        *_outside_principals(all_changes, accounts),
        *_api_destinations_elsewhere(all_changes),
    ]


def platform_accounts(env: Any) -> set[str]:
    """The accounts a policy of `env` may name: the environment's own, its deployment targets or
    source, and the accounts of its configured identity principals, key administrators and brought roles."""
    accounts = {str(env.account_id), *(a for ids in env.target_account_ids.values() for a in ids)}
    if env.kind == "target":
        accounts.add(str(env.source.account_id))
    personas = env.identity.persona_principals
    arns = [
        *personas.data_science_admin,
        *personas.team_lead,
        *personas.data_scientist,
        *env.identity.existing_role_arns.values(),
        *env.kms.administrator_arns,
    ]
    for arn in arns:
        if match := _ACCOUNT_IN_ARN.match(str(arn)):
            accounts.add(match.group(1))
    return accounts
