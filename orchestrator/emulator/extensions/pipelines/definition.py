"""A pipeline definition read for running: its parameters and its steps in dependency order.

Steps run after every step they name in `DependsOn` and every step whose properties their
arguments read (`{"Get": "Steps.<name>..."}`). The steps of a Condition step's `IfSteps` and
`ElseSteps` are steps of the pipeline too, run only when the condition chose their branch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from orchestrator.emulator.extensions.pipelines.expressions import ExpressionError, referenced_steps


class DefinitionError(ValueError):
    """A definition that cannot run (the message names the step or parameter)."""


@dataclass(frozen=True)
class Step:
    name: str
    type: str
    arguments: dict[str, Any]
    raw: dict[str, Any]
    depends_on: frozenset[str] = frozenset()
    branch_of: str | None = None  # the Condition step whose IfSteps/ElseSteps hold this step

    @property
    def description(self) -> str | None:
        return self.raw.get("Description")

    @property
    def display_name(self) -> str | None:
        return self.raw.get("DisplayName")

    @property
    def property_files(self) -> dict[str, dict[str, Any]]:
        return {str(f["PropertyFileName"]): f for f in self.raw.get("PropertyFiles") or [] if isinstance(f, dict)}

    def branch(self, outcome: bool) -> list[str]:
        """The steps a Condition step runs for its outcome."""
        key = "IfSteps" if outcome else "ElseSteps"
        return [str(step["Name"]) for step in self.arguments.get(key) or []]


@dataclass(frozen=True)
class Definition:
    parameters: dict[str, Any]  # defaults, by name
    parameter_types: dict[str, str]
    steps: dict[str, Step] = field(default_factory=dict)  # in the definition's order

    def values(self, given: list[dict[str, Any]] | None) -> dict[str, Any]:
        """The execution's parameter values: its PipelineParameters over the defaults, typed."""
        values = dict(self.parameters)
        for item in given or []:
            name = str(item.get("Name"))
            if name not in self.parameter_types:
                raise DefinitionError(f"PipelineParameters names {name!r}, which the pipeline does not define")
            values[name] = _typed(name, self.parameter_types[name], item.get("Value"))
        missing = [name for name, value in values.items() if value is None]
        if missing:
            raise DefinitionError(f"no value for parameter(s) {', '.join(missing)} (they have no default)")
        return values


def _typed(name: str, kind: str, value: Any) -> Any:
    if value is None:
        return None
    try:
        if kind == "Float":
            return float(value)
        if kind == "Integer":
            return int(value)
        if kind == "Boolean":
            return value if isinstance(value, bool) else str(value).lower() == "true"
    except ValueError:
        raise DefinitionError(f"parameter {name} of type {kind} cannot be {value!r}") from None
    return str(value)


def _walk(steps: list[dict[str, Any]], branch_of: str | None) -> Iterator[tuple[dict[str, Any], str | None]]:
    for raw in steps:
        yield raw, branch_of
        if raw.get("Type") == "Condition":
            arguments = raw.get("Arguments") or {}
            for nested in ("IfSteps", "ElseSteps"):
                yield from _walk(list(arguments.get(nested) or []), str(raw.get("Name")))


def _own_arguments(raw: dict[str, Any]) -> dict[str, Any]:
    """What a step's data dependencies are read from (a Condition's branches are steps of their own)."""
    arguments = dict(raw.get("Arguments") or {})
    if raw.get("Type") == "Condition":
        arguments = {"Conditions": arguments.get("Conditions", [])}
    return {"Arguments": arguments, "PropertyFiles": raw.get("PropertyFiles")}


def parse(text: str | Mapping[str, Any]) -> Definition:
    """Read a definition (CreatePipeline's PipelineDefinition) for running."""
    try:
        document = json.loads(text) if isinstance(text, str) else dict(text)
    except ValueError as exc:
        raise DefinitionError(f"the pipeline definition is not JSON: {exc}") from None
    parameters = {str(p["Name"]): p for p in document.get("Parameters") or []}
    defaults = {
        name: _typed(name, str(p.get("Type", "String")), p.get("DefaultValue")) for name, p in parameters.items()
    }
    types = {name: str(p.get("Type", "String")) for name, p in parameters.items()}
    steps: dict[str, Step] = {}
    for raw, branch_of in _walk(list(document.get("Steps") or []), None):
        name = str(raw.get("Name", ""))
        if not name or name in steps:
            raise DefinitionError(f"step names must be present and unique: {name!r}")
        depends = set(raw.get("DependsOn") or []) | referenced_steps(_own_arguments(raw))
        if branch_of is not None:
            depends.add(branch_of)
        steps[name] = Step(
            name, str(raw.get("Type")), dict(raw.get("Arguments") or {}), raw, frozenset(depends - {name}), branch_of
        )
    unknown = {d for step in steps.values() for d in step.depends_on if d not in steps}
    if unknown:
        raise DefinitionError(f"steps depend on steps the definition does not have: {', '.join(sorted(unknown))}")
    _check_acyclic(steps)
    return Definition(defaults, types, steps)


def _check_acyclic(steps: dict[str, Step]) -> None:
    done: set[str] = set()
    while len(done) < len(steps):
        ready = [name for name, step in steps.items() if name not in done and step.depends_on <= done]
        if not ready:
            raise DefinitionError(f"the steps {', '.join(sorted(set(steps) - done))} depend on each other in a cycle")
        done.update(ready)


__all__ = ["Definition", "DefinitionError", "ExpressionError", "Step", "parse"]
