"""SageMaker Model Monitor: what an endpoint's data-quality monitoring needs of the emulator.

- The monitoring schedule API (Create/Describe/List/Update/DeleteMonitoringSchedule) does not exist in
  moto 5.2.5. Here a schedule is kept on the region's SageMaker backend (so it is persisted with it;
  its tags are not kept), with the checks SageMaker makes: a unique name, a cron expression Model Monitor accepts, an existing
  data-quality job definition whose endpoint exists and captures data.
- A processing job with the Model Monitor analyzer image (`…/sagemaker-model-monitor-analyzer`) is
  recorded by moto as Completed at once, having done nothing. Here it runs as SageMaker runs it: as
  its role, from its VPC (pipelines/service.py), its dataset copied in, the baseline — statistics.json
  and constraints.json in the analyzer's format, computed from the CSV dataset — copied out with the
  job's output key; it is InProgress until then, and Failed with the reason when it cannot be done.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import threading
from pathlib import Path
from typing import Any

ANALYZER_REPOSITORY = "sagemaker-model-monitor-analyzer"
STATISTICS_FILE = "statistics.json"
CONSTRAINTS_FILE = "constraints.json"
# Model Monitor runs hourly or daily: cron(0 * ? * * *), cron(0 */N ? * * *), cron(0 H ? * * *).
_SCHEDULE = re.compile(r"^cron\(0 (\*|\*/([1-9]|1[0-2])|([01]?[0-9]|2[0-3])) \? \* \* \*\)$")
_HISTOGRAM_BUCKETS = 10


# --------------------------------------------------------------------------------------------
# The analyzer's baseline: statistics and constraints of a CSV dataset
# --------------------------------------------------------------------------------------------


def _kind(values: list[str]) -> str:
    """The analyzer's inferred_type of a column's present values."""
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        return "String"
    return (
        "Integral"
        if all(n.is_integer() and "." not in v for n, v in zip(numbers, values, strict=True))
        else "Fractional"
    )


def _histogram(numbers: list[float]) -> list[dict[str, float]]:
    low, high = min(numbers), max(numbers)
    width = (high - low) / _HISTOGRAM_BUCKETS or 1.0
    counts = [0] * _HISTOGRAM_BUCKETS
    for n in numbers:
        counts[min(int((n - low) / width), _HISTOGRAM_BUCKETS - 1)] += 1
    return [
        {"lower_bound": low + i * width, "upper_bound": low + (i + 1) * width, "count": float(c)}
        for i, c in enumerate(counts)
    ]


def _feature_statistics(name: str, column: list[str]) -> dict[str, Any]:
    present = [v for v in column if v.strip() != ""]
    kind = _kind(present) if present else "Unknown"
    common = {"num_present": len(present), "num_missing": len(column) - len(present)}
    feature: dict[str, Any] = {"name": name, "inferred_type": kind}
    if kind in ("Integral", "Fractional"):
        numbers = [float(v) for v in present]
        mean = math.fsum(numbers) / len(numbers)
        feature["numerical_statistics"] = {
            "common": common,
            "mean": mean,
            "sum": math.fsum(numbers),
            "std_dev": math.sqrt(math.fsum((n - mean) ** 2 for n in numbers) / len(numbers)),
            "min": min(numbers),
            "max": max(numbers),
            "distribution": {"kll": {"buckets": _histogram(numbers)}},
        }
    else:
        feature["string_statistics"] = {"common": common, "distinct_count": float(len(set(present)))}
    return feature


def _feature_constraints(feature: dict[str, Any], items: int) -> dict[str, Any]:
    statistics = feature.get("numerical_statistics") or feature.get("string_statistics") or {}
    present = statistics.get("common", {}).get("num_present", 0)
    constraint: dict[str, Any] = {
        "name": feature["name"],
        "inferred_type": feature["inferred_type"],
        "completeness": present / items if items else 0.0,
    }
    if "numerical_statistics" in feature:
        constraint["num_constraints"] = {"is_non_negative": feature["numerical_statistics"]["min"] >= 0}
    return constraint


def baseline(rows: list[list[str]], header: list[str] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """statistics.json and constraints.json of a dataset, as the analyzer writes them."""
    if not rows:
        raise ValueError("the baseline dataset has no data rows")
    width = len(header) if header else len(rows[0])
    names = header or [f"_c{index}" for index in range(width)]
    ragged = [number for number, row in enumerate(rows, start=2 if header else 1) if len(row) != width]
    if ragged:
        raise ValueError(f"rows {ragged[:5]} do not have {width} columns")
    features = [_feature_statistics(name, [row[i] for row in rows]) for i, name in enumerate(names)]
    statistics = {"version": 0.0, "dataset": {"item_count": len(rows)}, "features": features}
    constraints = {
        "version": 0.0,
        "features": [_feature_constraints(f, len(rows)) for f in features],
        "monitoring_config": {
            "evaluate_constraints": "Enabled",
            "emit_metrics": "Enabled",
            "datatype_check_threshold": 1.0,
            "domain_content_threshold": 1.0,
            "distribution_constraints": {
                "perform_comparison": "Enabled",
                "comparison_threshold": 0.1,
                "comparison_method": "Robust",
            },
        },
    }
    return statistics, constraints


def _csv_header(environment: dict[str, Any]) -> bool:
    """Whether the dataset's CSV files start with a header (the `dataset_format` environment variable)."""
    try:
        fmt = json.loads(str(environment.get("dataset_format") or "{}"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"dataset_format {environment.get('dataset_format')!r} is not JSON") from exc
    if "csv" not in fmt:
        raise ValueError(f"dataset_format {fmt} is not csv: the emulator's analyzer reads CSV datasets only")
    return bool((fmt.get("csv") or {}).get("header"))


def analyze_directory(dataset: Path, output: Path, environment: dict[str, Any]) -> int:
    """The analyzer's baseline run on local directories; returns the number of rows analyzed."""
    header_first = _csv_header(environment)
    header: list[str] | None = None
    rows: list[list[str]] = []
    for path in sorted(p for p in dataset.rglob("*") if p.is_file()):
        lines = [row for row in csv.reader(io.StringIO(path.read_text())) if row]
        if header_first and lines:
            header = header or [c.strip() for c in lines[0]]
            lines = lines[1:]
        rows += lines
    statistics, constraints = baseline(rows, header)
    output.mkdir(parents=True, exist_ok=True)
    (output / STATISTICS_FILE).write_text(json.dumps(statistics, indent=2))
    (output / CONSTRAINTS_FILE).write_text(json.dumps(constraints, indent=2))
    return len(rows)


def is_analyzer_image(image_uri: str) -> bool:
    return image_uri.split("@")[0].split(":")[0].rsplit("/", 1)[-1] == ANALYZER_REPOSITORY


# --------------------------------------------------------------------------------------------
# Baseline processing jobs run
# --------------------------------------------------------------------------------------------


def _run_baseline(job_arn: str, arguments: dict[str, Any]) -> None:
    """The analyzer job, as its role from its VPC: dataset in, baseline computed, baseline out."""
    from orchestrator.emulator.extensions.pipelines import sandbox  # noqa: PLC0415
    from orchestrator.emulator.extensions.pipelines.jobs import (  # noqa: PLC0415
        Run,
        StepFailed,
        job_failures,
        job_session,
        running,
    )
    from orchestrator.emulator.extensions.pipelines.processing import (  # noqa: PLC0415
        PROCESSING_ROOT,
        download_inputs,
        upload_outputs,
    )

    name = job_arn.rsplit("/", 1)[-1]
    run = Run(execution_arn=job_arn, execution_id=name, pipeline=None)  # type: ignore[arg-type]  # no pipeline
    environment = dict(arguments.get("Environment") or {})
    try:
        with running(run, "processing", name, {}) as work:
            vpc = (arguments.get("NetworkConfig") or {}).get("VpcConfig")
            s3 = job_session(run, str(arguments["RoleArn"]), job_arn, vpc).client("s3")
            directory = sandbox.job_directory(work)
            with job_failures():
                download_inputs(s3, list(arguments.get("ProcessingInputs") or []), directory)
                source = str(environment.get("dataset_source") or f"{PROCESSING_ROOT}/input")
                target = str(environment.get("output_path") or f"{PROCESSING_ROOT}/output")
                try:
                    count = analyze_directory(
                        directory / Path(source).relative_to("/opt/ml"),
                        directory / Path(target).relative_to("/opt/ml"),
                        environment,
                    )
                except (ValueError, OSError) as exc:
                    raise StepFailed(f"AlgorithmError: the baseline could not be computed: {exc}") from exc
                upload_outputs(s3, dict(arguments.get("ProcessingOutputConfig") or {}), directory)
            run.log(f"model monitor baseline {name}: {count} rows analyzed")
    except StepFailed:
        return  # the job is Failed with its reason (running())


def baseline_jobs_run_the_analyzer() -> None:
    """CreateProcessingJob with the Model Monitor analyzer image: the job is InProgress and runs in a
    thread of the emulator (`_run_baseline`) until it is Completed or Failed. Other processing jobs
    (a pipeline's, which run their own steps) are unchanged."""
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    original = SageMakerResponse.create_processing_job

    def create_processing_job(self: SageMakerResponse) -> Any:
        answer = original(self)
        params = self._get_params()
        if not is_analyzer_image(str((params.get("AppSpecification") or {}).get("ImageUri", ""))):
            return answer
        job = self.sagemaker_backend.processing_jobs[params["ProcessingJobName"]]
        job.processing_job_status = "InProgress"
        threading.Thread(
            target=_run_baseline, args=(str(job.arn), params), daemon=True, name=f"baseline-{job.arn}"
        ).start()
        return answer

    create_processing_job.__wrapped__ = original  # type: ignore[attr-defined]  # moto's own, for offline tests of stock moto
    SageMakerResponse.create_processing_job = create_processing_job  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------
# Monitoring schedules
# --------------------------------------------------------------------------------------------


def _schedules(backend: Any) -> dict[str, dict[str, Any]]:
    from orchestrator.emulator.extensions.sagemaker import _store  # noqa: PLC0415

    return _store(backend, "monitoring_schedules")


def _checked_config(backend: Any, config: dict[str, Any]) -> str:
    """The endpoint a schedule's configuration monitors, after SageMaker's checks."""
    from moto.sagemaker.exceptions import ValidationError  # noqa: PLC0415

    expression = str((config.get("ScheduleConfig") or {}).get("ScheduleExpression", ""))
    if not _SCHEDULE.match(expression):
        raise ValidationError(
            message=f"Invalid ScheduleExpression {expression!r}: Model Monitor schedules are hourly or daily, "
            "e.g. cron(0 * ? * * *) or cron(0 8 ? * * *)"
        )
    name = config.get("MonitoringJobDefinitionName")
    if config.get("MonitoringType", "DataQuality") != "DataQuality" or not name:
        raise ValidationError(
            message="The emulator keeps DataQuality schedules that name a MonitoringJobDefinitionName"
        )
    definition = backend.data_quality_job_definitions.get(name)
    if definition is None:
        raise ValidationError(message=f"Could not find job definition {name!r}")
    endpoint_name = str((definition.data_quality_job_input or {}).get("EndpointInput", {}).get("EndpointName", ""))
    endpoint = backend.endpoints.get(endpoint_name)
    if endpoint is None:
        raise ValidationError(message=f"Could not find endpoint {endpoint_name!r} of job definition {name!r}")
    if not (endpoint.data_capture_config or {}).get("EnableCapture"):
        raise ValidationError(message=f"Endpoint {endpoint_name!r} does not capture data: enable data capture first")
    return endpoint_name


def _schedule(backend: Any, name: str) -> dict[str, Any]:
    from moto.sagemaker.exceptions import ResourceNotFound  # noqa: PLC0415

    schedule = _schedules(backend).get(name)
    if schedule is None:
        raise ResourceNotFound(f"Monitoring schedule {name} does not exist")
    return schedule


def _respond(handler: Any) -> Any:
    def response(self: Any) -> Any:
        from moto.core.responses import ActionResult, EmptyResult  # noqa: PLC0415

        answer = handler(self.sagemaker_backend, self._get_params(), self.current_account, self.region)
        return EmptyResult() if answer is None else ActionResult(answer)

    return response


def _create(backend: Any, params: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    from moto.core.utils import utcnow  # noqa: PLC0415
    from moto.sagemaker.exceptions import ResourceInUseException  # noqa: PLC0415

    name = str(params["MonitoringScheduleName"])
    if name in _schedules(backend):
        raise ResourceInUseException(message=f"Monitoring schedule {name} already exists")
    config = dict(params["MonitoringScheduleConfig"])
    endpoint = _checked_config(backend, config)
    now = utcnow()
    arn = f"arn:aws:sagemaker:{region}:{account}:monitoring-schedule/{name.lower()}"
    _schedules(backend)[name] = {
        "MonitoringScheduleArn": arn,
        "MonitoringScheduleName": name,
        "MonitoringScheduleStatus": "Scheduled",
        "MonitoringType": config.get("MonitoringType", "DataQuality"),
        "CreationTime": now,
        "LastModifiedTime": now,
        "MonitoringScheduleConfig": config,
        "EndpointName": endpoint,
    }
    return {"MonitoringScheduleArn": arn}


def _describe(backend: Any, params: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return dict(_schedule(backend, str(params["MonitoringScheduleName"])))


def _update(backend: Any, params: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    from moto.core.utils import utcnow  # noqa: PLC0415

    schedule = _schedule(backend, str(params["MonitoringScheduleName"]))
    config = dict(params["MonitoringScheduleConfig"])
    schedule["EndpointName"] = _checked_config(backend, config)
    schedule["MonitoringScheduleConfig"] = config
    schedule["LastModifiedTime"] = utcnow()
    return {"MonitoringScheduleArn": schedule["MonitoringScheduleArn"]}


def _delete(backend: Any, params: dict[str, Any], account: str, region: str) -> None:
    schedule = _schedule(backend, str(params["MonitoringScheduleName"]))
    del _schedules(backend)[schedule["MonitoringScheduleName"]]


def _list(backend: Any, params: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    endpoint, contains = params.get("EndpointName"), str(params.get("NameContains") or "")
    summaries = [
        {
            key: s[key]
            for key in (
                "MonitoringScheduleName",
                "MonitoringScheduleArn",
                "CreationTime",
                "LastModifiedTime",
                "MonitoringScheduleStatus",
                "EndpointName",
                "MonitoringType",
            )
        }
        | {"MonitoringJobDefinitionName": s["MonitoringScheduleConfig"].get("MonitoringJobDefinitionName")}
        for s in _schedules(backend).values()
        if (endpoint is None or s["EndpointName"] == endpoint) and contains in s["MonitoringScheduleName"]
    ]
    return {"MonitoringScheduleSummaries": sorted(summaries, key=lambda s: s["CreationTime"], reverse=True)}


def monitoring_schedules_are_supported() -> None:
    """Create/Describe/Update/Delete/ListMonitoringSchedule(s) of DataQuality schedules naming a job
    definition: SageMaker's checks (unique name, hourly or daily cron, an existing job definition of an
    existing endpoint that captures data), ResourceInUse and ResourceNotFound as SageMaker gives them."""
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    for method, handler in (
        ("create_monitoring_schedule", _create),
        ("describe_monitoring_schedule", _describe),
        ("update_monitoring_schedule", _update),
        ("delete_monitoring_schedule", _delete),
        ("list_monitoring_schedules", _list),
    ):
        setattr(SageMakerResponse, method, _respond(handler))
