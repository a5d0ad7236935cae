"""The local target's Terraform credentials: the GitHub job that may obtain each CI role, and
credentials kept per (environment, duty) until they are about to expire."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from orchestrator.config import load_env
from orchestrator.emulator.oidc.github import Job, job_claims, subject
from orchestrator.targets import local_credentials
from orchestrator.targets.base import Duty
from orchestrator.targets.local_credentials import (
    RENEW_BEFORE_SECONDS,
    Credentials,
    RoleCredentials,
    ci_job,
    ci_role_arn,
)

ISSUED_TOKEN = "token-of-the-issuer"  # checkov:skip=CKV_SECRET_6: a stand-in of the test, not a token


def _subject(job: dict[str, Any]) -> str:
    made = Job(**{**job, "include_claim_keys": tuple(job["include_claim_keys"])})
    return subject(made, job_claims(made))


def test_the_plan_role_is_obtained_as_a_job_on_the_protected_branch() -> None:
    env = load_env("dev")
    assert ci_role_arn(env, Duty.READ) == "arn:aws:iam::111111111111:role/mlops-dev-github-plan"
    # modules/github-oidc's plan_branch_subject
    assert _subject(ci_job(env, Duty.READ)) == "repo:example-org/mlops-platform:ref:refs/heads/main:ref:refs/heads/main"


def test_the_apply_role_is_obtained_as_a_job_of_the_environment_on_the_protected_branch() -> None:
    env = load_env("staging")
    assert ci_role_arn(env, Duty.CHANGE) == "arn:aws:iam::222222222222:role/mlops-staging-github-apply"
    # modules/github-oidc's apply_subject
    assert (
        _subject(ci_job(env, Duty.CHANGE)) == "repo:example-org/mlops-platform:environment:staging:ref:refs/heads/main"
    )


def test_the_deploy_role_is_no_ci_role() -> None:
    with pytest.raises(ValueError):
        ci_role_arn(load_env("dev"), Duty.ADMINISTER)


class FakeSts:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def _answer(self, role: str) -> dict[str, Any]:
        n = len(self.calls)
        expires = datetime.fromtimestamp(time.time() + 3600, tz=UTC)
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA{n}",
                "SecretAccessKey": "s",
                "SessionToken": f"t{n}",
                "Expiration": expires,
            }
        }

    def assume_role(self, RoleArn: str, RoleSessionName: str, DurationSeconds: int) -> dict[str, Any]:
        self.calls.append(("AssumeRole", RoleArn))
        return self._answer(RoleArn)

    def assume_role_with_web_identity(
        self, RoleArn: str, RoleSessionName: str, WebIdentityToken: str, DurationSeconds: int
    ) -> dict[str, Any]:
        assert WebIdentityToken == ISSUED_TOKEN
        self.calls.append(("AssumeRoleWithWebIdentity", RoleArn))
        return self._answer(RoleArn)


def test_each_duty_gets_its_role_once_and_the_deploy_role_needs_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    sts = FakeSts()
    minted: list[dict[str, Any]] = []

    def mint_token(url: str, job: dict[str, Any]) -> str:
        minted.append(job)
        return ISSUED_TOKEN

    monkeypatch.setattr(local_credentials, "mint_token", mint_token)
    credentials = RoleCredentials("http://127.0.0.1:1", lambda env: sts)
    env = load_env("dev")
    first = credentials.variables(env, Duty.CHANGE)
    assert credentials.variables(env, Duty.CHANGE) == first  # kept, not obtained again
    credentials.variables(env, Duty.READ)
    credentials.variables(env, Duty.ADMINISTER)
    assert sts.calls == [
        ("AssumeRoleWithWebIdentity", "arn:aws:iam::111111111111:role/mlops-dev-github-apply"),
        ("AssumeRoleWithWebIdentity", "arn:aws:iam::111111111111:role/mlops-dev-github-plan"),
        ("AssumeRole", "arn:aws:iam::111111111111:role/mlops-dev-deploy"),
    ]
    assert [job.get("environment") for job in minted] == ["dev", None]
    assert set(first) == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}


def test_credentials_about_to_expire_are_obtained_again() -> None:
    now = time.time()
    assert Credentials("a", "s", "t", now + RENEW_BEFORE_SECONDS + 60).fresh(now)
    assert not Credentials("a", "s", "t", now + RENEW_BEFORE_SECONDS - 60).fresh(now)
