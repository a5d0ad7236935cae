"""Extensions of the stock moto emulator, registered before the server starts.

Every gap of the emulator that the platform needs closed is closed here, each with its own test in
tests/emulator/. Nothing is registered yet: the foundation stacks (network, KMS, storage, SSM,
DynamoDB) run on stock moto 5.2.5.
"""

from __future__ import annotations


def register_all() -> None:
    """Register every extension (idempotent)."""
