"""The target stage's SSM contract ``/<prefix>/<stage>/…``, read into a typed ``StageContract``.

The hosting stack of staging and prod publishes the network, the endpoint key, the data-capture
bucket and the model execution role there. The deploy role's guardrails deny a model outside those
subnets and security group and an endpoint config without exactly that key, so the deployment is
built from these values only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from abalone_deploy.names import Target

# field of StageContract -> parameter name under /<prefix>/<stage>/
PARAMETER_NAMES: Mapping[str, str] = {
    "subnet_ids": "network/private-subnet-ids",
    "security_group_id": "network/sagemaker-security-group-id",
    "endpoint_key_arn": "kms/endpoint-key-arn",
    "data_capture_bucket": "storage/data-capture-bucket",
    "model_execution_role_arn": "hosting/model-execution-role-arn",
}
_GET_PARAMETERS_LIMIT = 10


class ContractError(RuntimeError):
    """The contract cannot be read or is incomplete (the message names each parameter and the fix)."""


@dataclass(frozen=True)
class StageContract:
    subnet_ids: tuple[str, ...]
    security_group_id: str
    endpoint_key_arn: str
    data_capture_bucket: str
    model_execution_role_arn: str


def read_parameters(ssm: Any, target: Target, parameter_names: Mapping[str, str]) -> dict[str, str]:
    """field -> value of the contract's parameters (names under /<prefix>/<stage>/), stripped; every
    gap is named in one error."""
    base = f"/{target.prefix}/{target.stage}/"
    paths = {field: base + name for field, name in parameter_names.items()}
    values: dict[str, str] = {}
    names = list(paths.values())
    try:
        for start in range(0, len(names), _GET_PARAMETERS_LIMIT):
            response = ssm.get_parameters(Names=names[start : start + _GET_PARAMETERS_LIMIT])
            values.update({p["Name"]: p["Value"] for p in response.get("Parameters", [])})
    except (ClientError, BotoCoreError) as error:
        raise ContractError(
            f"cannot read the stage contract {base} in {target.region}: {error} "
            "(check the credentials are the stage account's deploy role, and the region)"
        ) from None

    missing = [path for path in names if not values.get(path, "").strip()]
    if missing:
        raise ContractError(
            f"the stage contract {base} in {target.region} is incomplete; missing or empty: {', '.join(missing)}. "
            f"Apply the {target.stage} environment's hosting stack, or check --prefix, --stage and --region."
        )
    return {field: values[path].strip() for field, path in paths.items()}


def read_stage_contract(ssm: Any, target: Target) -> StageContract:
    """Read the contract with the stage account's SSM client; every gap is named in one error."""
    base = f"/{target.prefix}/{target.stage}/"
    paths = {field: base + name for field, name in PARAMETER_NAMES.items()}
    raw = read_parameters(ssm, target, PARAMETER_NAMES)
    subnet_ids = tuple(s.strip() for s in raw.pop("subnet_ids").split(",") if s.strip())
    problems = []
    if len(subnet_ids) < 2 or any(not s.startswith("subnet-") for s in subnet_ids):
        problems.append(
            f"{paths['subnet_ids']} must be at least two comma-separated subnet ids (got {','.join(subnet_ids)!r})"
        )
    if not raw["security_group_id"].startswith("sg-"):
        problems.append(f"{paths['security_group_id']} must be a security group id (got {raw['security_group_id']!r})")
    if ":key/" not in raw["endpoint_key_arn"] or not raw["endpoint_key_arn"].startswith("arn:"):
        # The deploy role's guardrail compares the key *ARN*: an alias or key id would be denied.
        problems.append(
            f"{paths['endpoint_key_arn']} must be a KMS key ARN, not an alias (got {raw['endpoint_key_arn']!r})"
        )
    if not raw["model_execution_role_arn"].startswith("arn:") or ":role/" not in raw["model_execution_role_arn"]:
        problems.append(
            f"{paths['model_execution_role_arn']} must be an IAM role ARN (got {raw['model_execution_role_arn']!r})"
        )
    if problems:
        raise ContractError(
            f"the stage contract {base} in {target.region} holds unexpected values: "
            + "; ".join(problems)
            + ". Re-apply the hosting stack; do not edit the parameters by hand."
        )
    return StageContract(subnet_ids=subnet_ids, **raw)
