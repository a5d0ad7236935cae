"""A Processing step: CreateProcessingJob, then the job run as SageMaker runs it.

The job's inputs are copied from S3 to their LocalPath and its outputs from their LocalPath to
S3 (with the ProcessingOutputConfig's KMS key) by the job role's session, from inside the job's
VPC when it has one. The AppSpecification's ContainerEntrypoint + ContainerArguments run as a
local process in the job's own mount namespace (sandbox.py), `python`/`python3` being this
interpreter, which stands for the image's (numpy and xgboost are installed). Images without a
ContainerEntrypoint (their own entry point is not known here), ManifestFile inputs, dataset
definitions and Continuous uploads are refused with a FailureReason saying so.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from orchestrator.emulator.extensions.pipelines import sandbox
from orchestrator.emulator.extensions.pipelines.data import download_prefix, under_job_root, upload_directory
from orchestrator.emulator.extensions.pipelines.jobs import (
    JobKind,
    Run,
    StepFailed,
    StepResult,
    finished_well,
    job_failures,
    max_runtime,
    run_job_step,
    tail,
)
from orchestrator.emulator.extensions.pipelines.service import RoleSession

PROCESSING = JobKind("processing", "ProcessingJob")
PROCESSING_ROOT = "/opt/ml/processing"
_PYTHON = re.compile(r"^(/usr(/local)?/bin/)?python(3(\.\d+)?)?$")


def command_of(app: dict[str, Any]) -> list[str]:
    """The job's command; the image's python is this interpreter."""
    entrypoint = [str(part) for part in app.get("ContainerEntrypoint") or []]
    if not entrypoint:
        raise StepFailed(
            f"ClientError: the emulator runs a processing job's ContainerEntrypoint; image {app.get('ImageUri')} has none in the request"
        )
    if _PYTHON.match(entrypoint[0]):
        entrypoint[0] = sys.executable
    return [*entrypoint, *[str(part) for part in app.get("ContainerArguments") or []]]


def job_environment(extra: dict[str, Any] | None) -> dict[str, str]:
    """A container's environment: a PATH, the job's Environment, nothing of the emulator's."""
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
    }
    return base | {str(k): str(v) for k, v in (extra or {}).items()}


def download_inputs(s3: Any, inputs: list[dict[str, Any]], directory: Path) -> None:
    for item in inputs:
        source = item.get("S3Input")
        if source is None:
            raise StepFailed(
                f"ClientError: input {item.get('InputName')}: only S3Input is run by the emulator (not DatasetDefinition)"
            )
        if source.get("S3DataType", "S3Prefix") != "S3Prefix":
            raise StepFailed(
                f"ClientError: input {item.get('InputName')}: S3DataType {source.get('S3DataType')} is not run by the emulator"
            )
        download_prefix(s3, str(source["S3Uri"]), under_job_root(str(source["LocalPath"]), PROCESSING_ROOT, directory))


def upload_outputs(s3: Any, config: dict[str, Any], directory: Path) -> None:
    for item in config.get("Outputs") or []:
        target = item.get("S3Output")
        if target is None:
            raise StepFailed(f"ClientError: output {item.get('OutputName')}: only S3Output is run by the emulator")
        local = under_job_root(str(target["LocalPath"]), PROCESSING_ROOT, directory)
        if local.is_dir():
            upload_directory(s3, local, str(target["S3Uri"]), config.get("KmsKeyId"))


def run_job(job: RoleSession, arguments: dict[str, Any], work: Path) -> sandbox.Finished:
    """Inputs in, the command run, outputs out: the job itself, as its role, in `work`."""
    directory = sandbox.job_directory(work)
    s3 = job.client("s3")
    network = arguments.get("NetworkConfig") or {}
    with job_failures():
        download_inputs(s3, list(arguments.get("ProcessingInputs") or []), directory)
        for item in (arguments.get("ProcessingOutputConfig") or {}).get("Outputs") or []:
            under_job_root(
                str(item.get("S3Output", {}).get("LocalPath", PROCESSING_ROOT)), PROCESSING_ROOT, directory
            ).mkdir(parents=True, exist_ok=True)
        command = command_of(arguments.get("AppSpecification") or {})
        environment = job_environment(arguments.get("Environment"))
        finished = sandbox.run(
            work, command, environment, max_runtime(arguments), bool(network.get("EnableNetworkIsolation"))
        )
        finished_well(finished)
        upload_outputs(s3, dict(arguments.get("ProcessingOutputConfig") or {}), directory)
    return finished


def run_step(run: Run, step_name: str, arguments: dict[str, Any]) -> StepResult:
    def body(job: RoleSession, name: str, work: Path) -> None:
        finished = run_job(job, arguments, work)
        run.log(f"processing job {name} output: {tail(finished.output, 3)}")

    return run_job_step(
        run, PROCESSING, step_name, arguments, (arguments.get("NetworkConfig") or {}).get("VpcConfig"), body
    )
