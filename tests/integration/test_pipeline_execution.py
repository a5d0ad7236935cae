"""The seed model-build pipeline, run on the applied dev environment (the session's world).

The project's CI role publishes and starts the pipeline exactly as the build workflow does
(`python -m abalone_build.run_pipeline` with its credentials); the emulator runs the execution
as SageMaker would: preprocess -> train (built-in XGBoost) -> evaluate -> condition -> register,
every job created by the project's pipeline role, every job's data moved as the project's job role
from inside the dev VPC, every request of theirs decided by the emulator's IAM. The registered
package waits for a person's approval with its evaluation report. A pipeline whose jobs would run
as a role the pipeline role may not pass fails its first step with the AccessDenied of iam:PassRole.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import REPO_ROOT
from tests.integration.conftest import DEV_ACCOUNT, Account, World

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-pipeline-execution")]

PROJECT = "abalone"
PIPELINE = f"mlops-dev-{PROJECT}-build"
CI_ROLE = f"mlops-dev-{PROJECT}-ci"
PIPELINE_ROLE = f"arn:aws:iam::{DEV_ACCOUNT}:role/mlops-dev-{PROJECT}-pipeline"
JOB_ROLE = f"arn:aws:iam::{DEV_ACCOUNT}:role/mlops-dev-{PROJECT}-pipeline-jobs"
SHARED_EXECUTION_ROLE = f"arn:aws:iam::{DEV_ACCOUNT}:role/mlops-dev-sagemaker-execution"
ABALONE_CSV = REPO_ROOT / "seed_code" / "model_build" / "data" / "abalone.csv"
EXECUTION_TIMEOUT_SECONDS = 900


def _upload_input_data(world: World) -> None:
    """The raw data where the pipeline reads it by default, put there by the account's administrator
    (standing for the data team; the CI role may write only the pipeline's code)."""
    admin = Account(world.url, DEV_ACCOUNT)
    key = admin.client("ssm").get_parameter(Name="/mlops/dev/kms/data-key-arn")["Parameter"]["Value"]
    admin.client("s3").put_object(
        Bucket=f"mlops-dev-data-{DEV_ACCOUNT}", Key=f"{PROJECT}/input/abalone.csv", Body=ABALONE_CSV.read_bytes(),
        ServerSideEncryption="aws:kms", SSEKMSKeyId=key,
    )


def _wait(sagemaker: Any, arn: str) -> tuple[dict[str, Any], list[dict[str, Any]], float]:
    started = time.monotonic()
    while (described := sagemaker.describe_pipeline_execution(PipelineExecutionArn=arn))["PipelineExecutionStatus"] == "Executing":
        assert time.monotonic() - started < EXECUTION_TIMEOUT_SECONDS, f"{arn} still Executing after {EXECUTION_TIMEOUT_SECONDS} s"
        time.sleep(2)
    steps = sagemaker.list_pipeline_execution_steps(PipelineExecutionArn=arn, SortOrder="Ascending")["PipelineExecutionSteps"]
    return described, steps, time.monotonic() - started


def _print_steps(title: str, steps: list[dict[str, Any]], seconds: float) -> None:
    print(f"\n{title}: {seconds:.1f} s")
    for step in steps:
        duration = (step["EndTime"] - step["StartTime"]).total_seconds() if "EndTime" in step else float("nan")
        print(f"  {step['StepName']:<32} {step['StepStatus']:<10} {duration:6.1f} s  {step.get('FailureReason', '')}")


@pytest.fixture(scope="module")
def ci(world: World) -> Account:
    return Account(world.url, DEV_ACCOUNT, CI_ROLE)


@pytest.fixture(scope="module")
def seed_execution(world: World, ci: Account) -> dict[str, Any]:
    """The build workflow's step, as the CI role: publish the pipeline, start an execution."""
    _upload_input_data(world)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "abalone_build.run_pipeline", "--prefix", "mlops", "--env", "dev", "--project", PROJECT],
        cwd=REPO_ROOT, env=ci.environment() | {"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    arn = run.stdout.strip().splitlines()[-1]
    described, steps, seconds = _wait(ci.client("sagemaker"), arn)
    _print_steps(f"seed pipeline execution {arn} (publish + run {time.monotonic() - started:.1f} s)", steps, seconds)
    return {"arn": arn, "described": described, "steps": steps}


def test_the_seed_pipeline_runs_every_step_and_registers_the_model_for_approval(world: World, ci: Account, seed_execution: dict[str, Any]) -> None:
    described, steps = seed_execution["described"], seed_execution["steps"]
    assert described["PipelineExecutionStatus"] == "Succeeded", (described.get("FailureReason"), [s.get("FailureReason") for s in steps])
    kinds = [next(iter(step["Metadata"])) for step in steps]
    assert kinds == ["ProcessingJob", "TrainingJob", "ProcessingJob", "Condition", "RegisterModel"], [s["StepName"] for s in steps]
    assert all(step["StepStatus"] == "Succeeded" for step in steps)
    assert steps[3]["Metadata"]["Condition"]["Outcome"] == "True"

    package = ci.client("sagemaker").describe_model_package(ModelPackageName=steps[4]["Metadata"]["RegisterModel"]["Arn"])
    assert package["ModelPackageGroupName"] == f"mlops-dev-{PROJECT}"
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    report = package["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"]
    assert report.startswith(f"s3://mlops-dev-models-{DEV_ACCOUNT}/{PROJECT}/runs/") and report.endswith("/evaluation.json")
    assert len(package["CustomerMetadataProperties"]["model-sha256"]) == 64, "the digest read from the evaluation report (Std:JsonGet)"

    admin = Account(world.url, DEV_ACCOUNT)
    training = admin.client("sagemaker").describe_training_job(TrainingJobName=steps[1]["Metadata"]["TrainingJob"]["Arn"].rsplit("/", 1)[1])
    assert training["RoleArn"] == JOB_ROLE and training["TrainingJobStatus"] == "Completed"
    assert package["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] == training["ModelArtifacts"]["S3ModelArtifacts"]
    metrics = {m["MetricName"]: m["Value"] for m in training["FinalMetricDataList"]}
    assert 0 < metrics["validation:rmse"] < 4, metrics
    bucket, key = report.removeprefix("s3://").split("/", 1)
    evaluation = json.loads(admin.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
    definition = json.loads(ci.client("sagemaker").describe_pipeline_definition_for_execution(PipelineExecutionArn=seed_execution["arn"])["PipelineDefinition"])
    threshold = next(p["DefaultValue"] for p in definition["Parameters"] if p["Name"] == "MseThreshold")
    print(f"test MSE {evaluation['regression_metrics']['mse']['value']:.4f}, registration threshold {threshold}")
    assert evaluation["regression_metrics"]["mse"]["value"] <= threshold
    data_key = admin.client("ssm").get_parameter(Name="/mlops/dev/kms/data-key-arn")["Parameter"]["Value"]
    assert admin.client("s3").head_object(Bucket=bucket, Key=key)["SSEKMSKeyId"] == data_key, "outputs are written with the job's output key"
    # The job role is not exempt from the buckets' VPC-endpoint-only deny: its jobs wrote the report
    # from inside the dev VPC, and the same role outside it is refused.
    outside = Account(world.url, DEV_ACCOUNT, f"mlops-dev-{PROJECT}-pipeline-jobs").client("s3")
    with pytest.raises(ClientError, match="DenyAccessOutsideVpcEndpoints"):
        outside.get_object(Bucket=bucket, Key=key)


def test_jobs_that_would_run_as_a_role_the_pipeline_role_may_not_pass_are_refused(ci: Account, seed_execution: dict[str, Any]) -> None:
    """A commit that makes the jobs run as the environment's shared execution role (which reaches
    every project): the CI role may publish it, but the pipeline role may pass only the project's
    job role, so the first job is never created and the step fails with IAM's refusal."""
    sagemaker = ci.client("sagemaker")
    published = sagemaker.describe_pipeline(PipelineName=PIPELINE)
    original = published["PipelineDefinition"]
    assert JOB_ROLE in original and published["RoleArn"] == PIPELINE_ROLE
    sagemaker.update_pipeline(PipelineName=PIPELINE, PipelineDefinition=original.replace(JOB_ROLE, SHARED_EXECUTION_ROLE), RoleArn=PIPELINE_ROLE)
    try:
        arn = sagemaker.start_pipeline_execution(PipelineName=PIPELINE)["PipelineExecutionArn"]
        described, steps, seconds = _wait(sagemaker, arn)
    finally:
        sagemaker.update_pipeline(PipelineName=PIPELINE, PipelineDefinition=original, RoleArn=PIPELINE_ROLE)
    _print_steps(f"refused execution {arn}", steps, seconds)
    assert described["PipelineExecutionStatus"] == "Failed"
    assert described["FailureReason"] == "Step failure: One or multiple steps failed."
    assert len(steps) == 1 and steps[0]["StepStatus"] == "Failed", "the steps after the refused one are never reached"
    assert steps[0]["FailureReason"] == (
        f"AccessDeniedException: User: arn:aws:sts::{DEV_ACCOUNT}:assumed-role/mlops-dev-{PROJECT}-pipeline/SageMaker is not authorized "
        f"to perform: iam:PassRole on resource: {SHARED_EXECUTION_ROLE} because no identity-based policy allows the action"
    )
