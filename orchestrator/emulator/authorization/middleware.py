"""The WSGI application that decides every signed request before the emulator serves it.

For each request: the principal from the signature; the call from the service model; the checks
IAM makes for it; for each check the owner account and resource policy of its resource; then IAM's
decision (`orchestrator.policy.authorization.authorize`). A denied request gets the service's
AccessDenied answer and never reaches the emulator's state. The emulator's administrator is not
evaluated within its own account (see principals.py) but is across accounts, like anybody.
A signed request of a platform principal that no rule maps is served, logged as *unevaluated* and
counted; `GET /_platform/authorization` answers the counts, and the emulator logs them when it stops.
An unsigned AssumeRoleWithWebIdentity is decided on its token (`web_identity`, see
orchestrator.emulator.oidc) and counted as evaluated like any signed request.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from orchestrator.emulator.authorization.actions import Check, Where, checks_for
from orchestrator.emulator.authorization.calls import Call, identify, read_body
from orchestrator.emulator.authorization.denials import Denial, denial, invalid_token, message
from orchestrator.emulator.authorization.network import SOURCE_VPC, Endpoint, endpoint_for
from orchestrator.emulator.authorization.principals import (
    InvalidToken,
    Principal,
    Signature,
    principal_context,
    principal_of,
    remember_session_tags,
    signature_of,
)
from orchestrator.emulator.authorization.resource_policies import key_aliases, owner_and_policy, resource_tags
from orchestrator.emulator.extensions import cloudtrail
from orchestrator.policy.authorization import Verdict, authorize, endpoint_allows
from orchestrator.policy.evaluator import Request

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
COUNTS_PATH = "/_platform/authorization"
_ACCESS_KEY = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>")


@dataclass
class Counts:
    evaluated: int = 0
    allowed: int = 0
    denied: int = 0
    unevaluated: int = 0
    administrator: int = 0
    unsigned: int = 0
    unevaluated_operations: Counter[str] = field(default_factory=Counter)
    denied_actions: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "evaluated": self.evaluated,
            "allowed": self.allowed,
            "denied": self.denied,
            "unevaluated": self.unevaluated,
            "administrator": self.administrator,
            "unsigned": self.unsigned,
            "unevaluated_operations": dict(self.unevaluated_operations),
            "denied_actions": dict(self.denied_actions),
        }

    def summary(self) -> str:
        return (
            f"authorization: {self.evaluated} requests evaluated ({self.allowed} allowed, {self.denied} denied), "
            f"{self.unevaluated} unevaluated, {self.administrator} by the administrator in its own account, {self.unsigned} unsigned"
        )


@dataclass(frozen=True)
class Refusal:
    check: Check
    verdict: Verdict


def decide(
    principal: Principal, call: Call, checks: list[Check], endpoint: Endpoint | None = None
) -> tuple[Refusal | None, int]:
    """The first check IAM refuses (None when all are allowed), and how many checks were evaluated.

    `endpoint`: the VPC endpoint the request came through; its policy gates every caller."""
    caller = principal.caller
    base = principal_context(principal, call.region)
    if endpoint is not None:
        base |= {"aws:SourceVpce": endpoint.id, "aws:SourceVpc": endpoint.vpc_id}
    evaluated = 0
    for check in checks:
        owner, policy = owner_and_policy(check.resource, caller.account, check.action)
        # Only the call itself goes through the endpoint; what it implies (iam:PassRole, the KMS
        # call S3 makes for the caller) is asked by the service, not through the VPC.
        if endpoint is not None and check.action.split(":")[0] == checks[0].action.split(":")[0]:
            request = Request(check.action, check.resource, {**base, "aws:ResourceAccount": owner, **check.context})
            gate = endpoint_allows(endpoint.policy, caller, request)
            evaluated += 1
            if not gate.allowed:
                return Refusal(check, gate), evaluated
        assumes = check.action in _ASSUMING
        if principal.administrator and ((owner == caller.account and not assumes) or (principal.root and assumes)):
            continue
        evaluated += 1
        context = {
            **base,
            "aws:ResourceAccount": owner,
            **resource_tags(check.resource),
            **key_aliases(check.resource),
            **check.context,
        }
        if check.resource.startswith("arn:aws:s3:::"):
            context["s3:ResourceAccount"] = owner
        verdict = authorize(caller, Request(check.action, check.resource, context), owner, policy)
        if not verdict.allowed:
            return Refusal(check, verdict), evaluated
    return None, evaluated


class AuthorizingApp:
    """Decides each signed request as IAM would before `app` serves it."""

    def __init__(
        self, app: WsgiApp, log: TextIO | None = None, web_identity: Callable[[dict[str, Any]], Any] | None = None
    ) -> None:
        self._app = app
        self._log = log
        self.counts = Counts()
        # Decides an unsigned AssumeRoleWithWebIdentity (orchestrator.emulator.oidc.web_identity).
        self._web_identity = web_identity

    def _say(self, text: str) -> None:
        stream = self._log if self._log is not None else sys.stderr
        print(f"[{time.strftime('%d/%b/%Y %H:%M:%S')}] {text}", file=stream, flush=True)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == COUNTS_PATH:
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(self.counts.as_dict()).encode()]
        signature = signature_of(environ)
        decided = self._web_identity(environ) if signature is None and self._web_identity is not None else None
        if decided is not None:
            return self._web_identity_answer(decided, environ, start_response)
        if signature is None or str(environ.get("PATH_INFO", "")).startswith("/moto-api"):
            self.counts.unsigned += 1
            return self._app(environ, start_response)
        body = read_body(environ)
        call = identify(environ, body, signature.service, signature.region)
        method = str(environ.get("REQUEST_METHOD", "GET"))
        try:
            principal = principal_of(signature)
        except InvalidToken:
            protocol = call.protocol if call is not None else ("rest-xml" if signature.service == "s3" else "json")
            return _answer(start_response, invalid_token(protocol, method))
        checks = checks_for(call, Where(principal.caller.account)) if call is not None else None
        if call is not None:
            start_response = _recording(start_response, call, principal, signature, checks or [])
        if call is None or checks is None:
            if principal.administrator:
                self.counts.administrator += 1
            else:
                operation = (
                    f"{call.service}:{call.operation}"
                    if call is not None
                    else f"{signature.service}:{method} {environ.get('PATH_INFO', '')}"
                )
                self.counts.unevaluated += 1
                self.counts.unevaluated_operations[operation] += 1
                self._say(f"authorization: UNEVALUATED {operation} by {principal.describe} (no rule maps it)")
            return self._app(environ, start_response)
        endpoint = None
        if environ.get(SOURCE_VPC):
            endpoint = endpoint_for(str(environ[SOURCE_VPC]), call.region, call.service)
            if endpoint is None:
                self.counts.evaluated += 1
                self.counts.denied += 1
                text = f"no route from {environ[SOURCE_VPC]} to {call.service}: the VPC has no endpoint for it"
                self._say(f"authorization: DENIED {principal.describe} {call.service}:{call.operation}: {text}")
                return _answer(start_response, denial(call.service, call.protocol, method, text))
        refusal, evaluated = decide(principal, call, checks, endpoint)
        if principal.administrator and not evaluated:
            self.counts.administrator += 1
        else:
            self.counts.evaluated += 1
        if refusal is not None:
            self.counts.denied += 1
            self.counts.denied_actions[refusal.check.action] += 1
            text = message(
                principal.describe,
                refusal.check.action,
                refusal.check.resource,
                refusal.verdict.decision,
                _because(refusal.verdict),
            )
            self._say(f"authorization: DENIED {text}")
            return _answer(start_response, denial(call.service, call.protocol, method, text))
        if evaluated or not principal.administrator:
            self.counts.allowed += 1
        result = self._app(environ, start_response)
        if call.service == "sts" and call.operation.startswith("AssumeRole") and call.params.get("Tags"):
            chunks = list(result)
            _remember_tags(call, b"".join(chunks))
            return chunks
        return result

    def _web_identity_answer(
        self, decided: Any, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        self.counts.evaluated += 1
        if decided.denial is None:
            self.counts.allowed += 1
            return self._app(environ, start_response)
        self.counts.denied += 1
        self.counts.denied_actions["sts:AssumeRoleWithWebIdentity"] += 1
        self._say(f"authorization: DENIED {decided.reason}")
        return _answer(start_response, decided.denial)


# A role's trust policy decides these for every caller but the emulator's root (principals.py).
_ASSUMING = frozenset(
    {
        "sts:AssumeRole",
        "sts:AssumeRoleWithWebIdentity",
        "sts:AssumeRoleWithSAML",
        "sts:TagSession",
        "sts:SetSourceIdentity",
    }
)


def _because(verdict: Verdict) -> str:
    if verdict.denying_statements:
        return f"a policy (statements {', '.join(verdict.denying_statements)})"
    return verdict.reason


def _answer(start_response: Callable[..., Any], answer: Denial) -> list[bytes]:
    start_response(answer.status, answer.headers)
    return [answer.body]


def _recording(
    start_response: Callable[..., Any], call: Call, principal: Principal, signature: Signature, checks: list[Check]
) -> Callable[..., Any]:
    """`start_response`, recording the call as a CloudTrail event when it succeeds (extensions/cloudtrail.py)."""
    if not cloudtrail.is_recorded(call.service, call.operation, call.params):
        return start_response
    served = cloudtrail.Served(
        account=principal.caller.account,
        region=call.region,
        service=call.service,
        signing_name=signature.service,
        operation=call.operation,
        params=call.params,
        caller_arn=principal.caller.arn,
        session_arn=principal.caller.session_arn,
        access_key=signature.access_key,
        checked_resources=tuple(c.resource for c in checks),
    )

    def recording(status: str, headers: Any, *extra: Any) -> Any:
        if status[:1] == "2":
            cloudtrail.record(served)
        return start_response(status, headers, *extra)

    return recording


def _remember_tags(call: Call, body: bytes) -> None:
    """Keeps the session tags of a successful AssumeRole* (moto keeps none)."""
    match = _ACCESS_KEY.search(body)
    if match is None:
        return
    tags = {str(t["Key"]): str(t["Value"]) for t in call.params["Tags"] if isinstance(t, dict) and "Key" in t}
    remember_session_tags(match.group(1).decode(), tags)


def bucket_policies_are_decided_here() -> None:
    """moto checks a bucket's policy again on object calls, with no request context at all (no
    principal, no aws:SourceVpce, …): every VPC-endpoint-only bucket then refuses a caller inside
    the VPC. In the emulator server the decision is made above, with the request's context, so
    moto's second look defers to it."""
    from moto.iam.access_control import PermissionResult  # noqa: PLC0415
    from moto.s3.models import FakeBucket  # noqa: PLC0415

    def decided_by_the_authorization_middleware(self: FakeBucket, action: str, resource: str) -> Any:
        return PermissionResult.NEUTRAL

    FakeBucket.get_permission = decided_by_the_authorization_middleware  # type: ignore[method-assign]
