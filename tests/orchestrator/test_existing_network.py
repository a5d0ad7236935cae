"""network.existing against the account (orchestrator/existing_network.py), on moto in-process:
what the network team's VPC must hold before the platform plans in it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from orchestrator.config import load_env
from orchestrator.config.schema import EnvConfig
from orchestrator.existing_network import checked, network_problems, read_network

REGION = "eu-west-1"


@pytest.fixture
def ec2() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION)


def _vpc(ec2: Any, cidr: str = "10.50.0.0/16", dns: bool = True) -> str:
    vpc_id = str(ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"])
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": dns})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": dns})
    return vpc_id


def _subnet(ec2: Any, vpc_id: str, cidr: str, zone: str) -> str:
    return str(
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
    )


def _env(vpc_id: str, subnets: list[str], **existing: Any) -> EnvConfig:
    dev = load_env("dev")
    network = dev.network.model_dump(exclude={"vpc_cidr", "az_count", "private_subnet_cidrs", "existing"})
    network["existing"] = {"vpc_id": vpc_id, "private_subnet_ids": subnets, **existing}
    return EnvConfig.model_validate({**dev.model_dump(exclude_none=True), "network": network})


def _problems(ec2: Any, env: EnvConfig) -> list[tuple[str, object, str]]:
    existing = env.network.existing
    assert existing is not None
    return network_problems(env, read_network(ec2, existing.vpc_id, list(existing.private_subnet_ids)))


def test_a_vpc_with_subnets_in_two_zones_passes(ec2: Any) -> None:
    vpc = _vpc(ec2)
    subnets = [_subnet(ec2, vpc, "10.50.0.0/24", "a"), _subnet(ec2, vpc, "10.50.1.0/24", "b")]
    assert _problems(ec2, _env(vpc, subnets)) == []
    assert (
        checked(_env(vpc, subnets), "identity", lambda: pytest.fail("no call for a stack without the network")) is None
    )


def test_a_subnet_of_another_vpc_and_a_missing_one_are_named(ec2: Any) -> None:
    vpc, other = _vpc(ec2), _vpc(ec2, "10.60.0.0/16")
    subnets = [
        _subnet(ec2, vpc, "10.50.0.0/24", "a"),
        _subnet(ec2, other, "10.60.0.0/24", "b"),
        "subnet-0123456789abcdef0",
    ]
    problems = _problems(ec2, _env(vpc, subnets))
    assert (
        "network.existing.private_subnet_ids[1]",
        subnets[1],
        f"is in {other}, not in network.existing.vpc_id {vpc}",
    ) in problems
    assert (
        "network.existing.private_subnet_ids[2]",
        subnets[2],
        "is no subnet of the environment's account and region",
    ) in problems


def test_subnets_in_one_zone_are_refused_with_the_field(ec2: Any) -> None:
    vpc = _vpc(ec2)
    subnets = [_subnet(ec2, vpc, "10.50.0.0/24", "a"), _subnet(ec2, vpc, "10.50.1.0/24", "a")]
    text = checked(_env(vpc, subnets), "foundation", lambda: ec2)
    assert text is not None
    assert "network.existing.private_subnet_ids: are all in one availability zone (eu-west-1a)" in text
    assert "envs/dev/env.yaml" in text


def test_vpc_dns_flow_logs_and_endpoints_are_checked(ec2: Any) -> None:
    vpc = _vpc(ec2, dns=False)
    subnets = [_subnet(ec2, vpc, "10.50.0.0/24", "a"), _subnet(ec2, vpc, "10.50.1.0/24", "b")]
    sts = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.sts", VpcEndpointType="Interface", SubnetIds=subnets[:1]
    )
    env = _env(vpc, subnets, flow_logs="existing", interface_endpoint_ids={"logs": sts["VpcEndpoint"]["VpcEndpointId"]})
    fields = {field for field, _, _ in _problems(ec2, env)}
    assert fields == {
        "network.existing.vpc_id",
        "network.existing.flow_logs",
        "network.existing.interface_endpoint_ids.logs",
    }
    assert (
        _problems(ec2, _env("vpc-0123456789abcdef0", subnets))[0][2]
        == "is no VPC of the environment's account and region"
    )


def test_an_s3_endpoint_of_the_network_team_must_be_named_and_serve_every_route_table(ec2: Any) -> None:
    vpc = _vpc(ec2)
    subnets = [_subnet(ec2, vpc, "10.50.0.0/24", "a"), _subnet(ec2, vpc, "10.50.1.0/24", "b")]
    own = str(ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"])
    ec2.associate_route_table(RouteTableId=own, SubnetId=subnets[0])
    main = next(
        t["RouteTableId"]
        for t in ec2.describe_route_tables()["RouteTables"]
        if t["VpcId"] == vpc and t["Associations"] and t["Associations"][0].get("Main")
    )
    s3 = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway", RouteTableIds=[own]
    )
    endpoint = s3["VpcEndpoint"]["VpcEndpointId"]
    needed = _problems(ec2, _env(vpc, subnets))
    assert [(f, v) for f, v, _ in needed] == [("network.existing.s3_gateway_endpoint_id", None)]
    assert endpoint in needed[0][2] and own in needed[0][2]
    partial = _problems(ec2, _env(vpc, subnets, s3_gateway_endpoint_id=endpoint))
    assert partial == [
        (
            "network.existing.s3_gateway_endpoint_id",
            endpoint,
            f"serves no route of {main} (route tables of the private subnets)",
        )
    ]
    assert _problems(ec2, _env(vpc, subnets, s3_gateway_endpoint_id=endpoint, route_table_ids=[own])) == []
