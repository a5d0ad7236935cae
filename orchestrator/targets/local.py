"""The local target: an embedded emulator on 127.0.0.1 that simulates every account.

Resources survive between runs (the emulator saves them in `.orchestrator/local/` when it stops),
so a second `apply` is a no-op as on AWS. One local run at a time owns that state: a second one
fails at once, naming the lock file, unless it attaches to a running emulator (`--emulator-url`).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from orchestrator import paths
from orchestrator.config import EnvConfig
from orchestrator.emulator.process import Emulator, attach_emulator, start_emulator, write_handle
from orchestrator.errors import OrchestratorError
from orchestrator.faults import Gone
from orchestrator.targets.base import Duty, Target, assumed_session
from orchestrator.targets.local_credentials import RoleCredentials, ci_role_arn

if TYPE_CHECKING:
    import boto3

# Fake credentials of the emulator's own default account; every environment is reached by
# assuming a role into its account id, so resources land in distinct simulated accounts.
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local-emulator", "AWS_SECRET_ACCESS_KEY": "local-emulator"}

LOCAL_MAX_RETRIES = 3

# Services whose provider endpoints point at the emulator.
PROVIDER_SERVICES = (
    "cloudformation",
    "codeartifact",
    "cloudtrail",
    "cloudwatch",
    "configservice",
    "dynamodb",
    "ec2",
    "ecr",
    "efs",
    "events",
    "guardduty",
    "iam",
    "kms",
    "lambda",
    "logs",
    "organizations",
    "s3",
    "s3control",
    "sagemaker",
    "scheduler",
    "secretsmanager",
    "securityhub",
    "servicecatalog",
    "sns",
    "sqs",
    "ssm",
    "sts",
)


def local_dir() -> Path:
    return paths.work_dir() / "local"


def state_file() -> Path:
    return local_dir() / "emulator-state.pickle"


def administrator_sts(url: str, env: EnvConfig) -> Any:
    """STS of the emulator's administrator at `url` (its long-term credentials), in the env's region."""
    import boto3  # noqa: PLC0415 - only when an AWS call is needed

    return boto3.client(
        "sts",
        endpoint_url=url,
        region_name=env.region,
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


class LocalTarget(Target):
    name = "local"

    def __init__(self, emulator_url: str | None = None, keep: bool = False) -> None:
        self._requested_url = emulator_url or os.environ.get("ORCHESTRATOR_EMULATOR_URL")
        self._keep = keep
        self._lock: IO[str] | None = None
        self.emulator: Emulator | None = None
        self._credentials: RoleCredentials | None = None

    def open(self) -> None:
        if self.emulator is not None:
            return
        if self._requested_url:
            self.emulator = attach_emulator(self._requested_url)
            return
        self._take_lock()
        try:
            self.emulator = start_emulator(local_dir() / "emulator.log", state_file())
        except BaseException:
            self._release_lock()
            raise
        if self._keep:
            write_handle(self.emulator, local_dir() / "emulator.json")
            self._release_lock()

    def close(self) -> None:
        if self.emulator is not None and not self._keep:
            self.emulator.stop()
        self._release_lock()

    def _take_lock(self) -> None:
        path = local_dir() / "emulator-state.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise OrchestratorError(
                f"another local run ({holder}) is using the emulator state (lock {path}); wait for it to finish, "
                "or attach to a running emulator with --emulator-url"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._lock = handle

    def _release_lock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    @property
    def url(self) -> str:
        if self.emulator is None:
            raise OrchestratorError("the emulator is not running (target not opened)")
        return self.emulator.url

    def describe(self) -> str:
        kept = " (kept running)" if self._keep else ""
        return f"local emulator at {self.url}{kept}" if self.emulator else "local emulator"

    def identity(self) -> str:
        return f"local {self.url}"

    def gone(self) -> Gone | None:
        return self.emulator.gone() if self.emulator is not None else None

    def _administrator_sts(self, env: EnvConfig) -> Any:
        return administrator_sts(self.url, env)

    def session(self, env: EnvConfig) -> boto3.Session:
        return assumed_session(self._administrator_sts(env), env)

    def ambient_sts(self, env: EnvConfig) -> Any:
        return self._administrator_sts(env)

    def terraform_credentials(self, env: EnvConfig, duty: Duty) -> dict[str, str]:
        """As on AWS: GitHub's plan role reads, its apply role changes, the deploy role administers."""
        if self._credentials is None:
            self._credentials = RoleCredentials(self.url, self._administrator_sts)
        return self._credentials.variables(env, duty)

    def principal(self, env: EnvConfig, duty: Duty) -> str:
        return env.effective_deploy_role_arn if duty is Duty.ADMINISTER else ci_role_arn(env, duty)

    def client(self, env: EnvConfig, service: str) -> Any:
        return self.session(env).client(service, **self.client_arguments())

    def client_arguments(self) -> dict[str, Any]:
        return {"endpoint_url": self.url}

    def provider_settings(self, env: EnvConfig) -> dict[str, Any]:
        return {
            # The emulator answers unimplemented calls with HTTP 500: a few retries absorb a dropped
            # loopback connection without the provider's default 25 (minutes of backoff).
            "max_retries": LOCAL_MAX_RETRIES,
            "s3_use_path_style": True,
            "skip_credentials_validation": True,
            "skip_metadata_api_check": True,
            "endpoints": [{service: self.url for service in PROVIDER_SERVICES}],
        }

    def backend_settings(self, env: EnvConfig) -> dict[str, Any]:
        return {
            "endpoints": {"s3": self.url, "dynamodb": self.url, "sts": self.url, "iam": self.url},
            "use_path_style": True,
            "skip_credentials_validation": True,
            "skip_metadata_api_check": True,
            "skip_requesting_account_id": True,
            "max_retries": LOCAL_MAX_RETRIES,
        }

    def terraform_env(self) -> dict[str, str]:
        return {**LOCAL_CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true", **self._s3_control_route()}

    def _s3_control_route(self) -> dict[str, str]:
        """The AWS SDK puts the account id in front of S3 Control's host, also of a custom endpoint
        (`http://<account>.127.0.0.1:<port>/v20180820/...`), a name no resolver knows. The emulator
        is Terraform's HTTP proxy: plain-HTTP requests to such names reach it, and it serves them by
        their path (every other endpoint is a loopback address, which is never proxied)."""
        if self.emulator is None:
            return {}
        return {"HTTP_PROXY": self.url, "http_proxy": self.url}
