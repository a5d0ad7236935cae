"""Rules of env.yaml across fields: each problem is (field path, value as written, what is wrong).

They twin what the modules would refuse only at plan time (subnets, AZs of the region, name
lengths) and what AWS would refuse only at apply (tags per resource, reserved names).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from orchestrator.config import aws_rules
from orchestrator.config.ci_roles import CI_ROLES
from orchestrator.config.derived_names import name_problems
from orchestrator.config.fields import IAM_PRINCIPAL_ARN
from orchestrator.config.packages import package_problems
from orchestrator.config.schema import EnvConfig, ExistingNetworkConfig, NetworkConfig
from orchestrator.config.target_rules import target_account_problems
from orchestrator.config.teams import team_problems

Problem = tuple[str, object, str]

# The foundation's buckets (modules/storage).
STORAGE_BUCKETS = ("data", "models", "access-logs")
# Tags every resource gets from the provider's default_tags (orchestrator/terraform/workspace.py).
ORCHESTRATOR_TAG_KEYS = ("platform", "environment", "stack", "managed-by")
# The most keys a module adds itself to one resource, per kind of environment (modules/*/main.tf:
# mlops-project's approval connection, kms keys, model-hosting's deploy roles).
MODULE_TAG_KEYS = {
    "dev": [
        {"Name", "Purpose"},
        {"Name", "Project", "EventBridgeApiDestinations"},
        {"persona"},
        {"sagemaker:studio-visibility"},
    ],
    "target": [{"Name", "Purpose"}, {"Name", "Project"}],
}


def _subnet_count_problems(net: NetworkConfig) -> Iterator[Problem]:
    if len(net.private_subnet_cidrs) != net.az_count:
        count = len(net.private_subnet_cidrs)
        yield (
            "network.private_subnet_cidrs",
            net.private_subnet_cidrs,
            f"has {count} entries; az_count is {net.az_count}, one subnet per AZ",
        )
    if net.internet_access == "nat" and len(net.public_subnet_cidrs) != net.az_count:
        count = len(net.public_subnet_cidrs)
        yield (
            "network.public_subnet_cidrs",
            net.public_subnet_cidrs,
            f"has {count} entries; internet_access 'nat' needs one per AZ ({net.az_count})",
        )
    if net.internet_access == "none" and net.public_subnet_cidrs:
        yield "network.public_subnet_cidrs", net.public_subnet_cidrs, "must be empty when internet_access is 'none'"


def _subnet_layout_problems(net: NetworkConfig) -> Iterator[Problem]:
    vpc = ipaddress.IPv4Network(str(net.vpc_cidr))  # given: _own_network_problems checks first
    seen: dict[ipaddress.IPv4Network, str] = {}
    for field in ("private_subnet_cidrs", "public_subnet_cidrs"):
        for index, text in enumerate(getattr(net, field)):
            path = f"network.{field}[{index}]"
            subnet = ipaddress.IPv4Network(text)
            if not subnet.subnet_of(vpc):
                yield path, text, f"is outside the VPC CIDR {net.vpc_cidr}"
                continue
            if subnet.prefixlen > 28:
                yield path, text, "is smaller than /28, the smallest subnet AWS allows"
            for other, other_path in seen.items():
                if subnet == other:
                    yield path, text, f"duplicates {other_path}"
                elif subnet.overlaps(other):
                    yield path, text, f"overlaps {other_path} ({other})"
            seen[subnet] = path


def _duplicates(field: str, values: list[str]) -> Iterator[Problem]:
    for index, value in enumerate(values):
        if value in values[:index]:
            yield f"{field}[{index}]", value, "is listed more than once"


def _own_network_problems(net: NetworkConfig, region: str) -> Iterator[Problem]:
    """The VPC the platform creates: its CIDR, AZs and subnets."""
    missing = [field for field in ("vpc_cidr", "az_count") if getattr(net, field) is None]
    for field in missing:
        yield f"network.{field}", None, "is required unless network.existing names a VPC to use"
    if missing:
        return
    yield from _subnet_count_problems(net)
    yield from _subnet_layout_problems(net)
    zones = aws_rules.REGION_AZ_COUNTS[region]
    if net.az_count is not None and net.az_count > zones:
        yield "network.az_count", net.az_count, f"is more than the {zones} availability zones of {region}"


def _existing_network_problems(net: NetworkConfig, existing: ExistingNetworkConfig) -> Iterator[Problem]:
    """A VPC created outside the platform: nothing of a VPC to create may be given beside it."""
    for field in ("vpc_cidr", "az_count", "private_subnet_cidrs", "public_subnet_cidrs"):
        value = getattr(net, field)
        if value not in (None, []):
            yield f"network.{field}", value, "must be left out with network.existing (that VPC and its subnets exist)"
    if net.internet_access != "none":
        yield (
            "network.internet_access",
            net.internet_access,
            "must be 'none' with network.existing (the platform creates no NAT in a network it does not own)",
        )
    yield from _duplicates("network.existing.private_subnet_ids", existing.private_subnet_ids)
    yield from _duplicates("network.existing.route_table_ids", existing.route_table_ids)
    seen: dict[str, str] = {}
    for service, endpoint in existing.interface_endpoint_ids.items():
        if endpoint in seen:
            yield f"network.existing.interface_endpoint_ids.{service}", endpoint, f"is also given for {seen[endpoint]}"
        seen.setdefault(endpoint, service)
    if existing.s3_gateway_endpoint_id in seen:
        yield (
            "network.existing.s3_gateway_endpoint_id",
            existing.s3_gateway_endpoint_id,
            f"is given as the interface endpoint of {seen[existing.s3_gateway_endpoint_id]}",
        )


def _network_problems(config: EnvConfig) -> Iterator[Problem]:
    net = config.network
    if net.existing is None:
        yield from _own_network_problems(net, config.region)
    else:
        yield from _existing_network_problems(net, net.existing)
    yield from _duplicates("network.interface_endpoints", net.interface_endpoints)
    yield from _duplicates("network.s3_endpoint_extra_bucket_arns", net.s3_endpoint_extra_bucket_arns)
    own = {f"arn:{config.partition}:s3:::{config.name_prefix}-{what}-{config.account_id}" for what in STORAGE_BUCKETS}
    for index, arn in enumerate(net.s3_endpoint_extra_bucket_arns):
        if config.kind == "dev" and arn in own:
            yield (
                f"network.s3_endpoint_extra_bucket_arns[{index}]",
                arn,
                "is one of the environment's own buckets, which the endpoint lets through already",
            )
    if config.kind == "target" and net.internet_access != "none":
        yield (
            "network.internet_access",
            net.internet_access,
            "must be 'none' in a target account (endpoints reach AWS through VPC endpoints only)",
        )


def _account_of(arn: str) -> str:
    match = IAM_PRINCIPAL_ARN.fullmatch(arn)
    return match.group(1) if match else ""


def _account_problems(config: EnvConfig) -> Iterator[Problem]:
    github = config.github
    if not github.create_oidc_provider and not github.existing_oidc_provider_arn:
        yield "github.existing_oidc_provider_arn", None, "is required when create_oidc_provider is false"
    if github.create_oidc_provider and github.existing_oidc_provider_arn:
        yield (
            "github.existing_oidc_provider_arn",
            github.existing_oidc_provider_arn,
            "must be left out when create_oidc_provider is true",
        )
    if github.existing_oidc_provider_arn and github.existing_oidc_provider_arn.split(":")[4] != config.account_id:
        yield (
            "github.existing_oidc_provider_arn",
            github.existing_oidc_provider_arn,
            f"is not in the environment's account {config.account_id}",
        )
    if config.deploy_role_arn and _account_of(config.deploy_role_arn) != config.account_id:
        yield "deploy_role_arn", config.deploy_role_arn, f"is not in the environment's account {config.account_id}"
    if config.deploy_role_arn and config.deploy_role_arn.rsplit("/", 1)[-1] in {
        f"{config.name_prefix}-{ci}" for ci in CI_ROLES
    }:
        yield (
            "deploy_role_arn",
            config.deploy_role_arn,
            "is one of the GitHub CI roles bootstrap creates; the deploy role must be another role",
        )
    for role, arn in config.identity.existing_role_arns.items():
        if _account_of(arn) != config.account_id:
            yield (
                f"identity.existing_role_arns.{role}",
                arn,
                f"is not in the environment's account {config.account_id}: SageMaker of this account is passed the role",
            )


def _arns(config: EnvConfig) -> Iterator[tuple[str, str]]:
    """Every ARN env.yaml gives, with its field path."""
    singles = {
        "deploy_role_arn": config.deploy_role_arn,
        "organizations.read_role_arn": config.organizations.read_role_arn if config.organizations else None,
        "github.existing_oidc_provider_arn": config.github.existing_oidc_provider_arn,
    }
    yield from ((path, arn) for path, arn in singles.items() if arn)
    lists = {
        "kms.administrator_arns": config.kms.administrator_arns,
        "network.s3_endpoint_extra_bucket_arns": config.network.s3_endpoint_extra_bucket_arns,
        **{
            f"identity.persona_principals.{p}": getattr(config.identity.persona_principals, p)
            for p in ("data_science_admin", "team_lead", "data_scientist")
        },
    }
    yield from ((f"{path}[{index}]", arn) for path, arns in lists.items() for index, arn in enumerate(arns))
    yield from (
        (f"identity.existing_role_arns.{role}", arn) for role, arn in config.identity.existing_role_arns.items()
    )


def _partition_problems(config: EnvConfig) -> Iterator[Problem]:
    for path, arn in _arns(config):
        if arn.split(":")[1] != config.partition:
            yield path, arn, f"is in partition {arn.split(':')[1]!r}; {config.region} is in {config.partition!r}"


def _persona_problems(config: EnvConfig) -> Iterator[Problem]:
    for persona in ("data_science_admin", "team_lead", "data_scientist"):
        yield from _duplicates(
            f"identity.persona_principals.{persona}", getattr(config.identity.persona_principals, persona)
        )
    for user, persona in config.studio.users.items():
        if persona not in config.personas:
            yield (
                f"studio.users.{user}",
                persona,
                f"persona has no role in this environment (give identity.persona_principals.{persona})",
            )
    for index, persona in enumerate(config.project_templates.launch_personas):
        if persona not in config.personas:
            yield (
                f"project_templates.launch_personas[{index}]",
                persona,
                f"persona has no role in this environment (give identity.persona_principals.{persona})",
            )
    yield from _duplicates("project_templates.launch_personas", config.project_templates.launch_personas)


def _kind_problems(config: EnvConfig) -> Iterator[Problem]:
    if config.kind == "target":
        if not config.source_env:
            yield (
                "source_env",
                None,
                "is required for kind 'target' (the dev environment whose models are deployed here)",
            )
        for field in ("projects", "target_accounts", "organizations"):
            if getattr(config, field):
                yield (
                    field,
                    getattr(config, field),
                    "belongs to the dev environment; a target environment takes them from source_env",
                )
        return
    if config.source_env:
        yield "source_env", config.source_env, "only a kind 'target' environment has a source_env"
    if config.monitoring is not None:
        yield "monitoring", "(set)", "only a kind 'target' environment hosts endpoints to monitor"
    if config.projects and not config.target_accounts:
        yield (
            "target_accounts",
            {},
            "must name at least one deployment account when projects are configured (each project deploys to them)",
        )
    yield from _persona_problems(config)


def _tag_case_problems(config: EnvConfig) -> Iterator[Problem]:
    """IAM compares tag keys without case: `Name` and `name` on one role is an error at apply."""
    others = {key.lower(): key for keys in MODULE_TAG_KEYS[config.kind] for key in keys} | {
        key: key for key in ORCHESTRATOR_TAG_KEYS
    }
    for key in config.tags:
        other = others.get(key.lower())
        if other is not None and other != key:
            yield f"tags.{key}", key, f"differs from the tag key {other!r} only in case; IAM treats them as one key"
        others.setdefault(key.lower(), key)


def _tag_problems(config: EnvConfig) -> Iterator[Problem]:
    for key in config.tags:
        if key in ORCHESTRATOR_TAG_KEYS:
            yield (
                f"tags.{key}",
                config.tags[key],
                f"is a tag the orchestrator sets on every resource ({', '.join(ORCHESTRATOR_TAG_KEYS)})",
            )
    yield from _tag_case_problems(config)
    default_tags = set(config.tags) | set(ORCHESTRATOR_TAG_KEYS)
    most = max(len(default_tags | keys) for keys in MODULE_TAG_KEYS[config.kind])
    if most > aws_rules.TAGS_PER_RESOURCE:
        yield (
            "tags",
            f"{len(config.tags)} tags",
            f"give some resources {most} tags with the orchestrator's and the modules' own; AWS allows {aws_rules.TAGS_PER_RESOURCE}",
        )
    if config.kind == "dev" and len(default_tags) > aws_rules.TAGS_PER_S3_OBJECT:
        yield (
            "tags",
            f"{len(config.tags)} tags",
            (
                f"give the platform's template objects {len(default_tags)} tags with the orchestrator's {len(ORCHESTRATOR_TAG_KEYS)}; "
                f"S3 allows {aws_rules.TAGS_PER_S3_OBJECT} per object (at most {aws_rules.TAGS_PER_S3_OBJECT - len(ORCHESTRATOR_TAG_KEYS)} in env.yaml)"
            ),
        )


def _instance_type_problems(config: EnvConfig) -> Iterator[Problem]:
    for use, types in config.instance_types.model_dump().items():
        yield from _duplicates(f"instance_types.{use}", types)


def semantic_problems(config: EnvConfig) -> list[Problem]:
    """Rules across fields: (field path, bad value, what is wrong)."""
    problems = [
        *_network_problems(config),
        *_account_problems(config),
        *target_account_problems(config),
        *_partition_problems(config),
        *_kind_problems(config),
        *_tag_problems(config),
        *_instance_type_problems(config),
        *package_problems(config),
        *team_problems(config),
    ]
    problems += [(p.field, p.value, p.reason) for p in name_problems(config)]
    return problems
