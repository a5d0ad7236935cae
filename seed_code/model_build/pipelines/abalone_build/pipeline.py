"""The SageMaker Pipeline definition of the abalone model build, as plain JSON.

preprocess (Processing, scikit-learn image) -> train (Training, built-in XGBoost) -> evaluate
(Processing, XGBoost image, property file ``EvaluationReport``) -> condition (test MSE <=
``MseThreshold``) -> register (``PendingManualApproval``) or fail.

Built without the sagemaker SDK: the definition format is public (schema ``2020-12-01``: each
step's ``Arguments`` is the request of CreateProcessingJob, CreateTrainingJob or
CreateModelPackage), and building it from the platform contract alone keeps it deterministic,
offline and free of the SDK's implicit S3, STS and metadata calls.

Every value that the platform's guardrails check is set from the contract, on every job:
``NetworkConfig.VpcConfig`` / ``VpcConfig`` (the environment's private subnets and SageMaker
security group), ``EnableInterContainerTrafficEncryption: true``, the volume key (the ebs key),
the output key (the data key), ``EnableNetworkIsolation: true`` (the scripts and the built-in
algorithm need no network: SageMaker moves the S3 data), and S3 locations only under the
environment's data and models buckets.

Roles: the pipeline runs as the contract's pipeline role, which creates the jobs; each job runs
as its job role (for a project the platform set up, the project's own two roles, see
``project_registration``). The platform lets a pipeline role pass only its job role
(``iam:PassRole``), so a job naming the pipeline role would be denied.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from abalone_build import hyperparameters
from abalone_build.contract import PlatformContract
from abalone_build.evaluate import REPORT_FILE
from abalone_build.expressions import (
    Expression,
    execution_id,
    join,
    json_get,
    model_artifacts_uri,
    parameter,
    processing_output_uri,
)
from abalone_build.images import sklearn_image_uri, xgboost_image_uri
from abalone_build.scripts import EVALUATE, PREPROCESS, ProcessingScript, script_uri

DEFINITION_VERSION = "2020-12-01"

STEP_PREPROCESS = "PreprocessAbaloneData"
STEP_TRAIN = "TrainAbaloneModel"
STEP_EVALUATE = "EvaluateAbaloneModel"
STEP_CHECK = "CheckMseThreshold"
STEP_REGISTER = "RegisterAbaloneModel"
STEP_FAIL = "FailMseAboveThreshold"

PROPERTY_FILE = "EvaluationReport"
MSE_JSON_PATH = "regression_metrics.mse.value"
APPROVAL_STATUS = "PendingManualApproval"
# The registered package records the SHA-256 of its archive (from the evaluation report) under this
# customer-metadata key; the deployment refuses an archive whose digest differs
# (abalone_deploy.registry.MODEL_DIGEST_KEY).
MODEL_DIGEST_KEY = "model-sha256"
MODEL_DIGEST_JSON_PATH = "model.sha256"

PARAM_PROCESSING_INSTANCE = "ProcessingInstanceType"
PARAM_TRAINING_INSTANCE = "TrainingInstanceType"
PARAM_INPUT_DATA = "InputDataUrl"
PARAM_MSE_THRESHOLD = "MseThreshold"
PARAM_MODEL_PACKAGE_GROUP = "ModelPackageGroupName"

DEFAULT_INSTANCE_TYPE = "ml.m5.large"
DEFAULT_MSE_THRESHOLD = 6.0
VOLUME_SIZE_GB = 30
MAX_RUNTIME_SECONDS = 3600

# Container paths. Code and data get sibling directories: the scripts take "the one CSV" of
# their input directory, which must not also hold the code.
PROCESSING_ROOT = "/opt/ml/processing"
CODE_DIR = f"{PROCESSING_ROOT}/code"
SPLITS = ("train", "validation", "test")

# The SageMaker project name rule (CreateProject ProjectName): names derive from it.
PROJECT_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
# CreateModelPackageGroup ModelPackageGroupName.
GROUP_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


class DefinitionError(ValueError):
    """A setting cannot produce a valid pipeline (the message names it and the rule)."""


def validate_project(project: str) -> None:
    """Names (pipeline, group, S3 prefixes, SSM paths) derive from the project: check it first."""
    if not PROJECT_PATTERN.match(project):
        raise DefinitionError(
            f"project {project!r} is not a SageMaker project name "
            "(1-32 letters, digits and hyphens, starting and ending with a letter or digit)"
        )


@dataclass(frozen=True)
class PipelineSettings:
    """What a project may choose; everything else comes from the platform contract."""

    project: str
    mse_threshold: float = DEFAULT_MSE_THRESHOLD
    processing_instance_type: str = DEFAULT_INSTANCE_TYPE
    training_instance_type: str = DEFAULT_INSTANCE_TYPE
    model_package_group_name: str | None = None

    def __post_init__(self) -> None:
        validate_project(self.project)
        if self.model_package_group_name is not None and not GROUP_PATTERN.match(self.model_package_group_name):
            raise DefinitionError(
                f"model package group {self.model_package_group_name!r} is not a valid name "
                "(1-63 letters, digits and hyphens, starting and ending with a letter or digit)"
            )
        if not self.mse_threshold > 0:
            raise DefinitionError(f"MSE threshold {self.mse_threshold} must be a positive number")


def default_name(contract: PlatformContract, project: str) -> str:
    """``<prefix>-<env>-<project>``: the platform's naming scheme, for the pipeline and the group
    when the platform registered no other names for the project."""
    return f"{contract.name_prefix}-{project}"


def model_package_group_name(contract: PlatformContract, settings: PipelineSettings) -> str:
    return settings.model_package_group_name or default_name(contract, settings.project)


def default_input_uri(contract: PlatformContract, project: str) -> str:
    """Where the pipeline reads the raw abalone CSV unless ``InputDataUrl`` is given."""
    return f"s3://{contract.data_bucket}/{project}/input/abalone.csv"


def _run_prefix(bucket: str, project: str, step: str) -> Expression:
    """``s3://<bucket>/<project>/runs/<execution id>/<step>``: one prefix per execution and step."""
    return join("/", [f"s3://{bucket}/{project}/runs", execution_id(), step])


def _network_config(contract: PlatformContract) -> dict[str, Any]:
    """The guardrail-relevant network settings of a Processing job."""
    return {
        "EnableInterContainerTrafficEncryption": True,
        "EnableNetworkIsolation": True,
        "VpcConfig": _vpc_config(contract),
    }


def _vpc_config(contract: PlatformContract) -> dict[str, list[str]]:
    return {"SecurityGroupIds": [contract.security_group_id], "Subnets": list(contract.subnet_ids)}


def _s3_input(name: str, uri: str | Expression, local_path: str) -> dict[str, Any]:
    return {
        "InputName": name,
        "AppManaged": False,
        "S3Input": {
            "S3Uri": uri,
            "LocalPath": local_path,
            "S3DataType": "S3Prefix",
            "S3InputMode": "File",
            "S3DataDistributionType": "FullyReplicated",
            "S3CompressionType": "None",
        },
    }


def _s3_output(name: str, uri: Expression, local_path: str) -> dict[str, Any]:
    return {
        "OutputName": name,
        "AppManaged": False,
        "S3Output": {"S3Uri": uri, "LocalPath": local_path, "S3UploadMode": "EndOfJob"},
    }


def _processing_arguments(
    contract: PlatformContract,
    project: str,
    *,
    image_uri: str,
    script: ProcessingScript,
    container_arguments: list[str],
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
) -> dict[str, Any]:
    """A CreateProcessingJob request running ``script`` from S3, inside the guardrails."""
    return {
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": parameter(PARAM_PROCESSING_INSTANCE),
                "VolumeSizeInGB": VOLUME_SIZE_GB,
                "VolumeKmsKeyId": contract.ebs_key_arn,
            }
        },
        "AppSpecification": {
            "ImageUri": image_uri,
            "ContainerEntrypoint": ["python3", f"{CODE_DIR}/{script.file_name}"],
            "ContainerArguments": container_arguments,
        },
        "RoleArn": contract.sagemaker_execution_role_arn,
        "ProcessingInputs": [*inputs, _s3_input("code", script_uri(contract, project, script), CODE_DIR)],
        "ProcessingOutputConfig": {"Outputs": outputs, "KmsKeyId": contract.data_key_arn},
        "NetworkConfig": _network_config(contract),
        "StoppingCondition": {"MaxRuntimeInSeconds": MAX_RUNTIME_SECONDS},
    }


def preprocess_step(contract: PlatformContract, project: str) -> dict[str, Any]:
    input_dir = f"{PROCESSING_ROOT}/input"
    return {
        "Name": STEP_PREPROCESS,
        "Type": "Processing",
        "Description": "One-hot encode Sex and split the abalone data 70/15/15 (seeded).",
        "Arguments": _processing_arguments(
            contract,
            project,
            image_uri=sklearn_image_uri(contract.region),
            script=PREPROCESS,
            container_arguments=["--input", input_dir, "--output-dir", PROCESSING_ROOT],
            inputs=[_s3_input("input-data", parameter(PARAM_INPUT_DATA), input_dir)],
            outputs=[
                _s3_output(split, _run_prefix(contract.data_bucket, project, f"preprocess/{split}"), f"{PROCESSING_ROOT}/{split}")
                for split in SPLITS
            ],
        ),
    }


def _training_channel(split: str) -> dict[str, Any]:
    return {
        "ChannelName": split,
        "DataSource": {
            "S3DataSource": {
                "S3DataType": "S3Prefix",
                "S3Uri": processing_output_uri(STEP_PREPROCESS, split),
                "S3DataDistributionType": "FullyReplicated",
            }
        },
        "ContentType": "text/csv",
        "CompressionType": "None",
    }


def train_step(contract: PlatformContract, project: str) -> dict[str, Any]:
    """A CreateTrainingJob request for the built-in XGBoost algorithm (no script to ship)."""
    return {
        "Name": STEP_TRAIN,
        "Type": "Training",
        "Description": "Built-in XGBoost 1.7-1, reg:squarederror, the hyperparameters of abalone_build.hyperparameters.",
        "Arguments": {
            "AlgorithmSpecification": {"TrainingImage": xgboost_image_uri(contract.region), "TrainingInputMode": "File"},
            "HyperParameters": hyperparameters.as_sagemaker_hyperparameters(),
            "InputDataConfig": [_training_channel("train"), _training_channel("validation")],
            "OutputDataConfig": {
                "S3OutputPath": _run_prefix(contract.models_bucket, project, "train"),
                "KmsKeyId": contract.data_key_arn,
            },
            "ResourceConfig": {
                "InstanceCount": 1,
                "InstanceType": parameter(PARAM_TRAINING_INSTANCE),
                "VolumeSizeInGB": VOLUME_SIZE_GB,
                "VolumeKmsKeyId": contract.ebs_key_arn,
            },
            "RoleArn": contract.sagemaker_execution_role_arn,
            "StoppingCondition": {"MaxRuntimeInSeconds": MAX_RUNTIME_SECONDS},
            "VpcConfig": _vpc_config(contract),
            "EnableNetworkIsolation": True,
            "EnableInterContainerTrafficEncryption": True,
        },
    }


def evaluate_step(contract: PlatformContract, project: str) -> dict[str, Any]:
    """Runs evaluate.py in the XGBoost image (the xgboost that trained the model reads it)."""
    return {
        "Name": STEP_EVALUATE,
        "Type": "Processing",
        "Description": "Test-split MSE/RMSE of the trained model, as a model-quality report.",
        "Arguments": _processing_arguments(
            contract,
            project,
            image_uri=xgboost_image_uri(contract.region),
            script=EVALUATE,
            container_arguments=[
                "--model", f"{PROCESSING_ROOT}/model",
                "--test", f"{PROCESSING_ROOT}/test",
                "--output-dir", f"{PROCESSING_ROOT}/evaluation",
            ],
            inputs=[
                _s3_input("model", model_artifacts_uri(STEP_TRAIN), f"{PROCESSING_ROOT}/model"),
                _s3_input("test", processing_output_uri(STEP_PREPROCESS, "test"), f"{PROCESSING_ROOT}/test"),
            ],
            outputs=[
                _s3_output("evaluation", _run_prefix(contract.models_bucket, project, "evaluation"), f"{PROCESSING_ROOT}/evaluation")
            ],
        ),
        "PropertyFiles": [{"PropertyFileName": PROPERTY_FILE, "OutputName": "evaluation", "FilePath": REPORT_FILE}],
    }


def register_step(contract: PlatformContract, project: str) -> dict[str, Any]:
    """A CreateModelPackage request: a new version in the group, waiting for a lead's approval.

    The approval status is fixed, not a parameter: the platform denies registering a package
    as Approved, and approval belongs to the registry, not to the pipeline.
    """
    report_uri = join("/", [processing_output_uri(STEP_EVALUATE, "evaluation"), REPORT_FILE])
    return {
        "Name": STEP_REGISTER,
        "Type": "RegisterModel",
        "Description": "Register the model, with its evaluation report, as PendingManualApproval.",
        "Arguments": {
            "ModelPackageGroupName": parameter(PARAM_MODEL_PACKAGE_GROUP),
            "ModelPackageDescription": f"Abalone XGBoost model of project {project}",
            "ModelApprovalStatus": APPROVAL_STATUS,
            "InferenceSpecification": {
                "Containers": [{"Image": xgboost_image_uri(contract.region), "ModelDataUrl": model_artifacts_uri(STEP_TRAIN)}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
                "SupportedRealtimeInferenceInstanceTypes": ["ml.t2.medium", "ml.m5.large"],
                "SupportedTransformInstanceTypes": ["ml.m5.large"],
            },
            "ModelMetrics": {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": report_uri}}},
            "CustomerMetadataProperties": {MODEL_DIGEST_KEY: json_get(STEP_EVALUATE, PROPERTY_FILE, MODEL_DIGEST_JSON_PATH)},
        },
    }


def fail_step() -> dict[str, Any]:
    """Ends the execution as Failed, so a model that missed the bar is visible as such."""
    return {
        "Name": STEP_FAIL,
        "Type": "Fail",
        "Arguments": {
            "ErrorMessage": join(" ", ["Test MSE is above MseThreshold", parameter(PARAM_MSE_THRESHOLD), "- the model was not registered."])
        },
    }


def condition_step(contract: PlatformContract, project: str) -> dict[str, Any]:
    return {
        "Name": STEP_CHECK,
        "Type": "Condition",
        "Description": f"Register only if {MSE_JSON_PATH} <= MseThreshold.",
        "Arguments": {
            "Conditions": [
                {
                    "Type": "LessThanOrEqualTo",
                    "LeftValue": json_get(STEP_EVALUATE, PROPERTY_FILE, MSE_JSON_PATH),
                    "RightValue": parameter(PARAM_MSE_THRESHOLD),
                }
            ],
            "IfSteps": [register_step(contract, project)],
            "ElseSteps": [fail_step()],
        },
    }


def parameters(contract: PlatformContract, settings: PipelineSettings) -> list[dict[str, Any]]:
    """What an execution may override (StartPipelineExecution PipelineParameters)."""
    return [
        {"Name": PARAM_PROCESSING_INSTANCE, "Type": "String", "DefaultValue": settings.processing_instance_type},
        {"Name": PARAM_TRAINING_INSTANCE, "Type": "String", "DefaultValue": settings.training_instance_type},
        {"Name": PARAM_INPUT_DATA, "Type": "String", "DefaultValue": default_input_uri(contract, settings.project)},
        {"Name": PARAM_MSE_THRESHOLD, "Type": "Float", "DefaultValue": settings.mse_threshold},
        {"Name": PARAM_MODEL_PACKAGE_GROUP, "Type": "String", "DefaultValue": model_package_group_name(contract, settings)},
    ]


def build_definition(contract: PlatformContract, settings: PipelineSettings) -> dict[str, Any]:
    """The whole definition; the order of ``Steps`` is the order of execution."""
    project = settings.project
    return {
        "Version": DEFINITION_VERSION,
        "Metadata": {},
        "Parameters": parameters(contract, settings),
        "Steps": [
            preprocess_step(contract, project),
            train_step(contract, project),
            evaluate_step(contract, project),
            condition_step(contract, project),
        ],
    }


def definition_json(definition: dict[str, Any], *, indent: int | None = None) -> str:
    """Serialised as CreatePipeline's ``PipelineDefinition`` (compact) or for reading (indent)."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(definition, indent=indent, separators=separators)
