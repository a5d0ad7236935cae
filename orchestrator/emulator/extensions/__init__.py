"""Extensions of the stock moto emulator, registered before the server starts.

This package is the one place where gaps of the emulator are closed: one module per AWS service,
one function per gap, each with its own test under tests/orchestrator/emulator/. They are written
against moto's public model and response classes so that each could be offered upstream as a fix.
Every function is listed in EXTENSIONS; `register_all()` applies them once per process.
"""

from __future__ import annotations

from collections.abc import Callable

from orchestrator.emulator.extensions.kms import kms_rotation_period_is_kept
from orchestrator.emulator.extensions.s3 import (
    bucket_policy_conditions_follow_iam_semantics,
    s3_logging_target_accepts_any_policy_shape,
)

EXTENSIONS: tuple[Callable[[], None], ...] = (
    s3_logging_target_accepts_any_policy_shape,
    bucket_policy_conditions_follow_iam_semantics,
    kms_rotation_period_is_kept,
)

_registered = False


def register_all() -> None:
    """Register every extension (idempotent)."""
    global _registered
    if _registered:
        return
    for extension in EXTENSIONS:
        extension()
    _registered = True
