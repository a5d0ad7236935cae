"""The pipeline extensions, written against moto's SageMaker model and response classes.

moto 5.2.5 stores pipelines and executions, but an execution is `Succeeded` the moment it starts
and no step ever runs; DescribePipelineExecution answers an empty FailureReason,
ListPipelineExecutions the text "None", and ListPipelineExecutionSteps is not implemented (HTTP 500).
"""

from __future__ import annotations

from typing import Any

from orchestrator.emulator.extensions.pipelines import execution as executions


def pipeline_executions_run_their_steps() -> None:
    """StartPipelineExecution: the execution is `Executing` and its steps run in a thread of the
    emulator (execution.py) until it ends `Succeeded` or `Failed`. DescribePipelineExecution and
    ListPipelineExecutions report that status, with the FailureReason of a failed execution only."""
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415
    from moto.sagemaker.utils import get_pipeline_execution_from_arn, get_pipeline_from_name  # noqa: PLC0415

    stock_start = SageMakerModelBackend.start_pipeline_execution
    stock_describe = SageMakerModelBackend.describe_pipeline_execution
    stock_list = SageMakerModelBackend.list_pipeline_executions

    def start_pipeline_execution(
        self: SageMakerModelBackend, pipeline_name: str, *args: Any, **kwargs: Any
    ) -> dict[str, str]:
        answer = stock_start(self, pipeline_name, *args, **kwargs)
        pipeline = get_pipeline_from_name(self.pipelines, pipeline_name)
        started = pipeline.pipeline_executions[answer["PipelineExecutionArn"]]
        executions.start(
            started, pipeline.role_arn, started.pipeline_definition_for_execution, started.pipeline_parameters
        )
        return answer

    def describe_pipeline_execution(self: SageMakerModelBackend, pipeline_execution_arn: str) -> dict[str, Any]:
        answer = stock_describe(self, pipeline_execution_arn)
        reason = get_pipeline_execution_from_arn(
            self.pipelines, pipeline_execution_arn
        ).pipeline_execution_failure_reason
        answer.pop("FailureReason", None)
        return answer | ({"FailureReason": reason} if reason else {})

    def list_pipeline_executions(self: SageMakerModelBackend, pipeline_name: str) -> dict[str, Any]:
        answer = stock_list(self, pipeline_name)
        pipeline = get_pipeline_from_name(self.pipelines, pipeline_name)
        for summary in answer["PipelineExecutionSummaries"]:
            summary.pop("PipelineExecutionFailureReason", None)
            reason = pipeline.pipeline_executions[summary["PipelineExecutionArn"]].pipeline_execution_failure_reason
            if reason:
                summary["PipelineExecutionFailureReason"] = reason
        return answer

    SageMakerModelBackend.start_pipeline_execution = start_pipeline_execution  # type: ignore[method-assign]
    SageMakerModelBackend.describe_pipeline_execution = describe_pipeline_execution  # type: ignore[method-assign]
    SageMakerModelBackend.list_pipeline_executions = list_pipeline_executions  # type: ignore[method-assign]


def pipeline_execution_steps_are_listed() -> None:
    """ListPipelineExecutionSteps: the steps the execution has reached, newest first unless
    SortOrder is Ascending, each with StepStatus (Executing, Succeeded, Failed), StartTime, EndTime,
    FailureReason and Metadata (ProcessingJob/TrainingJob/Model/RegisterModel Arn, Condition
    Outcome, Fail ErrorMessage). MaxResults and NextToken page through them."""
    from moto.core.responses import ActionResult  # noqa: PLC0415
    from moto.sagemaker.exceptions import ValidationError  # noqa: PLC0415
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415
    from moto.sagemaker.utils import get_pipeline_execution_from_arn  # noqa: PLC0415

    def list_pipeline_execution_steps(self: SageMakerModelBackend, params: dict[str, Any]) -> dict[str, Any]:
        found = get_pipeline_execution_from_arn(self.pipelines, params["PipelineExecutionArn"])
        records = [dict(record) for record in getattr(found, "step_records", [])]
        if params.get("SortOrder", "Descending") == "Descending":
            records.reverse()
        try:
            first = int(params.get("NextToken") or 0)
        except ValueError:
            raise ValidationError(message="Invalid pagination token.") from None
        size = int(params.get("MaxResults") or 100)
        answer: dict[str, Any] = {"PipelineExecutionSteps": records[first : first + size]}
        if first + size < len(records):
            answer["NextToken"] = str(first + size)
        return answer

    def list_response(self: SageMakerResponse) -> Any:
        return ActionResult(self.sagemaker_backend.list_pipeline_execution_steps(self._get_params()))  # type: ignore[attr-defined]

    SageMakerModelBackend.list_pipeline_execution_steps = list_pipeline_execution_steps  # type: ignore[attr-defined]
    SageMakerResponse.list_pipeline_execution_steps = list_response  # type: ignore[attr-defined]
