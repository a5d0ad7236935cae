"""A pipeline execution on the emulator served in this process: processing -> training ->
condition -> register (or fail), run as the pipeline's role and its jobs' role, every request of
theirs authorized; what DescribePipelineExecution and ListPipelineExecutionSteps report."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.orchestrator.emulator.inprocess import REGION, serving, session
from tests.orchestrator.emulator.test_pipelines_steps import IMAGE, TRUST_SAGEMAKER, _rows

ACCOUNT = "111111111111"
BUCKET = f"build-{ACCOUNT}"
GROUP = "models"
SPLIT = """
from pathlib import Path
rows = [r for r in Path('/opt/ml/processing/input/data.csv').read_text().splitlines() if r]
cut = int(len(rows) * 0.8)
for name, part in (('train', rows[:cut]), ('validation', rows[cut:])):
    Path(f'/opt/ml/processing/{name}/{name}.csv').write_text('\\n'.join(part) + '\\n')
Path('/opt/ml/processing/report/report.json').write_text('{"data": {"rows": %d}}' % len(rows))
"""


def _get(path: str) -> dict[str, str]:
    return {"Get": path}


def _output(name: str) -> dict[str, Any]:
    uri = {"Std:Join": {"On": "/", "Values": [f"s3://{BUCKET}/runs", _get("Execution.PipelineExecutionId"), name]}}
    return {
        "OutputName": name,
        "S3Output": {"S3Uri": uri, "LocalPath": f"/opt/ml/processing/{name}", "S3UploadMode": "EndOfJob"},
    }


def _definition(job_role: str) -> str:
    def s3_input(name: str, uri: Any, path: str) -> dict[str, Any]:
        return {
            "InputName": name,
            "S3Input": {"S3Uri": uri, "LocalPath": path, "S3DataType": "S3Prefix", "S3InputMode": "File"},
        }

    def channel(name: str) -> dict[str, Any]:
        uri = _get(f"Steps.Prep.ProcessingOutputConfig.Outputs['{name}'].S3Output.S3Uri")
        return {
            "ChannelName": name,
            "ContentType": "text/csv",
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri}},
        }

    rows = {"Std:JsonGet": {"PropertyFile": _get("Steps.Prep.PropertyFiles.Report"), "Path": "data.rows"}}
    register = {
        "Name": "Register",
        "Type": "RegisterModel",
        "Arguments": {
            "ModelPackageGroupName": GROUP,
            "ModelApprovalStatus": "PendingManualApproval",
            "InferenceSpecification": {
                "Containers": [{"Image": IMAGE, "ModelDataUrl": _get("Steps.Train.ModelArtifacts.S3ModelArtifacts")}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
            "CustomerMetadataProperties": {"rows": {"Std:Join": {"On": "", "Values": [rows]}}},
        },
    }
    model = {
        "Name": "Model",
        "Type": "Model",
        "Arguments": {
            "ExecutionRoleArn": job_role,
            "PrimaryContainer": {"Image": IMAGE, "ModelDataUrl": _get("Steps.Train.ModelArtifacts.S3ModelArtifacts")},
        },
    }
    stop = {
        "Name": "Stop",
        "Type": "Fail",
        "Arguments": {
            "ErrorMessage": {"Std:Join": {"On": " ", "Values": ["rmse above", _get("Parameters.Threshold")]}}
        },
    }
    return json.dumps(
        {
            "Version": "2020-12-01",
            "Parameters": [
                {"Name": "InputData", "Type": "String", "DefaultValue": f"s3://{BUCKET}/in/data.csv"},
                {"Name": "Threshold", "Type": "Float", "DefaultValue": 0.0001},
                {"Name": "Rounds", "Type": "Integer", "DefaultValue": 20},
            ],
            "Steps": [
                {
                    "Name": "Prep",
                    "Type": "Processing",
                    "PropertyFiles": [
                        {"PropertyFileName": "Report", "OutputName": "report", "FilePath": "report.json"}
                    ],
                    "Arguments": {
                        "RoleArn": job_role,
                        "AppSpecification": {
                            "ImageUri": "sklearn",
                            "ContainerEntrypoint": ["python3", "/opt/ml/processing/code/split.py"],
                        },
                        "ProcessingResources": {
                            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 1}
                        },
                        "ProcessingInputs": [
                            s3_input("data", _get("Parameters.InputData"), "/opt/ml/processing/input"),
                            s3_input("code", f"s3://{BUCKET}/code/split.py", "/opt/ml/processing/code"),
                        ],
                        "ProcessingOutputConfig": {
                            "Outputs": [_output("train"), _output("validation"), _output("report")]
                        },
                    },
                },
                {
                    "Name": "Train",
                    "Type": "Training",
                    "Arguments": {
                        "RoleArn": job_role,
                        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
                        "HyperParameters": {"num_round": _get("Parameters.Rounds"), "max_depth": "3"},
                        "InputDataConfig": [channel("train"), channel("validation")],
                        "OutputDataConfig": {"S3OutputPath": f"s3://{BUCKET}/models"},
                        "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 1},
                        "StoppingCondition": {"MaxRuntimeInSeconds": 300},
                    },
                },
                {
                    "Name": "Check",
                    "Type": "Condition",
                    "Arguments": {
                        "Conditions": [
                            {
                                "Type": "LessThanOrEqualTo",
                                "LeftValue": _get("Steps.Train.FinalMetricDataList['validation:rmse'].Value"),
                                "RightValue": _get("Parameters.Threshold"),
                            }
                        ],
                        "IfSteps": [register, model],
                        "ElseSteps": [stop],
                    },
                },
            ],
        }
    )


def _policy(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _roles(iam: Any) -> dict[str, str]:
    roles = {
        name: iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_SAGEMAKER))["Role"]["Arn"]
        for name in ("pipeline", "jobs", "other-jobs")
    }
    bucket = [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    iam.put_role_policy(
        RoleName="pipeline",
        PolicyName="p",
        PolicyDocument=_policy(
            [
                {
                    "Effect": "Allow",
                    "Action": [
                        "sagemaker:CreateProcessingJob",
                        "sagemaker:CreateTrainingJob",
                        "sagemaker:DescribeProcessingJob",
                        "sagemaker:DescribeTrainingJob",
                        "sagemaker:CreateModelPackage",
                        "sagemaker:CreateModel",
                    ],
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": roles["jobs"],
                    "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
                },
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": bucket},
            ]
        ),
    )
    for name in ("jobs", "other-jobs"):
        iam.put_role_policy(
            RoleName=name,
            PolicyName="p",
            PolicyDocument=_policy(
                [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], "Resource": bucket}]
            ),
        )
    roles["lambda-only"] = iam.create_role(
        RoleName="lambda-only",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )["Role"]["Arn"]
    return roles


@pytest.fixture(scope="module")
def build() -> Iterator[dict[str, Any]]:
    with serving() as url:
        admin = session(url, f"arn:aws:iam::{ACCOUNT}:role/admin")
        s3 = admin.client("s3", endpoint_url=url)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket=BUCKET, Key="in/data.csv", Body=_rows(200, 7).encode())
        s3.put_object(Bucket=BUCKET, Key="code/split.py", Body=SPLIT.encode())
        sagemaker = admin.client("sagemaker", endpoint_url=url)
        sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
        roles = _roles(admin.client("iam", endpoint_url=url))
        for name, pipeline_role, job_role in (
            ("build", "pipeline", "jobs"),
            ("passes-another-role", "pipeline", "other-jobs"),
            ("untrusted", "lambda-only", "jobs"),
        ):
            sagemaker.create_pipeline(
                PipelineName=name, PipelineDefinition=_definition(roles[job_role]), RoleArn=roles[pipeline_role]
            )
        yield {"sagemaker": sagemaker, "s3": s3}


def _run(sagemaker: Any, pipeline: str, **parameters: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    given = [{"Name": name, "Value": value} for name, value in parameters.items()]
    arn = sagemaker.start_pipeline_execution(PipelineName=pipeline, **({"PipelineParameters": given} if given else {}))[
        "PipelineExecutionArn"
    ]
    deadline = time.monotonic() + 180
    while (described := sagemaker.describe_pipeline_execution(PipelineExecutionArn=arn))[
        "PipelineExecutionStatus"
    ] == "Executing":
        assert time.monotonic() < deadline, "the execution did not end in 180 s"
        time.sleep(0.5)
    steps = sagemaker.list_pipeline_execution_steps(PipelineExecutionArn=arn, SortOrder="Ascending")[
        "PipelineExecutionSteps"
    ]
    return described, steps


def test_an_execution_runs_its_steps_in_order_and_registers_the_model(build: dict[str, Any]) -> None:
    described, steps = _run(build["sagemaker"], "build", Threshold="50")
    assert described["PipelineExecutionStatus"] == "Succeeded" and "FailureReason" not in described
    assert [(s["StepName"], s["StepStatus"]) for s in steps] == [
        ("Prep", "Succeeded"),
        ("Train", "Succeeded"),
        ("Check", "Succeeded"),
        ("Register", "Succeeded"),
        ("Model", "Succeeded"),
    ]
    assert all(s["StartTime"] <= s["EndTime"] for s in steps)
    prep, train, check, register, model = (s["Metadata"] for s in steps)
    created = build["sagemaker"].describe_model(ModelName=model["Model"]["Arn"].rsplit("/", 1)[1])
    assert created["ExecutionRoleArn"].endswith(":role/jobs") and created["ModelName"].startswith("pipelines-")
    assert (
        ":processing-job/pipelines-" in prep["ProcessingJob"]["Arn"]
        and ":training-job/pipelines-" in train["TrainingJob"]["Arn"]
    )
    assert check == {"Condition": {"Outcome": "True"}}
    package = build["sagemaker"].describe_model_package(ModelPackageName=register["RegisterModel"]["Arn"])
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    assert package["CustomerMetadataProperties"] == {"rows": "200"}, "the property file of Prep, read with JsonGet"
    job = build["sagemaker"].describe_training_job(TrainingJobName=train["TrainingJob"]["Arn"].rsplit("/", 1)[1])
    assert job["TrainingJobStatus"] == "Completed" and job["HyperParameters"]["num_round"] == "20"
    assert (
        package["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] == job["ModelArtifacts"]["S3ModelArtifacts"]
    )
    bucket, key = job["ModelArtifacts"]["S3ModelArtifacts"].removeprefix("s3://").split("/", 1)
    assert build["s3"].head_object(Bucket=bucket, Key=key)["ContentLength"] > 0
    assert {m["MetricName"] for m in job["FinalMetricDataList"]} == {"train:rmse", "validation:rmse"}
    processing = build["sagemaker"].describe_processing_job(
        ProcessingJobName=prep["ProcessingJob"]["Arn"].rsplit("/", 1)[1]
    )
    assert processing["ProcessingJobStatus"] == "Completed"


def test_the_else_branch_fails_the_execution_with_its_message(build: dict[str, Any]) -> None:
    described, steps = _run(build["sagemaker"], "build")
    assert described["PipelineExecutionStatus"] == "Failed"
    assert described["FailureReason"] == "Step failure: One or multiple steps failed."
    assert [(s["StepName"], s["StepStatus"]) for s in steps] == [
        ("Prep", "Succeeded"),
        ("Train", "Succeeded"),
        ("Check", "Succeeded"),
        ("Stop", "Failed"),
    ]
    assert steps[2]["Metadata"] == {"Condition": {"Outcome": "False"}}
    assert steps[3]["FailureReason"] == "rmse above 0.0001" and steps[3]["Metadata"] == {
        "Fail": {"ErrorMessage": "rmse above 0.0001"}
    }


def test_a_job_role_the_pipeline_role_may_not_pass_fails_the_first_step(build: dict[str, Any]) -> None:
    described, steps = _run(build["sagemaker"], "passes-another-role")
    assert described["PipelineExecutionStatus"] == "Failed"
    assert [(s["StepName"], s["StepStatus"]) for s in steps] == [("Prep", "Failed")], "steps not reached are not listed"
    assert steps[0]["FailureReason"].startswith(
        "AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/pipeline/SageMaker is not authorized to perform: iam:PassRole"
    )


def test_a_pipeline_role_that_does_not_trust_sagemaker_fails_the_execution(build: dict[str, Any]) -> None:
    described, steps = _run(build["sagemaker"], "untrusted")
    assert described["PipelineExecutionStatus"] == "Failed" and steps == []
    assert (
        "AccessDenied: SageMaker cannot assume the role arn:aws:iam::111111111111:role/lambda-only"
        in described["FailureReason"]
    )
    summaries = build["sagemaker"].list_pipeline_executions(PipelineName="untrusted")["PipelineExecutionSummaries"]
    assert summaries[0]["PipelineExecutionStatus"] == "Failed"


def test_an_executions_lists_are_decided_on_the_pipeline_or_the_execution() -> None:
    """ListPipelineExecutionSteps and ListPipelineParametersForExecution name the execution,
    ListPipelineExecutions the pipeline (not `*`): a role allowed them on its own pipeline's
    executions may call them."""
    from orchestrator.emulator.authorization.actions import Where, checks_for
    from orchestrator.emulator.authorization.calls import Call

    execution = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/build/execution/abc"
    for operation, params, resource in (
        ("ListPipelineExecutionSteps", {"PipelineExecutionArn": execution}, execution),
        ("ListPipelineParametersForExecution", {"PipelineExecutionArn": execution}, execution),
        ("ListPipelineExecutions", {"PipelineName": "Build"}, f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/build"),
    ):
        checks = checks_for(Call("sagemaker", operation, params, REGION, "json", "POST"), Where(ACCOUNT))
        assert checks is not None and [(c.action, c.resource) for c in checks] == [(f"sagemaker:{operation}", resource)]
