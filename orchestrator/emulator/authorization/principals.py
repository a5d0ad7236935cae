"""Who signed a request, and every policy IAM attaches to them.

The emulator's administrator is what stands, locally, for an account's pre-existing administrative
access: the emulator's own long-term credentials (account 123456789012), and sessions of a role
that the account's IAM does not hold (moto lets any role ARN be assumed; the orchestrator's deploy
role `<prefix>-<env>-deploy`, which on AWS exists before the platform, and the tests' inspectors are
such roles). The administrator may do anything in its own account, and, like anybody, reaches
another account only where that account's resource policy allows it. A role's trust policy is
evaluated for every caller but the emulator's own long-term credentials, which stand for the test
harness becoming any principal (e.g. a stage's deploy role, whose real entry path is GitHub's OIDC).
Every role that exists in IAM is a principal of the platform and gets IAM's decision: its inline
and attached policies, its permissions boundary, the session policy and the session tags.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from orchestrator.policy.authorization import Caller

ADMINISTRATOR_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "EmulatorAdministrator", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}
DEFAULT_ACCOUNT = "123456789012"
_CREDENTIAL = re.compile(
    r"Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request"
)


@dataclass(frozen=True)
class Signature:
    """What the SigV4 signature of a request says: the access key, region and signing service."""

    access_key: str
    region: str
    service: str
    session_token: str | None


@dataclass(frozen=True)
class Principal:
    caller: Caller
    administrator: bool
    tags: dict[str, str] = field(default_factory=dict)  # aws:PrincipalTag/*: the role's, then the session's
    root: bool = False  # the emulator's own long-term credentials: may assume any role, whatever its trust

    @property
    def describe(self) -> str:
        return self.caller.session_arn or self.caller.arn


def signature_of(environ: dict[str, Any]) -> Signature | None:
    """The signature's credential scope, from the Authorization header or a presigned URL."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    match = _CREDENTIAL.search(header)
    token = environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
    if match is None:
        query = unquote(environ.get("QUERY_STRING", ""))
        match = (
            _CREDENTIAL.search("Credential=" + query.split("X-Amz-Credential=", 1)[1])
            if "X-Amz-Credential=" in query
            else None
        )
        token_match = re.search(r"X-Amz-Security-Token=([^&]+)", environ.get("QUERY_STRING", ""))
        token = unquote(token_match.group(1)) if token_match else token
    if match is None:
        return None
    return Signature(match.group("key"), match.group("region"), match.group("service"), token)


# Session tags given to AssumeRole* (moto keeps none): access key id -> tags.
_session_tags: dict[str, dict[str, str]] = {}
_session_tags_lock = threading.Lock()


def remember_session_tags(access_key: str, tags: dict[str, str]) -> None:
    with _session_tags_lock:
        _session_tags[access_key] = dict(tags)


def session_tags(access_key: str) -> dict[str, str]:
    with _session_tags_lock:
        return dict(_session_tags.get(access_key, {}))


def _assumed_role(access_key: str) -> Any | None:
    from moto.sts.models import sts_backends  # noqa: PLC0415 - the emulator's state

    for _account, partitions in list(sts_backends.items()):
        for partition in list(partitions.keys()):
            for assumed in partitions[partition].assumed_roles:
                if assumed.access_key_id == access_key:
                    return assumed
    return None


def _document(text: Any) -> dict[str, Any]:
    if isinstance(text, dict):
        return text
    document: dict[str, Any] = json.loads(unquote(text) if isinstance(text, str) and text.startswith("%7B") else text)
    return document


def _role_tags(role: Any) -> dict[str, str]:
    tags = role.tags or {}
    if isinstance(tags, dict):
        return {str(k): str(v.get("Value", "") if isinstance(v, dict) else v) for k, v in tags.items()}
    return {str(t["Key"]): str(t["Value"]) for t in tags}


def _role_in_iam(account: str, partition: str, role_arn: str) -> Any | None:
    from moto.iam.models import iam_backends  # noqa: PLC0415

    name = role_arn.rsplit("/", 1)[-1]
    return next((r for r in iam_backends[account][partition].roles.values() if r.name == name), None)


def managed_policy_document(account: str, partition: str, arn: str) -> dict[str, Any] | None:
    from moto.iam.models import iam_backends  # noqa: PLC0415

    policy = iam_backends[account][partition].managed_policies.get(arn)
    if policy is None:
        return None
    default = next((v for v in policy.versions if v.version_id == policy.default_version_id), None)
    return _document(default.document) if default is not None else None


def role_policies(account: str, partition: str, role: Any) -> tuple[tuple[dict[str, Any], ...], dict[str, Any] | None]:
    """The identity policies (inline, then attached) and the boundary of a role, as IAM holds them now."""
    documents = [_document(text) for text in role.policies.values()]
    for arn in role.managed_policies:
        document = managed_policy_document(account, partition, arn)
        if document is not None:
            documents.append(document)
    boundary = None
    if role.permissions_boundary_arn:
        # A boundary that names a missing policy allows nothing (AWS refuses to set one).
        boundary = managed_policy_document(account, partition, role.permissions_boundary_arn) or {"Statement": []}
    return tuple(documents), boundary


def administrator(account: str, arn: str, session_arn: str | None = None) -> Principal:
    return Principal(
        Caller(account=account, arn=arn, session_arn=session_arn, identity_policies=(ADMINISTRATOR_POLICY,)),
        administrator=True,
    )


class InvalidToken(Exception):
    """The session token does not belong to the access key (the SDK's InvalidClientTokenId)."""


def principal_of(signature: Signature) -> Principal:
    """The principal behind a signature: a platform role's session, or the emulator's administrator."""
    assumed = _assumed_role(signature.access_key)
    if assumed is None:
        from moto.iam.models import get_account_id_from  # noqa: PLC0415

        account = get_account_id_from(signature.access_key)
        root = administrator(account, f"arn:aws:iam::{account}:root")
        return Principal(root.caller, administrator=True, root=True)
    if signature.session_token is not None and signature.session_token != assumed.session_token:
        raise InvalidToken(signature.access_key)
    account, partition = assumed.account_id, assumed.partition
    role = _role_in_iam(account, partition, assumed.role_arn)
    session_arn = assumed.arn
    if role is None:
        return Principal(
            administrator(account, assumed.role_arn, session_arn).caller,
            administrator=True,
            tags=session_tags(signature.access_key),
        )
    identity, boundary = role_policies(account, partition, role)
    session_policies = (_document(assumed.policy),) if assumed.policy else ()
    tags = {**_role_tags(role), **session_tags(signature.access_key)}
    caller = Caller(
        account=account,
        arn=role.arn,
        session_arn=session_arn,
        identity_policies=identity,
        boundary=boundary,
        session_policies=session_policies,
    )
    return Principal(caller, administrator=False, tags=tags)


def principal_context(principal: Principal, region: str) -> dict[str, Any]:
    """The global condition keys IAM sets from the principal."""
    caller = principal.caller
    context: dict[str, Any] = {
        "aws:PrincipalArn": caller.arn,
        "aws:PrincipalAccount": caller.account,
        "aws:PrincipalType": "AssumedRole" if caller.session_arn else "Account",
        "aws:RequestedRegion": region,
        # The emulator stands for AWS's public endpoints, which the SDKs reach over TLS only.
        "aws:SecureTransport": "true",
        "aws:PrincipalIsAWSService": "false",
        "aws:ViaAWSService": "false",
    }
    if caller.session_arn:
        context["aws:userid"] = caller.session_arn.rsplit("/", 1)[-1]
    for key, value in principal.tags.items():
        context[f"aws:PrincipalTag/{key}"] = value
    return context
