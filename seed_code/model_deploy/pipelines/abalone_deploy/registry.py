"""Read the project's model package group in the dev account's registry.

The caller is the target account's deploy role: the group's resource policy lets it describe and
list the group's packages (and nothing else), so every call names the group or package **by ARN**
(a name would be looked up in the caller's own account). The client is passed in, so a test — or
an operator — can point it at any account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from abalone_deploy.names import Target

APPROVED = "Approved"
# The customer-metadata key under which the model-build pipeline records the archive's SHA-256
# (abalone_build.pipeline.MODEL_DIGEST_KEY).
MODEL_DIGEST_KEY = "model-sha256"


class RegistryError(RuntimeError):
    """The registry cannot be read, or holds nothing deployable (the message says what to do)."""


@dataclass(frozen=True)
class PackageSummary:
    arn: str
    version: int
    created: datetime
    status: str


@dataclass(frozen=True)
class ModelPackage:
    """What a deployment needs of a package: its single inference container."""

    arn: str
    version: int
    status: str
    image: str
    model_data_url: str
    environment: dict[str, str] = field(default_factory=dict)
    model_digest: str = ""  # SHA-256 of the archive, recorded at registration (customer metadata)


def _access_hint(target: Target) -> str:
    return (
        f"the group {target.group_arn} must exist and its resource policy must grant this stage's "
        f"{target.prefix}-{target.stage}-{target.project}-deploy role sagemaker:ListModelPackages/DescribeModelPackage"
    )


def approved_packages(registry: Any, target: Target, page_size: int | None = None) -> list[PackageSummary]:
    """Every Approved package of the group, newest first (all pages; ``page_size`` for tests)."""
    summaries: list[PackageSummary] = []
    try:
        pages = registry.get_paginator("list_model_packages").paginate(
            ModelPackageGroupName=target.group_arn,
            ModelApprovalStatus=APPROVED,
            SortBy="CreationTime",
            SortOrder="Descending",
            PaginationConfig={"PageSize": page_size} if page_size else {},
        )
        for page in pages:
            for item in page.get("ModelPackageSummaryList", []):
                if item.get("ModelApprovalStatus") != APPROVED:
                    continue  # the filter is the server's; do not trust it blindly with a deployment
                arn = item["ModelPackageArn"]
                summaries.append(
                    PackageSummary(
                        arn=arn,
                        version=int(item.get("ModelPackageVersion") or arn.rsplit("/", 1)[-1]),
                        created=item["CreationTime"],
                        status=item["ModelApprovalStatus"],
                    )
                )
    except (ClientError, BotoCoreError) as error:
        raise RegistryError(
            f"cannot list the Approved packages of {target.group_arn}: {error}; {_access_hint(target)}"
        ) from None
    # Sorted again here: across pages, and with the version breaking ties of equal creation times.
    return sorted(summaries, key=lambda s: (s.created, s.version), reverse=True)


def latest_approved(registry: Any, target: Target, exclude: str | None = None) -> PackageSummary | None:
    """The newest Approved package, skipping ``exclude`` (the package being rolled back from)."""
    for summary in approved_packages(registry, target):
        if summary.arn != exclude:
            return summary
    return None


def _missing(error: ClientError) -> bool:
    """DescribeModelPackage reports a package that does not exist (deleted) as ValidationException
    '… does not exist' (moto: '… not found'); a missing grant is AccessDeniedException."""
    message = str(error)
    return error.response.get("Error", {}).get("Code") == "ValidationException" and (
        "does not exist" in message or "not found" in message
    )


def _describe_model_package(registry: Any, target: Target, arn: str, missing_ok: bool = False) -> dict[str, Any] | None:
    try:
        described: dict[str, Any] = registry.describe_model_package(ModelPackageName=arn)
        return described
    except (ClientError, BotoCoreError) as error:
        if missing_ok and isinstance(error, ClientError) and _missing(error):
            return None
        raise RegistryError(f"cannot describe model package {arn}: {error}; {_access_hint(target)}") from None


def package_status(registry: Any, target: Target, arn: str) -> str | None:
    """The package's approval status in the registry now; None if the registry no longer has it."""
    response = _describe_model_package(registry, target, arn, missing_ok=True)
    return None if response is None else response.get("ModelApprovalStatus", "")


def describe_package(registry: Any, target: Target, arn: str) -> ModelPackage:
    """Describe one package and take its container; a package this deployment cannot run is refused."""
    response = _describe_model_package(registry, target, arn) or {}
    containers = response.get("InferenceSpecification", {}).get("Containers", [])
    if len(containers) != 1:
        raise RegistryError(
            f"model package {arn} has {len(containers)} inference containers; this deployment runs "
            "packages with exactly one (as the model-build pipeline registers them)"
        )
    container = containers[0]
    image, data = container.get("Image", ""), container.get("ModelDataUrl", "")
    if not image or not data.startswith("s3://"):
        raise RegistryError(
            f"model package {arn} lacks an image or an s3:// ModelDataUrl (Image={image!r}, ModelDataUrl={data!r})"
        )
    return ModelPackage(
        arn=response.get("ModelPackageArn", arn),
        version=int(response.get("ModelPackageVersion") or arn.rsplit("/", 1)[-1]),
        status=response.get("ModelApprovalStatus", ""),
        image=image,
        model_data_url=data,
        environment=dict(container.get("Environment") or {}),
        model_digest=str((response.get("CustomerMetadataProperties") or {}).get(MODEL_DIGEST_KEY, "")),
    )
