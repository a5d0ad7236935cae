"""What every target provides to the rest of the orchestrator."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from orchestrator.config import EnvConfig

if TYPE_CHECKING:
    import boto3


class Target(ABC):
    name: str

    def open(self) -> None:
        """Prepare the target (start the emulator, check credentials)."""

    def close(self) -> None:
        """Release what open() took."""

    @abstractmethod
    def session(self, env: EnvConfig) -> "boto3.Session":
        """A boto3 session whose calls land in the environment's account."""

    @abstractmethod
    def client(self, env: EnvConfig, service: str) -> Any:
        """A boto3 client for the environment's account and region."""

    @abstractmethod
    def provider_settings(self, env: EnvConfig) -> dict[str, Any]:
        """Target-specific arguments of the AWS provider (credentials path, endpoints, assume_role)."""

    @abstractmethod
    def backend_settings(self, env: EnvConfig) -> dict[str, Any]:
        """Target-specific arguments of the S3 backend."""

    def terraform_env(self) -> dict[str, str]:
        """Environment variables for terraform processes."""
        return {}

    def describe(self) -> str:
        return self.name

    def identity(self) -> str:
        """What makes cached facts about this target (e.g. the state key's ARN) still valid."""
        return self.name
