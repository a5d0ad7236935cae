"""A Transform step: CreateTransformJob, then the batch transform run as SageMaker runs it.

The job is created by the pipeline role (so its request is decided by IAM like anybody's: instance
types, volume and output keys, the model). It then runs as its **model's** execution role, inside the
model's VPC (its VpcConfig), as SageMaker runs a transform job: the model's archive
(`ModelDataUrl`) and every object under the input S3Prefix are read with that role's session, each
object's CSV lines are predicted by the model, and the predictions of `<prefix>/<name>` are written
to `<S3OutputPath>/<name>.out`, one per line (AssembleWith Line), SSE-KMS with TransformOutput's
KmsKeyId. Models run here are those the emulator's endpoints run (the built-in XGBoost format,
hosting.py); other models, ManifestFile inputs, content types other than text/csv and SplitType
other than Line fail the job with a FailureReason saying so.
"""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

from orchestrator.emulator.extensions.hosting import ModelNotRunnable, xgboost_predictions
from orchestrator.emulator.extensions.pipelines.data import read_object, split_uri
from orchestrator.emulator.extensions.pipelines.jobs import (
    JobKind,
    Run,
    StepFailed,
    StepResult,
    job_failures,
    run_job_step,
)
from orchestrator.emulator.extensions.pipelines.service import RoleSession

TRANSFORM = JobKind("transform", "TransformJob")
OUTPUT_SUFFIX = ".out"


def model_of(run: Run, name: str) -> Any:
    """The model a transform job names, as SageMaker reads it (ValidationException if absent)."""
    from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415

    model = sagemaker_backends[run.account][run.region]._models.get(name)
    if model is None:
        raise StepFailed(f'ValidationException: Could not find model "{name}".')
    return model


def check_request(arguments: dict[str, Any]) -> str:
    """The input S3Prefix, once the request is one the emulator runs."""
    transform_input = arguments.get("TransformInput") or {}
    source = (transform_input.get("DataSource") or {}).get("S3DataSource") or {}
    problems = []
    if source.get("S3DataType", "S3Prefix") != "S3Prefix":
        problems.append(f"S3DataType {source.get('S3DataType')} (S3Prefix only)")
    if transform_input.get("ContentType", "text/csv") != "text/csv":
        problems.append(f"ContentType {transform_input.get('ContentType')} (text/csv only)")
    if transform_input.get("SplitType", "Line") != "Line":
        problems.append(f"SplitType {transform_input.get('SplitType')} (Line only)")
    if (arguments.get("TransformOutput") or {}).get("AssembleWith", "Line") != "Line":
        problems.append("AssembleWith other than Line")
    if problems or not source.get("S3Uri"):
        raise StepFailed(
            "ClientError: the emulator runs transform jobs over an S3Prefix of text/csv lines: "
            + (", ".join(problems) or "no S3Uri")
        )
    return str(source["S3Uri"])


def _inputs(s3: Any, uri: str) -> list[tuple[str, str]]:
    """(key, path below the prefix) of every object under the S3Prefix `uri`."""
    bucket, prefix = split_uri(uri)
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = str(item["Key"])
            if not key.endswith("/"):
                found.append((key, key[len(prefix) :].lstrip("/") or key.rsplit("/", 1)[-1]))
    if not found:
        raise StepFailed(f"ClientError: no object was found under {uri}")
    return found


def transform(job: RoleSession, model: Any, arguments: dict[str, Any]) -> list[str]:
    """The job itself, as the model's execution role: every input object's predictions written
    beside the output path. Returns the output URIs."""
    input_uri = check_request(arguments)
    output = arguments.get("TransformOutput") or {}
    key_id = output.get("KmsKeyId")
    encryption: dict[str, str] = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": str(key_id)} if key_id else {}
    s3 = job.client("s3")
    written = []
    with job_failures():
        output_bucket, output_prefix = split_uri(str(output.get("S3OutputPath", "")))
        input_bucket = split_uri(input_uri)[0]
        archive = read_object(s3, str((model.primary_container or {}).get("ModelDataUrl", "")))
        for key, below in _inputs(s3, input_uri):
            body = s3.get_object(Bucket=input_bucket, Key=key)["Body"].read().decode()
            try:
                predictions = xgboost_predictions(archive, body)
            except ModelNotRunnable as exc:
                raise StepFailed(f"ClientError: {exc}") from exc
            except (ValueError, tarfile.TarError) as exc:
                raise StepFailed(f"ClientError: {key} could not be transformed: {exc}") from exc
            target = "/".join(part for part in (output_prefix.rstrip("/"), below + OUTPUT_SUFFIX) if part)
            text = "".join(f"{p:.6g}\n" for p in predictions)
            s3.put_object(Bucket=output_bucket, Key=target, Body=text.encode(), **encryption)
            written.append(f"s3://{output_bucket}/{target}")
    return written


def run_step(run: Run, step_name: str, arguments: dict[str, Any]) -> StepResult:
    model = model_of(run, str(arguments.get("ModelName", "")))

    def body(job: RoleSession, name: str, work: Path) -> None:
        written = transform(job, model, arguments)
        run.log(f"transform job {name} wrote {len(written)} object(s): {', '.join(written)}")

    return run_job_step(
        run, TRANSFORM, step_name, arguments, model.vpc_config or None, body, role_arn=str(model.execution_role_arn)
    )
