"""The schema of `envs/<env>/env.yaml`.

Every field is strictly typed (a YAML `true` is not a number, `30` is not a string) and every
string is matched whole (orchestrator/config/fields.py). Rules that relate fields to each other
(subnets inside the VPC, one subnet per AZ, names that must fit AWS's limits) are in
orchestrator/config/semantic.py, so every problem is reported with the exact field path and value,
all at once, before any Terraform or AWS call.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictBool, StrictInt, field_validator

from orchestrator.config.detective import DetectiveControlsConfig
from orchestrator.config.fields import (
    PERSONAS,
    ROLE_NAMES,
    AccountId,
    Branch,
    BucketArn,
    Cidr,
    EndpointService,
    InstanceType,
    OidcProviderArn,
    Persona,
    PrincipalArn,
    ProjectName,
    Region,
    Repository,
    RetentionDays,
    RoleArn,
    RoleName,
    RouteTableId,
    ShortName,
    StudioInstanceType,
    SubnetId,
    TagKey,
    TagValue,
    Text,
    UserProfileName,
    VpcEndpointId,
    VpcId,
)
from orchestrator.config.monitoring import MonitoringConfig, NotificationEmails
from orchestrator.config.packages import PackagesConfig
from orchestrator.config.stage_targets import OrganizationsConfig, StageTarget, StageTargetsConfig, stage_targets
from orchestrator.config.teams import TeamConfig, TeamName

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


# 5 uses x 40 types of at most ~20 characters: about 4,900 characters of policy (IAM allows 6,144).
INSTANCE_TYPES_PER_USE = 40


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ExistingNetworkConfig(_Strict):
    """A VPC the environment is given instead of creating one (a shared VPC, subnets of the network team)."""

    vpc_id: VpcId = Field(description="The VPC the platform's security groups, endpoints and workloads go into.")
    private_subnet_ids: list[SubnetId] = Field(
        min_length=2,
        max_length=16,
        description="Private subnets of that VPC for Studio, jobs and endpoints: 2-16, in at least two AZs.",
    )
    route_table_ids: list[RouteTableId] = Field(
        default_factory=list,
        description="Route tables the platform's S3 gateway endpoint is associated with; default: the subnets' own (or the VPC's main table).",
    )
    interface_endpoint_ids: dict[EndpointService, VpcEndpointId] = Field(
        default_factory=dict,
        description="Interface endpoints the VPC already has (service -> endpoint id): the platform creates the others only.",
    )
    s3_gateway_endpoint_id: VpcEndpointId | None = Field(
        default=None,
        description=(
            "An S3 gateway endpoint the subnets' route tables already use: the buckets then accept only it, under its owner's "
            "policy (the platform's bucket-scoped endpoint policy is not applied). Default: the platform creates its own."
        ),
    )
    flow_logs: Literal["create", "existing"] = Field(
        default="create",
        description="'create': the platform adds its flow log (ALL traffic); 'existing': the VPC already has one (checked before Terraform).",
    )


class NetworkConfig(_Strict):
    vpc_cidr: Cidr | None = Field(default=None, description="IPv4 CIDR of the VPC, /16 to /24 (not with existing).")
    az_count: StrictInt | None = Field(
        default=None,
        ge=2,
        le=4,
        description="Availability zones to spread subnets over (2-4, at most the region's; not with existing).",
    )
    private_subnet_cidrs: list[Cidr] = Field(
        default_factory=list, description="One private subnet CIDR per AZ (not with existing)."
    )
    existing: ExistingNetworkConfig | None = Field(
        default=None, description="Bring your own network: a VPC and subnets created outside the platform."
    )
    internet_access: Literal["none", "nat"] = Field(
        default="none", description="'none': no route to the internet; 'nat': one NAT gateway per AZ."
    )
    public_subnet_cidrs: list[Cidr] = Field(
        default_factory=list, description="One public subnet per AZ, only with internet_access 'nat'."
    )
    interface_endpoints: list[EndpointService] = Field(default_factory=lambda: list(DEFAULT_INTERFACE_ENDPOINTS))
    s3_endpoint_extra_bucket_arns: list[BucketArn] = Field(
        default_factory=list,
        description="Buckets besides the environment's own that the S3 gateway endpoint lets through.",
    )
    flow_logs_retention_days: RetentionDays = 365

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_cidr(cls, value: str | None) -> str | None:
        if value is None:
            return value
        prefix = ipaddress.IPv4Network(value).prefixlen
        if not 16 <= prefix <= 24:
            raise ValueError(f"has prefix /{prefix}; a VPC must be /16 to /24")
        return value


class KmsConfig(_Strict):
    deletion_window_days: StrictInt = Field(default=30, ge=7, le=30)
    rotation_period_days: StrictInt = Field(default=365, ge=90, le=2560)
    administrator_arns: list[PrincipalArn] = Field(
        default_factory=list,
        description="Principals (besides the deploy role) that administer the keys; never use them for data.",
    )


class StorageConfig(_Strict):
    noncurrent_version_expiration_days: StrictInt = Field(default=90, ge=1, le=3650)
    abort_incomplete_multipart_upload_days: StrictInt = Field(default=7, ge=1, le=365)
    access_log_retention_days: StrictInt = Field(default=365, ge=90, le=3650)
    force_destroy: StrictBool = Field(
        default=False, description="Let destroy delete non-empty buckets (only for throw-away environments)."
    )


class GithubConfig(_Strict):
    repository: Repository = Field(
        description="org/repo whose workflows may plan (pull requests) and apply (environment <env>)."
    )
    create_oidc_provider: StrictBool = Field(
        default=True, description="False when the account already has the GitHub OIDC provider."
    )
    existing_oidc_provider_arn: OidcProviderArn | None = None
    plan_branch: Branch = Field(
        default="main",
        description=(
            "Protected branch whose jobs without a GitHub environment (plan before a reviewed apply, scheduled drift) may use the "
            "read-only plan role, and the only branch whose jobs in the env's GitHub environment may use the apply role."
        ),
    )


class PersonaPrincipals(_Strict):
    data_science_admin: list[PrincipalArn] = Field(default_factory=list)
    team_lead: list[PrincipalArn] = Field(default_factory=list)
    data_scientist: list[PrincipalArn] = Field(default_factory=list)


class IdentityConfig(_Strict):
    persona_principals: PersonaPrincipals = Field(
        default_factory=PersonaPrincipals,
        description="Who may assume each persona role (identity-account or SSO role ARNs).",
    )
    existing_role_arns: dict[RoleName, RoleArn] = Field(
        default_factory=dict, description=f"Bring your own role instead of creating it; keys: {', '.join(ROLE_NAMES)}."
    )


class StudioConfig(_Strict):
    users: dict[UserProfileName, Persona] = Field(
        default_factory=dict,
        description="Studio user profile name -> persona (data_science_admin, team_lead, data_scientist).",
    )
    idle_timeout_minutes: StrictInt = Field(
        default=120, ge=60, le=525600, description="Idle apps shut down after this many minutes."
    )
    home_efs_retention: Literal["Retain", "Delete"] = Field(
        default="Retain",
        description="What happens to the home EFS when the domain is destroyed: Retain keeps user data (and leaves the EFS behind), Delete removes it.",
    )
    enable_projects: StrictBool = Field(
        default=True, description="Enable SageMaker Projects (account- and region-wide)."
    )


class ProjectTemplatesConfig(_Strict):
    provider_name: Text = Field(
        default="ML platform team",
        min_length=1,
        max_length=50,
        description="Shown in Studio as the templates' provider.",
    )
    launch_personas: list[Persona] = Field(
        default_factory=lambda: ["data_scientist", "team_lead"],
        min_length=1,
        description="Personas whose roles may launch SageMaker projects.",
    )

    @field_validator("provider_name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank")
        return value


class BatchConfig(_Strict):
    schedule_expression: str = Field(
        default="cron(0 2 * * ? *)",
        pattern=r"^(cron\([^()]+\)|rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\))$",
        description="When the target accounts' schedule starts the batch pipeline (EventBridge Scheduler cron(...) or rate(...), UTC).",
    )


class ProjectConfig(_Strict):
    repository: Repository = Field(
        description="The project's GitHub repository <owner>/<name>: its CI role and deploy roles trust it only."
    )
    registry: Literal["terraform", "template"] = Field(
        default="terraform",
        description=(
            "Who creates the project's model package group <prefix>-<env>-<name>: the projects stack (terraform), or the stack "
            "of the SageMaker project launched from the S3-based model-deploy template with this name (template)."
        ),
    )
    serving: Literal["realtime", "batch"] = Field(
        default="realtime",
        description=(
            "How staging and prod serve an approved model: an endpoint (realtime), or a scheduled batch transform over the "
            "project's input prefix of the target account's batch bucket (batch)."
        ),
    )
    batch: BatchConfig = Field(default_factory=BatchConfig, description="The batch schedule (serving: batch).")
    notify: NotificationEmails = Field(
        default_factory=list,
        description=(
            "Email addresses subscribed to the project's pipeline-events topic <prefix>-<env>-<name>-pipeline-events: "
            "every execution of its pipeline that ends Failed or Stopped (each confirms the email AWS sends)."
        ),
    )


def _allowed_instance_types(default: list[str], description: str) -> Any:
    """A use's allowed instance types: non-empty, at most INSTANCE_TYPES_PER_USE, `default` when absent."""
    return Field(
        default_factory=lambda: list(default),
        min_length=1,
        max_length=INSTANCE_TYPES_PER_USE,
        description=description,
    )


class InstanceTypesConfig(_Strict):
    """The SageMaker instance types each use may request (the identity and hosting guardrails deny the others).

    The defaults are small, cheap types: an environment that needs more lists them explicitly. At most
    INSTANCE_TYPES_PER_USE per use keeps the rendered instance-types policy under IAM's 6,144 characters."""

    studio_apps: list[StudioInstanceType] = _allowed_instance_types(
        ["system", "ml.t3.medium", "ml.t3.large"],
        "Studio apps (CreateApp); 'system' is the JupyterServer app's (and KernelGateway's default) type.",
    )
    processing: list[InstanceType] = _allowed_instance_types(
        ["ml.t3.medium", "ml.m5.large", "ml.m5.xlarge"], "Processing jobs (CreateProcessingJob)."
    )
    training: list[InstanceType] = _allowed_instance_types(
        ["ml.m5.large", "ml.m5.xlarge"],
        "Training jobs, every instance group of one, and tuning jobs (CreateTrainingJob, CreateHyperParameterTuningJob).",
    )
    transform: list[InstanceType] = _allowed_instance_types(
        ["ml.m5.large", "ml.m5.xlarge"], "Batch transform jobs (CreateTransformJob)."
    )
    endpoints: list[InstanceType] = _allowed_instance_types(
        ["ml.t2.medium", "ml.m5.large"],
        "Endpoint configurations, every production variant (CreateEndpointConfig): dev's own and, in a target environment, the deploy roles'.",
    )


class UnresolvedTargetsError(RuntimeError):
    """An environment's target accounts asked for before its stages' OUs were resolved."""


class EnvConfig(_Strict):
    name: ShortName = Field(description="The environment's name; must equal its folder under envs/.")
    kind: Literal["dev", "target"] = Field(
        default="dev",
        description="dev: data science (foundation, identity, platform, projects); target: a staging/prod account hosting endpoints.",
    )
    source_env: ShortName | None = Field(
        default=None,
        description="kind target: the dev environment whose approved models are deployed here (its projects and account).",
    )
    projects: dict[ProjectName, ProjectConfig] = Field(
        default_factory=dict,
        description="kind dev: ML projects (name -> repository); each gets a model package group, artifact bucket, CI role and approval trigger.",
    )
    account_id: AccountId = Field(description="The 12-digit AWS account the environment lives in.")
    region: Region
    prefix: ShortName = Field(description="Name prefix: resources are named <prefix>-<env>-<name>.")
    deploy_role_arn: RoleArn | None = Field(
        default=None,
        description=(
            "Role in this account that runs Terraform. Default arn:aws:iam::<account_id>:role/<prefix>-<env>-deploy. "
            "It administers the keys and may reach the buckets from outside the VPC endpoints."
        ),
    )
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    github: GithubConfig
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    target_accounts: dict[ShortName, StageTarget] = Field(
        default_factory=dict,
        description=(
            "Stage name -> the accounts models are deployed to (staging, prod): one account id, a list of ids, or a "
            "mapping with accounts or organizational_unit (and recursive, waves)."
        ),
    )
    organizations: OrganizationsConfig | None = Field(
        default=None, description="kind dev: how target_accounts' organizational units are resolved."
    )
    network: NetworkConfig
    kms: KmsConfig = Field(default_factory=KmsConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    studio: StudioConfig = Field(default_factory=StudioConfig)
    teams: dict[TeamName, TeamConfig] = Field(
        default_factory=dict,
        description="kind dev: data-science teams (users, projects, data prefixes, execution role per team or per user), isolated from each other.",
    )
    project_templates: ProjectTemplatesConfig = Field(default_factory=ProjectTemplatesConfig)
    instance_types: InstanceTypesConfig = Field(
        default_factory=InstanceTypesConfig,
        description="SageMaker instance types allowed per use (Studio apps, processing, training, transform, endpoints).",
    )
    packages: PackagesConfig = Field(
        default_factory=PackagesConfig,
        description="kind dev: the internet-free package index (CodeArtifact domain, curated repository, VPC endpoints, pip in Studio).",
    )
    monitoring: MonitoringConfig | None = Field(
        default=None,
        description="kind target: how its endpoints are watched (Model Monitor schedule, alarms, scaling, notification emails); defaults when absent.",
    )
    detective_controls: DetectiveControlsConfig = Field(
        default_factory=DetectiveControlsConfig,
        description="CloudTrail, AWS Config, Security Hub, GuardDuty and findings to SNS (stack detective); on by default for prod.",
    )

    _source: EnvConfig | None = PrivateAttr(default=None)
    _resolved_targets: dict[str, list[str]] | None = PrivateAttr(default=None)
    _other_account: bool = PrivateAttr(default=False)

    def in_account(self, account: str) -> EnvConfig:
        """This environment applied to another account of its stage (orchestrator/accounts/per_account.py)."""
        copy = self.model_copy(update={"account_id": account})
        copy._other_account = account != self.account_id
        return copy

    @property
    def workspace_name(self) -> str:
        """The folder of its working roots: `<env>`, or `<env>@<account>` in another account of its
        stage (no working root, local bootstrap state or saved plan is shared between accounts)."""
        return f"{self.name}@{self.account_id}" if self._other_account else self.name

    @property
    def stage_targets(self) -> dict[str, StageTargetsConfig]:
        """Each stage's accounts in the one full form."""
        return {stage: stage_targets(value) for stage, value in self.target_accounts.items()}

    @property
    def needs_resolution(self) -> bool:
        """Whether a stage's accounts come from an organizational unit (known only at plan time)."""
        return any(t.organizational_unit for t in self.stage_targets.values())

    @property
    def targets_known(self) -> bool:
        """Whether target_account_ids can be given now: listed in env.yaml, or the OUs resolved."""
        return self._resolved_targets is not None or not self.needs_resolution

    def resolve_targets(self, accounts: dict[str, list[str]]) -> None:
        """Record each stage's accounts as resolved at plan time (orchestrator/accounts/resolution.py)."""
        self._resolved_targets = {stage: list(ids) for stage, ids in accounts.items()}

    @property
    def target_account_ids(self) -> dict[str, list[str]]:
        """Stage -> its account ids in rollout order: as listed, or as resolved from the stage's OU."""
        if self._resolved_targets is not None:
            return dict(self._resolved_targets)
        if self.needs_resolution:
            raise UnresolvedTargetsError(
                f"environment {self.name}: target_accounts has organizational units; resolve them first"
            )
        return {stage: list(t.accounts) for stage, t in self.stage_targets.items()}

    @property
    def personas(self) -> list[str]:
        """Personas that exist: given principals to assume them, or brought as an existing role."""
        principals = self.identity.persona_principals
        return [p for p in PERSONAS if getattr(principals, p) or p in self.identity.existing_role_arns]

    @property
    def source(self) -> EnvConfig:
        """kind target: the dev environment it hosts models for (linked by the loader)."""
        if self._source is None:
            raise RuntimeError(f"environment {self.name}: source environment not linked; load it with load_envs()")
        return self._source

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
