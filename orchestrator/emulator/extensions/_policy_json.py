"""Helpers shared by the extensions."""

from __future__ import annotations

from typing import Any


def as_list(value: Any) -> list[Any]:
    """A JSON policy element that may be a scalar or a list, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
