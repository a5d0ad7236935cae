"""What every step that runs a job shares: its name, its creation by the pipeline role, its status
as DescribeProcessingJob / DescribeTrainingJob report it, and a directory of its own for its run."""

from __future__ import annotations

import random
import re
import shutil
import string
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestrator.emulator.extensions.pipelines import sandbox
from orchestrator.emulator.extensions.pipelines.data import DataError
from orchestrator.emulator.extensions.pipelines.service import Refused, RoleSession, assume, reason, where_the_job_runs

DEFAULT_MAX_RUNTIME = 24 * 3600


class StepFailed(Exception):
    """A step ends as Failed with this FailureReason (and the Metadata it has by then)."""

    def __init__(self, reason: str, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.metadata = metadata or {}


@dataclass(frozen=True)
class StepResult:
    properties: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One execution, as its steps see it."""

    execution_arn: str
    execution_id: str
    pipeline: RoleSession  # the pipeline's RoleArn, held by SageMaker
    log: Callable[[str], None] = lambda text: print(text, file=sys.stderr, flush=True)

    @property
    def account(self) -> str:
        return self.execution_arn.split(":")[4]

    @property
    def region(self) -> str:
        return self.execution_arn.split(":")[3]


def job_name(execution_id: str, step: str) -> str:
    """`pipelines-<execution id>-<step>-<random>`, as SageMaker Pipelines names its jobs (at most 63 characters)."""
    cleaned = re.sub(r"[^a-zA-Z0-9-]", "-", step)[:20].strip("-") or "step"
    suffix = "".join(random.choices(string.ascii_letters + string.digits, k=10))  # noqa: S311 - a name, not a secret
    return f"pipelines-{execution_id}-{cleaned}-{suffix}"[:63]


def moto_job(run: Run, kind: str, name: str) -> Any:
    """The emulator's record of a job (kind: processing, training or transform)."""
    from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415

    backend = sagemaker_backends[run.account][run.region]
    jobs: dict[str, dict[str, Any]] = {
        "processing": backend.processing_jobs,
        "training": backend.training_jobs,
        "transform": backend.transform_jobs,
    }
    return jobs[kind][name]


def _set_status(run: Run, kind: str, name: str, status: str, **attributes: Any) -> None:
    from moto.core.utils import utcnow  # noqa: PLC0415

    job = moto_job(run, kind, name)
    now = utcnow()
    setattr(job, f"{kind}_job_status", status)
    if kind == "training":
        job.secondary_status = "Training" if status == "InProgress" else status
    if status == "InProgress":
        setattr(job, f"{kind}_start_time", now)
        setattr(job, f"{kind}_end_time", None)
    else:
        setattr(job, f"{kind}_end_time", now)
    job.last_modified_time = now
    for attribute, value in attributes.items():
        setattr(job, attribute, value)


def job_session(run: Run, role_arn: str, job_arn: str, vpc_config: dict[str, Any] | None) -> RoleSession:
    """The job role's session, from where the job runs (its VPC, if any)."""
    try:
        return where_the_job_runs(assume(role_arn, job_arn, run.region), job_arn, vpc_config)
    except Refused as exc:
        raise StepFailed(str(exc)) from exc


@contextmanager
def job_failures() -> Iterator[None]:
    """What goes wrong while a job moves data or runs, as the job's FailureReason."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        yield
    except sandbox.NamespaceUnavailable as exc:
        raise StepFailed(f"InternalServerError: {exc}") from exc
    except (ClientError, BotoCoreError) as exc:
        raise StepFailed(reason(exc)) from exc
    except DataError as exc:
        raise StepFailed(f"ClientError: {exc}") from exc


def finished_well(finished: sandbox.Finished, failure: Path | None = None) -> None:
    """A job's command that timed out or exited non-zero fails the job."""
    if finished.timed_out:
        raise StepFailed("ClientError: the job ran longer than its StoppingCondition's MaxRuntimeInSeconds")
    if finished.returncode != 0:
        written = failure.read_text() if failure is not None and failure.exists() else None
        raise StepFailed(
            written or f"AlgorithmError: the job's command exited with {finished.returncode}: {tail(finished.output)}"
        )


def max_runtime(arguments: dict[str, Any]) -> float:
    return float((arguments.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds", DEFAULT_MAX_RUNTIME))


def call(run: Run, operation: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A SageMaker call of the pipeline role's session (a signed request the emulator authorizes);
    a refusal or an error fails the step with its message."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        answer = dict(getattr(run.pipeline.client("sagemaker"), operation)(**arguments))
    except (ClientError, BotoCoreError) as exc:
        raise StepFailed(reason(exc)) from exc
    answer.pop("ResponseMetadata", None)
    return answer


def create(run: Run, operation: str, arguments: dict[str, Any]) -> str:
    """A job created by the pipeline role; its ARN."""
    return str(next(value for key, value in call(run, operation, arguments).items() if key.endswith("Arn")))


@contextmanager
def running(run: Run, kind: str, name: str, metadata: dict[str, Any]) -> Iterator[Path]:
    """The job is InProgress while the block runs in a directory of its own (removed afterwards);
    it ends Completed, or Failed with the reason of the StepFailed (any error) the block raised."""
    work = Path(tempfile.mkdtemp(prefix=f"sagemaker-{name}-"))
    _set_status(run, kind, name, "InProgress")
    started = time.monotonic()
    try:
        yield work
    except StepFailed as failed:
        _set_status(run, kind, name, "Failed", failure_reason=failed.reason)
        raise StepFailed(failed.reason, metadata) from failed
    except Exception as exc:
        text = f"InternalServerError: {type(exc).__name__}: {exc}"
        _set_status(run, kind, name, "Failed", failure_reason=text)
        raise StepFailed(text, metadata) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _set_status(run, kind, name, "Completed")
    run.log(f"{kind} job {name} completed in {time.monotonic() - started:.1f}s")


def describe(run: Run, operation: str, name_parameter: str, name: str) -> dict[str, Any]:
    """A finished job's Describe response, as the pipeline role reads it (the step's properties)."""
    answer = getattr(run.pipeline.client("sagemaker"), operation)(**{name_parameter: name})
    answer.pop("ResponseMetadata", None)
    return dict(answer)


@dataclass(frozen=True)
class JobKind:
    """A kind of job, by the names of its API."""

    kind: str  # "processing", "training" or "transform": moto's attribute prefix
    noun: str  # "ProcessingJob": CreateProcessingJob, ProcessingJobName, the step's Metadata key

    def operation(self, verb: str) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", f"{verb}{self.noun}").lower()


def run_job_step(
    run: Run,
    kind: JobKind,
    step_name: str,
    arguments: dict[str, Any],
    vpc_config: dict[str, Any] | None,
    body: Callable[[RoleSession, str, Path], None],
    role_arn: str | None = None,
) -> StepResult:
    """Create the job as the pipeline role, run `body(job role's session, job name, work directory)`
    while the job is InProgress, and return the finished job's Describe response as properties.
    The job role is the request's RoleArn unless `role_arn` names another (a transform job runs
    as its model's execution role)."""
    name = job_name(run.execution_id, step_name)
    name_parameter = f"{kind.noun}Name"
    arn = create(run, kind.operation("Create"), {**arguments, name_parameter: name})
    metadata = {kind.noun: {"Arn": arn}}
    with running(run, kind.kind, name, metadata) as work:
        body(job_session(run, role_arn or str(arguments["RoleArn"]), arn, vpc_config), name, work)
    return StepResult(describe(run, kind.operation("Describe"), name_parameter, name), metadata)


def tail(text: str, lines: int = 5) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])
