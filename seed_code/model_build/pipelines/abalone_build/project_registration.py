"""Names the platform may have registered for a project, under ``/<prefix>/<env>/projects/<project>/``.

A project set up by the platform has its own model package group and a pipeline name that its CI
role is allowed to create, update and start (``pipeline-name``, ``model-package-group``), and its
own roles: the pipeline runs as ``pipeline-execution-role-arn``, its jobs as ``job-role-arn``
(they reach only this project's data, models and group, and the CI role may pass no other role).
When those entries exist, ``run-pipeline`` uses them, so the pipeline it publishes is the one the
project's permissions are written for; when they do not (a project that was not registered), it
falls back to ``<prefix>-<env>-<project>`` for the names and to the environment's roles of the
contract.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from abalone_build.contract import ContractError, PlatformContract, parameter_path

ENTRY_PIPELINE_NAME = "pipeline-name"
ENTRY_MODEL_PACKAGE_GROUP = "model-package-group"
ENTRY_PIPELINE_ROLE = "pipeline-execution-role-arn"
ENTRY_JOB_ROLE = "job-role-arn"
ENTRIES = (ENTRY_PIPELINE_NAME, ENTRY_MODEL_PACKAGE_GROUP, ENTRY_PIPELINE_ROLE, ENTRY_JOB_ROLE)


@dataclass(frozen=True)
class ProjectRegistration:
    """The registered names; ``None`` where the platform registered nothing."""

    pipeline_name: str | None = None
    model_package_group: str | None = None
    pipeline_role_arn: str | None = None
    job_role_arn: str | None = None


def entry_path(prefix: str, environment: str, project: str, entry: str) -> str:
    return parameter_path(prefix, environment, f"projects/{project}/{entry}")


def read_project_registration(ssm: Any, prefix: str, environment: str, project: str) -> ProjectRegistration:
    """Read the optional entries in one call; absent entries are not an error."""
    paths = {entry: entry_path(prefix, environment, project, entry) for entry in ENTRIES}
    try:
        response = ssm.get_parameters(Names=list(paths.values()))
    except (ClientError, BotoCoreError) as error:
        raise ContractError(
            f"cannot read the project's entries under /{prefix}/{environment}/projects/{project}/: {error} "
            "(check ssm:GetParameters on the environment's path)"
        ) from None
    values = {p["Name"]: p["Value"].strip() for p in response.get("Parameters", [])}
    return ProjectRegistration(
        pipeline_name=values.get(paths[ENTRY_PIPELINE_NAME]) or None,
        model_package_group=values.get(paths[ENTRY_MODEL_PACKAGE_GROUP]) or None,
        pipeline_role_arn=values.get(paths[ENTRY_PIPELINE_ROLE]) or None,
        job_role_arn=values.get(paths[ENTRY_JOB_ROLE]) or None,
    )


def with_project_roles(contract: PlatformContract, registration: ProjectRegistration) -> PlatformContract:
    """The contract with the project's own pipeline and job roles, where the platform registered them."""
    return replace(
        contract,
        pipeline_execution_role_arn=registration.pipeline_role_arn or contract.pipeline_execution_role_arn,
        sagemaker_execution_role_arn=registration.job_role_arn or contract.sagemaker_execution_role_arn,
    )
