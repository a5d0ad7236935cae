"""The expressions of the SageMaker Pipelines definition language (schema version 2020-12-01).

A step's ``Arguments`` are the request of the API it calls; wherever a value is only known at
run time (a parameter, the execution id, another step's output) it is one of these JSON objects,
which the service resolves before making the call:

* ``{"Get": "Parameters.<name>"}``, ``{"Get": "Execution.PipelineExecutionId"}``,
  ``{"Get": "Steps.<step>.<property path>"}`` (the property path is that of the step's Describe
  response, e.g. ``ModelArtifacts.S3ModelArtifacts``);
* ``{"Std:Join": {"On": <separator>, "Values": [...]}}``;
* ``{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.<step>.PropertyFiles.<name>"}, "Path": <json path>}}``.

Referring to another step's property is also what orders the steps: SageMaker runs a step after
every step whose properties it reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Expression = dict[str, Any]


def get(path: str) -> Expression:
    return {"Get": path}


def parameter(name: str) -> Expression:
    """The value of a pipeline parameter, as given at execution start or its default."""
    return get(f"Parameters.{name}")


def execution_id() -> Expression:
    """The id of the running execution: keeps each execution's artifacts under its own prefix."""
    return get("Execution.PipelineExecutionId")


def join(on: str, values: Iterable[Any]) -> Expression:
    return {"Std:Join": {"On": on, "Values": list(values)}}


def processing_output_uri(step: str, output: str) -> Expression:
    """Where a Processing step wrote one of its named outputs."""
    return get(f"Steps.{step}.ProcessingOutputConfig.Outputs['{output}'].S3Output.S3Uri")


def model_artifacts_uri(step: str) -> Expression:
    """The ``model.tar.gz`` a Training step produced."""
    return get(f"Steps.{step}.ModelArtifacts.S3ModelArtifacts")


def json_get(step: str, property_file: str, path: str) -> Expression:
    """A value read from a JSON file a Processing step declared as a property file."""
    return {"Std:JsonGet": {"PropertyFile": get(f"Steps.{step}.PropertyFiles.{property_file}"), "Path": path}}


def referenced_steps(node: Any) -> set[str]:
    """The names of the steps whose properties ``node`` reads (the data dependencies)."""
    found: set[str] = set()
    if isinstance(node, dict):
        target = node.get("Get")
        if isinstance(target, str) and target.startswith("Steps."):
            found.add(target.split(".")[1])
        for value in node.values():
            found |= referenced_steps(value)
    elif isinstance(node, list):
        for value in node:
            found |= referenced_steps(value)
    return found
