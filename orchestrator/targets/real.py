"""The aws target: real accounts, credentials from the environment (a profile, or OIDC in CI).

If the ambient credentials are already in the environment's account (CI's apply role, or an
administrator bootstrapping a fresh account) they are used as they are; otherwise the
environment's deploy role is assumed. The provider is pinned to the account with
`allowed_account_ids`, so a wrong profile fails before anything changes.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from orchestrator.config import EnvConfig
from orchestrator.config.ci_roles import apply_role_name, plan_role_name
from orchestrator.errors import OrchestratorError
from orchestrator.targets.base import Duty, Target, assume_role_block, assumed_session

if TYPE_CHECKING:
    import boto3


@cache
def _caller() -> tuple[str, str]:
    """The ambient credentials' account and ARN."""
    import boto3  # noqa: PLC0415
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        identity = boto3.client("sts").get_caller_identity()
    except (BotoCoreError, ClientError) as exc:
        raise OrchestratorError(
            f"no usable AWS credentials for --target aws ({exc}); set AWS_PROFILE or run in CI with OIDC"
        ) from None
    return str(identity["Account"]), str(identity["Arn"])


def _caller_account() -> str:
    return _caller()[0]


class AwsTarget(Target):
    name = "aws"

    def _needs_assume(self, env: EnvConfig) -> bool:
        return _caller_account() != env.account_id

    def identity(self) -> str:
        return f"aws {_caller_account()}"

    def can_administer(self, env: EnvConfig) -> bool:
        """Not when the ambient credentials are a session of the env's GitHub CI roles."""
        ci_sessions = (f":assumed-role/{apply_role_name(env)}/", f":assumed-role/{plan_role_name(env)}/")
        return self._needs_assume(env) or not any(marker in _caller()[1] for marker in ci_sessions)

    def principal(self, env: EnvConfig, duty: Duty) -> str:
        return env.effective_deploy_role_arn if self._needs_assume(env) else _caller()[1]

    def session(self, env: EnvConfig) -> boto3.Session:
        import boto3  # noqa: PLC0415
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        if not self._needs_assume(env):
            return boto3.Session(region_name=env.region)
        try:
            return assumed_session(boto3.client("sts"), env)
        except (BotoCoreError, ClientError) as exc:
            raise OrchestratorError(
                f"cannot assume {env.effective_deploy_role_arn} for env {env.name}: {exc}"
            ) from None

    def client(self, env: EnvConfig, service: str) -> Any:
        return self.session(env).client(service)

    def provider_settings(self, env: EnvConfig) -> dict[str, Any]:
        if not self._needs_assume(env):
            return {}
        return {"assume_role": [assume_role_block(env)]}

    def backend_settings(self, env: EnvConfig) -> dict[str, Any]:
        if not self._needs_assume(env):
            return {}
        return {"assume_role": assume_role_block(env)}
