"""Evaluate IAM policy documents on example requests, with IAM's condition semantics.

Used to prove that guardrails mean what they say (a request without VPC subnets is denied, one
with subnets, security groups and KMS keys is not), not merely that their text looks right.

Semantics implemented (the subset IAM policies of this platform use):
- Action/NotAction (case-insensitive, `*` and `?` wildcards), Resource/NotResource (case-sensitive).
- Condition operators String*, Arn*, Bool, Null, Numeric*, each optionally `…IfExists`, and the
  set operators `ForAnyValue:` / `ForAllValues:`. All operators of a statement, and all keys of an
  operator, must match (AND); several values for one key match if any does (OR).
- A key absent from the request: positive operators do not match, negated ones (`…Not…`) do,
  `…IfExists` matches, `Null` tests exactly that; `ForAnyValue` does not match, `ForAllValues` does.
- Policy variables (`${aws:PrincipalTag/team}`, `${aws:username}`, `${*}`, `${?}`, `${$}`) in
  Resource/NotResource and condition values are replaced by the request's context; an element whose
  variable has no value in the request does not match.
- IpAddress/NotIpAddress (CIDR) and Date* operators (ISO 8601 or epoch seconds).
- Decision: an explicit Deny wins, then an Allow, otherwise an implicit deny.
The full decision of a request made by a principal (identity policies, permission boundary, session
policy and the target's resource policy, across accounts) is in `orchestrator.policy.authorization`.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

ContextValue = str | bool | int | list[str]


class Decision(str, Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True)
class Request:
    action: str
    resource: str = "*"
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    principal: str | None = None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _wildcard(pattern: str, value: str, case_sensitive: bool) -> bool:
    regex = "^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"
    return re.match(regex, value, 0 if case_sensitive else re.IGNORECASE) is not None


def _arn_like(pattern: str, value: str) -> bool:
    # ARN matching is per colon-separated segment, each with wildcards.
    pattern_parts, value_parts = pattern.split(":", 5), value.split(":", 5)
    if len(pattern_parts) != len(value_parts):
        return False
    return all(fnmatch.fnmatchcase(v, p) for p, v in zip(pattern_parts, value_parts, strict=True))


def _number(value: Any) -> float:
    return float(value)


def _date(value: Any) -> float:
    text = str(value)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    from datetime import datetime  # noqa: PLC0415 - only policies with dates need it

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _in_network(cidr: Any, address: Any) -> bool:
    try:
        return ipaddress.ip_address(str(address)) in ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return False


_BASE_OPERATORS: dict[str, Any] = {
    "StringEquals": lambda p, v: str(v) == str(p),
    "StringEqualsIgnoreCase": lambda p, v: str(v).lower() == str(p).lower(),
    "StringLike": lambda p, v: _wildcard(str(p), str(v), case_sensitive=True),
    "ArnEquals": lambda p, v: str(v) == str(p),
    "ArnLike": lambda p, v: _arn_like(str(p), str(v)),
    "Bool": lambda p, v: str(v).lower() == str(p).lower(),
    "NumericEquals": lambda p, v: _number(v) == _number(p),
    "NumericLessThan": lambda p, v: _number(v) < _number(p),
    "NumericLessThanEquals": lambda p, v: _number(v) <= _number(p),
    "NumericGreaterThan": lambda p, v: _number(v) > _number(p),
    "NumericGreaterThanEquals": lambda p, v: _number(v) >= _number(p),
    "DateEquals": lambda p, v: _date(v) == _date(p),
    "DateLessThan": lambda p, v: _date(v) < _date(p),
    "DateLessThanEquals": lambda p, v: _date(v) <= _date(p),
    "DateGreaterThan": lambda p, v: _date(v) > _date(p),
    "DateGreaterThanEquals": lambda p, v: _date(v) >= _date(p),
    "IpAddress": _in_network,
    "BinaryEquals": lambda p, v: str(v) == str(p),
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
}


class UnsupportedOperator(ValueError):
    pass


def _single_value_matches(operator: str, policy_values: list[Any], value: Any) -> bool:
    """One request value against the policy's values (OR over policy values; negation applied after)."""
    if operator in _NEGATED:
        base = _BASE_OPERATORS[_NEGATED[operator]]
        return not any(base(p, value) for p in policy_values)
    if operator not in _BASE_OPERATORS:
        raise UnsupportedOperator(operator)
    return any(_BASE_OPERATORS[operator](p, value) for p in policy_values)


_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_SPECIAL_VARIABLES = {"*": "*", "?": "?", "$": "$"}


class _MissingVariable(LookupError):
    pass


def substitute_variables(text: str, context: Mapping[str, ContextValue]) -> str:
    """`text` with each `${key}` replaced by the request's single value of that key.

    Raises _MissingVariable when a key has no single value: the element then does not match."""

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _SPECIAL_VARIABLES:
            return _SPECIAL_VARIABLES[name]
        name, _, default = name.partition(", ")
        value = context.get(name)
        if value is None or isinstance(value, list):
            if default:
                return default.strip().strip("'")
            raise _MissingVariable(name)
        return str(value).lower() if isinstance(value, bool) else str(value)

    return _VARIABLE.sub(value_of, text) if "${" in text else text


def _substituted(values: list[Any], context: Mapping[str, ContextValue]) -> list[Any] | None:
    try:
        return [substitute_variables(v, context) if isinstance(v, str) else v for v in values]
    except _MissingVariable:
        return None


def condition_matches(full_operator: str, key: str, policy_value: Any, context: Mapping[str, ContextValue]) -> bool:
    qualifier, _, operator = full_operator.rpartition(":")
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    substituted = _substituted(_as_list(policy_value), context)
    if substituted is None:
        return False
    policy_values = substituted
    present = key in context
    if operator == "Null":
        wants_absent = any(str(v).lower() == "true" for v in policy_values)
        return (not present) if wants_absent else present
    if not present:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return if_exists or operator in _NEGATED
    values = _as_list(context[key])
    if qualifier == "ForAnyValue":
        return any(_single_value_matches(operator, policy_values, v) for v in values)
    if qualifier == "ForAllValues":
        return all(_single_value_matches(operator, policy_values, v) for v in values)
    if len(values) != 1:
        raise ValueError(f"{key} has several values: use ForAnyValue/ForAllValues for it")
    return _single_value_matches(operator, policy_values, values[0])


def _matches_any(patterns: list[Any], value: str, case_sensitive: bool) -> bool:
    return any(_wildcard(str(p), value, case_sensitive) for p in patterns)


def _resource_matches(patterns: list[Any], request: Request) -> bool:
    substituted = _substituted(patterns, request.context)
    return substituted is not None and _matches_any(substituted, request.resource, True)


def statement_applies(statement: dict[str, Any], request: Request) -> bool:
    if "Action" in statement and not _matches_any(_as_list(statement["Action"]), request.action, False):
        return False
    if "NotAction" in statement and _matches_any(_as_list(statement["NotAction"]), request.action, False):
        return False
    if "Resource" in statement and not _resource_matches(_as_list(statement["Resource"]), request):
        return False
    if "NotResource" in statement and _resource_matches(_as_list(statement["NotResource"]), request):
        return False
    for operator, keys in (statement.get("Condition") or {}).items():
        for key, value in keys.items():
            if not condition_matches(operator, key, value, request.context):
                return False
    return True


def evaluate(documents: list[dict[str, Any]], request: Request) -> Decision:
    """The decision of a set of identity policies (and boundaries treated as the same set)."""
    allowed = False
    for document in documents:
        for statement in _as_list(document.get("Statement")):
            if not statement_applies(statement, request):
                continue
            if statement.get("Effect") == "Deny":
                return Decision.EXPLICIT_DENY
            allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


def denied_by(documents: list[dict[str, Any]], request: Request) -> list[str]:
    """Sids of the Deny statements that apply to the request (for readable test failures)."""
    return [
        str(s.get("Sid", "?"))
        for d in documents
        for s in _as_list(d.get("Statement"))
        if s.get("Effect") == "Deny" and statement_applies(s, request)
    ]
