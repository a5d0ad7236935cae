"""The seed model-build pipeline run as the build workflow runs it, and an execution waited for."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

from tests.conftest import REPO_ROOT
from tests.integration.conftest import Account


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
