"""What every target provides to the rest of the orchestrator."""

from __future__ import annotations

from abc import ABC, abstractmethod
from enum import Enum
from typing import TYPE_CHECKING, Any

from orchestrator.config import EnvConfig
from orchestrator.faults import Gone

if TYPE_CHECKING:
    import boto3


class Duty(Enum):
    """Who runs a Terraform command, as on AWS: GitHub's plan role reads (plan for review, drift,
    outputs), its apply role changes (apply, destroy), the account's deploy role administers
    (bootstrap, and changes to what the CI roles may never change; see orchestrator/protected.py)."""

    READ = "read"
    CHANGE = "change"
    ADMINISTER = "administer"


class Target(ABC):
    name: str

    def open(self) -> None:  # noqa: B027 - optional: a target with nothing to prepare keeps it
        """Prepare the target (start the emulator, check credentials)."""

    def close(self) -> None:  # noqa: B027 - optional: a target that took nothing keeps it
        """Release what open() took."""

    @abstractmethod
    def session(self, env: EnvConfig) -> boto3.Session:
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

    def terraform_credentials(self, env: EnvConfig, duty: Duty) -> dict[str, str]:
        """Credentials (environment variables) of the Terraform process doing `duty` in env's
        account; none: the ambient credentials (a profile, or the role CI's job assumed)."""
        return {}

    def principal(self, env: EnvConfig, duty: Duty) -> str:
        """Who does `duty` in env's account, for reports."""
        return "the ambient credentials"

    def duty_client(self, env: EnvConfig, duty: Duty, service: str) -> Any:
        """A boto3 client acting as the Terraform process doing `duty` acts (its credentials; with
        none, the target's own session, as Terraform then uses)."""
        variables = self.terraform_credentials(env, duty)
        if not variables:
            return self.client(env, service)
        import boto3  # noqa: PLC0415

        session = boto3.Session(
            aws_access_key_id=variables["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=variables["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=variables.get("AWS_SESSION_TOKEN"),
            region_name=env.region,
        )
        return session.client(service, **self.client_arguments())

    def client_arguments(self) -> dict[str, Any]:
        """Arguments of every boto3 client of this target (the local emulator's endpoint)."""
        return {}

    def ambient_sts(self, env: EnvConfig) -> Any:
        """STS with the credentials the orchestrator runs with (locally: the emulator's administrator)."""
        import boto3  # noqa: PLC0415

        return boto3.client("sts", region_name=env.region, **self.client_arguments())

    def role_client(self, env: EnvConfig, role_arn: str, service: str) -> Any:
        """A client of `service` as the role `role_arn` (e.g. the organization's read role), assumed
        with the ambient credentials: that role's trust and policies decide what it may do."""
        import boto3  # noqa: PLC0415

        creds = self.ambient_sts(env).assume_role(RoleArn=role_arn, RoleSessionName=session_name(env))["Credentials"]
        session = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=env.region,
        )
        return session.client(service, **self.client_arguments())

    def can_administer(self, env: EnvConfig) -> bool:
        """Whether this target can apply what only the deploy role may change (orchestrator/protected.py)."""
        return True

    def describe(self) -> str:
        return self.name

    def gone(self) -> Gone | None:
        """Why the target stopped answering during the run (local: the emulator exited); None while it answers."""
        return None

    def identity(self) -> str:
        """What makes cached facts about this target (e.g. the state key's ARN) still valid."""
        return self.name


def session_name(env: EnvConfig) -> str:
    return f"orchestrator-{env.name}"


def assume_role_block(env: EnvConfig) -> dict[str, str]:
    """The `assume_role` arguments shared by the provider and the backend."""
    return {"role_arn": env.effective_deploy_role_arn, "session_name": session_name(env)}


def deploy_role_credentials(sts: Any, env: EnvConfig, **extra: Any) -> dict[str, Any]:
    """STS credentials of the env's deploy role (AccessKeyId, …, Expiration), obtained through `sts`."""
    return dict(
        sts.assume_role(RoleArn=env.effective_deploy_role_arn, RoleSessionName=session_name(env), **extra)[
            "Credentials"
        ]
    )


def assumed_session(sts: Any, env: EnvConfig) -> boto3.Session:
    """A boto3 session with credentials of the env's deploy role, obtained through `sts`."""
    import boto3  # noqa: PLC0415

    creds = deploy_role_credentials(sts, env)
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=env.region,
    )
