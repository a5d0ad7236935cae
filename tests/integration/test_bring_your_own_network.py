"""Bring your own network, on an emulator of this test's own (it runs while the world is built):
a VPC, subnets in two AZs, their route tables and an STS endpoint made with boto3 (outside the
platform) in account 666666666666; an environment whose env.yaml names them in
`network.existing` gets its foundation there, with no VPC of its own: the platform's security
groups, the endpoints it lacks, its S3 gateway endpoint and flow log in that VPC, the SSM
contract naming the given ids. Subnets of another VPC and subnets in one AZ are refused before
Terraform plans, naming the field. Identity and platform then put Studio in that network: the
domain in the given VPC and subnets, VPC-only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.integration.conftest import REGION, Account, orchestrator, own_emulator

pytestmark = pytest.mark.emulator

ACCOUNT = "666666666666"  # in no environment of the README's
ENV = "net"  # as long as "dev": the CI boundary policy grows with the name


@dataclass(frozen=True)
class Given:
    """What the network team made: the VPC, its subnets (AZ a, b, a), route tables, STS endpoint; another VPC's subnet."""

    vpc: str
    subnets: list[str]
    route_tables: list[str]
    sts_endpoint: str
    foreign_subnet: str


def _network_team(ec2: Any) -> Given:
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
    subnets, tables = [], []
    for index, zone in enumerate("aba"):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.77.{index}.0/24", AvailabilityZone=f"{REGION}{zone}")
        subnets.append(subnet["Subnet"]["SubnetId"])
    for subnet in subnets[:2]:
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        tables.append(table)
    group = ec2.create_security_group(GroupName="network-team-endpoints", Description="endpoints", VpcId=vpc)["GroupId"]
    sts = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{REGION}.sts",
        VpcEndpointType="Interface",
        SubnetIds=subnets[:2],
        SecurityGroupIds=[group],
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]
    other = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    foreign = ec2.create_subnet(VpcId=other, CidrBlock="10.78.0.0/24", AvailabilityZone=f"{REGION}b")["Subnet"][
        "SubnetId"
    ]
    return Given(vpc, subnets, tables, sts, foreign)


def _env_with(envs: Path, given: Given, subnets: list[str]) -> dict[str, str]:
    """envs/net/env.yaml: dev's configuration in account 666666666666 with network.existing."""
    config = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    config.update(name=ENV, account_id=ACCOUNT)
    for field in ("target_accounts", "projects", "teams", "packages"):
        config.pop(field, None)
    network = {k: v for k, v in config["network"].items() if k not in ("vpc_cidr", "az_count", "private_subnet_cidrs")}
    network["existing"] = {
        "vpc_id": given.vpc,
        "private_subnet_ids": subnets,
        "interface_endpoint_ids": {"sts": given.sts_endpoint},
    }
    config["network"] = network
    shutil.rmtree(envs, ignore_errors=True)
    (envs / ENV).mkdir(parents=True)
    (envs / ENV / "env.yaml").write_text(yaml.safe_dump(config))
    return {"ORCHESTRATOR_ENVS_DIR": str(envs)}


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    work_dir = tmp_path / "work"
    with own_emulator(work_dir) as url:
        yield url, work_dir


def _contract(ssm: Any) -> dict[str, str]:
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path=f"/mlops/{ENV}/network", Recursive=True)
    return {p["Name"].rsplit("/", 1)[-1]: p["Value"] for page in pages for p in page["Parameters"]}


def _refused(url: str, work_dir: Path, envs: dict[str, str]) -> str:
    run = orchestrator(
        ["plan", "--env", ENV, "--stack", "foundation", "--emulator-url", url, "--json"], work_dir, env=envs
    )
    assert run.returncode != 0, run.stdout[-2000:]
    [outcome] = [s for s in run.report["stacks"] if s["stack"] == "foundation"]
    assert outcome["result"] == "failed" and "nothing was planned" in outcome["error"], outcome
    return str(outcome["error"])


def test_the_foundation_lands_in_a_network_made_outside_the_platform(
    emulator: tuple[str, Path], tmp_path: Path
) -> None:
    url, work_dir = emulator
    account = Account(url, ACCOUNT)
    ec2 = account.client("ec2")
    given = _network_team(ec2)
    envs = _env_with(tmp_path / "envs", given, given.subnets)

    run = orchestrator(
        ["apply", "--env", ENV, "--stack", "foundation", "--emulator-url", url, "--json"], work_dir, env=envs
    )
    assert run.returncode == 0, run.stderr[-4000:]

    vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]}
    assert len(vpcs) == 2 and given.vpc in vpcs, f"the platform made a VPC of its own: {vpcs}"
    groups = {
        g["GroupName"]: g
        for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [given.vpc]}])["SecurityGroups"]
    }
    assert {"mlops-net-sagemaker", "mlops-net-vpc-endpoints"} <= set(groups)
    default = groups["default"]
    assert default["IpPermissionsEgress"], "the network team's default security group was stripped"
    endpoints = [e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["VpcId"] == given.vpc]
    services = sorted(e["ServiceName"].removeprefix(f"com.amazonaws.{REGION}.") for e in endpoints)
    expected = sorted(
        ["s3", *yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())["network"]["interface_endpoints"]]
    )
    assert services == expected, "one endpoint per service: the network team's STS endpoint and the platform's others"
    [s3] = [e for e in endpoints if e["VpcEndpointType"] == "Gateway"]
    assert sorted(s3["RouteTableIds"]) == sorted([*given.route_tables, _main_table(ec2, given.vpc)])
    flow_logs = ec2.describe_flow_logs(Filter=[{"Name": "resource-id", "Values": [given.vpc]}])["FlowLogs"]
    assert [f["TrafficType"] for f in flow_logs] == ["ALL"]

    assert _contract(account.client("ssm")) == {
        "vpc-id": given.vpc,
        "private-subnet-ids": ",".join(given.subnets),
        "sagemaker-security-group-id": groups["mlops-net-sagemaker"]["GroupId"],
        "endpoint-security-group-id": groups["mlops-net-vpc-endpoints"]["GroupId"],
        "s3-gateway-endpoint-id": s3["VpcEndpointId"],
    }

    foreign = _refused(url, work_dir, _env_with(tmp_path / "envs", given, [given.subnets[0], given.foreign_subnet]))
    assert "network.existing.private_subnet_ids[1]: is in vpc-" in foreign and given.foreign_subnet in foreign, foreign
    one_zone = _refused(url, work_dir, _env_with(tmp_path / "envs", given, [given.subnets[0], given.subnets[2]]))
    assert "network.existing.private_subnet_ids: are all in one availability zone" in one_zone, one_zone

    # Studio in that network: identity and platform applied on top, the domain in the given VPC
    # and subnets, VPC-only, behind the platform's SageMaker security group.
    envs = _env_with(tmp_path / "envs", given, given.subnets)
    run = orchestrator(
        ["apply", "--env", ENV, "--stack", "identity", "--stack", "platform", "--emulator-url", url, "--json"],
        work_dir,
        env=envs,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    sagemaker = account.client("sagemaker")
    [summary] = sagemaker.list_domains()["Domains"]
    domain = sagemaker.describe_domain(DomainId=summary["DomainId"])
    assert (domain["VpcId"], sorted(domain["SubnetIds"]), domain["AppNetworkAccessType"]) == (
        given.vpc,
        sorted(given.subnets),
        "VpcOnly",
    )
    assert domain["DefaultUserSettings"]["SecurityGroups"] == [groups["mlops-net-sagemaker"]["GroupId"]]


def _main_table(ec2: Any, vpc: str) -> str:
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}]
    )
    return str(tables["RouteTables"][0]["RouteTableId"])
