"""env.yaml `packages`: the environment's internet-free package index (CodeArtifact, modules/package-repository).

    packages:
      enabled: true            # a CodeArtifact domain and curated repository, its VPC endpoints, pip in Studio
      public_upstream: false   # true: the curated repository reads through to PyPI (where the organisation allows)

Only a kind `dev` environment has one (Studio and the jobs run there). Enabling it adds the
`codeartifact.api` and `codeartifact.repositories` interface endpoints (both with private DNS: the
repositories endpoint's private DNS name is resolved with the API endpoint's) and CodeArtifact's
asset bucket of the region (aws_rules.CODEARTIFACT_ASSET_BUCKET_ACCOUNTS) to the S3 gateway endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from orchestrator.config import aws_rules

if TYPE_CHECKING:
    from orchestrator.config.schema import EnvConfig

Problem = tuple[str, object, str]

API_ENDPOINT, REPOSITORIES_ENDPOINT = "codeartifact.api", "codeartifact.repositories"
PACKAGE_ENDPOINTS = (API_ENDPOINT, REPOSITORIES_ENDPOINT)


class PackagesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    enabled: StrictBool = Field(
        default=False,
        description="A CodeArtifact domain <prefix>-<env>-packages with a curated repository, its VPC endpoints and pip configured in Studio (kind dev only).",
    )
    public_upstream: StrictBool = Field(
        default=False,
        description="The curated repository reads through to the public index (external connection public:pypi); false: only packages the platform team publishes.",
    )


def interface_endpoints(config: EnvConfig) -> list[str]:
    """The VPC's interface endpoints: env.yaml's, plus CodeArtifact's two when packages are enabled."""
    listed = list(config.network.interface_endpoints)
    extra = [e for e in PACKAGE_ENDPOINTS if config.packages.enabled and e not in listed]
    return listed + extra


def publisher_role_arns(config: EnvConfig) -> list[str]:
    """Who may publish to the curated repository: the data science administrator persona's role
    (brought, or identity's <prefix>-<env>-data-science-admin) when the persona exists, and the deploy role."""
    admin = config.identity.existing_role_arns.get("data_science_admin") or (
        f"arn:{config.partition}:iam::{config.account_id}:role/{config.name_prefix}-data-science-admin"
    )
    return [*([admin] if "data_science_admin" in config.personas else []), config.effective_deploy_role_arn]


def stack_inputs(config: EnvConfig) -> dict[str, Any]:
    """What the foundation stack needs to create the package repository (nothing when disabled)."""
    enabled = config.packages.enabled
    bucket = aws_rules.codeartifact_asset_bucket(config.region)
    return {
        "enabled": enabled,
        "public_upstream": config.packages.public_upstream,
        "publisher_role_arns": publisher_role_arns(config) if enabled else [],
        "asset_bucket_arn": f"arn:{config.partition}:s3:::{bucket}" if enabled and bucket else None,
    }


def package_problems(config: EnvConfig) -> Iterator[Problem]:
    packages = config.packages
    endpoints = list(config.network.interface_endpoints)
    if REPOSITORIES_ENDPOINT in endpoints and API_ENDPOINT not in endpoints:
        yield (
            "network.interface_endpoints",
            endpoints,
            f"lists {REPOSITORIES_ENDPOINT} without {API_ENDPOINT}: its private DNS name needs the API endpoint's, and tokens come from the API",
        )
    if not packages.enabled:
        if packages.public_upstream:
            yield "packages.public_upstream", True, "needs packages.enabled: true"
        return
    if config.kind != "dev":
        yield (
            "packages.enabled",
            True,
            "only a kind 'dev' environment has a package repository (Studio and the jobs run there)",
        )
    if aws_rules.codeartifact_asset_bucket(config.region) is None:
        yield (
            "packages.enabled",
            True,
            f"CodeArtifact's asset bucket in region {config.region!r} is not known to the platform "
            "(orchestrator/config/aws_rules.py CODEARTIFACT_ASSET_BUCKET_ACCOUNTS)",
        )
