"""The adversary suite: attacks tried with the attacker's own credentials against the emulator after
the README's apply (the session's world, tests/world.py), each expected to be refused as AWS would
refuse it: AccessDenied, from the policy statement named in the test.

Each attack is also decided, with the same evaluator the emulator uses, on the policy documents the
platform had before the attack was closed (`before/`, read back from an applied world of that
version): there it is allowed. So every test here is shown to fail on the earlier policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from orchestrator.policy.authorization import Caller, ResourcePolicy, ResourcePolicyKind, Verdict, authorize
from orchestrator.policy.evaluator import Request

REGION = "eu-west-1"
BEFORE = Path(__file__).parent / "before"

pytestmark = pytest.mark.emulator


def session(
    url: str, role_arn: str, via: dict[str, str] | None = None, tags: dict[str, str] | None = None
) -> dict[str, str]:
    """Credentials of a session of `role_arn`, obtained by `via` (the emulator's root when None)."""
    base = via or {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    extra: dict[str, Any] = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
    sts = boto3.client("sts", endpoint_url=url, region_name=REGION, **base)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="attacker", **extra)["Credentials"]
    return {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


def client(url: str, credentials: dict[str, str], service: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name=REGION, **credentials)


def refused(call: Callable[[], Any]) -> str:
    """The error message of a call the emulator must refuse for lack of authorization."""
    with pytest.raises(ClientError) as denied:
        call()
    error = denied.value.response["Error"]
    assert error["Code"] in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"), error
    return str(error.get("Message", ""))


def not_refused(call: Callable[[], Any]) -> None:
    """The call may fail for another reason (a missing resource), never for authorization."""
    try:
        call()
    except ClientError as error:
        assert error.response["Error"]["Code"] not in (
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
        ), error.response["Error"]


# ---------------------------------------------------------------------------------------------
# The policy before the attack was closed
# ---------------------------------------------------------------------------------------------


def applied_role(url: str, account: str, role: str) -> Caller:
    """A role of the applied world as IAM holds it now (read back with the account's administrator)."""
    iam = client(url, session(url, f"arn:aws:iam::{account}:role/inspector"), "iam")

    def document(value: Any) -> dict[str, Any]:
        return dict(json.loads(value)) if isinstance(value, str) else dict(value)

    def managed(arn: str) -> dict[str, Any]:
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        return document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])

    inline = [
        document(iam.get_role_policy(RoleName=role, PolicyName=n)["PolicyDocument"])
        for n in iam.list_role_policies(RoleName=role)["PolicyNames"]
    ]
    attached = [managed(a["PolicyArn"]) for a in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]]
    details = iam.get_role(RoleName=role)["Role"]
    boundary = details.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    return Caller(
        account=account,
        arn=details["Arn"],
        session_arn=f"arn:aws:sts::{account}:assumed-role/{role}/attacker",
        identity_policies=tuple(inline + attached),
        boundary=managed(boundary) if boundary else None,
    )


def before(name: str) -> dict[str, Any]:
    return dict(json.loads((BEFORE / f"{name}.json").read_text(encoding="utf-8")))


def decided_before(
    role: str, request: Request, resource_account: str, trust_of: str | None = None, caller: Caller | None = None
) -> Verdict:
    """IAM's decision for `role` (or `caller`) under the earlier documents of before/<role>.json.

    `trust_of`: decide an sts: request against the earlier trust policy of that role instead."""
    documents = before(role)
    if caller is None:
        caller = Caller(
            account=documents["account"],
            arn=documents["arn"],
            session_arn=f"arn:aws:sts::{documents['account']}:assumed-role/{role}/attacker",
            identity_policies=tuple(documents["identity_policies"]),
            boundary=documents.get("boundary"),
        )
    policy = None
    if trust_of is not None:
        target = before(trust_of)
        policy = ResourcePolicy(target["trust_policy"], target["account"], ResourcePolicyKind.TRUST)
    return authorize(caller, request, resource_account, policy)
