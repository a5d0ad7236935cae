"""The seed model-build pipeline run as the build workflow runs it on the world's dev, its input data, and
an execution waited for."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

from tests.conftest import REPO_ROOT
from tests.integration.conftest import DEV_ACCOUNT, Account, World

PROJECT = "abalone"  # declared in envs/dev/env.yaml: the projects stack creates its registry
CI_ROLE = f"mlops-dev-{PROJECT}-ci"
DATA_SCIENTIST = "mlops-dev-data-scientist"
ABALONE_CSV = REPO_ROOT / "seed_code" / "model_build" / "data" / "abalone.csv"
EXECUTION_TIMEOUT_SECONDS = 900


def run_pipeline_command(caller: Account, project: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`python -m abalone_build.run_pipeline` for `project` of dev with `caller`'s credentials only;
    the finished process (its exit code, its output)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "abalone_build.run_pipeline",
            "--prefix",
            "mlops",
            "--env",
            "dev",
            "--project",
            project,
            *arguments,
        ],
        cwd=REPO_ROOT,
        env=caller.environment() | {"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_build(ci: Account, project: str, *arguments: str) -> str:
    """The build as `ci` (publish the pipeline, start an execution); the started execution's ARN."""
    run = run_pipeline_command(ci, project, *arguments)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout.strip().splitlines()[-1]


def wait_until_ended(sagemaker: Any, arn: str, timeout_seconds: float, poll_seconds: float) -> dict[str, Any]:
    """DescribePipelineExecution once the execution is no longer Executing."""
    started = time.monotonic()
    while (described := sagemaker.describe_pipeline_execution(PipelineExecutionArn=arn))[
        "PipelineExecutionStatus"
    ] == "Executing":
        assert time.monotonic() - started < timeout_seconds, f"{arn} still Executing after {timeout_seconds} s"
        time.sleep(poll_seconds)
    return dict(described)


def wait_with_steps(sagemaker: Any, arn: str) -> tuple[dict[str, Any], list[dict[str, Any]], float]:
    """The ended execution, its steps in order and the seconds waited."""
    started = time.monotonic()
    described = wait_until_ended(sagemaker, arn, EXECUTION_TIMEOUT_SECONDS, poll_seconds=2)
    steps = sagemaker.list_pipeline_execution_steps(PipelineExecutionArn=arn, SortOrder="Ascending")[
        "PipelineExecutionSteps"
    ]
    return described, steps, time.monotonic() - started


def upload_input_data(world: World, project: str = PROJECT) -> None:
    """The raw data where the pipeline reads it by default, put there by the account's administrator
    (standing for the data team; the CI role may write only the pipeline's code)."""
    admin = Account(world.url, DEV_ACCOUNT)
    key = admin.client("ssm").get_parameter(Name="/mlops/dev/kms/data-key-arn")["Parameter"]["Value"]
    admin.client("s3").put_object(
        Bucket=f"mlops-dev-data-{DEV_ACCOUNT}",
        Key=f"{project}/input/abalone.csv",
        Body=ABALONE_CSV.read_bytes(),
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key,
    )
