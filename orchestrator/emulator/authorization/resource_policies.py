"""The resource policy of a request's target and the account that owns it, read from the emulator's state.

Resource policies the platform sets: S3 bucket policies, KMS key policies, IAM role trust policies,
SageMaker model package group policies, SQS queue and SNS topic policies, Secrets Manager secret
policies, ECR repository policies, EventBridge event bus policies and CodeArtifact domain and
repository permissions policies. A target of another account without a policy cannot be reached
from outside that account.
"""

from __future__ import annotations

import json
import re
from typing import Any

from orchestrator.policy.authorization import ResourcePolicy, ResourcePolicyKind

_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):(?P<service>[^:]+):(?P<region>[^:]*):(?P<account>\d{12})?:(?P<resource>.+)$"
)
_KEY_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$")


def _json(text: Any) -> dict[str, Any] | None:
    if text is None or text == "":
        return None
    if isinstance(text, dict):
        return text
    if isinstance(text, bytes):
        text = text.decode()
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


# ---------------------------------------------------------------------------------------------
# KMS
# ---------------------------------------------------------------------------------------------


def resolve_kms_key(where: Any, region: str, key_id: Any) -> str | None:
    """The ARN of the key a KeyId names (id, ARN, alias name or alias ARN), in the caller's or the ARN's account."""
    from moto.kms.models import kms_backends  # noqa: PLC0415

    if not isinstance(key_id, str) or not key_id:
        return None
    account, key_region = where.account, region
    match = _ARN.match(key_id)
    if match:
        account, key_region = match.group("account") or account, match.group("region") or region
        key_id = match.group("resource").removeprefix("key/")
    backend = kms_backends[account][key_region]
    if key_id.startswith("alias/"):
        target = backend.get_key_id_from_alias(key_id)
        if target is None:
            return None
        key_id = target
    key = backend.keys.get(key_id)
    return str(key.arn) if key is not None else None


def _kms_key_policy(arn: str, account: str, region: str) -> ResourcePolicy | None:
    from moto.kms.models import kms_backends  # noqa: PLC0415

    key = kms_backends[account][region].keys.get(arn.rsplit("/", 1)[-1])
    document = _json(getattr(key, "policy", None)) if key is not None else None
    return ResourcePolicy(document, account, ResourcePolicyKind.KEY) if document is not None else None


# ---------------------------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------------------------


def _bucket(name: str) -> tuple[Any, str] | None:
    from moto.s3.models import s3_backends  # noqa: PLC0415

    owner = s3_backends.bucket_accounts.get(name)
    if owner is None:
        return None
    partition, account = owner
    bucket = s3_backends[account][partition].buckets.get(name)
    return (bucket, account) if bucket is not None else None


def bucket_account(name: str) -> str | None:
    found = _bucket(name)
    return found[1] if found else None


def bucket_default_kms_key(name: str, region: str) -> str | None:
    """The KMS key a bucket encrypts new objects with by default, as an ARN."""
    found = _bucket(name)
    if found is None or not found[0].encryption:
        return None
    rules = found[0].encryption.get("Rule") or found[0].encryption.get("Rules") or []
    for rule in rules if isinstance(rules, list) else [rules]:
        default = (rule or {}).get("ApplyServerSideEncryptionByDefault") or {}
        if default.get("SSEAlgorithm") == "aws:kms" and default.get("KMSMasterKeyID"):
            from types import SimpleNamespace  # noqa: PLC0415

            return resolve_kms_key(SimpleNamespace(account=found[1]), region, default["KMSMasterKeyID"])
    return None


def object_kms_key(bucket: str, key: str, version: Any) -> str | None:
    """The KMS key an existing object is encrypted with (None: not SSE-KMS, or no such object)."""
    found = _bucket(bucket)
    if found is None:
        return None
    try:
        stored = found[0].keys.getlist(key) or []  # moto answers None for a key it does not hold
    except Exception:  # noqa: BLE001 - no such key
        return None
    candidates = [o for o in stored if version is None or str(getattr(o, "version_id", "")) == str(version)]
    current = candidates[-1] if candidates else None
    if current is None or getattr(current, "encryption", None) != "aws:kms" or not getattr(current, "kms_key_id", None):
        return None
    from types import SimpleNamespace  # noqa: PLC0415

    return resolve_kms_key(SimpleNamespace(account=found[1]), str(found[0].region_name), current.kms_key_id)


def _bucket_policy(bucket: str) -> tuple[ResourcePolicy | None, str | None]:
    found = _bucket(bucket)
    if found is None:
        return None, None
    document = _json(found[0].policy)
    return (ResourcePolicy(document, found[1]) if document is not None else None), found[1]


# ---------------------------------------------------------------------------------------------
# Others
# ---------------------------------------------------------------------------------------------


def _role_trust(arn: str, account: str, partition: str) -> ResourcePolicy | None:
    from moto.iam.models import iam_backends  # noqa: PLC0415

    name = arn.rsplit("/", 1)[-1]
    role = next((r for r in iam_backends[account][partition].roles.values() if r.name == name), None)
    if role is None:
        return None
    document = _json(role.assume_role_policy_document)
    return ResourcePolicy(document or {"Statement": []}, account, ResourcePolicyKind.TRUST)


def role_exists(arn: str) -> bool:
    match = _ARN.match(arn)
    if match is None or not match.group("account"):
        return False
    return _role_trust(arn, match.group("account"), match.group("partition")) is not None


def _model_package_group_policy(resource: str, account: str, region: str) -> ResourcePolicy | None:
    from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415

    from orchestrator.emulator.extensions.sagemaker import _model_package_group_policies  # noqa: PLC0415

    path = resource.split("/", 1)[1] if "/" in resource else ""
    group = path if resource.startswith("model-package-group/") else path.rsplit("/", 1)[0]
    policies = _model_package_group_policies(sagemaker_backends[account][region])
    for name, text in policies.items():
        if name.lower() == group.lower():
            document = _json(text)
            return ResourcePolicy(document, account) if document is not None else None
    return None


def _queue_policy(name: str, account: str, region: str) -> ResourcePolicy | None:
    from moto.sqs.models import sqs_backends  # noqa: PLC0415

    queue = sqs_backends[account][region].queues.get(name)
    document = _json(getattr(queue, "policy", None)) if queue is not None else None
    return ResourcePolicy(document, account) if document is not None else None


def _topic_policy(arn: str, account: str, region: str) -> ResourcePolicy | None:
    from moto.sns.models import sns_backends  # noqa: PLC0415

    topic = sns_backends[account][region].topics.get(arn)
    document = _json(getattr(topic, "policy", None)) if topic is not None else None
    return ResourcePolicy(document, account) if document is not None else None


def secret_arn(account: str, region: str, secret_id: str) -> str:
    """The full ARN of a secret named by name or ARN (the name when the secret does not exist)."""
    from moto.secretsmanager.models import secretsmanager_backends  # noqa: PLC0415

    if secret_id.startswith("arn:"):
        return secret_id
    backend = secretsmanager_backends[account][region]
    for secret in backend.secrets.values():
        if getattr(secret, "name", None) == secret_id:
            return str(secret.arn)
    return f"arn:aws:secretsmanager:{region}:{account}:secret:{secret_id}"


def _secret_policy(arn: str, account: str, region: str) -> ResourcePolicy | None:
    from moto.secretsmanager.models import secretsmanager_backends  # noqa: PLC0415

    backend = secretsmanager_backends[account][region]
    secret = next((s for s in backend.secrets.values() if str(getattr(s, "arn", "")) == arn), None)
    document = _json(getattr(secret, "policy", None)) if secret is not None else None
    return ResourcePolicy(document, account) if document is not None else None


def _repository_policy(resource: str, account: str, region: str) -> ResourcePolicy | None:
    from moto.ecr.models import ecr_backends  # noqa: PLC0415

    repository = ecr_backends[account][region].repositories.get(resource.removeprefix("repository/"))
    document = _json(getattr(repository, "policy", None)) if repository is not None else None
    return ResourcePolicy(document, account) if document is not None else None


def _event_bus_policy(resource: str, account: str, region: str) -> ResourcePolicy | None:
    from moto.events.models import events_backends  # noqa: PLC0415

    name = resource.removeprefix("event-bus/")
    bus = events_backends[account][region].event_buses.get(name)
    document = _json(bus.policy) if bus is not None and getattr(bus, "policy", None) else None
    return ResourcePolicy(document, account) if document is not None else None


def _codeartifact_policy(resource: str, account: str, region: str) -> ResourcePolicy | None:
    """A domain's permissions policy (domain/<d>) or a repository's (repository/<d>/<r>, and the
    packages in it: package/<d>/<r>/...)."""
    from orchestrator.emulator.extensions.codeartifact.models import codeartifact_backends  # noqa: PLC0415

    kind, _, path = resource.partition("/")
    parts = path.split("/")
    domain = codeartifact_backends[account][region].domains.get(parts[0])
    if domain is None:
        return None
    holder: Any = domain if kind == "domain" else domain.repositories.get(parts[1] if len(parts) > 1 else "")
    document = _json(holder.policy.document) if holder is not None and holder.policy is not None else None
    return ResourcePolicy(document, account) if document is not None else None


def owner_and_policy(resource: str, caller_account: str, action: str = "") -> tuple[str, ResourcePolicy | None]:
    """The account that owns `resource` and the resource policy that governs `action` on it (None
    where it has none; a role's trust policy governs only the sts: actions that assume it)."""
    if resource == "*":
        return caller_account, None
    match = _ARN.match(resource)
    if match is None:
        return caller_account, None
    service, region, account, rest = (
        match.group("service"),
        match.group("region"),
        match.group("account"),
        match.group("resource"),
    )
    if service == "s3":
        bucket = rest.split("/", 1)[0]
        policy, owner = _bucket_policy(bucket)
        return owner or caller_account, policy
    account = account or caller_account
    try:
        if service == "kms" and rest.startswith("key/"):
            return account, _kms_key_policy(resource, account, region)
        if service == "iam" and rest.startswith("role/"):
            return account, _role_trust(resource, account, match.group("partition")) if action.startswith(
                "sts:"
            ) else None
        if service == "sagemaker" and rest.startswith(("model-package-group/", "model-package/")):
            return account, _model_package_group_policy(rest, account, region)
        if service == "sqs":
            return account, _queue_policy(rest, account, region)
        if service == "sns":
            return account, _topic_policy(resource, account, region)
        if service == "secretsmanager":
            return account, _secret_policy(resource, account, region)
        if service == "ecr":
            return account, _repository_policy(rest, account, region)
        if service == "events" and rest.startswith("event-bus/"):
            return account, _event_bus_policy(rest, account, region)
        if service == "codeartifact" and rest.startswith(("domain/", "repository/", "package/")):
            return account, _codeartifact_policy(rest, account, region)
    except (KeyError, AttributeError):
        return account, None
    return account, None


def resource_tags(resource: str) -> dict[str, str]:
    """aws:ResourceTag/* (and the service's own ResourceTag keys) of a SageMaker resource."""
    match = _ARN.match(resource)
    if match is None or match.group("service") != "sagemaker" or not match.group("account"):
        return {}
    from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415

    try:
        tags = sagemaker_backends[match.group("account")][match.group("region")].list_tags(resource)
    except Exception:  # noqa: BLE001 - a resource that does not exist (yet) has no tags
        return {}
    pairs = tags[0] if isinstance(tags, tuple) else tags
    context: dict[str, str] = {}
    for tag in pairs or []:
        context[f"aws:ResourceTag/{tag['Key']}"] = str(tag["Value"])
        context[f"sagemaker:ResourceTag/{tag['Key']}"] = str(tag["Value"])
    return context


def key_aliases(resource: str) -> dict[str, list[str]]:
    """kms:ResourceAliases of a KMS key (its alias names), for any check on the key."""
    match = _ARN.match(resource)
    if match is None or match.group("service") != "kms" or not match.group("resource").startswith("key/"):
        return {}
    from moto.kms.models import kms_backends  # noqa: PLC0415

    key_id = match.group("resource").removeprefix("key/")
    try:
        key = kms_backends[match.group("account")][match.group("region")].keys.get(key_id)
    except KeyError:
        return {}
    names = sorted(getattr(key, "aliases", {}) or {}) if key is not None else []
    return {"kms:ResourceAliases": names} if names else {}
