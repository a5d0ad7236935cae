"""The aws target knows when its ambient credentials are a GitHub CI role's session."""

from __future__ import annotations

import pytest

from orchestrator.config import load_env
from orchestrator.targets import real
from orchestrator.targets.base import Duty
from orchestrator.targets.real import AwsTarget


@pytest.mark.parametrize(
    ("arn", "administers"),
    [
        ("arn:aws:sts::111111111111:assumed-role/mlops-dev-github-apply/GitHubActions", False),
        ("arn:aws:sts::111111111111:assumed-role/mlops-dev-github-plan/GitHubActions", False),
        ("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123/alice", True),
    ],
)
def test_a_ci_session_in_the_account_cannot_administer(
    monkeypatch: pytest.MonkeyPatch, arn: str, administers: bool
) -> None:
    monkeypatch.setattr(real, "_caller", lambda: ("111111111111", arn))
    assert AwsTarget().can_administer(load_env("dev")) is administers


def test_credentials_of_another_account_assume_the_deploy_role(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        real, "_caller", lambda: ("999999999999", "arn:aws:sts::999999999999:assumed-role/mlops-dev-github-apply/x")
    )
    env = load_env("dev")
    assert AwsTarget().can_administer(env)
    assert AwsTarget().principal(env, Duty.CHANGE) == "arn:aws:iam::111111111111:role/mlops-dev-deploy"
