"""Bring your own network, on an emulator of this test's own (it runs while the world is built).

In two accounts of no environment of the README's, the network team makes with boto3 (outside the
platform) a VPC, subnets in two AZs, their route tables and an STS endpoint: 666666666666 for a
dev-like environment `net`, 777777777777 for a staging-like environment `nethost` whose models
come from `net`. Each env.yaml names its VPC in `network.existing`; one run of each (at the same
time: `net`'s foundation, identity and platform; `nethost`'s hosting, bootstrap included) puts the
platform there with no VPC of its own: its security groups, the endpoints the VPC lacks, its S3
gateway endpoint on the subnets' route tables and its flow log, the SSM contract naming the given
ids. In `net`, Studio's domain is in the given VPC and subnets, VPC-only; in `nethost`, the
project's deploy role may create models only in the given subnets behind the platform's SageMaker
security group, the model execution role may put network interfaces only there, and the
data-capture bucket takes requests through the platform's S3 endpoint. A subnet of another VPC
(foundation) and subnets in one AZ (hosting) are refused before Terraform plans, naming the field."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.policy.evaluator import Decision, Request
from tests.conftest import REPO_ROOT
from tests.integration.conftest import REGION, Account, Run, orchestrator, own_emulator
from tests.integration.iam_decisions import decide

pytestmark = pytest.mark.emulator

ENV, ACCOUNT = "net", "666666666666"  # "net" as long as "dev": the CI boundary policy grows with the name
HOSTING_ENV, HOSTING_ACCOUNT = "nethost", "777777777777"  # "nethost" as long as "staging"
PROJECT = "fraud"  # a realtime project of net's, hosted by nethost


@dataclass(frozen=True)
class Given:
    """What the network team made: the VPC, its subnets (AZ a, b, a), route tables, STS endpoint; another VPC's subnet."""

    vpc: str
    subnets: list[str]
    route_tables: list[str]
    sts_endpoint: str
    foreign_subnet: str


def _network_team(ec2: Any, octet: int) -> Given:
    """The network team's VPC 10.<octet>.0.0/16 and another one, 10.<octet + 1>.0.0/16."""
    vpc = ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16")["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
    subnets, tables = [], []
    for index, zone in enumerate("aba"):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{octet}.{index}.0/24", AvailabilityZone=f"{REGION}{zone}")
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
    other = ec2.create_vpc(CidrBlock=f"10.{octet + 1}.0.0/16")["Vpc"]["VpcId"]
    foreign = ec2.create_subnet(VpcId=other, CidrBlock=f"10.{octet + 1}.0.0/24", AvailabilityZone=f"{REGION}b")[
        "Subnet"
    ]["SubnetId"]
    return Given(vpc, subnets, tables, sts, foreign)


def _existing(config: dict[str, Any], given: Given, subnets: list[str]) -> dict[str, Any]:
    """env.yaml's network with `existing` instead of the VPC the platform would make."""
    network = {k: v for k, v in config["network"].items() if k not in ("vpc_cidr", "az_count", "private_subnet_cidrs")}
    network["existing"] = {
        "vpc_id": given.vpc,
        "private_subnet_ids": subnets,
        "interface_endpoint_ids": {"sts": given.sts_endpoint},
    }
    return network


def _env_yaml(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((REPO_ROOT / "envs" / name / "env.yaml").read_text()))


def _envs_with(envs: Path, net: tuple[Given, list[str]], hosting: tuple[Given, list[str]]) -> dict[str, str]:
    """envs/net/env.yaml: dev's configuration in 666666666666 with one project and one target
    account; envs/nethost/env.yaml: staging's in 777777777777, hosting net's models; each with
    network.existing naming the given subnets."""
    dev = _env_yaml("dev")
    dev.update(name=ENV, account_id=ACCOUNT)
    for field in ("teams", "packages"):
        dev.pop(field, None)
    dev.update(
        projects={PROJECT: {"repository": f"example-org/{PROJECT}-model"}},
        target_accounts={HOSTING_ENV: HOSTING_ACCOUNT},
        network=_existing(dev, *net),
    )
    staging = _env_yaml("staging")
    staging.update(name=HOSTING_ENV, account_id=HOSTING_ACCOUNT, source_env=ENV, network=_existing(staging, *hosting))
    shutil.rmtree(envs, ignore_errors=True)
    for config in (dev, staging):
        (envs / config["name"]).mkdir(parents=True)
        (envs / config["name"] / "env.yaml").write_text(yaml.safe_dump(config))
    return {"ORCHESTRATOR_ENVS_DIR": str(envs)}


@dataclass(frozen=True)
class Applied:
    """The emulator, its work folder, the env.yaml folder and what the network team gave each environment."""

    url: str
    work_dir: Path
    envs: Path
    net: Given
    hosting: Given


def _at_once(url: str, work_dir: Path, envs: dict[str, str], *runs: list[str]) -> list[Run]:
    """The orchestrator runs `runs` (one env each) side by side against the emulator at `url`."""
    with ThreadPoolExecutor(len(runs)) as pool:
        return list(
            pool.map(lambda args: orchestrator([*args, "--emulator-url", url, "--json"], work_dir, env=envs), runs)
        )


# net's foundation, identity and platform (not its projects stack, which holds no network) and
# nethost's hosting: two runs at the same time, their bootstraps and applies overlap.
NET_STACKS = ["--stack", "foundation", "--stack", "identity", "--stack", "platform"]


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    folder = tmp_path_factory.mktemp("byon")
    work_dir, envs = folder / "work", folder / "envs"
    with own_emulator(work_dir) as url:
        net = _network_team(Account(url, ACCOUNT).client("ec2"), 77)
        hosting = _network_team(Account(url, HOSTING_ACCOUNT).client("ec2"), 87)
        given = _envs_with(envs, (net, net.subnets), (hosting, hosting.subnets))
        runs = _at_once(url, work_dir, given, ["apply", "--env", ENV, *NET_STACKS], ["apply", "--env", HOSTING_ENV])
        for run in runs:
            assert run.returncode == 0, run.stderr[-4000:]
        yield Applied(url, work_dir, envs, net, hosting)


def _contract(ssm: Any, env: str) -> dict[str, str]:
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path=f"/mlops/{env}/network", Recursive=True)
    return {p["Name"].rsplit("/", 1)[-1]: p["Value"] for page in pages for p in page["Parameters"]}


def _main_table(ec2: Any, vpc: str) -> str:
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}]
    )
    return str(tables["RouteTables"][0]["RouteTableId"])


@dataclass(frozen=True)
class PlatformNetwork:
    """What the platform put in the given VPC: its security groups (by name) and its S3 gateway endpoint."""

    groups: dict[str, str]
    s3_endpoint: str


def _platform_network(ec2: Any, given: Given, env: str, interface_endpoints: list[str]) -> PlatformNetwork:
    """Checks that the platform made no VPC, put its security groups, the endpoints the VPC lacked,
    its S3 gateway endpoint (on the subnets' route tables) and a flow log in the given VPC, and left
    the network team's default security group alone."""
    vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]}
    assert len(vpcs) == 2 and given.vpc in vpcs, f"the platform made a VPC of its own: {vpcs}"
    groups = {
        g["GroupName"]: g
        for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [given.vpc]}])["SecurityGroups"]
    }
    assert {f"mlops-{env}-sagemaker", f"mlops-{env}-vpc-endpoints"} <= set(groups)
    assert groups["default"]["IpPermissionsEgress"], "the network team's default security group was stripped"
    endpoints = [e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["VpcId"] == given.vpc]
    services = sorted(e["ServiceName"].removeprefix(f"com.amazonaws.{REGION}.") for e in endpoints)
    expected = sorted(["s3", *interface_endpoints])
    assert services == expected, "one endpoint per service: the network team's STS endpoint and the platform's others"
    [s3] = [e for e in endpoints if e["VpcEndpointType"] == "Gateway"]
    assert sorted(s3["RouteTableIds"]) == sorted([*given.route_tables, _main_table(ec2, given.vpc)])
    flow_logs = ec2.describe_flow_logs(Filter=[{"Name": "resource-id", "Values": [given.vpc]}])["FlowLogs"]
    assert [f["TrafficType"] for f in flow_logs] == ["ALL"]
    return PlatformNetwork({name: g["GroupId"] for name, g in groups.items()}, s3["VpcEndpointId"])


def test_the_foundation_and_studio_land_in_a_network_made_outside_the_platform(applied: Applied) -> None:
    account = Account(applied.url, ACCOUNT)
    given = applied.net
    platform = _platform_network(account.client("ec2"), given, ENV, _env_yaml("dev")["network"]["interface_endpoints"])
    sagemaker_group = platform.groups[f"mlops-{ENV}-sagemaker"]
    assert _contract(account.client("ssm"), ENV) == {
        "vpc-id": given.vpc,
        "private-subnet-ids": ",".join(given.subnets),
        "sagemaker-security-group-id": sagemaker_group,
        "endpoint-security-group-id": platform.groups[f"mlops-{ENV}-vpc-endpoints"],
        "s3-gateway-endpoint-id": platform.s3_endpoint,
    }

    # Studio in that network: the domain in the given VPC and subnets, VPC-only, behind the
    # platform's SageMaker security group.
    sagemaker = account.client("sagemaker")
    [summary] = sagemaker.list_domains()["Domains"]
    domain = sagemaker.describe_domain(DomainId=summary["DomainId"])
    assert (domain["VpcId"], sorted(domain["SubnetIds"]), domain["AppNetworkAccessType"]) == (
        given.vpc,
        sorted(given.subnets),
        "VpcOnly",
    )
    assert domain["DefaultUserSettings"]["SecurityGroups"] == [sagemaker_group]


def _create_model(subnets: list[str], groups: list[str]) -> Request:
    resource = f"arn:aws:sagemaker:{REGION}:{HOSTING_ACCOUNT}:model/mlops-{HOSTING_ENV}-{PROJECT}-1"
    context = {"sagemaker:VpcSubnets": subnets, "sagemaker:VpcSecurityGroupIds": groups}
    return Request("sagemaker:CreateModel", resource, context)


def _network_interface_in(subnet: str, vpc: str) -> Request:
    ec2 = f"arn:aws:ec2:{REGION}:{HOSTING_ACCOUNT}"
    return Request("ec2:CreateNetworkInterface", f"{ec2}:subnet/{subnet}", {"ec2:Vpc": f"{ec2}:vpc/{vpc}"})


def test_hosting_lands_in_a_network_made_outside_the_platform(applied: Applied) -> None:
    account = Account(applied.url, HOSTING_ACCOUNT)
    ec2, given = account.client("ec2"), applied.hosting
    platform = _platform_network(ec2, given, HOSTING_ENV, _env_yaml("staging")["network"]["interface_endpoints"])
    sagemaker_group = platform.groups[f"mlops-{HOSTING_ENV}-sagemaker"]
    contract = _contract(account.client("ssm"), HOSTING_ENV)
    assert contract == {
        "vpc-id": given.vpc,
        "private-subnet-ids": ",".join(given.subnets),
        "sagemaker-security-group-id": sagemaker_group,
    }

    # The models run there: the project's deploy role may create a model only in the given subnets
    # behind the platform's SageMaker group; the model execution role puts its network interfaces
    # only in the given VPC's subnets.
    iam = account.client("iam")
    deploy_role = f"mlops-{HOSTING_ENV}-{PROJECT}-deploy"
    team_group = platform.groups["network-team-endpoints"]
    assert decide(iam, deploy_role, _create_model(given.subnets, [sagemaker_group])) == Decision.ALLOW
    for subnets, groups in (
        ([given.subnets[0], given.foreign_subnet], [sagemaker_group]),
        (given.subnets, [team_group]),
    ):
        assert decide(iam, deploy_role, _create_model(subnets, groups)) == Decision.EXPLICIT_DENY, (subnets, groups)
    execution_role = f"mlops-{HOSTING_ENV}-model-execution"
    assert decide(iam, execution_role, _network_interface_in(given.subnets[1], given.vpc)) == Decision.ALLOW
    other_vpc = ec2.describe_subnets(SubnetIds=[given.foreign_subnet])["Subnets"][0]["VpcId"]
    assert decide(iam, execution_role, _network_interface_in(given.foreign_subnet, other_vpc)) != Decision.ALLOW

    # Captured data reaches its bucket through the platform's S3 endpoint in the given VPC.
    bucket = f"mlops-{HOSTING_ENV}-data-capture-{HOSTING_ACCOUNT}"
    policy = account.client("s3").get_bucket_policy(Bucket=bucket)["Policy"]
    assert platform.s3_endpoint in json.dumps(json.loads(policy)), policy


def _refused(applied: Applied, envs: dict[str, str]) -> dict[str, str]:
    """The errors of net's foundation and nethost's hosting, planned side by side: {"<env>/<stack>": error}."""
    runs = _at_once(
        applied.url,
        applied.work_dir,
        envs,
        ["plan", "--env", ENV, "--stack", "foundation"],
        ["plan", "--env", HOSTING_ENV, "--stack", "hosting"],
    )
    failed = {}
    for run in runs:
        assert run.returncode != 0, run.stdout[-2000:]
        [outcome] = run.report["stacks"]
        assert outcome["result"] == "failed" and "nothing was planned" in outcome["error"], outcome
        failed[f"{outcome['env']}/{outcome['stack']}"] = str(outcome["error"])
    return failed


def test_a_network_that_does_not_match_is_refused_before_terraform(applied: Applied) -> None:
    net, hosting = applied.net, applied.hosting
    envs = _envs_with(
        applied.envs, (net, [net.subnets[0], net.foreign_subnet]), (hosting, [hosting.subnets[0], hosting.subnets[2]])
    )
    failed = _refused(applied, envs)
    assert set(failed) == {f"{ENV}/foundation", f"{HOSTING_ENV}/hosting"}, failed
    foreign = failed[f"{ENV}/foundation"]
    assert "network.existing.private_subnet_ids[1]: is in vpc-" in foreign and net.foreign_subnet in foreign, foreign
    one_zone = failed[f"{HOSTING_ENV}/hosting"]
    assert "network.existing.private_subnet_ids: are all in one availability zone" in one_zone, one_zone
