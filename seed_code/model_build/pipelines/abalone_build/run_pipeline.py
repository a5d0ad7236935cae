"""``run-pipeline``: publish the model-build pipeline of a project and start an execution.

    run-pipeline --prefix mlops --env dev --project abalone [--region eu-west-1] [--dry-run]
                 [--job-requirements pipelines/job-requirements.txt]

Reads the platform contract ``/<prefix>/<env>/…`` from SSM, builds the pipeline definition,
resolves the Processing jobs' requirements (if any) from the environment's CodeArtifact
repository (``job_packages``), uploads them and the processing scripts to the environment's
models bucket, creates the pipeline or
updates it if it exists, and starts an execution. The pipeline and model package group names are
those the platform registered for the project (``/<prefix>/<env>/projects/<project>/…``), else
``<prefix>-<env>-<project>``; so are the roles the pipeline and its jobs run as (the project's own,
else the environment's of the contract). ``--dry-run`` prints the definition and calls nothing but SSM.

Exit codes: 0 success, 1 an AWS call failed, 2 bad arguments or an incomplete contract.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from abalone_build.contract import ContractError, PlatformContract, read_contract
from abalone_build.job_packages import PackageError, publish_job_packages, read_job_requirements, wheelhouse_uri
from abalone_build.pipeline import (
    DEFAULT_MSE_THRESHOLD,
    PARAM_INPUT_DATA,
    DefinitionError,
    PipelineSettings,
    build_pipeline,
    default_input_uri,
    default_name,
    definition_json,
    validate_project,
)
from abalone_build.project_registration import read_project_registration, with_project_roles
from abalone_build.scripts import upload_scripts


class UsageError(ValueError):
    """An argument that cannot work (the message says which and why)."""


def _bucket_of(uri: str) -> str:
    if not uri.startswith("s3://"):
        raise UsageError(f"--input-data {uri!r} is not an s3:// URI")
    return uri[len("s3://") :].split("/", 1)[0]


def check_input_data(contract: PlatformContract, uri: str) -> None:
    """The platform denies every bucket but the environment's: say so before the job fails."""
    if _bucket_of(uri) != contract.data_bucket:
        raise UsageError(
            f"--input-data {uri} is outside the environment's data bucket {contract.data_bucket}; "
            "the platform's jobs may only read the environment's buckets: copy the data there first"
        )


def upload_input_data(s3: Any, contract: PlatformContract, project: str, local_file: Path) -> str:
    """Copy a local CSV to the pipeline's default input location (encrypted with the data key)."""
    uri = default_input_uri(contract, project)
    key = uri[len(f"s3://{contract.data_bucket}/") :]
    s3.put_object(
        Bucket=contract.data_bucket,
        Key=key,
        Body=local_file.read_bytes(),
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=contract.data_key_arn,
        ContentType="text/csv",
    )
    return uri


def pipeline_exists(sagemaker: Any, name: str) -> bool:
    """DescribePipeline, which a project's CI role may call on its own pipeline (ListPipelines is
    not resource-scoped, so a least-privilege role lacks it)."""
    try:
        sagemaker.describe_pipeline(PipelineName=name)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        # SageMaker answers ResourceNotFound; the moto emulator a ValidationException "Could not find".
        if code == "ResourceNotFound" or (code == "ValidationException" and "could not find" in message.lower()):
            return False
        raise
    return True


def upsert_pipeline(sagemaker: Any, name: str, contract: PlatformContract, project: str, definition: str) -> str:
    """Create the pipeline or update its definition; return ``"created"`` or ``"updated"``."""
    common = {
        "PipelineName": name,
        "PipelineDefinition": definition,
        "PipelineDescription": f"Model build of project {project}: preprocess, train, evaluate, register.",
        "RoleArn": contract.pipeline_execution_role_arn,
    }
    if pipeline_exists(sagemaker, name):
        sagemaker.update_pipeline(**common)
        return "updated"
    sagemaker.create_pipeline(**common, Tags=[{"Key": "project", "Value": project}])
    return "created"


def start_execution(sagemaker: Any, name: str, input_data: str | None) -> str:
    """Start an execution (with ``InputDataUrl`` overridden if given); return its ARN."""
    arguments: dict[str, Any] = {"PipelineName": name}
    if input_data:
        arguments["PipelineParameters"] = [{"Name": PARAM_INPUT_DATA, "Value": input_data}]
    execution_arn: str = sagemaker.start_pipeline_execution(**arguments)["PipelineExecutionArn"]
    return execution_arn


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``run-pipeline`` (also read by the tests of the build workflow)."""
    parser = argparse.ArgumentParser(
        prog="run-pipeline",
        description="Publish (create or update) the model-build pipeline of a project and start an execution.",
    )
    parser.add_argument("--prefix", required=True, help="platform prefix (env.yaml prefix), e.g. mlops")
    parser.add_argument("--env", required=True, help="environment name, e.g. dev")
    parser.add_argument("--project", required=True, help="project name (SageMaker project name rules)")
    parser.add_argument("--region", help="AWS region (default: the AWS profile's or AWS_REGION)")
    parser.add_argument("--dry-run", action="store_true", help="print the definition JSON; call nothing but SSM")
    parser.add_argument(
        "--mse-threshold",
        type=float,
        default=DEFAULT_MSE_THRESHOLD,
        help=f"register only if test MSE <= this (default {DEFAULT_MSE_THRESHOLD})",
    )
    parser.add_argument(
        "--model-package-group", help="default: the project's registered group, else <prefix>-<env>-<project>"
    )
    parser.add_argument("--input-data", help="s3:// URI of the abalone CSV in the data bucket, for this execution")
    parser.add_argument("--upload-data", type=Path, help="upload this local CSV to the default input location first")
    parser.add_argument(
        "--job-requirements",
        type=Path,
        help="pinned name==version lines the Processing jobs install from the environment's package repository "
        "(default: pipelines/job-requirements.txt beside the package, if present)",
    )
    return parser


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def run(args: argparse.Namespace, session: boto3.Session) -> int:
    if session.region_name is None:
        raise UsageError("no AWS region: pass --region or set AWS_REGION / the profile's region")
    validate_project(args.project)
    ssm = session.client("ssm")
    contract = read_contract(ssm, args.prefix, args.env)
    registration = read_project_registration(ssm, args.prefix, args.env, args.project)
    contract = with_project_roles(contract, registration)
    requirements = read_job_requirements(args.job_requirements)
    settings = PipelineSettings(
        project=args.project,
        mse_threshold=args.mse_threshold,
        model_package_group_name=args.model_package_group or registration.model_package_group,
        wheelhouse_uri=wheelhouse_uri(contract, args.project, requirements),
    )
    name = registration.pipeline_name or default_name(contract, args.project)
    if args.input_data:
        check_input_data(contract, args.input_data)
    if args.upload_data and not args.upload_data.is_file():
        raise UsageError(f"--upload-data {args.upload_data} is not a file")
    definition = build_pipeline(contract, settings, name).definition()
    if args.dry_run:
        print(definition_json(json.loads(definition), indent=2))
        return 0

    for uri in publish_job_packages(session, contract, args.project, requirements):
        print(f"uploaded {uri}", file=sys.stderr)
    s3 = session.client("s3")
    for uri in upload_scripts(s3, contract, args.project):
        print(f"uploaded {uri}", file=sys.stderr)
    if args.upload_data:
        print(f"uploaded {upload_input_data(s3, contract, args.project, args.upload_data)}", file=sys.stderr)
    sagemaker = session.client("sagemaker")
    action = upsert_pipeline(sagemaker, name, contract, args.project, definition)
    print(f"pipeline {name} {action}", file=sys.stderr)
    print(start_execution(sagemaker, name, args.input_data))
    return 0


def main(argv: Sequence[str] | None = None, session: boto3.Session | None = None) -> int:
    """Console entry point; ``session`` lets tests observe the AWS calls."""
    args = parse_args(argv)
    try:
        return run(args, session or boto3.Session(region_name=args.region))
    except (UsageError, ContractError, DefinitionError, PackageError) as error:
        print(f"run-pipeline: {error}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError) as error:
        print(f"run-pipeline: AWS call failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
