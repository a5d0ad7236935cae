"""Reading the platform's YAML files (env.yaml, platform.yaml) without surprises.

`yaml.safe_load` alone lets four kinds of bad input through: a key written twice in one mapping
(the last one silently wins), anchors and aliases (a few lines expand into gigabytes, the
"billion laughs"), bytes that are not UTF-8, and files of any size. Here each one is refused
with the file, the line (or byte offset) and the key, before any value is used. The shipped
files use no anchors or aliases, so none is accepted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.error import Mark
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node

from orchestrator.errors import ConfigError, quoted

MAX_FILE_BYTES = 1_000_000


def _mark(mark: object) -> Mark | None:
    """The position of an event: SafeLoader's pure-Python parser marks it with a yaml Mark."""
    return mark if isinstance(mark, Mark) else None


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, anchors and duplicate keys at every mapping level."""

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in the PyYAML stubs
        if isinstance(event, AliasEvent):
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"alias *{quoted(event.anchor)} is not allowed (anchors and aliases are refused)",
                _mark(event.start_mark),
            )
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor is not None:
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"anchor &{quoted(event.anchor)} is not allowed (anchors and aliases are refused)",
                _mark(event.start_mark),
            )
        return super().compose_node(parent, index)  # type: ignore[arg-type]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise yaml.MarkedYAMLError(
                    None, None, f"a mapping key must be a plain value, not {type(key).__name__}", key_node.start_mark
                )
            if key in seen:
                message = (
                    f"duplicate key {quoted(key)} (first at line {seen[key]}); a key may appear only once in a mapping"
                )
                raise yaml.MarkedYAMLError(None, None, message, key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _decoded(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [
                f"{where}: not UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start} ({exc.reason}); save the file as UTF-8"
            ]
        ) from None


def _yaml_problem(where: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    position = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}: not valid YAML: {position}{problem[:300]}"


def read_yaml(path: Path, where: str) -> object:
    """The document of `path`, refusing oversized, non-UTF-8 or ambiguous YAML (ConfigError)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ConfigError([f"{where}: {size} bytes, more than the {MAX_FILE_BYTES} a configuration file may have"])
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{where}: cannot be read ({exc.strerror})"]) from None
    text = _decoded(data, where)
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ConfigError([_yaml_problem(where, exc)]) from None
