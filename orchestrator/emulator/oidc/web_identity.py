"""AssumeRoleWithWebIdentity decided as STS decides it, before the emulator hands out credentials.

The call is unsigned: the token is the only proof of who asks. In order:
1. The token must be a JWT; its `iss` names the provider. The role's account must hold an IAM OIDC
   provider with that URL (else InvalidIdentityToken "No OpenIDConnect provider found in your
   account for <iss>").
2. The signature must verify with the provider's keys. GitHub's provider stands, locally, for the
   emulator's own issuer (issuer.py): a token signed with any other key is refused
   (InvalidIdentityToken), as is an expired one (ExpiredTokenException) or one not yet valid.
3. The token's `aud` must be in the provider's client id list (InvalidIdentityToken "Incorrect
   token audience").
4. The role's trust policy decides, with the principal `Federated: <provider ARN>` and the
   condition keys IAM derives from the token, `<provider>:sub` and `<provider>:aud` (GitHub's other
   claims are not condition keys: a trust pins the branch through the subject), with the keys of
   the request itself (`sts:RoleSessionName`, …). A key the emulator cannot vouch IAM sets is left
   out, so that a policy relying on it is refused here rather than allowed. Refused: AccessDenied
   "Not authorized to perform sts:AssumeRoleWithWebIdentity".
The decision is `orchestrator.policy.authorization.authorize`'s, as for every other request. The
session it opens is an ordinary session of the role: its calls are decided by the role's policies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from orchestrator.emulator.authorization.actions import Where, sts
from orchestrator.emulator.authorization.calls import Call, identify, read_body
from orchestrator.emulator.authorization.denials import Denial, denial, query_error
from orchestrator.emulator.authorization.resource_policies import owner_and_policy
from orchestrator.emulator.oidc.github import ISSUER
from orchestrator.emulator.oidc.issuer import NO_VERIFICATION_KEY, Issuer, Rejected, unverified_claims
from orchestrator.policy.authorization import Caller, authorize
from orchestrator.policy.evaluator import Request

ACTION = "sts:AssumeRoleWithWebIdentity"
NOT_AUTHORIZED = f"Not authorized to perform {ACTION}"
_ROLE = re.compile(r"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):role/.+$")


@dataclass(frozen=True)
class Decided:
    """The decision on one AssumeRoleWithWebIdentity: the answer when refused, and why."""

    denial: Denial | None
    reason: str


def _provider(account: str, partition: str, issuer_url: str) -> Any | None:
    from moto.iam.models import iam_backends  # noqa: PLC0415 - the emulator's state

    url = issuer_url.removeprefix("https://")
    providers = iam_backends[account][partition].open_id_providers.values()
    return next((p for p in list(providers) if p.url.rstrip("/") == url.rstrip("/")), None)


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    return [str(a) for a in aud] if isinstance(aud, list) else [str(aud)] if aud is not None else []


def condition_keys(provider_url: str, claims: dict[str, Any], audience: str) -> dict[str, Any]:
    """The condition keys IAM derives from a verified token of the provider at `provider_url`
    (`audience`: the token's audience that is one of the provider's client ids)."""
    host = provider_url.removeprefix("https://").rstrip("/")
    return {f"{host}:sub": str(claims.get("sub", "")), f"{host}:aud": audience}


def _verified(issuer: Issuer, token: str, account: str, partition: str) -> tuple[Any, dict[str, Any], str]:
    """The provider, the claims and the accepted audience of a token STS accepts for the account
    (Rejected otherwise)."""
    iss = str(unverified_claims(token).get("iss", ""))
    provider = _provider(account, partition, iss)
    if provider is None:
        raise Rejected("InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {iss}")
    if iss != ISSUER:  # the emulator holds no keys of any other identity provider
        raise Rejected("InvalidIdentityToken", NO_VERIFICATION_KEY)
    claims = issuer.verify(token)
    accepted = [a for a in _audiences(claims) if a in (provider.client_id_list or [])]
    if not accepted:
        raise Rejected("InvalidIdentityToken", "Incorrect token audience")
    return provider, claims, accepted[0]


def decide(call: Call, issuer: Issuer) -> Decided:
    """STS's decision on an AssumeRoleWithWebIdentity call."""
    role_arn = str(call.params.get("RoleArn", ""))
    role = _ROLE.match(role_arn)
    if role is None:
        return Decided(
            denial("sts", call.protocol, call.method, NOT_AUTHORIZED), f"{ACTION} on '{role_arn}': not a role ARN"
        )
    account, partition = role.group("account"), role.group("partition")
    try:
        provider, claims, audience = _verified(issuer, str(call.params.get("WebIdentityToken", "")), account, partition)
    except Rejected as rejected:
        return Decided(
            query_error(rejected.code, rejected.message, "400 Bad Request"),
            f"{ACTION} on {role_arn}: {rejected.code}: {rejected.message}",
        )
    federated = provider.arn
    checks = sts(call, Where(account, partition)) or []
    request = checks[0].context if checks else {}
    context = {**request, **condition_keys(f"https://{provider.url}", claims, audience)}
    owner, policy = owner_and_policy(role_arn, account, ACTION)
    caller = Caller(account=account, arn=federated, federated=federated)
    verdict = authorize(caller, Request(ACTION, role_arn, context), owner, policy)
    reason = f"{federated} (sub {claims.get('sub')}) {ACTION} on {role_arn}: {verdict.reason}"
    if not verdict.allowed:
        return Decided(denial("sts", call.protocol, call.method, NOT_AUTHORIZED), reason)
    return Decided(None, reason)


class WebIdentity:
    """Picks the unsigned AssumeRoleWithWebIdentity requests out and decides them."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer

    def __call__(self, environ: dict[str, Any]) -> Decided | None:
        """The decision on a web-identity request; None for any other unsigned request."""
        if (
            "AssumeRoleWithWebIdentity" not in str(environ.get("QUERY_STRING", ""))
            and environ.get("REQUEST_METHOD") != "POST"
        ):
            return None
        body = read_body(environ)
        if b"AssumeRoleWithWebIdentity" not in body and "AssumeRoleWithWebIdentity" not in str(
            environ.get("QUERY_STRING", "")
        ):
            return None
        call = identify(environ, body, "sts", "us-east-1")
        if call is None or call.service != "sts" or call.operation != "AssumeRoleWithWebIdentity":
            return None
        return decide(call, self.issuer)
