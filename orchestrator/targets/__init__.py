"""Targets: where stacks are applied. `local` (embedded emulator, default) or `aws` (real accounts).

Modules never know the target: only the provider and backend settings generated here differ.
"""

from __future__ import annotations

from orchestrator.targets.base import Target
from orchestrator.targets.local import LocalTarget
from orchestrator.targets.real import AwsTarget

__all__ = ["AwsTarget", "LocalTarget", "Target", "make_target"]


def make_target(name: str, emulator_url: str | None = None, keep_emulator: bool = False) -> Target:
    if name == "local":
        return LocalTarget(emulator_url=emulator_url, keep=keep_emulator)
    return AwsTarget()
