"""IAM's decision across identity policies, boundaries, session policies and resource policies."""

from __future__ import annotations

from typing import Any

from orchestrator.policy.authorization import Caller, ResourcePolicy, ResourcePolicyKind, authorize
from orchestrator.policy.evaluator import Decision, Request, condition_matches

DEV, STAGING = "111111111111", "222222222222"
ROLE = f"arn:aws:iam::{DEV}:role/worker"
SESSION = f"arn:aws:sts::{DEV}:assumed-role/worker/job"
OBJECT = "arn:aws:s3:::data/models/a"


def allow(action: str = "s3:GetObject", resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource, **extra}]}


def deny(action: str = "s3:GetObject", resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Statement": [{"Sid": "Stop", "Effect": "Deny", "Action": action, "Resource": resource, **extra}]}


def caller(
    *identity: dict[str, Any],
    boundary: dict[str, Any] | None = None,
    account: str = DEV,
    session_policies: tuple[dict[str, Any], ...] = (),
) -> Caller:
    role = ROLE.replace(DEV, account)
    return Caller(
        account=account,
        arn=role,
        session_arn=SESSION.replace(DEV, account),
        identity_policies=identity,
        boundary=boundary,
        session_policies=session_policies,
    )


def bucket_policy(*statements: dict[str, Any], account: str = DEV) -> ResourcePolicy:
    return ResourcePolicy({"Statement": list(statements)}, account)


def test_no_allow_is_an_implicit_deny_and_an_allow_allows() -> None:
    assert authorize(caller(), Request("s3:GetObject", OBJECT), DEV).decision is Decision.IMPLICIT_DENY
    assert authorize(caller(allow()), Request("s3:GetObject", OBJECT), DEV).allowed


def test_explicit_deny_anywhere_wins() -> None:
    verdict = authorize(caller(allow(), deny()), Request("s3:GetObject", OBJECT), DEV)
    assert verdict.decision is Decision.EXPLICIT_DENY and verdict.denying_statements == ("Stop",)
    in_bucket = bucket_policy(
        {"Sid": "NoReads", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": OBJECT}
    )
    assert (
        authorize(caller(allow()), Request("s3:GetObject", OBJECT), DEV, in_bucket).decision is Decision.EXPLICIT_DENY
    )


def test_boundary_limits_identity_allows() -> None:
    assert not authorize(caller(allow(), boundary=allow("s3:PutObject")), Request("s3:GetObject", OBJECT), DEV).allowed
    assert authorize(caller(allow(), boundary=allow("s3:*")), Request("s3:GetObject", OBJECT), DEV).allowed


def test_session_policy_limits_identity_allows() -> None:
    limited = caller(allow(), session_policies=(allow("s3:PutObject"),))
    assert not authorize(limited, Request("s3:GetObject", OBJECT), DEV).allowed


def test_same_account_resource_policy_naming_the_role_is_enough_but_naming_the_account_delegates() -> None:
    names_role = bucket_policy(
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:GetObject", "Resource": OBJECT}
    )
    assert authorize(caller(), Request("s3:GetObject", OBJECT), DEV, names_role).allowed
    names_account = bucket_policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{DEV}:root"},
            "Action": "s3:GetObject",
            "Resource": OBJECT,
        }
    )
    assert not authorize(caller(), Request("s3:GetObject", OBJECT), DEV, names_account).allowed
    assert authorize(caller(allow()), Request("s3:GetObject", OBJECT), DEV, names_account).allowed


def test_cross_account_needs_both_sides() -> None:
    outsider = caller(allow(), account=STAGING)
    names_outsider = bucket_policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{STAGING}:root"},
            "Action": "s3:GetObject",
            "Resource": OBJECT,
        }
    )
    assert authorize(outsider, Request("s3:GetObject", OBJECT), DEV, names_outsider).allowed
    assert not authorize(outsider, Request("s3:GetObject", OBJECT), DEV, None).allowed, "no resource policy: no way in"
    assert not authorize(caller(account=STAGING), Request("s3:GetObject", OBJECT), DEV, names_outsider).allowed, (
        "identity side missing"
    )
    names_other = bucket_policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444444444444:root"},
            "Action": "s3:GetObject",
            "Resource": OBJECT,
        }
    )
    assert not authorize(outsider, Request("s3:GetObject", OBJECT), DEV, names_other).allowed


def test_key_policy_must_grant_directly_or_delegate_to_the_account() -> None:
    key = f"arn:aws:kms:eu-west-1:{DEV}:key/1234"
    delegates = ResourcePolicy(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{DEV}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ]
        },
        DEV,
        ResourcePolicyKind.KEY,
    )
    silent = ResourcePolicy(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{DEV}:role/other"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ]
        },
        DEV,
        ResourcePolicyKind.KEY,
    )
    request = Request("kms:Decrypt", key)
    assert authorize(caller(allow("kms:Decrypt")), request, DEV, delegates).allowed
    assert not authorize(caller(allow("kms:Decrypt")), request, DEV, silent).allowed, "identity alone never uses a key"
    assert not authorize(caller(), request, DEV, delegates).allowed


def test_trust_policy_naming_the_account_needs_an_identity_allow() -> None:
    target = f"arn:aws:iam::{DEV}:role/target"
    trust = ResourcePolicy(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEV}:root"}, "Action": "sts:AssumeRole"}
            ]
        },
        DEV,
        ResourcePolicyKind.TRUST,
    )
    assert not authorize(caller(), Request("sts:AssumeRole", target), DEV, trust).allowed
    assert authorize(caller(allow("sts:AssumeRole")), Request("sts:AssumeRole", target), DEV, trust).allowed
    other = ResourcePolicy(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{DEV}:role/someone"},
                    "Action": "sts:AssumeRole",
                }
            ]
        },
        DEV,
        ResourcePolicyKind.TRUST,
    )
    assert not authorize(caller(allow("sts:AssumeRole")), Request("sts:AssumeRole", target), DEV, other).allowed


def test_not_principal_applies_to_everyone_else() -> None:
    policy = bucket_policy(
        {
            "Sid": "OnlyThePipeline",
            "Effect": "Deny",
            "NotPrincipal": {"AWS": f"arn:aws:iam::{DEV}:role/pipeline"},
            "Action": "s3:PutObject",
            "Resource": OBJECT,
        }
    )
    assert (
        authorize(caller(allow("s3:PutObject")), Request("s3:PutObject", OBJECT), DEV, policy).decision
        is Decision.EXPLICIT_DENY
    )


def test_policy_variables_take_the_request_values_and_missing_ones_never_match() -> None:
    own = allow(
        "sagemaker:CreatePresignedDomainUrl",
        "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/d-1/${aws:PrincipalTag/userprofile}",
    )
    mine = Request(
        "sagemaker:CreatePresignedDomainUrl",
        "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/d-1/alice",
        {"aws:PrincipalTag/userprofile": "alice"},
    )
    theirs = Request(
        "sagemaker:CreatePresignedDomainUrl",
        "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/d-1/bob",
        {"aws:PrincipalTag/userprofile": "alice"},
    )
    untagged = Request(
        "sagemaker:CreatePresignedDomainUrl", "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/d-1/alice"
    )
    assert authorize(caller(own), mine, DEV).allowed
    assert not authorize(caller(own), theirs, DEV).allowed
    assert not authorize(caller(own), untagged, DEV).allowed
    assert condition_matches(
        "StringEquals",
        "aws:RequestTag/userprofile",
        "${aws:PrincipalTag/userprofile}",
        {"aws:RequestTag/userprofile": "alice", "aws:PrincipalTag/userprofile": "alice"},
    )


def test_ip_and_date_operators() -> None:
    assert condition_matches("IpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "10.1.2.3"})
    assert condition_matches("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "192.0.2.1"})
    assert condition_matches(
        "DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", {"aws:CurrentTime": "2026-12-06T00:00:00Z"}
    )
