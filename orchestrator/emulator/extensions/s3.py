"""S3: bucket logging, bucket-policy condition gaps and Block Public Access of the stock emulator."""

from __future__ import annotations

import json
from typing import Any

from orchestrator.emulator.extensions._policy_json import as_list as _as_list


def s3_logging_target_accepts_any_policy_shape() -> None:
    """PutBucketLogging: moto checks that the target bucket's policy lets the logging service write,
    but crashes (HTTP 500) when any statement has `"Principal": "*"` or a list-valued Resource —
    both ordinary in hardened bucket policies (TLS-only denies). This check accepts every valid
    policy shape and keeps moto's rule: an Allow of s3:PutObject for logging.s3.amazonaws.com on the
    target bucket (optionally under the target prefix)."""
    from moto.s3.models import FakeBucket  # noqa: PLC0415
    from moto.s3.utils import LOGGING_SERVICE_PRINCIPAL  # noqa: PLC0415

    def log_permissions_enabled_policy(target_bucket: FakeBucket, target_prefix: str | None) -> bool:
        if not target_bucket.policy:
            return False
        policy = json.loads(target_bucket.policy.decode())
        bucket_arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
        accepted = {f"{bucket_arn}/{target_prefix or ''}*", f"{bucket_arn}/*", bucket_arn}
        for statement in _as_list(policy.get("Statement")):
            principal = statement.get("Principal")
            services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
            if statement.get("Effect") != "Allow" or LOGGING_SERVICE_PRINCIPAL not in services:
                continue
            if "s3:PutObject" not in _as_list(statement.get("Action")):
                continue
            if accepted.intersection(_as_list(statement.get("Resource"))):
                return True
        return False

    FakeBucket._log_permissions_enabled_policy = staticmethod(log_permissions_enabled_policy)  # type: ignore[method-assign]


def _absent_key_matches(operator: str, expected: Any) -> bool:
    """IAM semantics for a condition key the request does not carry."""
    if operator.endswith("IfExists"):
        return True
    if operator == "Null":
        return any(str(v).lower() == "true" for v in _as_list(expected))
    return "Not" in operator  # StringNotEquals, StringNotLike, ArnNotLike, NumericNotEquals, ...


def bucket_policy_conditions_follow_iam_semantics() -> None:
    """Bucket policies: moto evaluates a Condition on a key it has no value for as *matched*, and a
    statement whose Condition does not match as DENIED (even an Allow). So a standard TLS-only
    policy (`Deny … Bool aws:SecureTransport false`) makes every object call fail with 403.

    Here, as in IAM: the emulator supplies no request context to bucket policies, so every key is
    absent; an absent key matches only negated operators (`StringNotEquals`, `ArnNotLike`, …),
    `…IfExists` operators and `Null: true`; a statement whose conditions do not all match does not
    apply (NEUTRAL). Keys that moto does supply are still compared by moto."""
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult  # noqa: PLC0415
    from moto.iam.policy_conditions import TrustRelationShipConditions  # noqa: PLC0415

    def check_conditions(self: IAMPolicyStatement, incoming: dict[str, str] | None) -> bool:
        for operator, keys in (self._statement.get("Condition") or {}).items():
            for key, expected in keys.items():
                if not incoming or key not in incoming:
                    if not _absent_key_matches(operator, expected):
                        return False
                    continue
                for condition in TrustRelationShipConditions({operator: {key: expected}}):
                    if not condition.verify_condition([incoming[key]]):
                        return False
        return True

    def is_action_permitted(
        self: IAMPolicyStatement,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> PermissionResult:
        element = "NotAction" if "NotAction" in self._statement else "Action"
        if self._check_element_matches(element, action) == (element == "NotAction"):
            return PermissionResult.NEUTRAL
        if self.is_unknown_principal(self._statement.get("Principal")):
            return PermissionResult.NEUTRAL
        if principal and not self._check_principal(principal):
            return PermissionResult.DENIED
        if not check_conditions(self, incoming_condition_values):
            return PermissionResult.NEUTRAL
        if not self._statement.get("Resource"):
            return PermissionResult.PERMITTED
        if not self._check_element_matches("Resource", resource):
            return PermissionResult.NEUTRAL
        return PermissionResult.PERMITTED if self._statement["Effect"] == "Allow" else PermissionResult.DENIED

    IAMPolicyStatement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]


# Keys whose fixed value makes an Allow to everybody non-public ("The meaning of public", S3 user guide).
_NON_PUBLIC_KEYS = frozenset(
    {
        "aws:sourceip",
        "aws:sourcearn",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceowner",
        "aws:sourceaccount",
        "aws:userid",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
    }
)
_PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def _to_everybody(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _fixed(operator: str, values: Any) -> bool:
    if "Not" in operator or operator.endswith("IfExists") or operator == "Null":
        return False
    return all(isinstance(v, str) and "*" not in v and "?" not in v for v in _as_list(values))


def policy_is_public(document: dict[str, Any]) -> bool:
    """S3's test: an Allow to everybody whose conditions fix none of the keys that limit it."""
    for statement in _as_list(document.get("Statement")):
        if statement.get("Effect") != "Allow" or not _to_everybody(statement.get("Principal")):
            continue
        conditions = statement.get("Condition") or {}
        limited = any(
            key.lower() in _NON_PUBLIC_KEYS and _fixed(operator, values)
            for operator, keys in conditions.items()
            for key, values in keys.items()
        )
        if not limited:
            return True
    return False


def _acl_is_public(acl: Any) -> bool:
    return acl is not None and any(g.uri in _PUBLIC_GROUPS for grant in acl.grants for g in grant.grantees)


def _blocks(bucket: Any, setting: str) -> bool:
    """The bucket's or its owner account's Block Public Access setting (the stricter wins)."""
    from moto.s3control.models import s3control_backends  # noqa: PLC0415

    account = s3control_backends[bucket.account_id][bucket.partition].public_access_block
    return any(getattr(block, setting, False) for block in (bucket.public_access_block, account) if block is not None)


def public_access_blocks_are_honoured() -> None:
    """Block Public Access: moto stores the bucket's and the account's (S3 Control) settings but
    applies neither. As on AWS, with BlockPublicPolicy (bucket or account) a PutBucketPolicy whose
    policy is public is refused with AccessDenied, and with BlockPublicAcls a PutBucketAcl or
    PutObjectAcl granting AllUsers or AuthenticatedUsers. IgnorePublicAcls and RestrictPublicBuckets
    are stored and read back only (the emulator serves no anonymous request through them)."""
    from moto.s3.exceptions import AccessDeniedByLock  # noqa: PLC0415 - S3's AccessDenied / "Access Denied"
    from moto.s3.models import S3Backend  # noqa: PLC0415

    put_policy, put_bucket_acl, put_object_acl = (
        S3Backend.put_bucket_policy,
        S3Backend.put_bucket_acl,
        S3Backend.put_object_acl,
    )

    def put_bucket_policy(self: S3Backend, bucket_name: str, policy: bytes) -> None:
        bucket = self.get_bucket(bucket_name)
        if _blocks(bucket, "block_public_policy") and policy_is_public(json.loads(policy)):
            raise AccessDeniedByLock()
        put_policy(self, bucket_name, policy)

    def put_acl_of_bucket(self: S3Backend, bucket_name: str, acl: Any) -> None:
        if _acl_is_public(acl) and _blocks(self.get_bucket(bucket_name), "block_public_acls"):
            raise AccessDeniedByLock()
        put_bucket_acl(self, bucket_name, acl)

    def put_acl_of_object(
        self: S3Backend, bucket_name: str, key_name: str, acl: Any, *args: Any, **kwargs: Any
    ) -> None:
        if _acl_is_public(acl) and _blocks(self.get_bucket(bucket_name), "block_public_acls"):
            raise AccessDeniedByLock()
        put_object_acl(self, bucket_name, key_name, acl, *args, **kwargs)

    S3Backend.put_bucket_policy = put_bucket_policy  # type: ignore[method-assign]
    S3Backend.put_bucket_acl = put_acl_of_bucket  # type: ignore[method-assign]
    S3Backend.put_object_acl = put_acl_of_object  # type: ignore[method-assign]
