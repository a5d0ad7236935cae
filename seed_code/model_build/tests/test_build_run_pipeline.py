"""abalone_build.run_pipeline (``run-pipeline``) against an emulated account (moto).

moto 5.2.5 implements CreatePipeline, UpdatePipeline, ListPipelines, DescribePipeline and
StartPipelineExecution (it stores the definition and records executions; it runs no step).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from abalone_build import job_packages, run_pipeline, scripts
from abalone_build.contract import PlatformContract
from abalone_build.pipeline import PipelineSettings, build_definition

PIPELINE = "mlops-dev-abalone"
ARGS = ["--prefix", "mlops", "--env", "dev", "--project", "abalone", "--region", "eu-west-1"]


@pytest.fixture
def account(seed_contract: Callable[..., None], contract: PlatformContract) -> boto3.Session:
    """The dev account as the platform leaves it: the contract in SSM and the two buckets."""
    seed_contract()
    session = boto3.Session(region_name="eu-west-1")
    s3 = session.client("s3")
    for bucket in contract.buckets:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return session


def recorded_calls(session: boto3.Session) -> list[str]:
    """``service.Operation`` of every AWS call made through ``session`` from now on."""
    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(f"{model.service_model.service_name}.{model.name}")

    session.events.register("before-call", record)
    return calls


def test_upserts_the_pipeline_and_starts_an_execution(
    account: boto3.Session, contract: PlatformContract, capsys: pytest.CaptureFixture[str]
) -> None:
    sagemaker = account.client("sagemaker")

    assert run_pipeline.main(ARGS, session=account) == 0
    first = capsys.readouterr()
    assert f"pipeline {PIPELINE} created" in first.err
    assert run_pipeline.main([*ARGS, "--mse-threshold", "5.5"], session=account) == 0
    second = capsys.readouterr()
    assert f"pipeline {PIPELINE} updated" in second.err

    described = sagemaker.describe_pipeline(PipelineName=PIPELINE)
    assert described["RoleArn"] == contract.pipeline_execution_role_arn
    stored = json.loads(described["PipelineDefinition"])
    expected = build_definition(contract, PipelineSettings(project="abalone", mse_threshold=5.5))
    assert stored == json.loads(json.dumps(expected))  # the update replaced the definition
    executions = sagemaker.list_pipeline_executions(PipelineName=PIPELINE)["PipelineExecutionSummaries"]
    assert sorted(e["PipelineExecutionArn"] for e in executions) == sorted([first.out.strip(), second.out.strip()])
    assert all(arn.startswith("arn:aws:sagemaker:eu-west-1:") for arn in (first.out, second.out))


def test_scripts_are_uploaded_encrypted_where_the_definition_points(
    account: boto3.Session, contract: PlatformContract
) -> None:
    assert run_pipeline.main(ARGS, session=account) == 0

    s3 = account.client("s3")
    for script in scripts.ALL_SCRIPTS:
        head = s3.head_object(Bucket=contract.models_bucket, Key=scripts.script_key("abalone", script))
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"] == contract.data_key_arn
        body = s3.get_object(Bucket=contract.models_bucket, Key=scripts.script_key("abalone", script))["Body"].read()
        assert body == script.local_path.read_bytes()


def test_dry_run_prints_the_definition_and_calls_only_ssm(
    account: boto3.Session, contract: PlatformContract, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = recorded_calls(account)

    assert run_pipeline.main([*ARGS, "--dry-run"], session=account) == 0

    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(build_definition(contract, PipelineSettings(project="abalone"))))
    assert calls and {call.split(".")[0] for call in calls} == {"ssm"}
    assert account.client("sagemaker").list_pipelines()["PipelineSummaries"] == []


def test_stdout_holds_only_the_results() -> None:
    """The SDK logs to stdout while it is imported unless its logger has a handler: the package
    gives it one on stderr first, so that ``run-pipeline --dry-run > definition.json`` works."""
    imported = subprocess.run(
        [sys.executable, "-c", "import abalone_build.run_pipeline"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert imported.stdout == ""


def test_input_data_override_and_upload(
    account: boto3.Session, contract: PlatformContract, abalone_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = f"s3://{contract.data_bucket}/abalone/input/2026-11/abalone.csv"
    assert run_pipeline.main([*ARGS, "--input-data", own, "--upload-data", str(abalone_csv)], session=account) == 0
    out, err = capsys.readouterr()
    assert f"uploaded s3://{contract.data_bucket}/abalone/input/abalone.csv" in err
    given = account.client("sagemaker").list_pipeline_parameters_for_execution(PipelineExecutionArn=out.strip())
    assert given["PipelineParameters"] == [{"Name": "InputDataUrl", "Value": own}]
    uploaded = account.client("s3").get_object(Bucket=contract.data_bucket, Key="abalone/input/abalone.csv")
    assert uploaded["Body"].read() == abalone_csv.read_bytes()


def test_input_data_outside_the_data_bucket_is_refused_before_any_change(
    account: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = recorded_calls(account)
    code = run_pipeline.main([*ARGS, "--input-data", "s3://someone-elses-bucket/abalone.csv"], session=account)
    assert code == 2
    assert "outside the environment's data bucket" in capsys.readouterr().err
    assert {call.split(".")[0] for call in calls} == {"ssm"}


def test_an_incomplete_contract_exits_2_naming_the_parameters(
    seed_contract: Callable[..., None], contract_values: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    del contract_values["storage/models-bucket"]
    seed_contract(contract_values)
    assert run_pipeline.main(ARGS, session=boto3.Session(region_name="eu-west-1")) == 2
    assert "missing or empty: /mlops/dev/storage/models-bucket" in capsys.readouterr().err


def test_aws_failures_exit_1(
    account: boto3.Session, contract: PlatformContract, capsys: pytest.CaptureFixture[str]
) -> None:
    account.client("s3").delete_bucket(Bucket=contract.models_bucket)
    assert run_pipeline.main(ARGS, session=account) == 1
    assert "AWS call failed" in capsys.readouterr().err


def test_a_session_without_region_is_a_usage_error(
    aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    args = ["--prefix", "mlops", "--env", "dev", "--project", "abalone"]
    assert run_pipeline.main(args, session=boto3.Session()) == 2
    assert "no AWS region" in capsys.readouterr().err


def test_names_registered_for_the_project_are_used(account: boto3.Session, capsys: pytest.CaptureFixture[str]) -> None:
    """A platform project registers its pipeline name (the one its CI role may manage), its group
    and its own roles (the only pipeline role its CI role may pass, the only job role that one may)."""
    ssm = account.client("ssm")
    ssm.put_parameter(Name="/mlops/dev/projects/abalone/pipeline-name", Value="mlops-dev-abalone-build", Type="String")
    ssm.put_parameter(
        Name="/mlops/dev/projects/abalone/model-package-group", Value="mlops-dev-abalone-grp", Type="String"
    )
    pipeline_role, job_role = (
        f"arn:aws:iam::123456789012:role/mlops-dev-abalone-{r}" for r in ("pipeline", "pipeline-jobs")
    )
    ssm.put_parameter(
        Name="/mlops/dev/projects/abalone/pipeline-execution-role-arn", Value=pipeline_role, Type="String"
    )
    ssm.put_parameter(Name="/mlops/dev/projects/abalone/job-role-arn", Value=job_role, Type="String")
    calls = recorded_calls(account)

    assert run_pipeline.main(ARGS, session=account) == 0
    made = [c for c in calls if c.startswith("sagemaker.")]

    assert "pipeline mlops-dev-abalone-build created" in capsys.readouterr().err
    described = account.client("sagemaker").describe_pipeline(PipelineName="mlops-dev-abalone-build")
    parameters = {p["Name"]: p.get("DefaultValue") for p in json.loads(described["PipelineDefinition"])["Parameters"]}
    assert parameters["ModelPackageGroupName"] == "mlops-dev-abalone-grp"
    assert described["RoleArn"] == pipeline_role
    steps = json.loads(described["PipelineDefinition"])["Steps"]
    assert {s["Arguments"]["RoleArn"] for s in steps if "RoleArn" in s.get("Arguments", {})} == {job_role}
    # What a least-privilege CI role has on its own pipeline: no ListPipelines.
    assert made == [
        "sagemaker.DescribePipeline",
        "sagemaker.CreatePipeline",
        "sagemaker.StartPipelineExecution",
    ]


def test_an_explicit_group_wins_over_the_registered_one(
    account: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    account.client("ssm").put_parameter(
        Name="/mlops/dev/projects/abalone/model-package-group", Value="mlops-dev-abalone-grp", Type="String"
    )
    assert run_pipeline.main([*ARGS, "--dry-run", "--model-package-group", "mlops-dev-other"], session=account) == 0
    parameters = {p["Name"]: p["DefaultValue"] for p in json.loads(capsys.readouterr().out)["Parameters"]}
    assert parameters["ModelPackageGroupName"] == "mlops-dev-other"


def test_a_bad_project_name_is_refused_before_any_call(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    session = boto3.Session(region_name="eu-west-1")
    calls = recorded_calls(session)
    assert run_pipeline.main(["--prefix", "mlops", "--env", "dev", "--project", "a/b"], session=session) == 2
    assert "not a SageMaker project name" in capsys.readouterr().err
    assert calls == []


def test_a_missing_upload_file_is_refused_before_any_change(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = recorded_calls(account)
    assert run_pipeline.main([*ARGS, "--upload-data", str(tmp_path / "missing.csv")], session=account) == 2
    assert "is not a file" in capsys.readouterr().err
    assert {call.split(".")[0] for call in calls} == {"ssm"}


def test_job_requirements_without_a_package_repository_stop_before_anything_changes(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    requirements = tmp_path / "job-requirements.txt"
    requirements.write_text("vetted-stats==1.0.0\n")

    assert run_pipeline.main([*ARGS, "--job-requirements", str(requirements)], session=account) == 2

    assert "has no package repository (missing: /mlops/dev/packages/domain" in capsys.readouterr().err
    assert account.client("sagemaker").list_pipelines()["PipelineSummaries"] == []
    assert "Contents" not in account.client("s3").list_objects_v2(Bucket="mlops-dev-models-123456789012")


def test_job_requirements_are_resolved_uploaded_and_given_to_the_jobs(
    account: boto3.Session,
    seed_contract: Callable[..., None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_contract({"packages/domain": "mlops-dev-packages", "packages/domain-owner": "1", "packages/repository": "c"})
    requirements = tmp_path / "job-requirements.txt"
    requirements.write_text("vetted-stats==1.0.0\n")
    resolved: list[job_packages.PackageRepository] = []

    def download(_client: Any, repository: job_packages.PackageRepository, *_: Any) -> list[Path]:
        resolved.append(repository)
        wheel = tmp_path / "vetted_stats-1.0.0-py3-none-any.whl"
        wheel.write_bytes(b"wheel")
        return [wheel]

    monkeypatch.setattr(job_packages, "download_wheels", download)

    assert run_pipeline.main([*ARGS, "--job-requirements", str(requirements)], session=account) == 0

    assert resolved == [job_packages.PackageRepository("mlops-dev-packages", "1", "c")]
    parsed = job_packages.read_job_requirements(requirements)
    prefix = job_packages.wheelhouse_key("abalone", parsed)
    assert f"uploaded s3://mlops-dev-models-123456789012/{prefix}vetted_stats-1.0.0-py3-none-any.whl" in (
        capsys.readouterr().err
    )
    stored = json.loads(account.client("sagemaker").describe_pipeline(PipelineName=PIPELINE)["PipelineDefinition"])
    inputs = stored["Steps"][0]["Arguments"]["ProcessingInputs"]
    assert {"packages": f"s3://mlops-dev-models-123456789012/{prefix}"}.items() <= {
        i["InputName"]: i["S3Input"]["S3Uri"] for i in inputs
    }.items()
