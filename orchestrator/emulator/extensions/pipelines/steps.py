"""The step types an execution runs, each from its resolved arguments.

- Processing, Training, Transform: processing.py, training.py, transform.py.
- Condition: its conditions' outcome (Metadata `Condition.Outcome` "True"/"False"); the execution
  then runs the steps of IfSteps or ElseSteps.
- Fail: the step fails with its ErrorMessage (Metadata `Fail.ErrorMessage`).
- RegisterModel: CreateModelPackage with the step's arguments, by the pipeline role's session.
- Model: CreateModel with the step's arguments (named `pipelines-<execution>-<step>-...`), likewise.
Any other type fails with a FailureReason naming it.
"""

from __future__ import annotations

from collections.abc import Callable

from orchestrator.emulator.extensions.pipelines import processing, training, transform
from orchestrator.emulator.extensions.pipelines.definition import Step
from orchestrator.emulator.extensions.pipelines.expressions import ExpressionError, Scope, conditions_hold, evaluate
from orchestrator.emulator.extensions.pipelines.jobs import Run, StepFailed, StepResult, call, job_name


def _condition(run: Run, step: Step, scope: Scope) -> StepResult:
    outcome = conditions_hold(list(step.arguments.get("Conditions") or []), scope)
    return StepResult({"Outcome": outcome}, {"Condition": {"Outcome": str(outcome)}})


def _fail(run: Run, step: Step, scope: Scope) -> StepResult:
    message = str(evaluate(step.arguments.get("ErrorMessage", ""), scope))
    raise StepFailed(message, {"Fail": {"ErrorMessage": message}})


def _register_model(run: Run, step: Step, scope: Scope) -> StepResult:
    arn = str(call(run, "create_model_package", evaluate(step.arguments, scope))["ModelPackageArn"])
    return StepResult({"ModelPackageArn": arn}, {"RegisterModel": {"Arn": arn}})


def _model(run: Run, step: Step, scope: Scope) -> StepResult:
    name = job_name(run.execution_id, step.name)
    arn = str(call(run, "create_model", {**evaluate(step.arguments, scope), "ModelName": name})["ModelArn"])
    return StepResult({"ModelName": name}, {"Model": {"Arn": arn}})


def _processing(run: Run, step: Step, scope: Scope) -> StepResult:
    return processing.run_step(run, step.name, evaluate(step.arguments, scope))


def _training(run: Run, step: Step, scope: Scope) -> StepResult:
    return training.run_step(run, step.name, evaluate(step.arguments, scope))


def _transform(run: Run, step: Step, scope: Scope) -> StepResult:
    return transform.run_step(run, step.name, evaluate(step.arguments, scope))


RUNNERS: dict[str, Callable[[Run, Step, Scope], StepResult]] = {
    "Processing": _processing,
    "Training": _training,
    "Transform": _transform,
    "Condition": _condition,
    "Fail": _fail,
    "RegisterModel": _register_model,
    "Model": _model,
}


def run_step(run: Run, step: Step, scope: Scope) -> StepResult:
    """Run one step; any failure is a StepFailed with the step's FailureReason."""
    runner = RUNNERS.get(step.type)
    if runner is None:
        raise StepFailed(
            f"ClientError: steps of type {step.type} are not run by the emulator (it runs {', '.join(RUNNERS)})"
        )
    try:
        return runner(run, step, scope)
    except ExpressionError as exc:
        raise StepFailed(f"ClientError: {exc}") from exc
