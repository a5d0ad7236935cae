"""Names the platform may have registered for a project, under ``/<prefix>/<env>/projects/<project>/``.

A project set up by the platform has its own model package group and a pipeline name that its CI
role is allowed to create, update and start (``pipeline-name``, ``model-package-group``). When
those entries exist, ``run-pipeline`` uses them, so the pipeline it publishes is the one the
project's permissions are written for; when they do not (a project that was not registered), it
falls back to ``<prefix>-<env>-<project>`` for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from abalone_build.contract import ContractError, parameter_path

ENTRY_PIPELINE_NAME = "pipeline-name"
ENTRY_MODEL_PACKAGE_GROUP = "model-package-group"


@dataclass(frozen=True)
class ProjectRegistration:
    """The registered names; ``None`` where the platform registered nothing."""

    pipeline_name: str | None = None
    model_package_group: str | None = None


def entry_path(prefix: str, environment: str, project: str, entry: str) -> str:
    return parameter_path(prefix, environment, f"projects/{project}/{entry}")


def read_project_registration(ssm: Any, prefix: str, environment: str, project: str) -> ProjectRegistration:
    """Read the optional entries in one call; absent entries are not an error."""
    paths = {entry: entry_path(prefix, environment, project, entry) for entry in (ENTRY_PIPELINE_NAME, ENTRY_MODEL_PACKAGE_GROUP)}
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
    )
