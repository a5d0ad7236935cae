"""The schema of `envs/<env>/env.yaml`.

Field-level rules live on the models; rules that relate fields to each other (subnets inside the
VPC, no overlaps, one subnet per AZ) are in `semantic_problems`, so every problem is reported with
the exact field path and value, all at once, before any Terraform or AWS call.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import PrivateAttr, BaseModel, ConfigDict, Field, field_validator

ACCOUNT_ID = r"^[0-9]{12}$"
REGION = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$"
IAM_ROLE_ARN = r"^arn:aws[a-z-]*:iam::([0-9]{12}):role/[\w+=,.@/-]{1,512}$"
IAM_PRINCIPAL_ARN = r"^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[\w+=,.@/-]{1,512}$"
ENDPOINT_SERVICE = r"^[a-z0-9][a-z0-9.-]*$"

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)

DEFAULT_INTERFACE_ENDPOINTS = [
    "sagemaker.api",
    "sagemaker.runtime",
    "sts",
    "logs",
    "monitoring",
    "kms",
    "ecr.api",
    "ecr.dkr",
    "ssm",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a valid IPv4 CIDR ({exc})") from None
    return str(network)


class NetworkConfig(_Strict):
    vpc_cidr: str = Field(description="IPv4 CIDR of the VPC, /16 to /24.")
    az_count: int = Field(ge=2, le=4, description="Availability zones to spread subnets over (2-4).")
    private_subnet_cidrs: list[str] = Field(description="One private subnet CIDR per AZ.")
    internet_access: Literal["none", "nat"] = Field(
        default="none", description="'none': no route to the internet; 'nat': one NAT gateway per AZ."
    )
    public_subnet_cidrs: list[str] = Field(
        default_factory=list, description="One public subnet per AZ, only with internet_access 'nat'."
    )
    interface_endpoints: list[str] = Field(default_factory=lambda: list(DEFAULT_INTERFACE_ENDPOINTS))
    s3_endpoint_extra_bucket_arns: list[str] = Field(
        default_factory=list,
        description="Buckets besides the environment's own that the S3 gateway endpoint lets through.",
    )
    flow_logs_retention_days: int = 365

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_cidr(cls, value: str) -> str:
        cidr = _cidr(value)
        prefix = ipaddress.IPv4Network(cidr).prefixlen
        if not 16 <= prefix <= 24:
            raise ValueError(f"'{value}' has prefix /{prefix}; a VPC must be /16 to /24")
        return cidr

    @field_validator("private_subnet_cidrs", "public_subnet_cidrs")
    @classmethod
    def _subnet_cidrs(cls, values: list[str]) -> list[str]:
        return [_cidr(v) for v in values]

    @field_validator("interface_endpoints")
    @classmethod
    def _endpoints(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.match(ENDPOINT_SERVICE, value):
                raise ValueError(f"'{value}' is not a service short name like 'sagemaker.api'")
        return values

    @field_validator("s3_endpoint_extra_bucket_arns")
    @classmethod
    def _bucket_arns(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.match(r"^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", value):
                raise ValueError(f"'{value}' is not a bucket ARN like 'arn:aws:s3:::my-bucket'")
        return values

    @field_validator("flow_logs_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS or value < 365:
            raise ValueError(f"{value} is not a CloudWatch retention period of at least 365 days")
        return value


class KmsConfig(_Strict):
    deletion_window_days: int = Field(default=30, ge=7, le=30)
    rotation_period_days: int = Field(default=365, ge=90, le=2560)
    administrator_arns: list[str] = Field(
        default_factory=list,
        description="Principals (besides the deploy role) that administer the keys; never use them for data.",
    )

    @field_validator("administrator_arns")
    @classmethod
    def _arns(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.match(IAM_PRINCIPAL_ARN, value):
                raise ValueError(f"'{value}' is not an IAM role or user ARN")
        return values


class StorageConfig(_Strict):
    noncurrent_version_expiration_days: int = Field(default=90, ge=1, le=3650)
    abort_incomplete_multipart_upload_days: int = Field(default=7, ge=1, le=365)
    access_log_retention_days: int = Field(default=365, ge=90, le=3650)
    force_destroy: bool = Field(
        default=False, description="Let destroy delete non-empty buckets (only for throw-away environments)."
    )


class GithubConfig(_Strict):
    repository: str = Field(description="org/repo whose workflows may plan (pull requests) and apply (environment <env>).")
    create_oidc_provider: bool = Field(default=True, description="False when the account already has the GitHub OIDC provider.")
    existing_oidc_provider_arn: str | None = None
    plan_branch: str = Field(
        default="main",
        description=(
            "Protected branch whose jobs without a GitHub environment (plan before a reviewed apply, scheduled drift) may use the "
            "read-only plan role, and the only branch whose jobs in the env's GitHub environment may use the apply role."
        ),
    )

    @field_validator("plan_branch")
    @classmethod
    def _plan_branch(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$", value) or ".." in value or "//" in value or value.endswith(("/", ".lock")):
            raise ValueError(f"'{value}' is not one branch name (letters, digits, _ . / -; no wildcards, spaces, colons or '..')")
        return value

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", value):
            raise ValueError(f"'{value}' is not 'org/repo' (no wildcards)")
        return value

    @field_validator("existing_oidc_provider_arn")
    @classmethod
    def _provider(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com$", value):
            raise ValueError(f"'{value}' is not the ARN of a token.actions.githubusercontent.com OIDC provider")
        return value


def _principal_arns(values: list[str]) -> list[str]:
    for value in values:
        if not re.match(IAM_PRINCIPAL_ARN, value):
            raise ValueError(f"'{value}' is not an IAM role or user ARN")
    return values


class PersonaPrincipals(_Strict):
    data_science_admin: list[str] = Field(default_factory=list)
    team_lead: list[str] = Field(default_factory=list)
    data_scientist: list[str] = Field(default_factory=list)

    @field_validator("data_science_admin", "team_lead", "data_scientist")
    @classmethod
    def _arns(cls, values: list[str]) -> list[str]:
        return _principal_arns(values)


ROLE_NAMES = ("data_science_admin", "team_lead", "data_scientist", "sagemaker_execution", "pipeline_execution", "launch")


class IdentityConfig(_Strict):
    persona_principals: PersonaPrincipals = Field(
        default_factory=PersonaPrincipals, description="Who may assume each persona role (identity-account or SSO role ARNs)."
    )
    existing_role_arns: dict[str, str] = Field(
        default_factory=dict, description=f"Bring your own role instead of creating it; keys: {', '.join(ROLE_NAMES)}."
    )

    @field_validator("existing_role_arns")
    @classmethod
    def _existing(cls, value: dict[str, str]) -> dict[str, str]:
        for key, arn in value.items():
            if key not in ROLE_NAMES:
                raise ValueError(f"unknown role '{key}' (roles: {', '.join(ROLE_NAMES)})")
            if not re.match(IAM_ROLE_ARN, arn):
                raise ValueError(f"'{arn}' for {key} is not an IAM role ARN")
        return value


PERSONAS = ("data_science_admin", "team_lead", "data_scientist")
# SageMaker's rule for user profile names.
USER_PROFILE_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


class StudioConfig(_Strict):
    users: dict[str, str] = Field(
        default_factory=dict, description="Studio user profile name -> persona (data_science_admin, team_lead, data_scientist)."
    )
    idle_timeout_minutes: int = Field(default=120, ge=60, le=525600, description="Idle apps shut down after this many minutes.")
    home_efs_retention: Literal["Retain", "Delete"] = Field(
        default="Retain",
        description="What happens to the home EFS when the domain is destroyed: Retain keeps user data (and leaves the EFS behind), Delete removes it.",
    )
    enable_projects: bool = Field(default=True, description="Enable SageMaker Projects (account- and region-wide).")

    @field_validator("users")
    @classmethod
    def _users(cls, value: dict[str, str]) -> dict[str, str]:
        for user, persona in value.items():
            if not USER_PROFILE_NAME.match(user):
                raise ValueError(f"user '{user}' is not a valid Studio user profile name (letters, digits and hyphens, at most 63)")
            if persona not in PERSONAS:
                raise ValueError(f"user '{user}' has unknown persona '{persona}' (personas: {', '.join(PERSONAS)})")
        return value


class ProjectTemplatesConfig(_Strict):
    provider_name: str = Field(default="ML platform team", min_length=1, max_length=50, description="Shown in Studio as the templates' provider.")
    launch_personas: list[str] = Field(
        default_factory=lambda: ["data_scientist", "team_lead"], description="Personas whose roles may launch SageMaker projects."
    )

    @field_validator("launch_personas")
    @classmethod
    def _personas(cls, value: list[str]) -> list[str]:
        unknown = [p for p in value if p not in PERSONAS]
        if unknown:
            raise ValueError(f"unknown personas {unknown} (personas: {', '.join(PERSONAS)})")
        if not value:
            raise ValueError("at least one persona must be able to launch projects")
        return value


GITHUB_REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


class ProjectConfig(_Strict):
    repository: str = Field(description="The project's GitHub repository <owner>/<name>: its CI role and deploy roles trust it only.")

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str) -> str:
        if not GITHUB_REPOSITORY.match(value) or value.endswith((".", "/")) or "*" in value:
            raise ValueError(f"'{value}' is not a GitHub repository <owner>/<name> (no wildcards)")
        return value


PROJECT_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")


class EnvConfig(_Strict):
    name: str = Field(description="The environment's name; must equal its folder under envs/.")
    kind: Literal["dev", "target"] = Field(
        default="dev", description="dev: data science (foundation, identity, platform, projects); target: a staging/prod account hosting endpoints."
    )
    source_env: str | None = Field(
        default=None, description="kind target: the dev environment whose approved models are deployed here (its projects and account)."
    )
    projects: dict[str, ProjectConfig] = Field(
        default_factory=dict, description="kind dev: ML projects (name -> repository); each gets a model package group, artifact bucket, CI role and approval trigger."
    )
    account_id: str = Field(description="The 12-digit AWS account the environment lives in.")
    region: str
    prefix: str = Field(description="Name prefix: resources are named <prefix>-<env>-<name>.")
    deploy_role_arn: str | None = Field(
        default=None,
        description=(
            "Role in this account that runs Terraform. Default arn:aws:iam::<account_id>:role/<prefix>-<env>-deploy. "
            "It administers the keys and may reach the buckets from outside the VPC endpoints."
        ),
    )
    tags: dict[str, str] = Field(default_factory=dict)
    github: GithubConfig
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    target_accounts: dict[str, str] = Field(
        default_factory=dict, description="Stage name -> account id of the accounts models are deployed to (staging, prod)."
    )
    network: NetworkConfig
    kms: KmsConfig = Field(default_factory=KmsConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    studio: StudioConfig = Field(default_factory=StudioConfig)
    project_templates: ProjectTemplatesConfig = Field(default_factory=ProjectTemplatesConfig)

    @property
    def personas(self) -> list[str]:
        """Personas that exist: given principals to assume them, or brought as an existing role."""
        principals = self.identity.persona_principals
        return [p for p in PERSONAS if getattr(principals, p) or p in self.identity.existing_role_arns]

    @field_validator("name", "prefix")
    @classmethod
    def _short_name(cls, value: str) -> str:
        if not re.match(r"^[a-z][a-z0-9]{1,9}$", value):
            raise ValueError(f"'{value}' must be 2-10 lowercase letters/digits, starting with a letter")
        return value

    @field_validator("account_id", mode="before")
    @classmethod
    def _account(cls, value: object) -> str:
        text = str(value)
        if not re.match(ACCOUNT_ID, text):
            raise ValueError(f"'{text}' is not a 12-digit AWS account id (quote it in YAML to keep leading zeros)")
        return text

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not re.match(REGION, value):
            raise ValueError(f"'{value}' is not an AWS region name like 'eu-west-1'")
        return value


    @field_validator("deploy_role_arn")
    @classmethod
    def _deploy_role(cls, value: str | None) -> str | None:
        if value is not None and not re.match(IAM_ROLE_ARN, value):
            raise ValueError(f"'{value}' is not an IAM role ARN")
        return value

    @field_validator("target_accounts")
    @classmethod
    def _targets(cls, value: dict[str, str]) -> dict[str, str]:
        for stage, account in value.items():
            if not re.match(r"^[a-z][a-z0-9]{1,9}$", stage):
                raise ValueError(f"stage '{stage}' must be 2-10 lowercase letters/digits")
            if not re.match(ACCOUNT_ID, str(account)):
                raise ValueError(f"'{account}' (stage {stage}) is not a 12-digit AWS account id")
        return value

    _source: EnvConfig | None = PrivateAttr(default=None)

    @property
    def source(self) -> EnvConfig:
        """kind target: the dev environment it hosts models for (linked by the loader)."""
        if self._source is None:
            raise RuntimeError(f"environment {self.name}: source environment not linked; load it with load_envs()")
        return self._source

    @field_validator("projects")
    @classmethod
    def _projects(cls, value: dict[str, ProjectConfig]) -> dict[str, ProjectConfig]:
        for name in value:
            if not PROJECT_NAME.match(name):
                raise ValueError(f"project name '{name}' must be 2-32 lowercase letters, digits or hyphens, starting with a letter")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if key.lower().startswith("aws:") or not 1 <= len(key) <= 128:
                raise ValueError(f"tag key '{key}' must be 1-128 characters and not start with 'aws:'")
        return value

    @property
    def name_prefix(self) -> str:
        """`<prefix>-<env>`: the start of every resource name in this environment."""
        return f"{self.prefix}-{self.name}"

    @property
    def ssm_prefix(self) -> str:
        return f"/{self.prefix}/{self.name}"

    @property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        if "-gov-" in self.region:
            return "aws-us-gov"
        return "aws"

    @property
    def effective_deploy_role_arn(self) -> str:
        return self.deploy_role_arn or f"arn:{self.partition}:iam::{self.account_id}:role/{self.name_prefix}-deploy"


def semantic_problems(config: EnvConfig) -> list[tuple[str, object, str]]:
    """Rules across fields: (field path, bad value, what is wrong)."""
    problems: list[tuple[str, object, str]] = []
    net = config.network
    vpc = ipaddress.IPv4Network(net.vpc_cidr)

    if len(net.private_subnet_cidrs) != net.az_count:
        problems.append(
            (
                "network.private_subnet_cidrs",
                net.private_subnet_cidrs,
                f"has {len(net.private_subnet_cidrs)} entries; az_count is {net.az_count}, one subnet per AZ",
            )
        )
    if net.internet_access == "nat" and len(net.public_subnet_cidrs) != net.az_count:
        problems.append(
            (
                "network.public_subnet_cidrs",
                net.public_subnet_cidrs,
                f"has {len(net.public_subnet_cidrs)} entries; internet_access 'nat' needs one per AZ ({net.az_count})",
            )
        )
    if net.internet_access == "none" and net.public_subnet_cidrs:
        problems.append(
            ("network.public_subnet_cidrs", net.public_subnet_cidrs, "must be empty when internet_access is 'none'")
        )

    seen: dict[ipaddress.IPv4Network, str] = {}
    for field in ("private_subnet_cidrs", "public_subnet_cidrs"):
        for index, text in enumerate(getattr(net, field)):
            path = f"network.{field}[{index}]"
            subnet = ipaddress.IPv4Network(text)
            if not subnet.subnet_of(vpc):
                problems.append((path, text, f"is outside the VPC CIDR {net.vpc_cidr}"))
                continue
            if subnet.prefixlen > 28:
                problems.append((path, text, "is smaller than /28, the smallest subnet AWS allows"))
            for other, other_path in seen.items():
                if subnet == other:
                    problems.append((path, text, f"duplicates {other_path}"))
                elif subnet.overlaps(other):
                    problems.append((path, text, f"overlaps {other_path} ({other})"))
            seen[subnet] = path

    for field in ("interface_endpoints", "s3_endpoint_extra_bucket_arns"):
        values = getattr(net, field)
        for value in {v for v in values if values.count(v) > 1}:
            problems.append((f"network.{field}", value, "is listed more than once"))

    github = config.github
    if not github.create_oidc_provider and not github.existing_oidc_provider_arn:
        problems.append(("github.existing_oidc_provider_arn", None, "is required when create_oidc_provider is false"))
    for stage, account in config.target_accounts.items():
        if account == config.account_id:
            problems.append((f"target_accounts.{stage}", account, "is the environment's own account; target accounts must be separate"))

    if config.kind == "target":
        if not config.source_env:
            problems.append(("source_env", None, "is required for kind 'target' (the dev environment whose models are deployed here)"))
        for field in ("projects", "target_accounts"):
            if getattr(config, field):
                problems.append((field, getattr(config, field), "belongs to the dev environment; a target environment takes them from source_env"))
        if config.network.internet_access != "none":
            problems.append(("network.internet_access", config.network.internet_access, "must be 'none' in a target account (endpoints reach AWS through VPC endpoints only)"))
    else:
        if config.source_env:
            problems.append(("source_env", config.source_env, "only a kind 'target' environment has a source_env"))
        for user, persona in config.studio.users.items():
            if persona not in config.personas:
                problems.append((f"studio.users.{user}", persona, f"persona has no role in this environment (give identity.persona_principals.{persona})"))
        for index, persona in enumerate(config.project_templates.launch_personas):
            if persona not in config.personas:
                problems.append((f"project_templates.launch_personas[{index}]", persona, f"persona has no role in this environment (give identity.persona_principals.{persona})"))

    if config.deploy_role_arn:
        match = re.match(IAM_ROLE_ARN, config.deploy_role_arn)
        if match and match.group(1) != config.account_id:
            problems.append(
                ("deploy_role_arn", config.deploy_role_arn, f"is not in the environment's account {config.account_id}")
            )
    return problems
