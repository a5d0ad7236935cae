"""The SageMaker Pipeline of the abalone model build, written with the SageMaker Python SDK.

preprocess (Processing, scikit-learn image) -> train (Training, built-in XGBoost) -> evaluate
(Processing, XGBoost image, property file ``EvaluationReport``) -> condition (test MSE <=
``MseThreshold``) -> register (``PendingManualApproval``) or fail.

``build_pipeline`` returns the SDK's ``Pipeline``; ``pipeline.definition()`` is the JSON that
CreatePipeline receives. It is built from the platform contract alone, offline and
deterministically: the SDK runs in an ``OfflinePipelineSession`` whose AWS requests are refused
(the Processing scripts are uploaded by ``run_pipeline`` beforehand, to content-addressed keys,
see ``scripts``), with the SDK's telemetry off and no SDK defaults file read.

What the platform's guardrails check is set once, in ``JobGuardrails`` (from the contract), and
given to every job: the environment's private subnets and SageMaker security group,
inter-container traffic encryption, network isolation (the scripts and the built-in algorithm
need no network: SageMaker moves the S3 data), the volume key (the ebs key), the output key (the
data key) and the job role. Every S3 location is under the environment's data or models bucket.

Packages: with job requirements (``job_packages``), ``PipelineSettings.wheelhouse_uri`` names the
wheels ``run_pipeline`` put in S3; each Processing job then gets them as the input ``packages`` and
runs its script through ``install_packages.py`` (offline install into a directory of its own, the
installed packages recorded as the output ``packages``). Without requirements the definition has
none of this.

Roles: the pipeline runs as the contract's pipeline role, which creates the jobs; each job runs
as its job role (for a project the platform set up, the project's own two roles, see
``project_registration``). The platform lets a pipeline role pass only its job role
(``iam:PassRole``), so a job naming the pipeline role would be denied.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from sagemaker import image_uris
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.network import NetworkConfig
from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionLessThanOrEqualTo
from sagemaker.workflow.entities import PipelineVariable
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

from abalone_build import hyperparameters, install_packages
from abalone_build.contract import PlatformContract
from abalone_build.evaluate import REPORT_FILE
from abalone_build.scripts import EVALUATE, PREPROCESS, ProcessingScript, script_uri

STEP_PREPROCESS = "PreprocessAbaloneData"
STEP_TRAIN = "TrainAbaloneModel"
STEP_EVALUATE = "EvaluateAbaloneModel"
STEP_CHECK = "CheckMseThreshold"
# ModelStep names its CreateModelPackage step "<name>-RegisterModel".
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
# The default of MseThreshold: measured with the hyperparameters, kept beside them.
DEFAULT_MSE_THRESHOLD = hyperparameters.REGISTRATION_MSE_THRESHOLD
VOLUME_SIZE_GB = 30
MAX_RUNTIME_SECONDS = 3600

# The SageMaker-provided images (image_uris.retrieve): built-in XGBoost trains the model, runs the
# evaluation (the xgboost that trained the model reads it) and serves it; scikit-learn runs the
# preprocessing script.
XGBOOST_VERSION = "1.7-1"
SKLEARN_VERSION = "1.2-1"

# Container paths. ScriptProcessor mounts the script at /opt/ml/processing/input/code/; the
# scripts take "the one CSV" directly inside their input directory, so the code beside it is no
# candidate.
PROCESSING_ROOT = "/opt/ml/processing"
SPLITS = ("train", "validation", "test")
# With job requirements: the input holding the wheels and the output recording what was installed.
PACKAGES = "packages"
INSTALLER_FILE = Path(install_packages.__file__).name
TRAINING_CHANNELS = ("train", "validation")

# The SDK defaults config that turns its telemetry off (see OfflinePipelineSession).
TELEMETRY_OFF: dict[str, Any] = {
    "SchemaVersion": "1.0",
    "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}},
}

# The SageMaker project name rule (CreateProject ProjectName): names derive from it.
PROJECT_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
# CreateModelPackageGroup ModelPackageGroupName.
GROUP_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


class DefinitionError(ValueError):
    """A setting cannot produce a valid pipeline (the message names it and the rule)."""


class OfflineBuildError(RuntimeError):
    """The SDK tried to call AWS while the definition was built (it must not)."""


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
    # s3://<models bucket>/<project>/code/packages/<digest>/ when the jobs have requirements.
    wheelhouse_uri: str | None = None

    def __post_init__(self) -> None:
        validate_project(self.project)
        if self.wheelhouse_uri is not None and not self.wheelhouse_uri.startswith("s3://"):
            raise DefinitionError(f"wheelhouse {self.wheelhouse_uri!r} is not an s3:// URI")
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


@dataclass(frozen=True)
class JobGuardrails:
    """What the platform requires of every training and processing job, from the contract, once."""

    role_arn: str
    network: NetworkConfig
    volume_kms_key: str
    output_kms_key: str

    @classmethod
    def from_contract(cls, contract: PlatformContract) -> JobGuardrails:
        network = NetworkConfig(
            enable_network_isolation=True,
            security_group_ids=[contract.security_group_id],
            subnets=list(contract.subnet_ids),
            encrypt_inter_container_traffic=True,
        )
        return cls(contract.sagemaker_execution_role_arn, network, contract.ebs_key_arn, contract.data_key_arn)

    def processor_kwargs(self) -> dict[str, Any]:
        return {
            "role": self.role_arn,
            "network_config": self.network,
            "volume_kms_key": self.volume_kms_key,
            "output_kms_key": self.output_kms_key,
        }

    def estimator_kwargs(self) -> dict[str, Any]:
        """The same settings in the ``Estimator``'s terms."""
        return {
            "role": self.role_arn,
            "subnets": self.network.subnets,
            "security_group_ids": self.network.security_group_ids,
            "enable_network_isolation": self.network.enable_network_isolation,
            "encrypt_inter_container_traffic": self.network.encrypt_inter_container_traffic,
            "volume_kms_key": self.volume_kms_key,
            "output_kms_key": self.output_kms_key,
        }


def _refuse_request(event_name: str, **_: Any) -> None:
    raise OfflineBuildError(
        f"the SageMaker SDK tried to call AWS ({event_name}) while building the pipeline definition; "
        "the definition must be built from the platform contract alone"
    )


class OfflinePipelineSession(PipelineSession):
    """A ``PipelineSession`` in ``region`` that cannot reach AWS and reads no SDK defaults.

    * Every request its clients would send is refused (``OfflineBuildError``) before it leaves
      the process. Its credentials are static placeholders so that boto3 searches no credential
      provider; no request is ever signed with them.
    * Its SDK defaults config is empty: no config file of the machine is read or merged, so the
      definition is the same on every machine.
    * ``telemetry_off()``: the SDK reports some calls (``Estimator.fit``) over HTTPS to an AWS
      telemetry endpoint unless the config says ``TelemetryOptOut``. The config holds that one
      setting only while such a call runs, because the SDK validates a non-empty config against
      its JSON schema at each of its ~60 config lookups per build (a build then takes 6-11 s
      instead of 1 s on a 2-core machine).
    """

    def __init__(self, region: str) -> None:
        boto_session = boto3.Session(
            region_name=region,
            aws_access_key_id="offline-build",
            aws_secret_access_key="offline-build",  # noqa: S106 - no secret: requests are refused before sending
        )
        boto_session.events.register("before-send", _refuse_request)
        super().__init__(boto_session=boto_session, sagemaker_config=TELEMETRY_OFF)
        self.sagemaker_config: dict[str, Any] = {}

    @contextmanager
    def telemetry_off(self) -> Iterator[None]:
        self.sagemaker_config = TELEMETRY_OFF
        try:
            yield
        finally:
            self.sagemaker_config = {}


def _image_uri(framework: str, region: str, version: str, **kwargs: str) -> str:
    try:
        uri: str = image_uris.retrieve(framework, region, version=version, **kwargs)
    except ValueError as error:
        raise DefinitionError(f"no SageMaker {framework} {version} image for region {region!r}: {error}") from None
    return uri


def xgboost_image_uri(region: str) -> str:
    """Built-in XGBoost 1.7-1: trains the model, runs the evaluation script, serves the model."""
    return _image_uri("xgboost", region, XGBOOST_VERSION)


def sklearn_image_uri(region: str) -> str:
    """scikit-learn 1.2-1 (Python 3, CPU, with numpy): runs the preprocessing script."""
    return _image_uri("sklearn", region, SKLEARN_VERSION, py_version="py3", instance_type=DEFAULT_INSTANCE_TYPE)


@dataclass(frozen=True)
class Parameters:
    """The pipeline parameters: what an execution may override (StartPipelineExecution)."""

    processing_instance_type: ParameterString
    training_instance_type: ParameterString
    input_data_url: ParameterString
    mse_threshold: ParameterFloat
    model_package_group_name: ParameterString

    @classmethod
    def defaults(cls, contract: PlatformContract, settings: PipelineSettings) -> Parameters:
        return cls(
            ParameterString(PARAM_PROCESSING_INSTANCE, default_value=settings.processing_instance_type),
            ParameterString(PARAM_TRAINING_INSTANCE, default_value=settings.training_instance_type),
            ParameterString(PARAM_INPUT_DATA, default_value=default_input_uri(contract, settings.project)),
            ParameterFloat(PARAM_MSE_THRESHOLD, default_value=settings.mse_threshold),
            ParameterString(PARAM_MODEL_PACKAGE_GROUP, default_value=model_package_group_name(contract, settings)),
        )

    def as_list(self) -> list[ParameterString | ParameterFloat]:
        return [
            self.processing_instance_type,
            self.training_instance_type,
            self.input_data_url,
            self.mse_threshold,
            self.model_package_group_name,
        ]


@dataclass(frozen=True)
class _Build:
    """Everything the steps are made of."""

    contract: PlatformContract
    project: str
    session: OfflinePipelineSession
    guardrails: JobGuardrails
    parameters: Parameters
    wheelhouse_uri: str | None = None

    def run_prefix(self, bucket: str, step: str) -> Join:
        """``s3://<bucket>/<project>/runs/<execution id>/<step>``: one prefix per execution and step."""
        return Join(
            on="/", values=[f"s3://{bucket}/{self.project}/runs", ExecutionVariables.PIPELINE_EXECUTION_ID, step]
        )

    def processor(self, image_uri: str) -> ScriptProcessor:
        """A ``python3 <script>`` Processing job inside the guardrails (``python3 <installer>
        <script>`` with packages)."""
        installer = [f"{install_packages.WHEELHOUSE}/{INSTALLER_FILE}"] if self.wheelhouse_uri else []
        return ScriptProcessor(
            image_uri=image_uri,
            command=["python3", *installer],
            instance_type=self.parameters.processing_instance_type,
            instance_count=1,
            volume_size_in_gb=VOLUME_SIZE_GB,
            max_runtime_in_seconds=MAX_RUNTIME_SECONDS,
            sagemaker_session=self.session,
            **self.guardrails.processor_kwargs(),
        )

    def code(self, script: ProcessingScript) -> str:
        """The script's S3 URI (``run_pipeline`` uploads it there before the pipeline is published)."""
        return script_uri(self.contract, self.project, script)

    def packages_input(self) -> list[ProcessingInput]:
        """The wheelhouse, if the jobs have packages."""
        if not self.wheelhouse_uri:
            return []
        return [
            ProcessingInput(source=self.wheelhouse_uri, destination=install_packages.WHEELHOUSE, input_name=PACKAGES)
        ]

    def packages_report(self, bucket: str, step: str) -> list[ProcessingOutput]:
        """What the installer installed and imported (``installed.json``), if the jobs have packages."""
        if not self.wheelhouse_uri:
            return []
        destination = self.run_prefix(bucket, f"{step}/{PACKAGES}")
        return [ProcessingOutput(output_name=PACKAGES, source=install_packages.REPORT_DIR, destination=destination)]


def _processing_dir(name: str) -> str:
    return f"{PROCESSING_ROOT}/{name}"


def preprocess_step(build: _Build) -> ProcessingStep:
    step_args = build.processor(sklearn_image_uri(build.contract.region)).run(
        code=build.code(PREPROCESS),
        inputs=[
            ProcessingInput(
                source=build.parameters.input_data_url, destination=_processing_dir("input"), input_name="input-data"
            ),
            *build.packages_input(),
        ],
        outputs=[
            *(
                ProcessingOutput(
                    output_name=split,
                    source=_processing_dir(split),
                    destination=build.run_prefix(build.contract.data_bucket, f"preprocess/{split}"),
                )
                for split in SPLITS
            ),
            *build.packages_report(build.contract.data_bucket, "preprocess"),
        ],
        arguments=["--input", _processing_dir("input"), "--output-dir", PROCESSING_ROOT],
    )
    return ProcessingStep(
        name=STEP_PREPROCESS,
        step_args=step_args,
        description="One-hot encode Sex and split the abalone data 70/15/15 (seeded).",
    )


def _processing_output_uri(step: ProcessingStep, output: str) -> Any:
    return step.properties.ProcessingOutputConfig.Outputs[output].S3Output.S3Uri


def train_step(build: _Build, preprocess: ProcessingStep) -> TrainingStep:
    """The built-in XGBoost algorithm (no script to ship), on the preprocess step's splits."""
    settings: dict[str, str | PipelineVariable] = {**hyperparameters.as_sagemaker_hyperparameters()}
    estimator = Estimator(
        image_uri=xgboost_image_uri(build.contract.region),
        instance_type=build.parameters.training_instance_type,
        instance_count=1,
        volume_size=VOLUME_SIZE_GB,
        max_run=MAX_RUNTIME_SECONDS,
        output_path=build.run_prefix(build.contract.models_bucket, "train"),
        hyperparameters=settings,
        # No Debugger or Profiler: they would add their own S3 outputs and rule jobs.
        debugger_hook_config=False,
        disable_profiler=True,
        sagemaker_session=build.session,
        **build.guardrails.estimator_kwargs(),
    )
    channels = {
        channel: TrainingInput(s3_data=_processing_output_uri(preprocess, channel), content_type="text/csv")
        for channel in TRAINING_CHANNELS
    }
    with build.session.telemetry_off():
        step_args = estimator.fit(inputs=channels)
    return TrainingStep(
        name=STEP_TRAIN,
        step_args=step_args,
        description=f"Built-in XGBoost {XGBOOST_VERSION}, the hyperparameters of abalone_build.hyperparameters.",
    )


def evaluation_report() -> PropertyFile:
    return PropertyFile(name=PROPERTY_FILE, output_name="evaluation", path=REPORT_FILE)


def evaluate_step(
    build: _Build, preprocess: ProcessingStep, train: TrainingStep, report: PropertyFile
) -> ProcessingStep:
    """Runs evaluate.py in the XGBoost image (the xgboost that trained the model reads it)."""
    step_args = build.processor(xgboost_image_uri(build.contract.region)).run(
        code=build.code(EVALUATE),
        inputs=[
            ProcessingInput(
                source=train.properties.ModelArtifacts.S3ModelArtifacts,
                destination=_processing_dir("model"),
                input_name="model",
            ),
            ProcessingInput(
                source=_processing_output_uri(preprocess, "test"),
                destination=_processing_dir("test"),
                input_name="test",
            ),
            *build.packages_input(),
        ],
        outputs=[
            ProcessingOutput(
                output_name="evaluation",
                source=_processing_dir("evaluation"),
                destination=build.run_prefix(build.contract.models_bucket, "evaluation"),
            ),
            *build.packages_report(build.contract.models_bucket, "evaluate"),
        ],
        arguments=[
            "--model",
            _processing_dir("model"),
            "--test",
            _processing_dir("test"),
            "--output-dir",
            _processing_dir("evaluation"),
        ],
    )
    return ProcessingStep(
        name=STEP_EVALUATE,
        step_args=step_args,
        property_files=[report],
        description="Test-split MSE/RMSE of the trained model, as a model-quality report.",
    )


def register_step(build: _Build, train: TrainingStep, evaluate: ProcessingStep, report: PropertyFile) -> ModelStep:
    """A new version in the group, waiting for a lead's approval, with the evaluation report as its
    model-quality metrics and the archive's SHA-256 as the evaluation measured it.

    The approval status is fixed, not a parameter: the platform denies registering a package
    as Approved, and approval belongs to the registry, not to the pipeline.
    """
    model = Model(
        image_uri=xgboost_image_uri(build.contract.region),
        model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
        sagemaker_session=build.session,
    )
    report_uri = Join(on="/", values=[_processing_output_uri(evaluate, "evaluation"), REPORT_FILE])
    step_args = model.register(
        model_package_group_name=build.parameters.model_package_group_name,
        description=f"Abalone XGBoost model of project {build.project}",
        approval_status=APPROVAL_STATUS,
        content_types=["text/csv"],
        response_types=["text/csv"],
        inference_instances=["ml.t2.medium", "ml.m5.large"],
        transform_instances=["ml.m5.large"],
        model_metrics=ModelMetrics(model_statistics=MetricsSource(s3_uri=report_uri, content_type="application/json")),
        customer_metadata_properties={
            MODEL_DIGEST_KEY: JsonGet(step_name=evaluate.name, property_file=report, json_path=MODEL_DIGEST_JSON_PATH)
        },
    )
    return ModelStep(
        name=STEP_REGISTER,
        step_args=step_args,
        description="Register the model, with its evaluation report, as PendingManualApproval.",
    )


def fail_step(mse: JsonGet, threshold: ParameterFloat) -> FailStep:
    """Ends the execution as Failed, so a model that missed the bar is visible as such."""
    return FailStep(
        name=STEP_FAIL,
        error_message=Join(
            on=" ", values=["Test MSE", mse, "is above MseThreshold", threshold, "- the model was not registered."]
        ),
    )


def condition_step(build: _Build, train: TrainingStep, evaluate: ProcessingStep, report: PropertyFile) -> ConditionStep:
    mse = JsonGet(step_name=evaluate.name, property_file=report, json_path=MSE_JSON_PATH)
    threshold = build.parameters.mse_threshold
    return ConditionStep(
        name=STEP_CHECK,
        description=f"Register only if {MSE_JSON_PATH} <= MseThreshold.",
        conditions=[
            # JsonGet is a documented condition operand; the SDK's annotation of `left` omits it.
            ConditionLessThanOrEqualTo(left=mse, right=threshold)  # type: ignore[arg-type]
        ],
        if_steps=[register_step(build, train, evaluate, report)],
        else_steps=[fail_step(mse, threshold)],
    )


def build_pipeline(contract: PlatformContract, settings: PipelineSettings, name: str | None = None) -> Pipeline:
    """The SDK ``Pipeline``; ``definition()`` gives the JSON. No AWS call is made."""
    build = _Build(
        contract=contract,
        project=settings.project,
        session=OfflinePipelineSession(contract.region),
        guardrails=JobGuardrails.from_contract(contract),
        parameters=Parameters.defaults(contract, settings),
        wheelhouse_uri=settings.wheelhouse_uri,
    )
    report = evaluation_report()
    preprocess = preprocess_step(build)
    train = train_step(build, preprocess)
    evaluate = evaluate_step(build, preprocess, train, report)
    return Pipeline(
        name=name or default_name(contract, settings.project),
        parameters=build.parameters.as_list(),
        steps=[preprocess, train, evaluate, condition_step(build, train, evaluate, report)],
        sagemaker_session=build.session,
        # No SageMaker Experiments entities per execution: the pipeline creates its jobs and the
        # model package, nothing else.
        pipeline_experiment_config=None,
    )


def build_definition(contract: PlatformContract, settings: PipelineSettings) -> dict[str, Any]:
    """The definition as a dict (what CreatePipeline receives, parsed)."""
    definition: dict[str, Any] = json.loads(build_pipeline(contract, settings).definition())
    return definition


def definition_json(definition: dict[str, Any], *, indent: int | None = None) -> str:
    """Serialised as CreatePipeline's ``PipelineDefinition`` (compact) or for reading (indent)."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(definition, indent=indent, separators=separators)
