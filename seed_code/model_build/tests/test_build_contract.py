"""abalone_build.contract: reading /<prefix>/<env>/… from SSM (emulated) into PlatformContract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from abalone_build.contract import PARAMETER_NAMES, ContractError, PlatformContract, read_contract

SeedContract = Callable[..., None]


def ssm() -> Any:
    return boto3.client("ssm", region_name="eu-west-1")


def test_reads_every_value_and_splits_the_subnet_list(seed_contract: SeedContract, contract: PlatformContract) -> None:
    seed_contract()
    assert read_contract(ssm(), "mlops", "dev") == contract
    assert contract.name_prefix == "mlops-dev"


def test_every_missing_parameter_is_named(seed_contract: SeedContract, contract_values: dict[str, str]) -> None:
    del contract_values["kms/ebs-key-arn"]
    del contract_values["identity/pipeline-execution-role-arn"]
    seed_contract(contract_values)

    with pytest.raises(ContractError) as raised:
        read_contract(ssm(), "mlops", "dev")
    message = str(raised.value)
    assert "/mlops/dev/kms/ebs-key-arn" in message
    assert "/mlops/dev/identity/pipeline-execution-role-arn" in message
    assert "/mlops/dev/kms/data-key-arn" not in message
    assert "python -m orchestrator apply --env dev" in message


def test_an_empty_environment_names_all_eight_parameters(aws: None) -> None:
    with pytest.raises(ContractError) as raised:
        read_contract(ssm(), "mlops", "staging")
    for name in PARAMETER_NAMES.values():
        assert f"/mlops/staging/{name}" in str(raised.value)


def test_another_environment_is_not_read(seed_contract: SeedContract) -> None:
    seed_contract(prefix="mlops", env="prod")
    with pytest.raises(ContractError, match="/mlops/dev/ in eu-west-1 is incomplete"):
        read_contract(ssm(), "mlops", "dev")


def test_values_that_cannot_be_the_platform_s_are_rejected(
    seed_contract: SeedContract, contract_values: dict[str, str]
) -> None:
    contract_values["network/private-subnet-ids"] = "vpc-123"
    contract_values["network/sagemaker-security-group-id"] = "subnet-1"
    seed_contract(contract_values)

    with pytest.raises(ContractError) as raised:
        read_contract(ssm(), "mlops", "dev")
    message = str(raised.value)
    assert "/mlops/dev/network/private-subnet-ids must be comma-separated subnet ids (got 'vpc-123')" in message
    assert "/mlops/dev/network/sagemaker-security-group-id must be a security group id" in message


@pytest.mark.parametrize(("prefix", "env"), [("MLOps", "dev"), ("mlops", "d"), ("mlops", "dev/x")])
def test_bad_names_fail_before_any_call(prefix: str, env: str) -> None:
    class NoCalls:
        def __getattr__(self, name: str) -> None:
            raise AssertionError(f"SSM was called: {name}")

    with pytest.raises(ContractError, match="is not a platform name"):
        read_contract(NoCalls(), prefix, env)
