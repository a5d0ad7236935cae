"""The platform's SSM contract, read into a typed ``PlatformContract``.

The platform's ``foundation`` and ``identity`` stacks publish the environment's network, keys,
buckets and roles under ``/<prefix>/<env>/``. The pipeline is built from these values only, so
that every job lands in the environment's VPC with its keys, its buckets and its roles, which
is what the platform's guardrails require of every SageMaker job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

# field of PlatformContract -> parameter name under /<prefix>/<env>/
PARAMETER_NAMES: Mapping[str, str] = {
    "subnet_ids": "network/private-subnet-ids",
    "security_group_id": "network/sagemaker-security-group-id",
    "data_key_arn": "kms/data-key-arn",
    "ebs_key_arn": "kms/ebs-key-arn",
    "data_bucket": "storage/data-bucket",
    "models_bucket": "storage/models-bucket",
    "pipeline_execution_role_arn": "identity/pipeline-execution-role-arn",
    "sagemaker_execution_role_arn": "identity/sagemaker-execution-role-arn",
}

# The platform's naming rule for prefix and environment names (env.yaml, project templates).
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,9}$")
# SSM GetParameters accepts at most 10 names per call.
_GET_PARAMETERS_LIMIT = 10


class ContractError(RuntimeError):
    """The contract cannot be read or is incomplete (the message names each parameter and the fix)."""


@dataclass(frozen=True)
class PlatformContract:
    """What the pipeline needs to know about one environment."""

    prefix: str
    environment: str
    region: str
    subnet_ids: tuple[str, ...]
    security_group_id: str
    data_key_arn: str
    ebs_key_arn: str
    data_bucket: str
    models_bucket: str
    pipeline_execution_role_arn: str
    sagemaker_execution_role_arn: str

    @property
    def name_prefix(self) -> str:
        """``<prefix>-<env>``: the platform's resource name prefix."""
        return f"{self.prefix}-{self.environment}"

    @property
    def buckets(self) -> tuple[str, str]:
        """The only buckets the pipeline may read or write."""
        return (self.data_bucket, self.models_bucket)


def parameter_path(prefix: str, environment: str, name: str) -> str:
    return f"/{prefix}/{environment}/{name}"


def validate_names(prefix: str, environment: str) -> None:
    """Reject names the platform never creates, before any AWS call."""
    for label, value in (("prefix", prefix), ("env", environment)):
        if not NAME_PATTERN.match(value):
            raise ContractError(
                f"--{label} {value!r} is not a platform name (2-10 lower-case letters and digits, starting with a letter)"
            )


def _fetch(ssm: Any, names: list[str]) -> dict[str, str]:
    """name -> value of the parameters that exist (GetParameters lists the others as invalid)."""
    values: dict[str, str] = {}
    for start in range(0, len(names), _GET_PARAMETERS_LIMIT):
        response = ssm.get_parameters(Names=names[start : start + _GET_PARAMETERS_LIMIT])
        values.update({p["Name"]: p["Value"] for p in response.get("Parameters", [])})
    return values


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def read_contract(ssm: Any, prefix: str, environment: str) -> PlatformContract:
    """Read ``/<prefix>/<environment>/…`` with the given boto3 SSM client.

    Every missing or empty parameter is named in one error, so a half-applied environment is
    diagnosed in one run.
    """
    validate_names(prefix, environment)
    region = ssm.meta.region_name
    paths = {field: parameter_path(prefix, environment, name) for field, name in PARAMETER_NAMES.items()}
    try:
        values = _fetch(ssm, list(paths.values()))
    except (ClientError, BotoCoreError) as error:
        raise ContractError(
            f"cannot read the platform contract /{prefix}/{environment}/ in {region}: {error} "
            "(check the credentials, the region and ssm:GetParameters on that path)"
        ) from None

    missing = [path for path in paths.values() if not values.get(path, "").strip()]
    if missing:
        raise ContractError(
            f"the platform contract /{prefix}/{environment}/ in {region} is incomplete; missing or empty: "
            + ", ".join(missing)
            + f". Apply the environment's foundation and identity stacks (python -m orchestrator apply --env {environment}),"
            " or check --prefix, --env and --region."
        )

    raw = {field: values[path].strip() for field, path in paths.items()}
    subnet_ids = _split_list(raw.pop("subnet_ids"))
    malformed = _malformed(paths, subnet_ids, raw)
    if malformed:
        raise ContractError(
            f"the platform contract /{prefix}/{environment}/ in {region} holds unexpected values: "
            + "; ".join(malformed)
            + ". Re-apply the environment's foundation and identity stacks; do not edit the parameters by hand."
        )
    return PlatformContract(prefix=prefix, environment=environment, region=region, subnet_ids=subnet_ids, **raw)


# field -> (what its value must start with, what it is)
_EXPECTED_FORMS: Mapping[str, tuple[str, str]] = {
    "security_group_id": ("sg-", "a security group id"),
    "data_key_arn": ("arn:", "a KMS key ARN"),
    "ebs_key_arn": ("arn:", "a KMS key ARN"),
    "pipeline_execution_role_arn": ("arn:", "an IAM role ARN"),
    "sagemaker_execution_role_arn": ("arn:", "an IAM role ARN"),
}


def _malformed(paths: Mapping[str, str], subnet_ids: tuple[str, ...], raw: Mapping[str, str]) -> list[str]:
    """Values that cannot be what the platform publishes: caught here rather than as a failed job."""
    problems = []
    bad_subnets = [s for s in subnet_ids if not s.startswith("subnet-")]
    if not subnet_ids or bad_subnets:
        problems.append(f"{paths['subnet_ids']} must be comma-separated subnet ids (got {','.join(subnet_ids)!r})")
    for field, (start, what) in _EXPECTED_FORMS.items():
        if not raw[field].startswith(start):
            problems.append(f"{paths[field]} must be {what} (got {raw[field]!r})")
    return problems
