"""Packages for the pipeline's network-isolated jobs, from dev's CodeArtifact only (the session's world).

The administrator persona publishes a wheel built here to dev's curated repository. The abalone
project's CI role runs the seed code's run-pipeline as the build workflow does, with a job
requirements file naming it: run-pipeline gets a token and pip downloads the wheel from the
repository (the CI role's JobPackages* statements), uploads it beside the scripts, and the
preprocess and evaluate jobs, still network-isolated, install it offline and import it (their
installer records it as the output `packages`). A requirement the repository lacks stops
run-pipeline before any change, naming it; the data scientist persona, without CodeArtifact
permissions, is refused by the emulator's IAM.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import DEV_ACCOUNT, Account, World, publish_to_dev_packages
from tests.integration.pipeline_runs import (
    CI_ROLE,
    DATA_SCIENTIST,
    PROJECT,
    run_pipeline_command,
    upload_input_data,
    wait_with_steps,
)
from tests.wheels import build_wheel

pytestmark = pytest.mark.emulator

PACKAGE, VERSION = "job-stats", "1.0.0"


def _run_pipeline(caller: Account, requirements: Path) -> subprocess.CompletedProcess[str]:
    """The build workflow's run-pipeline, as `caller`, with `requirements` for the jobs."""
    return run_pipeline_command(caller, PROJECT, "--job-requirements", str(requirements))


def _requirements(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "job-requirements.txt"
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


@pytest.fixture(scope="module")
def ci(world: World) -> Account:
    publish_to_dev_packages(
        world, build_wheel(PACKAGE, VERSION, "def spread(values):\n    return max(values) - min(values)\n")
    )
    upload_input_data(world)
    return Account(world.url, DEV_ACCOUNT, CI_ROLE)


def _preprocess_job(admin: Account, steps: list[dict[str, Any]]) -> dict[str, Any]:
    arn = next(s for s in steps if s["StepName"] == "PreprocessAbaloneData")["Metadata"]["ProcessingJob"]["Arn"]
    described: dict[str, Any] = admin.client("sagemaker").describe_processing_job(
        ProcessingJobName=arn.rsplit("/", 1)[1]
    )
    return described


def test_isolated_jobs_install_a_package_of_the_repository_and_the_execution_succeeds(
    world: World, ci: Account, tmp_path: Path
) -> None:
    started = time.monotonic()
    run = _run_pipeline(ci, _requirements(tmp_path, f"{PACKAGE}=={VERSION}"))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "job_stats-1.0.0-py3-none-any.whl" in run.stderr
    assert "//aws:" not in run.stdout + run.stderr  # no index URL (with its token) is printed
    arn = run.stdout.strip().splitlines()[-1]
    described, steps, seconds = wait_with_steps(ci.client("sagemaker"), arn)
    print(f"\nexecution with packages: publish + run {time.monotonic() - started:.1f} s (run {seconds:.1f} s)")
    assert described["PipelineExecutionStatus"] == "Succeeded", [s.get("FailureReason") for s in steps]

    admin = Account(world.url, DEV_ACCOUNT)
    job = _preprocess_job(admin, steps)
    assert job["NetworkConfig"]["EnableNetworkIsolation"] is True
    assert job["AppSpecification"]["ContainerEntrypoint"][1] == "/opt/ml/processing/packages/install_packages.py"
    wheelhouse = next(i for i in job["ProcessingInputs"] if i["InputName"] == "packages")["S3Input"]["S3Uri"]
    assert wheelhouse.startswith(f"s3://mlops-dev-models-{DEV_ACCOUNT}/{PROJECT}/code/packages/")
    execution_id = arn.rsplit("/", 1)[1]
    report = admin.client("s3").get_object(
        Bucket=f"mlops-dev-data-{DEV_ACCOUNT}", Key=f"{PROJECT}/runs/{execution_id}/preprocess/packages/installed.json"
    )
    assert json.loads(report["Body"].read()) == {
        "installed": [{"name": PACKAGE, "version": VERSION, "modules": ["job_stats"]}]
    }


def test_a_requirement_the_repository_lacks_stops_run_pipeline_before_any_execution(
    ci: Account, tmp_path: Path
) -> None:
    run = _run_pipeline(ci, _requirements(tmp_path, f"{PACKAGE}=={VERSION}", "no-such-package==0.1"))
    assert run.returncode == 2, run.stderr[-3000:]
    assert "job requirement no-such-package==0.1 is not available as a wheel" in run.stderr
    assert "mlops-dev-packages/curated" in run.stderr
    assert run.stdout == "" and "pipeline mlops-dev" not in run.stderr and "uploaded" not in run.stderr


def test_a_caller_without_codeartifact_permissions_is_refused(world: World, ci: Account, tmp_path: Path) -> None:
    scientist = Account(world.url, DEV_ACCOUNT, DATA_SCIENTIST)
    run = _run_pipeline(scientist, _requirements(tmp_path, f"{PACKAGE}=={VERSION}"))
    assert run.returncode == 1, run.stderr[-3000:]
    assert "GetAuthorizationToken" in run.stderr and "AccessDenied" in run.stderr, run.stderr[-3000:]
    assert run.stdout == ""
