"""`emulator credentials`: a shell's AWS variables for one role of an environment's account on the
running local emulator.

With them a person acts as a persona (a data scientist, the team lead), a project's CI role or a
stage's deploy role — with the AWS CLI, boto3 or the seed code's commands — and sees what IAM lets
that role do: the emulator decides every request of the session as AWS would. The session is
obtained by the emulator's administrator (AssumeRole), as an identity provider or a person's SSO
role would obtain it on AWS; what the session may do is the role's alone.
"""

from __future__ import annotations

import getpass
import re
import shlex
from typing import Any

from orchestrator.config.schema import EnvConfig
from orchestrator.errors import OrchestratorError
from orchestrator.targets.base import assumed_session
from orchestrator.targets.local import administrator_sts

SESSION_SECONDS = 3600
_SESSION_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9+=,.@_-]")


def session_name() -> str:
    """`<user>-local`: the person's login name as far as STS accepts it (2-64 characters)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "person"
    return (_SESSION_NAME_UNSAFE.sub("-", user)[:56] or "person") + "-local"


def role_credentials(url: str, env: EnvConfig, role: str) -> dict[str, Any]:
    """STS credentials of `role` in the env's account (AccessKeyId, SecretAccessKey, SessionToken)."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - only when the command runs

    arn = f"arn:{env.partition}:iam::{env.account_id}:role/{role}"
    sts = administrator_sts(url, env)
    try:
        # The role must exist (the administrator's AssumeRole alone would not say so): read as the
        # env's deploy role, the platform's own administrator in that account — which the local
        # target stands in for without an IAM role of that name.
        if arn != env.effective_deploy_role_arn:
            assumed_session(sts, env).client("iam", endpoint_url=url).get_role(RoleName=role)
        return dict(
            sts.assume_role(RoleArn=arn, RoleSessionName=session_name(), DurationSeconds=SESSION_SECONDS)["Credentials"]
        )
    except ClientError as exc:
        raise OrchestratorError(
            f"--role: {arn} cannot be assumed on the emulator at {url} ({exc}); is {env.name} applied?"
        ) from None
    except BotoCoreError as exc:
        raise OrchestratorError(
            f"the emulator at {url} did not answer ({exc}); start it with `python -m orchestrator emulator start`"
        ) from None


def exports(url: str, env: EnvConfig, credentials: dict[str, Any]) -> list[str]:
    """`export` lines for a POSIX shell: the session, the emulator as endpoint, the env's region."""
    variables = {
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
        "AWS_ENDPOINT_URL": url,
        "AWS_REGION": env.region,
        "AWS_DEFAULT_REGION": env.region,
    }
    return [f"export {name}={shlex.quote(str(value))}" for name, value in variables.items()]
