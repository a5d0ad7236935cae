"""abalone_build.pipeline: the SDK's definition JSON, checked for what the platform's guardrails demand.

The guardrails deny any training/processing job without the environment's subnets and security
group, without a volume and an output KMS key, or with inter-container traffic encryption off or
unset, and any S3 request outside the environment's buckets. These tests read the JSON exactly
as CreatePipeline receives it (``Pipeline.definition()``), and check that building it calls
nothing outside the process.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.endpoint
import pytest
from abalone_build import hyperparameters, job_packages, pipeline, scripts
from abalone_build.contract import PlatformContract
from abalone_build.pipeline import DefinitionError, OfflineBuildError, OfflinePipelineSession, PipelineSettings

JOB_TYPES = {"Processing", "Training"}
REGISTER = "RegisterAbaloneModel-RegisterModel"  # ModelStep's name for its CreateModelPackage step


@pytest.fixture(scope="module")
def definition(module_contract: PlatformContract) -> dict[str, Any]:
    """Built once per module, as sent to CreatePipeline, and parsed."""
    started = time.perf_counter()
    text = pipeline.build_pipeline(module_contract, PipelineSettings(project="abalone")).definition()
    print(f"building the definition took {time.perf_counter() - started:.2f} s")
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def referenced_steps(node: Any) -> set[str]:
    """The names of the steps whose properties ``node`` reads (``Get: Steps.<name>...``)."""
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


def all_steps(steps: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every step, including those nested in a condition's branches."""
    for step in steps:
        yield step
        if step["Type"] == "Condition":
            yield from all_steps(step["Arguments"]["IfSteps"] + step["Arguments"]["ElseSteps"])


def jobs(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for step in all_steps(definition["Steps"]) if step["Type"] in JOB_TYPES]


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def test_steps_run_preprocess_train_evaluate_then_the_condition(definition: dict[str, Any]) -> None:
    assert definition["Version"] == "2020-12-01"
    assert [(s["Name"], s["Type"]) for s in definition["Steps"]] == [
        ("PreprocessAbaloneData", "Processing"),
        ("TrainAbaloneModel", "Training"),
        ("EvaluateAbaloneModel", "Processing"),
        ("CheckMseThreshold", "Condition"),
    ]
    depends = {s["Name"]: referenced_steps(s["Arguments"]) for s in all_steps(definition["Steps"])}
    assert depends == {
        "PreprocessAbaloneData": set(),
        "TrainAbaloneModel": {"PreprocessAbaloneData"},
        "EvaluateAbaloneModel": {"TrainAbaloneModel", "PreprocessAbaloneData"},
        "CheckMseThreshold": {"EvaluateAbaloneModel", "TrainAbaloneModel"},  # its register step reads both
        REGISTER: {"EvaluateAbaloneModel", "TrainAbaloneModel"},
        "FailMseAboveThreshold": {"EvaluateAbaloneModel"},  # the MSE, in its message
    }


def test_training_reads_the_preprocessed_splits_and_evaluation_reads_the_model(definition: dict[str, Any]) -> None:
    _, train, evaluate, _ = definition["Steps"]
    channels = {c["ChannelName"]: c for c in train["Arguments"]["InputDataConfig"]}
    assert set(channels) == {"train", "validation"}
    for name, channel in channels.items():
        assert channel["ContentType"] == "text/csv"
        assert channel["DataSource"]["S3DataSource"]["S3Uri"] == {
            "Get": f"Steps.PreprocessAbaloneData.ProcessingOutputConfig.Outputs['{name}'].S3Output.S3Uri"
        }
    inputs = {i["InputName"]: i["S3Input"] for i in evaluate["Arguments"]["ProcessingInputs"]}
    assert inputs["model"]["S3Uri"] == {"Get": "Steps.TrainAbaloneModel.ModelArtifacts.S3ModelArtifacts"}
    assert inputs["test"]["S3Uri"]["Get"].endswith("Outputs['test'].S3Output.S3Uri")
    assert train["Arguments"]["HyperParameters"] == hyperparameters.as_sagemaker_hyperparameters()


def test_the_evaluation_report_is_a_property_file(definition: dict[str, Any]) -> None:
    evaluate = definition["Steps"][2]
    assert evaluate["PropertyFiles"] == [
        {"PropertyFileName": "EvaluationReport", "OutputName": "evaluation", "FilePath": "evaluation.json"}
    ]
    outputs = [o["OutputName"] for o in evaluate["Arguments"]["ProcessingOutputConfig"]["Outputs"]]
    assert outputs == ["evaluation"]


def test_the_condition_registers_only_when_mse_is_at_most_the_threshold(definition: dict[str, Any]) -> None:
    condition = definition["Steps"][3]["Arguments"]
    assert condition["Conditions"] == [
        {
            "Type": "LessThanOrEqualTo",
            "LeftValue": {
                "Std:JsonGet": {
                    "PropertyFile": {"Get": "Steps.EvaluateAbaloneModel.PropertyFiles.EvaluationReport"},
                    "Path": "regression_metrics.mse.value",
                }
            },
            "RightValue": {"Get": "Parameters.MseThreshold"},
        }
    ]
    assert [s["Name"] for s in condition["IfSteps"]] == [REGISTER]
    [fail] = condition["ElseSteps"]
    assert (fail["Name"], fail["Type"]) == ("FailMseAboveThreshold", "Fail")
    message = fail["Arguments"]["ErrorMessage"]["Std:Join"]["Values"]
    assert condition["Conditions"][0]["LeftValue"] in message  # the measured MSE
    assert {"Get": "Parameters.MseThreshold"} in message
    parameters = {p["Name"]: p for p in definition["Parameters"]}
    default = hyperparameters.REGISTRATION_MSE_THRESHOLD
    assert parameters["MseThreshold"] == {"Name": "MseThreshold", "Type": "Float", "DefaultValue": default}


def test_registration_waits_for_manual_approval_in_the_project_group(definition: dict[str, Any]) -> None:
    register = definition["Steps"][3]["Arguments"]["IfSteps"][0]
    assert register["Type"] == "RegisterModel"
    arguments = register["Arguments"]
    assert arguments["ModelApprovalStatus"] == "PendingManualApproval"
    assert arguments["ModelPackageGroupName"] == {"Get": "Parameters.ModelPackageGroupName"}
    parameters = {p["Name"]: p["DefaultValue"] for p in definition["Parameters"]}
    assert parameters["ModelPackageGroupName"] == "mlops-dev-abalone"
    [container] = arguments["InferenceSpecification"]["Containers"]
    assert container == {
        "Image": "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        "Environment": {},
        "ModelDataUrl": {"Get": "Steps.TrainAbaloneModel.ModelArtifacts.S3ModelArtifacts"},
    }
    # The archive's SHA-256, as the evaluation measured it: a deployment refuses an archive swapped since.
    assert arguments["CustomerMetadataProperties"] == {
        "model-sha256": {
            "Std:JsonGet": {
                "PropertyFile": {"Get": "Steps.EvaluateAbaloneModel.PropertyFiles.EvaluationReport"},
                "Path": "model.sha256",
            }
        }
    }
    statistics = arguments["ModelMetrics"]["ModelQuality"]["Statistics"]
    assert statistics["ContentType"] == "application/json"
    assert statistics["S3Uri"] == {
        "Std:Join": {
            "On": "/",
            "Values": [
                {"Get": "Steps.EvaluateAbaloneModel.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri"},
                "evaluation.json",
            ],
        }
    }


def test_an_approval_status_is_nowhere_else_and_not_a_parameter(definition: dict[str, Any]) -> None:
    text = json.dumps(definition)
    assert text.count("ModelApprovalStatus") == 1
    assert "Approved" not in [s for s in strings(definition)]


def test_every_job_runs_in_the_vpc_encrypted_with_the_environment_keys(
    definition: dict[str, Any], contract: PlatformContract
) -> None:
    """Set once (JobGuardrails.from_contract), found on every job."""
    found = jobs(definition)
    assert [j["Name"] for j in found] == ["PreprocessAbaloneData", "TrainAbaloneModel", "EvaluateAbaloneModel"]
    vpc = {"SecurityGroupIds": ["sg-0ccc3333"], "Subnets": ["subnet-0aaa1111", "subnet-0bbb2222"]}
    for job in found:
        arguments = job["Arguments"]
        assert arguments["RoleArn"] == contract.sagemaker_execution_role_arn, job["Name"]
        if job["Type"] == "Processing":
            assert arguments["NetworkConfig"] == {
                "EnableInterContainerTrafficEncryption": True,
                "EnableNetworkIsolation": True,
                "VpcConfig": vpc,
            }, job["Name"]
            assert arguments["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] == contract.ebs_key_arn
            assert arguments["ProcessingOutputConfig"]["KmsKeyId"] == contract.data_key_arn
        else:
            assert arguments["VpcConfig"] == vpc
            assert arguments["EnableInterContainerTrafficEncryption"] is True
            assert arguments["EnableNetworkIsolation"] is True
            assert arguments["ResourceConfig"]["VolumeKmsKeyId"] == contract.ebs_key_arn
            assert arguments["OutputDataConfig"]["KmsKeyId"] == contract.data_key_arn
            assert "DebugHookConfig" not in arguments  # no Debugger/Profiler outputs or rule jobs
            assert arguments["ProfilerConfig"] == {"DisableProfiler": True}


def test_only_the_environment_roles_and_keys_appear(definition: dict[str, Any], contract: PlatformContract) -> None:
    arns = {s for s in strings(definition) if s.startswith("arn:")}
    assert arns == {contract.sagemaker_execution_role_arn, contract.ebs_key_arn, contract.data_key_arn}


def test_nothing_outside_the_environment_buckets(definition: dict[str, Any], contract: PlatformContract) -> None:
    uris = [s for s in strings(definition) if "s3://" in s]
    assert len(uris) >= 8  # input, code x2, 3 splits, model, evaluation
    for uri in uris:
        assert uri.startswith("s3://"), uri
        bucket = uri[len("s3://") :].split("/", 1)[0]
        assert bucket in contract.buckets, uri
    assert not re.search(r"\bs3\.[a-z0-9-]*amazonaws\.com\b", json.dumps(definition))  # no bucket by URL either


def test_each_execution_writes_under_its_own_prefix(definition: dict[str, Any], contract: PlatformContract) -> None:
    train = definition["Steps"][1]["Arguments"]
    assert train["OutputDataConfig"]["S3OutputPath"] == {
        "Std:Join": {
            "On": "/",
            "Values": [
                f"s3://{contract.models_bucket}/abalone/runs",
                {"Get": "Execution.PipelineExecutionId"},
                "train",
            ],
        }
    }
    preprocess_outputs = definition["Steps"][0]["Arguments"]["ProcessingOutputConfig"]["Outputs"]
    assert [o["S3Output"]["S3Uri"]["Std:Join"]["Values"][0] for o in preprocess_outputs] == [
        f"s3://{contract.data_bucket}/abalone/runs"
    ] * 3


def test_processing_scripts_are_fetched_from_the_models_bucket_by_content(
    definition: dict[str, Any], contract: PlatformContract
) -> None:
    preprocess, _, evaluate, _ = definition["Steps"]
    digest = scripts.code_digest()
    registry = "141502667606.dkr.ecr.eu-west-1.amazonaws.com"
    for step, script, image in (
        (preprocess, "preprocess.py", f"{registry}/sagemaker-scikit-learn:1.2-1-cpu-py3"),
        (evaluate, "evaluate.py", f"{registry}/sagemaker-xgboost:1.7-1"),
    ):
        app = step["Arguments"]["AppSpecification"]
        assert app["ImageUri"] == image
        assert app["ContainerEntrypoint"] == ["python3", f"/opt/ml/processing/input/code/{script}"]
        code = next(i for i in step["Arguments"]["ProcessingInputs"] if i["InputName"] == "code")
        assert code["S3Input"]["S3Uri"] == f"s3://{contract.models_bucket}/abalone/code/{digest}/{script}"
        assert code["S3Input"]["LocalPath"] == "/opt/ml/processing/input/code"


def test_the_definition_is_deterministic(definition: dict[str, Any], contract: PlatformContract) -> None:
    """Same contract and settings, same JSON: a new session, nothing of the machine read."""
    again = pipeline.build_pipeline(contract, PipelineSettings(project="abalone")).definition()
    assert json.loads(again) == definition
    assert again == pipeline.build_pipeline(contract, PipelineSettings(project="abalone")).definition()
    assert len(again) < 100_000  # far below CreatePipeline's limit


def test_building_makes_no_aws_or_network_call(
    contract: PlatformContract, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No credentials, no AWS config, and every way out of the process refused and recorded:
    a botocore request of any session, a name lookup, a socket connection."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    attempts: list[str] = []

    def refuse(what: str) -> OSError:
        attempts.append(what)
        return OSError(f"refused while building: {what}")

    def request(endpoint: Any, operation_model: Any, request_dict: Any) -> Any:
        raise refuse(f"AWS {operation_model.service_model.service_name}.{operation_model.name}")

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        raise refuse(f"name lookup {host}")

    def connect(sock: socket.socket, address: Any) -> None:
        raise refuse(f"connection to {address}")

    monkeypatch.setattr(botocore.endpoint.Endpoint, "make_request", request)
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(socket.socket, "connect", connect)

    started = time.perf_counter()
    text = pipeline.build_pipeline(contract, PipelineSettings(project="abalone")).definition()
    print(f"building offline took {time.perf_counter() - started:.2f} s")

    assert attempts == []
    assert json.loads(text)["Steps"]


SDK_DEFAULTS_FILE = """\
SchemaVersion: '1.0'
SageMaker:
  ProcessingJob:
    Environment: {FROM_SDK_DEFAULTS: 'yes'}
    Tags: [{Key: from-sdk-defaults, Value: 'yes'}]
  TrainingJob:
    Environment: {FROM_SDK_DEFAULTS: 'yes'}
    Tags: [{Key: from-sdk-defaults, Value: 'yes'}]
"""

BUILD_IN_A_NEW_PROCESS = """\
import json, sys
from abalone_build import pipeline
from abalone_build.contract import PlatformContract
from sagemaker.config import load_sagemaker_config
fields = json.loads(sys.argv[1])
contract = PlatformContract(**{**fields, "subnet_ids": tuple(fields["subnet_ids"])})
definition = pipeline.build_pipeline(contract, pipeline.PipelineSettings(project="abalone")).definition()
print(json.dumps({"machine_defaults": load_sagemaker_config(), "definition": json.loads(definition)}))
"""


def test_the_machine_sdk_defaults_file_changes_nothing(
    definition: dict[str, Any], contract: PlatformContract, tmp_path: Path
) -> None:
    """A SageMaker SDK defaults file (as Studio's lifecycle configuration writes one) would merge
    its values into every job of a normal session; the build session reads none."""
    defaults = tmp_path / "sdk-defaults.yaml"
    defaults.write_text(SDK_DEFAULTS_FILE)
    environment = os.environ | {"SAGEMAKER_USER_CONFIG_OVERRIDE": str(defaults), "AWS_EC2_METADATA_DISABLED": "true"}
    built = subprocess.run(
        [sys.executable, "-c", BUILD_IN_A_NEW_PROCESS, json.dumps(dataclasses.asdict(contract))],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result = json.loads(built.stdout)
    assert result["machine_defaults"]["SageMaker"]["TrainingJob"]["Tags"]  # what a normal session would merge
    assert result["definition"] == definition


def test_the_build_session_refuses_every_aws_request() -> None:
    session = OfflinePipelineSession("eu-west-1")
    with pytest.raises(OfflineBuildError, match=r"tried to call AWS \(before-send\.s3\.ListBuckets\)"):
        session.boto_session.client("s3").list_buckets()
    assert session.sagemaker_config == {}  # no SDK defaults file of the machine
    with session.telemetry_off():
        assert session.sagemaker_config["SageMaker"]["PythonSDK"]["Modules"]["TelemetryOptOut"] is True
    assert session.sagemaker_config == {}


def test_settings_flow_into_parameters(contract: PlatformContract) -> None:
    settings = PipelineSettings(
        project="abalone", mse_threshold=4.5, model_package_group_name="mlops-dev-abalone-p-123"
    )
    parameters = {p.name: p.default_value for p in pipeline.Parameters.defaults(contract, settings).as_list()}
    assert parameters == {
        "ProcessingInstanceType": "ml.m5.large",
        "TrainingInstanceType": "ml.m5.large",
        "InputDataUrl": f"s3://{contract.data_bucket}/abalone/input/abalone.csv",
        "MseThreshold": 4.5,
        "ModelPackageGroupName": "mlops-dev-abalone-p-123",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"project": "bad_name"}, "not a SageMaker project name"),
        ({"project": "-abalone"}, "not a SageMaker project name"),
        ({"project": "abalone", "mse_threshold": 0}, "must be a positive number"),
        ({"project": "abalone", "model_package_group_name": "x" * 64}, "not a valid name"),
    ],
)
def test_bad_settings_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        PipelineSettings(**kwargs)


def test_images_come_from_the_sdk_and_an_unknown_region_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError, match=r"no SageMaker xgboost 1.7-1 image for region 'mars-north-1'"):
        pipeline.xgboost_image_uri("mars-north-1")
    assert (
        pipeline.xgboost_image_uri("us-east-1")
        == "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    )
    assert (
        pipeline.sklearn_image_uri("us-east-1")
        == "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    )


@pytest.mark.parametrize("script", scripts.ALL_SCRIPTS, ids=lambda s: s.file_name)
def test_processing_scripts_run_standalone_in_the_containers_python(script: scripts.ProcessingScript) -> None:
    """Shipped as single files to images with an older Python: no package imports, no newer syntax."""
    source = script.local_path.read_text()
    tree = ast.parse(source, feature_version=(3, 8))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {
        "__future__",
        "argparse",
        "collections",
        "csv",
        "hashlib",
        "json",
        "math",
        "sys",
        "tarfile",
        "pathlib",
        "typing",
        "numpy",
        "xgboost",
    }
    assert "from __future__ import annotations" in source  # PEP 604/585 annotations stay unevaluated


def _resolved(node: Any) -> Any:
    """The arguments with every run-time expression replaced by a plausible literal."""
    if isinstance(node, dict):
        if set(node) <= {"Get", "Std:Join", "Std:JsonGet"} and node:
            return "ml.m5.large" if node.get("Get", "").endswith("InstanceType") else "s3://resolved/at/run/time"
        return {key: _resolved(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(value) for value in node]
    return node


@pytest.mark.parametrize(
    ("step_type", "operation", "name_field"),
    [
        ("Processing", "CreateProcessingJob", "ProcessingJobName"),
        ("Training", "CreateTrainingJob", "TrainingJobName"),
        ("RegisterModel", "CreateModelPackage", None),
    ],
)
def test_arguments_are_valid_requests_of_the_api_each_step_calls(
    definition: dict[str, Any], step_type: str, operation: str, name_field: str | None
) -> None:
    """Validated against botocore's SageMaker model; the service adds the job name."""
    import botocore.session
    from botocore.validate import ParamValidator

    input_shape = botocore.session.get_session().get_service_model("sagemaker").operation_model(operation).input_shape
    steps = [s for s in all_steps(definition["Steps"]) if s["Type"] == step_type]
    assert steps
    for step in steps:
        request = _resolved(step["Arguments"])
        if name_field:
            request[name_field] = "named-by-the-pipeline"
        report = ParamValidator().validate(request, input_shape)
        assert not report.has_errors(), f"{step['Name']}: {report.generate_report()}"


WHEELHOUSE = "s3://mlops-dev-models-123456789012/abalone/code/packages/0123456789abcdef/"


@pytest.fixture(scope="module")
def definition_with_packages(module_contract: PlatformContract) -> dict[str, Any]:
    settings = PipelineSettings(project="abalone", wheelhouse_uri=WHEELHOUSE)
    parsed: dict[str, Any] = json.loads(pipeline.build_pipeline(module_contract, settings).definition())
    return parsed


def test_with_packages_each_processing_job_installs_them_offline_before_its_script(
    definition: dict[str, Any], definition_with_packages: dict[str, Any], module_contract: PlatformContract
) -> None:
    """The wheelhouse as an input, the installer before the script, its record as an output; the
    jobs stay network-isolated and nothing else changes (training has no script, nothing to install)."""
    installer = "/opt/ml/processing/packages/install_packages.py"
    processing = [s for s in definition_with_packages["Steps"] if s["Type"] == "Processing"]
    assert [s["Name"] for s in processing] == ["PreprocessAbaloneData", "EvaluateAbaloneModel"]
    for step, script, bucket, run_dir in (
        (processing[0], "preprocess.py", module_contract.data_bucket, "preprocess/packages"),
        (processing[1], "evaluate.py", module_contract.models_bucket, "evaluate/packages"),
    ):
        arguments = step["Arguments"]
        assert arguments["AppSpecification"]["ContainerEntrypoint"] == [
            "python3",
            installer,
            f"/opt/ml/processing/input/code/{script}",
        ]
        packages = next(i for i in arguments["ProcessingInputs"] if i["InputName"] == "packages")["S3Input"]
        assert (packages["S3Uri"], packages["LocalPath"], packages["S3DataType"]) == (
            WHEELHOUSE,
            "/opt/ml/processing/packages",
            "S3Prefix",
        )
        report = next(o for o in arguments["ProcessingOutputConfig"]["Outputs"] if o["OutputName"] == "packages")
        assert report["S3Output"]["LocalPath"] == "/opt/ml/processing/packages-report"
        assert report["S3Output"]["S3Uri"]["Std:Join"]["Values"] == [
            f"s3://{bucket}/abalone/runs",
            {"Get": "Execution.PipelineExecutionId"},
            run_dir,
        ]
        assert arguments["NetworkConfig"]["EnableNetworkIsolation"] is True
    without = [dict(s, Arguments=None) for s in definition["Steps"]]
    assert [dict(s, Arguments=None) for s in definition_with_packages["Steps"]] == without
    assert definition_with_packages["Steps"][1] == definition["Steps"][1]  # the training job


def test_without_packages_no_step_mentions_them(definition: dict[str, Any]) -> None:
    assert not [s for s in strings(definition) if "packages" in s or "install_packages" in s]


def test_a_wheelhouse_that_is_not_in_s3_is_refused() -> None:
    with pytest.raises(DefinitionError, match="not an s3:// URI"):
        PipelineSettings(project="abalone", wheelhouse_uri="/tmp/wheels")


def test_the_installer_runs_standalone_in_the_containers_python() -> None:
    """Shipped as a single file like the scripts: standard library only, Python 3.8 syntax."""
    source = job_packages.INSTALLER.read_text()
    tree = ast.parse(source, feature_version=(3, 8))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
    assert "from __future__ import annotations" in source


def test_with_packages_the_processing_arguments_are_still_valid_requests(
    definition_with_packages: dict[str, Any],
) -> None:
    test_arguments_are_valid_requests_of_the_api_each_step_calls(
        definition_with_packages, "Processing", "CreateProcessingJob", "ProcessingJobName"
    )
