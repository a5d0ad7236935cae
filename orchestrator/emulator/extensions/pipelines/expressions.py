"""The expressions and conditions of the pipeline definition language (schema 2020-12-01).

A step's arguments hold, wherever a value is known only at run time, one of:
`{"Get": "Parameters.<name>"}`, `{"Get": "Execution.<variable>"}`, `{"Get": "Steps.<step>.<path>"}`
(the path of the step's Describe response, e.g. `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`;
a list indexed by a name is searched for the member of that name), `{"Std:Join": {"On", "Values"}}`
and `{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.<step>.PropertyFiles.<file>"}, "Path"}}`
(JsonPath as SageMaker supports it: dotted keys and `[index]`). A Condition step's conditions
are `Equals`, `GreaterThan`, `GreaterThanOrEqualTo`, `LessThan`, `LessThanOrEqualTo` (LeftValue,
RightValue), `In` (QueryValue, Values), `Not` (Condition) and `Or` (Conditions).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")
# List members are named by one of these fields (Outputs['train'], FinalMetricDataList['validation:rmse'], ...).
_MEMBER_NAMES = ("OutputName", "InputName", "ChannelName", "MetricName", "Name", "PropertyFileName")


class ExpressionError(ValueError):
    """An expression that cannot be evaluated (the message says which and why)."""


@dataclass
class Scope:
    """What expressions of one execution can read.

    `properties`: each finished step's properties (its Describe response, or what the step type
    exposes); `property_file(step, file)`: the parsed JSON of a step's property file."""

    parameters: Mapping[str, Any]
    execution: Mapping[str, Any]
    properties: dict[str, Any] = field(default_factory=dict)
    property_file: Callable[[str, str], Any] = lambda step, name: _no_property_files(step, name)


def _no_property_files(step: str, name: str) -> Any:
    raise ExpressionError(f"no property file {name} of step {step} can be read here")


def path_parts(path: str) -> list[str | int]:
    """`A.B['x'].C[0]` -> ['A', 'B', 'x', 'C', 0] (an integer is a list index)."""
    parts: list[str | int] = []
    position = 0
    while position < len(path):
        if path[position] == ".":
            position += 1
            continue
        match = _PATH_PART.match(path, position)
        if match is None:
            raise ExpressionError(f"cannot read the path {path!r} at {path[position:]!r}")
        key, index, quoted, double = match.groups()
        parts.append(int(index) if index is not None else next(p for p in (key, quoted, double) if p is not None))
        position = match.end()
    return parts


def _member(items: list[Any], name: str) -> Any:
    for item in items:
        if isinstance(item, dict) and any(item.get(field_name) == name for field_name in _MEMBER_NAMES):
            return item
    raise KeyError(name)


def follow(document: Any, parts: list[str | int], described_as: str) -> Any:
    """The value at `parts` of a Describe response or a JSON document."""
    node = document
    for part in parts:
        try:
            if isinstance(part, int) and isinstance(node, list):
                node = node[part]
            elif isinstance(node, list):
                node = _member(node, str(part))
            elif isinstance(node, dict):
                node = node[part]
            else:
                raise KeyError(part)
        except (KeyError, IndexError):
            raise ExpressionError(f"{described_as} has no {part!r}") from None
    return node


def json_path(document: Any, path: str) -> Any:
    """SageMaker's JsonGet path: `a.b[0].c` (a leading `$.` is accepted)."""
    return follow(document, path_parts(path.removeprefix("$.")), "the property file")


def _get(target: str, scope: Scope) -> Any:
    kind, _, rest = target.partition(".")
    if kind == "Parameters":
        if rest not in scope.parameters:
            raise ExpressionError(f"the pipeline has no parameter {rest!r}")
        return scope.parameters[rest]
    if kind == "Execution":
        if rest not in scope.execution:
            raise ExpressionError(f"no execution variable {rest!r}")
        return scope.execution[rest]
    if kind == "Steps":
        step, _, path = rest.partition(".")
        if step not in scope.properties:
            raise ExpressionError(f"step {step} has not succeeded, its properties cannot be read")
        return follow(scope.properties[step], path_parts(path), f"step {step}")
    raise ExpressionError(f"cannot evaluate {{'Get': {target!r}}}")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _json_get(spec: dict[str, Any], scope: Scope) -> Any:
    target = (spec.get("PropertyFile") or {}).get("Get", "") if isinstance(spec.get("PropertyFile"), dict) else ""
    match = re.fullmatch(r"Steps\.([^.]+)\.PropertyFiles\.(.+)", str(target))
    if match is None:
        raise ExpressionError(
            f"Std:JsonGet needs PropertyFile {{'Get': 'Steps.<step>.PropertyFiles.<name>'}}, got {spec.get('PropertyFile')!r}"
        )
    return json_path(scope.property_file(match.group(1), match.group(2)), str(evaluate(spec.get("Path", ""), scope)))


def evaluate(node: Any, scope: Scope) -> Any:
    """The value of `node` with every expression in it replaced by its value."""
    if isinstance(node, list):
        return [evaluate(item, scope) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Get"}:
        return _get(str(node["Get"]), scope)
    if set(node) == {"Std:Join"}:
        spec = node["Std:Join"]
        return str(evaluate(spec.get("On", ""), scope)).join(_text(evaluate(v, scope)) for v in spec.get("Values", []))
    if set(node) == {"Std:JsonGet"}:
        return _json_get(node["Std:JsonGet"], scope)
    return {key: evaluate(value, scope) for key, value in node.items()}


def referenced_steps(node: Any) -> set[str]:
    """The steps whose properties `node` reads (its data dependencies)."""
    if isinstance(node, list):
        return set().union(*(referenced_steps(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    target = node.get("Get")
    found = {target.split(".")[1]} if isinstance(target, str) and target.startswith("Steps.") else set()
    return found.union(*(referenced_steps(value) for value in node.values()))


# --------------------------------------------------------------------------------------------
# Conditions
# --------------------------------------------------------------------------------------------


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    """Numbers compare as numbers (a parameter of type Float may meet a JSON integer or a numeric
    string), everything else as given."""

    def number(value: Any) -> float | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        try:
            return float(str(value))
        except ValueError:
            return None

    left_number, right_number = number(left), number(right)
    if left_number is not None and right_number is not None:
        return left_number, right_number
    return left, right


def _equal(left: Any, right: Any) -> bool:
    first, second = _comparable(left, right)
    return bool(first == second)


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": _equal,
    "GreaterThan": lambda a, b: bool(a > b),
    "GreaterThanOrEqualTo": lambda a, b: bool(a >= b),
    "LessThan": lambda a, b: bool(a < b),
    "LessThanOrEqualTo": lambda a, b: bool(a <= b),
}


def condition_holds(condition: dict[str, Any], scope: Scope) -> bool:
    """The outcome of one condition of a Condition step."""
    kind = str(condition.get("Type", ""))
    if kind in _COMPARISONS:
        left, right = evaluate(condition.get("LeftValue"), scope), evaluate(condition.get("RightValue"), scope)
        try:
            return _COMPARISONS[kind](*_comparable(left, right))
        except TypeError:
            raise ExpressionError(f"{kind} cannot compare {left!r} with {right!r}") from None
    if kind == "In":
        query = evaluate(condition.get("QueryValue"), scope)
        return any(_equal(query, evaluate(value, scope)) for value in condition.get("Values", []))
    if kind == "Not":
        return not condition_holds(dict(condition.get("Condition") or {}), scope)
    if kind == "Or":
        return any(condition_holds(dict(inner), scope) for inner in condition.get("Conditions", []))
    raise ExpressionError(f"unknown condition type {kind!r}")


def conditions_hold(conditions: list[dict[str, Any]], scope: Scope) -> bool:
    """A Condition step's outcome: all of its conditions hold."""
    return all(condition_holds(condition, scope) for condition in conditions)
