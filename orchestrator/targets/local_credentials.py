"""Credentials of the local target's Terraform processes: the roles that run them on AWS.

- READ (plan for review, drift, outputs): the account's GitHub plan role, obtained as a job on the
  protected branch obtains it: a token of the emulator's OIDC issuer (it stands for GitHub's) with
  the repository's customised subject `repo:<owner>/<name>:ref:refs/heads/<branch>:ref:refs/heads/<branch>`,
  exchanged with `AssumeRoleWithWebIdentity`, which the emulator decides on the token and the trust.
- CHANGE (apply, destroy): the GitHub apply role, as a job of GitHub environment `<env>` on that
  branch (`repo:<owner>/<name>:environment:<env>:ref:refs/heads/<branch>`).
- ADMINISTER (bootstrap; changes only the deploy role may make): the environment's deploy role.

Nothing is written to disk: the credentials live in this process and reach Terraform through its
environment, as `aws-actions/configure-aws-credentials` hands them to a job's later steps.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orchestrator.config import EnvConfig
from orchestrator.config.ci_roles import SUBJECT_CLAIM_KEYS, apply_role_arn, plan_role_arn
from orchestrator.errors import OrchestratorError
from orchestrator.targets.base import Duty, deploy_role_credentials

SESSION_SECONDS = 3600  # the CI roles' max_session_duration
RENEW_BEFORE_SECONDS = 900  # a stack's command must not outlive its credentials
TOKEN_PATH = "/_platform/oidc/token"  # noqa: S105 - a path, not a secret


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expires_at: float  # epoch seconds

    @classmethod
    def from_sts(cls, answer: dict[str, Any]) -> Credentials:
        expiration = answer["Expiration"]
        expires_at = expiration.timestamp() if isinstance(expiration, datetime) else time.time() + SESSION_SECONDS
        return cls(answer["AccessKeyId"], answer["SecretAccessKey"], answer["SessionToken"], expires_at)

    def variables(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_SESSION_TOKEN": self.session_token,
        }

    def fresh(self, now: float) -> bool:
        return self.expires_at - now > RENEW_BEFORE_SECONDS


def ci_role_arn(env: EnvConfig, duty: Duty) -> str:
    if duty is Duty.READ:
        return plan_role_arn(env)
    if duty is Duty.CHANGE:
        return apply_role_arn(env)
    raise ValueError(f"{duty} is not a CI role's duty")


def ci_job(env: EnvConfig, duty: Duty) -> dict[str, Any]:
    """The GitHub job (token request of the emulator's issuer) that may obtain the role of `duty`."""
    job: dict[str, Any] = {
        "repository": env.github.repository,
        "ref": f"refs/heads/{env.github.plan_branch}",
        "include_claim_keys": list(SUBJECT_CLAIM_KEYS),
        "workflow": "env-deploy",
    }
    if duty is Duty.CHANGE:
        job["environment"] = env.name
    else:
        job["event_name"] = "schedule"
    return job


def mint_token(url: str, job: dict[str, Any]) -> str:
    request = urllib.request.Request(  # noqa: S310 - the emulator's own URL
        f"{url}{TOKEN_PATH}", data=json.dumps(job).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - the emulator's own URL
            return str(json.loads(answer.read())["token"])
    except (urllib.error.URLError, OSError, KeyError, ValueError) as exc:
        raise OrchestratorError(
            f"the emulator at {url} issued no GitHub token for {job['repository']} ({exc})"
        ) from None


class RoleCredentials:
    """Credentials per (environment, duty), obtained on first use and renewed before they expire."""

    def __init__(self, url: str, administrator: Any) -> None:
        self._url = url
        self._administrator = administrator  # (env) -> boto3 STS client of the emulator's administrator
        self._known: dict[tuple[str, Duty], Credentials] = {}
        self._turn = threading.Lock()

    def variables(self, env: EnvConfig, duty: Duty) -> dict[str, str]:
        with self._turn:
            known = self._known.get((env.name, duty))
            if known is None or not known.fresh(time.time()):
                known = self._obtain(env, duty)
                self._known[(env.name, duty)] = known
        return known.variables()

    def _obtain(self, env: EnvConfig, duty: Duty) -> Credentials:
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        sts = self._administrator(env)
        role = env.effective_deploy_role_arn if duty is Duty.ADMINISTER else ci_role_arn(env, duty)
        try:
            if duty is Duty.ADMINISTER:
                answer = deploy_role_credentials(sts, env, DurationSeconds=SESSION_SECONDS)
            else:
                token = mint_token(self._url, ci_job(env, duty))
                answer = sts.assume_role_with_web_identity(
                    RoleArn=role,
                    RoleSessionName=f"github-{env.name}-{duty.value}",
                    WebIdentityToken=token,
                    DurationSeconds=SESSION_SECONDS,
                )["Credentials"]
        except (BotoCoreError, ClientError) as exc:
            hint = (
                ""
                if duty is Duty.ADMINISTER
                else f"; bootstrap creates it: python -m orchestrator bootstrap --env {env.name}"
            )
            raise OrchestratorError(f"{env.name}: cannot obtain {role} ({exc}){hint}") from None
        return Credentials.from_sts(answer)
