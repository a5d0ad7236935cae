"""The pipeline definition language as the emulator evaluates it: Get, Std:Join, Std:JsonGet,
the Condition step's operators, and a definition's steps in dependency order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from orchestrator.emulator.extensions.pipelines.definition import DefinitionError, parse
from orchestrator.emulator.extensions.pipelines.expressions import (
    ExpressionError,
    Scope,
    condition_holds,
    evaluate,
    json_path,
)

EXECUTION = "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/build/execution/abc123"
REPORT = {
    "regression_metrics": {"mse": {"value": 4.5}},
    "model": {"sha256": "f00d"},
    "splits": [{"rows": 10}, {"rows": 3}],
}


def _scope() -> Scope:
    properties = {
        "Prep": {
            "ProcessingOutputConfig": {"Outputs": [{"OutputName": "train", "S3Output": {"S3Uri": "s3://b/p/train"}}]}
        },
        "Train": {
            "ModelArtifacts": {"S3ModelArtifacts": "s3://b/m/model.tar.gz"},
            "FinalMetricDataList": [{"MetricName": "validation:rmse", "Value": 2.5}],
        },
    }
    files = {("Eval", "Report"): REPORT}
    return Scope(
        {"Threshold": 6.0, "Bucket": "b", "Flag": True},
        {"PipelineExecutionId": "abc123", "PipelineExecutionArn": EXECUTION},
        properties,
        lambda step, name: files[(step, name)],
    )


def _get(path: str) -> dict[str, str]:
    return {"Get": path}


def _json_get(path: str) -> dict[str, Any]:
    return {"Std:JsonGet": {"PropertyFile": _get("Steps.Eval.PropertyFiles.Report"), "Path": path}}


def test_get_reads_parameters_execution_variables_and_step_properties() -> None:
    scope = _scope()
    assert evaluate(_get("Parameters.Threshold"), scope) == 6.0
    assert evaluate(_get("Execution.PipelineExecutionId"), scope) == "abc123"
    assert evaluate(_get("Execution.PipelineExecutionArn"), scope) == EXECUTION
    assert (
        evaluate(_get("Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"), scope) == "s3://b/p/train"
    )
    assert evaluate(_get("Steps.Train.ModelArtifacts.S3ModelArtifacts"), scope) == "s3://b/m/model.tar.gz"
    assert evaluate(_get("Steps.Train.FinalMetricDataList['validation:rmse'].Value"), scope) == 2.5


def test_join_and_json_get_nest_inside_arguments() -> None:
    arguments = {
        "Uri": {
            "Std:Join": {
                "On": "/",
                "Values": ["s3:/", _get("Parameters.Bucket"), _get("Execution.PipelineExecutionId"), "out"],
            }
        },
        "Text": {"Std:Join": {"On": " ", "Values": ["above", _get("Parameters.Threshold"), _get("Parameters.Flag")]}},
        "Metadata": {"model-sha256": _json_get("model.sha256")},
        "List": [_json_get("regression_metrics.mse.value"), _json_get("splits[1].rows"), _json_get("$.splits[0].rows")],
    }
    assert evaluate(arguments, _scope()) == {
        "Uri": "s3://b/abc123/out",
        "Text": "above 6.0 true",
        "Metadata": {"model-sha256": "f00d"},
        "List": [4.5, 3, 10],
    }


@pytest.mark.parametrize(
    "expression",
    [
        _get("Parameters.Missing"),
        _get("Execution.Nothing"),
        _get("Steps.NotRun.ModelArtifacts.S3ModelArtifacts"),
        _get("Steps.Prep.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri"),
        _json_get("regression_metrics.r2.value"),
        _json_get("splits[5].rows"),
    ],
)
def test_what_cannot_be_evaluated_says_so(expression: dict[str, Any]) -> None:
    with pytest.raises(ExpressionError):
        evaluate(expression, _scope())


def test_json_path_supports_dotted_keys_and_indexes_only() -> None:
    assert json_path({"a": [{"b": {"c": 1}}]}, "a[0].b.c") == 1
    with pytest.raises(ExpressionError):
        json_path({"a": 1}, "a[?(@.x)]")


@pytest.mark.parametrize(
    ("kind", "left", "right", "holds"),
    [
        ("LessThanOrEqualTo", 4.5, 6.0, True),
        ("LessThanOrEqualTo", 6.0, 6, True),
        ("LessThanOrEqualTo", 7, 6.0, False),
        ("LessThan", 6.0, 6.0, False),
        ("GreaterThan", 7, 6.0, True),
        ("GreaterThanOrEqualTo", 6, 6.0, True),
        ("Equals", "a", "a", True),
        ("Equals", 1, 1.0, True),
        ("Equals", "a", "b", False),
    ],
)
def test_comparisons(kind: str, left: Any, right: Any, holds: bool) -> None:
    assert condition_holds({"Type": kind, "LeftValue": left, "RightValue": right}, _scope()) is holds


def test_comparisons_read_expressions_and_combine() -> None:
    scope = _scope()
    mse_ok = {
        "Type": "LessThanOrEqualTo",
        "LeftValue": _json_get("regression_metrics.mse.value"),
        "RightValue": _get("Parameters.Threshold"),
    }
    assert condition_holds(mse_ok, scope)
    assert not condition_holds({"Type": "Not", "Condition": mse_ok}, scope)
    assert condition_holds({"Type": "Or", "Conditions": [{"Type": "Not", "Condition": mse_ok}, mse_ok]}, scope)
    assert condition_holds({"Type": "In", "QueryValue": _get("Parameters.Bucket"), "Values": ["a", "b"]}, scope)
    assert not condition_holds({"Type": "In", "QueryValue": 3, "Values": [1, 2]}, scope)
    with pytest.raises(ExpressionError):
        condition_holds({"Type": "Between"}, scope)


def _definition(steps: list[dict[str, Any]], parameters: list[dict[str, Any]] | None = None) -> str:
    return json.dumps({"Version": "2020-12-01", "Parameters": parameters or [], "Steps": steps})


def test_steps_depend_on_what_they_read_name_or_branch_from() -> None:
    condition = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [
                {"Type": "Equals", "LeftValue": _get("Steps.Train.ModelArtifacts.S3ModelArtifacts"), "RightValue": "x"}
            ],
            "IfSteps": [{"Name": "Register", "Type": "RegisterModel", "Arguments": {}}],
            "ElseSteps": [{"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": "no"}}],
        },
    }
    definition = parse(
        _definition(
            [
                {"Name": "Prep", "Type": "Processing", "Arguments": {}},
                {
                    "Name": "Train",
                    "Type": "Training",
                    "Arguments": {"In": _get("Steps.Prep.ProcessingOutputConfig.Outputs['a'].S3Output.S3Uri")},
                },
                {"Name": "Other", "Type": "Processing", "Arguments": {}, "DependsOn": ["Prep"]},
                condition,
            ]
        )
    )
    assert list(definition.steps) == ["Prep", "Train", "Other", "Check", "Register", "Stop"]
    assert definition.steps["Train"].depends_on == {"Prep"} and definition.steps["Other"].depends_on == {"Prep"}
    assert definition.steps["Check"].depends_on == {"Train"}, (
        "a Condition depends on what its conditions read, not on its branches"
    )
    assert definition.steps["Register"].branch_of == "Check" and definition.steps["Register"].depends_on == {"Check"}
    assert definition.steps["Check"].branch(True) == ["Register"] and definition.steps["Check"].branch(False) == [
        "Stop"
    ]


def test_parameters_given_at_start_override_the_defaults_with_their_type() -> None:
    definition = parse(
        _definition(
            [],
            [
                {"Name": "Threshold", "Type": "Float", "DefaultValue": 6.0},
                {"Name": "Rounds", "Type": "Integer", "DefaultValue": 10},
                {"Name": "Input", "Type": "String", "DefaultValue": "s3://b/in"},
            ],
        )
    )
    assert definition.values(None) == {"Threshold": 6.0, "Rounds": 10, "Input": "s3://b/in"}
    assert definition.values([{"Name": "Threshold", "Value": "2.5"}, {"Name": "Rounds", "Value": "3"}]) == {
        "Threshold": 2.5,
        "Rounds": 3,
        "Input": "s3://b/in",
    }
    with pytest.raises(DefinitionError, match="does not define"):
        definition.values([{"Name": "Nope", "Value": "1"}])
    with pytest.raises(DefinitionError, match="Float"):
        definition.values([{"Name": "Threshold", "Value": "high"}])


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [{"Name": "A", "Type": "Fail", "DependsOn": ["B"]}, {"Name": "B", "Type": "Fail", "DependsOn": ["A"]}],
            "cycle",
        ),
        ([{"Name": "A", "Type": "Fail", "DependsOn": ["Z"]}], "does not have"),
        ([{"Name": "A", "Type": "Fail"}, {"Name": "A", "Type": "Fail"}], "unique"),
    ],
)
def test_definitions_that_cannot_run_are_refused(steps: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        parse(_definition(steps))
