"""A Training step: CreateTrainingJob, then the job run as SageMaker runs the built-in XGBoost image.

Only the built-in XGBoost algorithm runs (an image of the repository `sagemaker-xgboost`, any
account or tag); any other image fails the job with a FailureReason saying so. The channels are
copied from S3 to `/opt/ml/input/data/<channel>` by the job role's session (from inside the job's
VPC when it has one), the hyperparameters and channel configuration written where the container
reads them, and the algorithm (xgboost_algorithm.py) run in the job's own mount namespace. Its
`/opt/ml/model` becomes `<S3OutputPath>/<job name>/output/model.tar.gz` (OutputDataConfig's KMS
key); FinalMetricDataList holds each metric's last logged value (`train:rmse`, `validation:rmse`, ...).
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

from orchestrator.emulator.extensions.pipelines import sandbox, xgboost_algorithm
from orchestrator.emulator.extensions.pipelines.data import download_prefix, upload_file
from orchestrator.emulator.extensions.pipelines.jobs import (
    JobKind,
    Run,
    StepFailed,
    StepResult,
    finished_well,
    job_failures,
    max_runtime,
    moto_job,
    run_job_step,
)
from orchestrator.emulator.extensions.pipelines.service import RoleSession

TRAINING = JobKind("training", "TrainingJob")
XGBOOST_REPOSITORY = "sagemaker-xgboost"
# The algorithm's log line of a round, and one metric in it: [12]#011train-rmse:2.1#011validation-rmse:2.3
_ROUND = re.compile(r"^\[\d+\]#011(.*)$")
_METRIC = re.compile(r"(?P<channel>[a-z]+)-(?P<metric>[A-Za-z0-9@_.-]+?):(?P<value>[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)")


def repository_of(image: str) -> str:
    """`<registry>/<repository>:<tag>` or `...@sha256:...` -> the repository."""
    path = image.split("/", 1)[1] if "/" in image else image
    return path.split("@", 1)[0].rsplit(":", 1)[0]


def check_image(arguments: dict[str, Any]) -> None:
    spec = arguments.get("AlgorithmSpecification") or {}
    image = str(spec.get("TrainingImage") or "")
    if repository_of(image) != XGBOOST_REPOSITORY:
        what = f"image {image}" if image else f"algorithm {spec.get('AlgorithmName')}"
        raise StepFailed(
            f"ClientError: the emulator runs only the built-in XGBoost algorithm (repository {XGBOOST_REPOSITORY}); {what} is not run here"
        )
    if spec.get("TrainingInputMode", "File") not in ("File", "FastFile"):
        raise StepFailed(
            f"ClientError: TrainingInputMode {spec.get('TrainingInputMode')} is not run by the emulator (File only)"
        )


def final_metrics(output: str) -> dict[str, float]:
    """Each metric's value on the last round that logged it, named as SageMaker names it."""
    metrics: dict[str, float] = {}
    for line in output.splitlines():
        match = _ROUND.match(line.strip())
        if match:
            for metric in _METRIC.finditer(match.group(1)):
                metrics[f"{metric.group('channel')}:{metric.group('metric')}"] = float(metric.group("value"))
    return metrics


def _prepare(s3: Any, arguments: dict[str, Any], directory: Path) -> None:
    config = directory / "input" / "config"
    config.mkdir(parents=True, exist_ok=True)
    channels: dict[str, Any] = {}
    for channel in arguments.get("InputDataConfig") or []:
        name = str(channel["ChannelName"])
        source = (channel.get("DataSource") or {}).get("S3DataSource")
        if source is None or source.get("S3DataType", "S3Prefix") != "S3Prefix":
            raise StepFailed(
                f"ClientError: channel {name}: only an S3DataSource of type S3Prefix is run by the emulator"
            )
        download_prefix(s3, str(source["S3Uri"]), directory / "input" / "data" / name)
        channels[name] = {
            "ContentType": channel.get("ContentType", "text/csv"),
            "TrainingInputMode": "File",
            "S3DistributionType": source.get("S3DataDistributionType", "FullyReplicated"),
        }
    (config / "inputdataconfig.json").write_text(json.dumps(channels))
    (config / "hyperparameters.json").write_text(json.dumps(arguments.get("HyperParameters") or {}))
    (config / "resourceconfig.json").write_text(json.dumps({"current_host": "algo-1", "hosts": ["algo-1"]}))


def _archive(directory: Path, archive: Path) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted((directory / "model").rglob("*")):
            if path.is_file():
                tar.add(path, arcname=path.relative_to(directory / "model").as_posix())


def run_job(job: RoleSession, arguments: dict[str, Any], name: str, work: Path) -> dict[str, float]:
    """Channels in, the algorithm run, model.tar.gz out; returns the final metrics."""
    directory = sandbox.job_directory(work)
    s3 = job.client("s3")
    algorithm = [sys.executable, str(Path(xgboost_algorithm.__file__).resolve())]
    with job_failures():
        _prepare(s3, arguments, directory)
        finished = sandbox.run(
            work,
            algorithm,
            {"PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"},
            max_runtime(arguments),
            bool(arguments.get("EnableNetworkIsolation")),
        )
        finished_well(finished, directory / "output" / "failure")
        archive = work / "model.tar.gz"
        _archive(directory, archive)
        output = arguments.get("OutputDataConfig") or {}
        upload_file(s3, archive, model_artifacts_uri(output, name), output.get("KmsKeyId"))
    return final_metrics(finished.output)


def model_artifacts_uri(output_config: dict[str, Any], name: str) -> str:
    return f"{str(output_config.get('S3OutputPath', '')).rstrip('/')}/{name}/output/model.tar.gz"


def _record_results(run: Run, name: str, arguments: dict[str, Any], metrics: dict[str, float]) -> None:
    from moto.core.utils import utcnow  # noqa: PLC0415

    record = moto_job(run, "training", name)
    now = utcnow()
    record.model_artifacts = {"S3ModelArtifacts": model_artifacts_uri(arguments.get("OutputDataConfig") or {}, name)}
    record.final_metric_data_list = [
        {"MetricName": metric, "Value": value, "Timestamp": now} for metric, value in sorted(metrics.items())
    ]
    record.algorithm_specification = dict(arguments.get("AlgorithmSpecification") or {})


def run_step(run: Run, step_name: str, arguments: dict[str, Any]) -> StepResult:
    # A parameter of type Integer or Float in HyperParameters is sent as its text, as SageMaker does.
    arguments = {
        **arguments,
        "HyperParameters": {str(k): str(v) for k, v in (arguments.get("HyperParameters") or {}).items()},
    }

    def body(job: RoleSession, name: str, work: Path) -> None:
        check_image(arguments)
        metrics = run_job(job, arguments, name, work)
        _record_results(run, name, arguments, metrics)
        run.log(f"training job {name} final metrics {metrics}")

    return run_job_step(run, TRAINING, step_name, arguments, arguments.get("VpcConfig"), body)
