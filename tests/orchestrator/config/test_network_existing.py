"""network.existing (bring your own network) is checked before anything runs: well-formed ids,
exclusive with the fields of a VPC the platform creates, each problem with file, field and value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orchestrator.config import load_env
from orchestrator.errors import ConfigError
from orchestrator.stacks import STACKS
from tests.conftest import write_env

VPC = "vpc-0a1b2c3d4e5f60718"
SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]


def _existing(dev_config: dict[str, Any], **existing: Any) -> dict[str, Any]:
    """dev's env.yaml with `network.existing` instead of a VPC to create."""
    network = {
        k: v for k, v in dev_config["network"].items() if k not in ("vpc_cidr", "az_count", "private_subnet_cidrs")
    }
    network["existing"] = {"vpc_id": VPC, "private_subnet_ids": SUBNETS, **existing}
    return {**dev_config, "network": network}


def _problems(envs_dir: Path, data: dict[str, Any]) -> list[str]:
    write_env(envs_dir, "dev", data)
    with pytest.raises(ConfigError) as caught:
        load_env("dev", envs_dir)
    return caught.value.problems


def test_an_existing_network_is_accepted_and_reaches_both_network_stacks(envs_dir: Path, dev_config: dict) -> None:
    write_env(envs_dir, "dev", _existing(dev_config, interface_endpoint_ids={"sts": "vpce-0123456789abcdef0"}))
    config = load_env("dev", envs_dir)
    network = STACKS["foundation"].inputs(config)["network"]
    assert network["existing"] == {
        "vpc_id": VPC,
        "private_subnet_ids": SUBNETS,
        "route_table_ids": [],
        "interface_endpoint_ids": {"sts": "vpce-0123456789abcdef0"},
        "s3_gateway_endpoint_id": None,
        "flow_logs": "create",
    }
    assert network["vpc_cidr"] is None and network["private_subnet_cidrs"] == []


@pytest.mark.parametrize(
    ("existing", "field", "value"),
    [
        ({"vpc_id": "vpc-12"}, "network.existing.vpc_id", "vpc-12"),
        ({"vpc_id": "VPC-0A1B2C3D"}, "network.existing.vpc_id", "VPC-0A1B2C3D"),
        (
            {"private_subnet_ids": ["subnet-0aaaaaaaaaaaaaaa1", "sub-1"]},
            "network.existing.private_subnet_ids[1]",
            "sub-1",
        ),
        (
            {"private_subnet_ids": ["subnet-0aaaaaaaaaaaaaaa1"]},
            "network.existing.private_subnet_ids",
            "subnet-0aaaaaaaaaaaaaaa1",
        ),
        ({"route_table_ids": ["rtb-xyz"]}, "network.existing.route_table_ids[0]", "rtb-xyz"),
        (
            {"interface_endpoint_ids": {"sts": "vpc-0123456789abcdef0"}},
            "network.existing.interface_endpoint_ids.sts",
            "vpc-0123456789abcdef0",
        ),
        (
            {"interface_endpoint_ids": {"ftp": "vpce-0123456789abcdef0"}},
            "network.existing.interface_endpoint_ids",
            "ftp",
        ),
        ({"s3_gateway_endpoint_id": "vpce-1"}, "network.existing.s3_gateway_endpoint_id", "vpce-1"),
        ({"flow_logs": "none"}, "network.existing.flow_logs", "none"),
        ({"vpc": VPC}, "network.existing.vpc", VPC),
    ],
)
def test_malformed_existing_values_are_refused(
    envs_dir: Path, dev_config: dict, existing: dict[str, Any], field: str, value: str
) -> None:
    problems = _problems(envs_dir, _existing(dev_config, **existing))
    assert any(p.startswith(f"{envs_dir}/dev/env.yaml: {field}") and value in p for p in problems), problems


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"vpc_cidr": "10.10.0.0/16"}, "network.vpc_cidr"),
        ({"az_count": 2}, "network.az_count"),
        ({"private_subnet_cidrs": ["10.10.0.0/19"]}, "network.private_subnet_cidrs"),
        ({"internet_access": "nat", "public_subnet_cidrs": ["10.10.64.0/24"]}, "network.internet_access"),
    ],
)
def test_existing_is_exclusive_with_a_network_to_create(
    envs_dir: Path, dev_config: dict, extra: dict[str, Any], field: str
) -> None:
    data = _existing(dev_config)
    data["network"].update(extra)
    problems = _problems(envs_dir, data)
    assert any(f": {field}: must " in p for p in problems), problems


def test_repeated_ids_are_refused(envs_dir: Path, dev_config: dict) -> None:
    endpoint = "vpce-0123456789abcdef0"
    data = _existing(
        dev_config,
        private_subnet_ids=[SUBNETS[0], SUBNETS[0]],
        interface_endpoint_ids={"sts": endpoint, "logs": endpoint},
        s3_gateway_endpoint_id=endpoint,
    )
    problems = _problems(envs_dir, data)
    assert any("network.existing.private_subnet_ids[1]: is listed more than once" in p for p in problems), problems
    assert any("network.existing.interface_endpoint_ids.sts: is also given for logs" in p for p in problems), problems
    assert any(
        "network.existing.s3_gateway_endpoint_id: is given as the interface endpoint of logs" in p for p in problems
    )


def test_without_existing_the_vpc_fields_are_required(envs_dir: Path, dev_config: dict) -> None:
    data = {**dev_config, "network": {"private_subnet_cidrs": ["10.10.0.0/19", "10.10.32.0/19"]}}
    problems = _problems(envs_dir, data)
    assert any("network.vpc_cidr: is required unless network.existing names a VPC to use" in p for p in problems)
    assert any("network.az_count: is required unless network.existing names a VPC to use" in p for p in problems)
