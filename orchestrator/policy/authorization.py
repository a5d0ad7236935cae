"""IAM's decision for a request made by a principal: identity policies, permission boundary, session
policy and the target's resource policy, within one account or across two.

The order follows AWS's policy evaluation logic:
1. An explicit Deny in any policy that applies (identity, boundary, session, resource) denies.
2. Within the principal's account, an Allow in the resource policy that names the principal itself
   (the role, or the session) or any principal (`*`) is enough; an Allow that names the account
   (`arn:aws:iam::<account>:root` or the bare id) only delegates to the account's IAM policies.
   Otherwise the identity policies must allow.
   A key policy is different: a KMS key is usable only if its key policy allows the principal, or
   allows the account and the identity policies allow too.
3. Across accounts, both sides must allow: the identity policies of the principal and the resource
   policy of the target, naming the principal or its account. A target without a resource policy
   cannot be reached from another account.
4. A permission boundary and a session policy limit what identity policies (and resource policies
   that name the role rather than the session) grant: an allow must be in them too.
The statement matching (actions, resources, conditions, policy variables) is `evaluator.py`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from orchestrator.policy.evaluator import Decision, Request, statement_applies

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROOT = re.compile(r"^arn:[^:]+:iam::(\d{12}):root$")


class ResourcePolicyKind(str, Enum):
    RESOURCE = "resource policy"
    KEY = "key policy"  # KMS: the key policy must grant, directly or by delegating to the account
    TRUST = "trust policy"  # a role's trust policy, for sts:AssumeRole*


@dataclass(frozen=True)
class Caller:
    """Who makes a request, with every policy IAM attaches to them."""

    account: str
    arn: str  # the ARN policies see in aws:PrincipalArn (a role's ARN for its sessions)
    session_arn: str | None = None  # arn:aws:sts::<account>:assumed-role/<role>/<session>
    identity_policies: tuple[dict[str, Any], ...] = ()
    boundary: dict[str, Any] | None = None
    session_policies: tuple[dict[str, Any], ...] = ()
    federated: str | None = None  # the identity provider of a web-identity request (trust policies)


@dataclass(frozen=True)
class ResourcePolicy:
    document: dict[str, Any]
    account: str
    kind: ResourcePolicyKind = ResourcePolicyKind.RESOURCE


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    reason: str
    denying_statements: tuple[str, ...] = field(default=())

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


class _Grant(Enum):
    NONE = 0
    ACCOUNT = 1  # the statement names the principal's account: IAM policies decide
    PRINCIPAL = 2  # the statement names the principal (its role, or `*`)
    SESSION = 3  # the statement names the very session: no boundary or session policy limits it


def _principal_grant(principal: Any, caller: Caller) -> _Grant:
    """How a `Principal` element names the caller."""
    if principal == "*":
        return _Grant.PRINCIPAL
    best = _Grant.NONE
    if not isinstance(principal, dict):
        return best
    for kind, values in principal.items():
        for value in _as_list(values):
            value = str(value)
            if kind == "Federated":
                if caller.federated is not None and value == caller.federated:
                    return _Grant.PRINCIPAL
                continue
            if kind != "AWS":
                continue  # Service and CanonicalUser principals are never a caller of the emulator
            if caller.session_arn is not None and value == caller.session_arn:
                return _Grant.SESSION
            if value in ("*", caller.arn):
                best = _Grant.PRINCIPAL
                continue
            root = _ROOT.match(value)
            if best is _Grant.NONE and (
                (root and root.group(1) == caller.account) or (_ACCOUNT_ID.match(value) and value == caller.account)
            ):
                best = _Grant.ACCOUNT
    return best


def _statement_grant(statement: dict[str, Any], caller: Caller) -> _Grant:
    if "NotPrincipal" in statement:
        return (
            _Grant.NONE if _principal_grant(statement["NotPrincipal"], caller) is not _Grant.NONE else _Grant.PRINCIPAL
        )
    return _principal_grant(statement.get("Principal"), caller)


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, dict)]


def _decide_documents(
    documents: tuple[dict[str, Any], ...] | list[dict[str, Any]], request: Request
) -> tuple[Decision, list[str]]:
    allowed, denying = False, []
    for document in documents:
        for statement in _statements(document):
            if not statement_applies(statement, request):
                continue
            if statement.get("Effect") == "Deny":
                denying.append(str(statement.get("Sid", "?")))
            else:
                allowed = True
    if denying:
        return Decision.EXPLICIT_DENY, denying
    return (Decision.ALLOW if allowed else Decision.IMPLICIT_DENY), []


def _decide_resource_policy(policy: ResourcePolicy, caller: Caller, request: Request) -> tuple[_Grant, list[str]]:
    """The strongest grant of the resource policy's Allow statements, and the Sids of its Denies."""
    grant, denying = _Grant.NONE, []
    for statement in _statements(policy.document):
        named = _statement_grant(statement, caller)
        if named is _Grant.NONE or not statement_applies(statement, request):
            continue
        if statement.get("Effect") == "Deny":
            denying.append(str(statement.get("Sid", "?")))
        elif named.value > grant.value:
            grant = named
    return grant, denying


def authorize(
    caller: Caller, request: Request, resource_account: str, resource_policy: ResourcePolicy | None = None
) -> Verdict:
    """AWS's decision for `caller` asking `request` of a resource owned by `resource_account`."""
    identity, identity_denies = _decide_documents(caller.identity_policies, request)
    boundary, boundary_denies = (
        _decide_documents([caller.boundary], request) if caller.boundary is not None else (Decision.ALLOW, [])
    )
    session, session_denies = (
        _decide_documents(caller.session_policies, request) if caller.session_policies else (Decision.ALLOW, [])
    )
    grant, resource_denies = (
        _decide_resource_policy(resource_policy, caller, request) if resource_policy is not None else (_Grant.NONE, [])
    )
    denies = [*identity_denies, *boundary_denies, *session_denies, *resource_denies]
    if denies:
        return Verdict(Decision.EXPLICIT_DENY, "an explicit deny applies", tuple(denies))

    limits_allow = boundary is Decision.ALLOW and session is Decision.ALLOW
    identity_allows = identity is Decision.ALLOW and limits_allow
    kind = resource_policy.kind if resource_policy is not None else None
    resource_allows = grant is _Grant.SESSION or (grant is _Grant.PRINCIPAL and limits_allow)

    if caller.account != resource_account:
        if resource_policy is None:
            return Verdict(
                Decision.IMPLICIT_DENY, f"the resource is in account {resource_account} and has no resource policy"
            )
        if grant is _Grant.NONE:
            return Verdict(
                Decision.IMPLICIT_DENY, f"no statement of the {resource_policy.kind.value} allows the principal"
            )
        if kind is ResourcePolicyKind.TRUST and caller.federated is not None:
            return Verdict(Decision.ALLOW, "allowed by the trust policy")
        if not identity_allows:
            return Verdict(Decision.IMPLICIT_DENY, _no_identity_allow(identity, boundary, session))
        return Verdict(Decision.ALLOW, f"allowed by the identity policies and the {resource_policy.kind.value}")

    if kind is ResourcePolicyKind.KEY:
        if resource_allows:
            return Verdict(Decision.ALLOW, "allowed by the key policy")
        if grant is _Grant.ACCOUNT and identity_allows:
            return Verdict(Decision.ALLOW, "allowed by the identity policies (the key policy delegates to the account)")
        if grant is _Grant.NONE:
            return Verdict(Decision.IMPLICIT_DENY, "no statement of the key policy allows the principal or its account")
        return Verdict(Decision.IMPLICIT_DENY, _no_identity_allow(identity, boundary, session))
    if kind is ResourcePolicyKind.TRUST:
        if caller.federated is not None and grant.value >= _Grant.PRINCIPAL.value:
            return Verdict(Decision.ALLOW, "allowed by the trust policy")
        if resource_allows or (grant is _Grant.ACCOUNT and identity_allows):
            return Verdict(Decision.ALLOW, "allowed by the trust policy")
        if grant is _Grant.NONE:
            return Verdict(Decision.IMPLICIT_DENY, "the role's trust policy does not allow the principal")
        return Verdict(Decision.IMPLICIT_DENY, _no_identity_allow(identity, boundary, session))
    if resource_allows:
        return Verdict(Decision.ALLOW, "allowed by the resource policy")
    if identity_allows:
        return Verdict(Decision.ALLOW, "allowed by the identity policies")
    return Verdict(Decision.IMPLICIT_DENY, _no_identity_allow(identity, boundary, session))


def _no_identity_allow(identity: Decision, boundary: Decision, session: Decision) -> str:
    if identity is not Decision.ALLOW:
        return "no identity-based policy allows the action"
    if boundary is not Decision.ALLOW:
        return "the permissions boundary does not allow the action"
    return "the session policy does not allow the action"


def endpoint_allows(policy: dict[str, Any] | None, caller: Caller, request: Request) -> Verdict:
    """A VPC endpoint policy's gate: the request passes only if an Allow statement naming the
    principal applies and no Deny does (no policy: AWS's default full access)."""
    if policy is None:
        return Verdict(Decision.ALLOW, "the endpoint has the default policy")
    grant, denying = _decide_resource_policy(ResourcePolicy(policy, caller.account), caller, request)
    if denying:
        return Verdict(Decision.EXPLICIT_DENY, "an explicit deny in the VPC endpoint policy applies", tuple(denying))
    if grant is _Grant.NONE:
        return Verdict(Decision.IMPLICIT_DENY, "no statement of the VPC endpoint policy allows the request")
    return Verdict(Decision.ALLOW, "allowed by the VPC endpoint policy")
