"""An env.yaml's `network.existing` checked against its account before the network's stack runs
Terraform: the VPC, the subnets (in that VPC, in at least two AZs), the route tables, the
interface and S3 endpoints given, and flow logs when they are said to exist.

The check runs with the credentials of the Terraform plan that follows (on AWS: the GitHub plan or
apply role, whose policies allow `ec2:Describe*`; locally the same roles), so it needs nothing a
plan does not. Each problem names the env.yaml field and its value, as the configuration check
does; the modules' postconditions refuse the same at plan time as a second line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from orchestrator import paths
from orchestrator.config import EnvConfig
from orchestrator.config.schema import ExistingNetworkConfig
from orchestrator.errors import quoted

# The stacks that hold an environment's network (modules/network).
NETWORK_STACKS = ("foundation", "hosting")
FIELD = "network.existing"

Problem = tuple[str, object, str]


@dataclass(frozen=True)
class Network:
    """What the account holds of the VPC: its subnets, route tables and endpoints, by id."""

    vpc: dict[str, Any] | None
    subnets: dict[str, dict[str, Any]]
    route_tables: list[dict[str, Any]]
    endpoints: dict[str, dict[str, Any]]
    flow_logs: list[dict[str, Any]]
    dns: dict[str, bool]


def _pages(ec2: Any, operation: str, key: str, **arguments: Any) -> list[dict[str, Any]]:
    return [item for page in ec2.get_paginator(operation).paginate(**arguments) for item in page.get(key, [])]


def read_network(ec2: Any, vpc_id: str, subnet_ids: list[str]) -> Network:
    """The account's view of `vpc_id` and of `subnet_ids` (describe calls only)."""
    vpcs = _pages(ec2, "describe_vpcs", "Vpcs", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    if not vpcs:
        return Network(None, {}, [], {}, [], {})
    subnets = _pages(ec2, "describe_subnets", "Subnets", Filters=[{"Name": "subnet-id", "Values": subnet_ids}])
    tables = _pages(ec2, "describe_route_tables", "RouteTables", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    endpoints = _pages(ec2, "describe_vpc_endpoints", "VpcEndpoints")
    flow_logs = _pages(ec2, "describe_flow_logs", "FlowLogs", Filter=[{"Name": "resource-id", "Values": [vpc_id]}])
    dns = {
        attribute: bool(ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)[key]["Value"])
        for attribute, key in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames"))
    }
    return Network(
        vpcs[0],
        {s["SubnetId"]: s for s in subnets},
        tables,
        {e["VpcEndpointId"]: e for e in endpoints},
        flow_logs,
        dns,
    )


def _subnet_problems(existing: ExistingNetworkConfig, network: Network) -> Iterator[Problem]:
    zones: dict[str, str] = {}
    for index, subnet_id in enumerate(existing.private_subnet_ids):
        field = f"{FIELD}.private_subnet_ids[{index}]"
        subnet = network.subnets.get(subnet_id)
        if subnet is None:
            yield field, subnet_id, "is no subnet of the environment's account and region"
        elif subnet["VpcId"] != existing.vpc_id:
            yield field, subnet_id, f"is in {subnet['VpcId']}, not in {FIELD}.vpc_id {existing.vpc_id}"
        else:
            zones[subnet_id] = subnet["AvailabilityZone"]
    if len(zones) == len(existing.private_subnet_ids) and len(set(zones.values())) < 2:
        yield (
            f"{FIELD}.private_subnet_ids",
            existing.private_subnet_ids,
            f"are all in one availability zone ({', '.join(sorted(set(zones.values())))}); give subnets in at least two",
        )


def route_tables_of(existing: ExistingNetworkConfig, network: Network) -> list[str]:
    """The route tables the S3 gateway endpoint serves: those given, else each subnet's own (its
    explicit association, or the VPC's main table), as modules/network looks them up."""
    if existing.route_table_ids:
        return list(existing.route_table_ids)
    own = {
        a["SubnetId"]: t["RouteTableId"]
        for t in network.route_tables
        for a in t.get("Associations", [])
        if a.get("SubnetId")
    }
    main = [t["RouteTableId"] for t in network.route_tables if any(a.get("Main") for a in t.get("Associations", []))]
    found = [own.get(subnet, main[0] if main else "") for subnet in existing.private_subnet_ids]
    return list(dict.fromkeys(table for table in found if table))


def _route_table_problems(existing: ExistingNetworkConfig, network: Network) -> Iterator[Problem]:
    known = {t["RouteTableId"] for t in network.route_tables}
    for index, table in enumerate(existing.route_table_ids):
        if table not in known:
            yield f"{FIELD}.route_table_ids[{index}]", table, f"is no route table of {existing.vpc_id}"


def _endpoint_problem(endpoint: dict[str, Any] | None, vpc_id: str, kind: str, service: str) -> str | None:
    if endpoint is None:
        return "is no VPC endpoint of the environment's account and region"
    if endpoint["VpcId"] != vpc_id:
        return f"is an endpoint of {endpoint['VpcId']}, not of {FIELD}.vpc_id {vpc_id}"
    if endpoint["VpcEndpointType"] != kind or endpoint["ServiceName"] != service:
        return f"is a {endpoint['VpcEndpointType']} endpoint of {endpoint['ServiceName']}, not a {kind} endpoint of {service}"
    return None


def _endpoint_problems(existing: ExistingNetworkConfig, network: Network, service_prefix: str) -> Iterator[Problem]:
    for service, endpoint_id in existing.interface_endpoint_ids.items():
        reason = _endpoint_problem(
            network.endpoints.get(endpoint_id), existing.vpc_id, "Interface", f"{service_prefix}.{service}"
        )
        if reason:
            yield f"{FIELD}.interface_endpoint_ids.{service}", endpoint_id, reason


def _s3_problems(env: EnvConfig, network: Network, service_prefix: str) -> Iterator[Problem]:
    existing = env.network.existing
    assert existing is not None  # noqa: S101 - called for an environment with network.existing
    tables = route_tables_of(existing, network)
    service = f"{service_prefix}.s3"
    if existing.s3_gateway_endpoint_id is not None:
        endpoint = network.endpoints.get(existing.s3_gateway_endpoint_id)
        reason = _endpoint_problem(endpoint, existing.vpc_id, "Gateway", service)
        missing = (
            [] if reason or endpoint is None else [t for t in tables if t not in endpoint.get("RouteTableIds", [])]
        )
        if missing:
            reason = f"serves no route of {', '.join(missing)} (route tables of the private subnets)"
        if reason:
            yield f"{FIELD}.s3_gateway_endpoint_id", existing.s3_gateway_endpoint_id, reason
        return
    own_name = f"{env.name_prefix}-s3-gateway"
    for endpoint in network.endpoints.values():
        tags = {t["Key"]: t["Value"] for t in endpoint.get("Tags", [])}
        shared = [t for t in tables if t in endpoint.get("RouteTableIds", [])]
        if endpoint["ServiceName"] == service and shared and tags.get("Name") != own_name:
            yield (
                f"{FIELD}.s3_gateway_endpoint_id",
                None,
                f"is needed: route table(s) {', '.join(shared)} of the private subnets use S3 gateway endpoint "
                f"{endpoint['VpcEndpointId']} already, and a route table takes one per service; give it here (its policy, "
                "not the platform's, then decides which buckets the subnets reach) or subnets with other route tables",
            )


def _vpc_problems(existing: ExistingNetworkConfig, network: Network) -> Iterator[Problem]:
    off = [attribute for attribute, on in network.dns.items() if not on]
    if off:
        yield (
            f"{FIELD}.vpc_id",
            existing.vpc_id,
            f"has {' and '.join(off)} off; the interface endpoints' private DNS names resolve only with both on",
        )
    active = [f for f in network.flow_logs if f.get("FlowLogStatus") == "ACTIVE" and f.get("TrafficType") == "ALL"]
    if existing.flow_logs == "existing" and not active:
        yield (
            f"{FIELD}.flow_logs",
            existing.flow_logs,
            f"says the VPC has flow logs, but {existing.vpc_id} has no active flow log of ALL traffic; use 'create'",
        )


def network_problems(env: EnvConfig, network: Network) -> list[Problem]:
    """What is wrong with `env`'s network.existing in the account's `network`."""
    existing = env.network.existing
    assert existing is not None  # noqa: S101 - called for an environment with network.existing
    if network.vpc is None:
        return [(f"{FIELD}.vpc_id", existing.vpc_id, "is no VPC of the environment's account and region")]
    service_prefix = f"{'cn.com.amazonaws' if env.partition == 'aws-cn' else 'com.amazonaws'}.{env.region}"
    return [
        *_vpc_problems(existing, network),
        *_subnet_problems(existing, network),
        *_route_table_problems(existing, network),
        *_endpoint_problems(existing, network, service_prefix),
        *_s3_problems(env, network, service_prefix),
    ]


def problem_lines(env: EnvConfig, problems: list[Problem]) -> list[str]:
    """`file: field: reason (value ...)`, as the configuration check reports."""
    where = (paths.envs_dir() / env.name / "env.yaml").as_posix()
    where = where.removeprefix(f"{paths.REPO_ROOT.as_posix()}/")
    return [f"{where}: {field}: {reason} (value {quoted(value)})" for field, value, reason in problems]


def checked(env: EnvConfig, stack: str, ec2: Callable[[], Any]) -> str | None:
    """The error text of env's network.existing for `stack`, read with the client `ec2()` makes
    (None: nothing wrong, or nothing to check)."""
    existing = env.network.existing
    if existing is None or stack not in NETWORK_STACKS:
        return None
    problems = network_problems(env, read_network(ec2(), existing.vpc_id, list(existing.private_subnet_ids)))
    if not problems:
        return None
    lines = [
        f"network.existing of {env.name} does not match account {env.account_id} ({env.region}); nothing was planned:",
        *(f"  {line}" for line in problem_lines(env, problems)),
    ]
    return "\n".join(lines)
