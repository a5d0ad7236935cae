"""`emulator credentials`: a shell's AWS variables for one role of an environment's account on the
running emulator; bad input refused before anything is asked of the emulator."""

from __future__ import annotations

import getpass
import shlex
import subprocess
import sys
from typing import Any

import pytest

from orchestrator.config import load_env
from orchestrator.errors import OrchestratorError
from orchestrator.targets import role_shell
from tests.conftest import REPO_ROOT

URL = "http://127.0.0.1:45999"
ANSWER = {
    "AccessKeyId": "ASIAEXAMPLE",
    "SecretAccessKey": "s3cr3t/with+chars=",  # checkov:skip=CKV_SECRET_6: made up to test shell quoting, not a credential
    "SessionToken": "token with spaces'and quote",
}


def test_the_exports_give_the_session_the_emulator_and_the_envs_region_quoted_for_a_shell() -> None:
    lines = role_shell.exports(URL, load_env("dev"), ANSWER)
    parsed = dict(shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in lines)
    assert parsed == {
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": ANSWER["SecretAccessKey"],
        "AWS_SESSION_TOKEN": "token with spaces'and quote",
        "AWS_ENDPOINT_URL": URL,
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }


def test_the_session_is_named_after_the_person_as_sts_accepts_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "ana maría/ops")
    assert role_shell.session_name() == "ana-mar-a-ops-local"
    monkeypatch.setattr(getpass, "getuser", lambda: "x" * 80)
    assert len(role_shell.session_name()) <= 64


def test_a_role_that_does_not_exist_is_named_and_nothing_is_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    class Iam:
        def get_role(self, RoleName: str) -> Any:  # noqa: N803 - boto3's parameter name
            raise ClientError({"Error": {"Code": "NoSuchEntity", "Message": f"Role {RoleName} not found"}}, "GetRole")

    class Session:
        def client(self, service: str, endpoint_url: str) -> Iam:
            assert (service, endpoint_url) == ("iam", URL)
            return Iam()

    monkeypatch.setattr(role_shell, "assumed_session", lambda sts, env: Session())
    with pytest.raises(
        OrchestratorError,
        match=r"--role: arn:aws:iam::111111111111:role/nosuch cannot be assumed .*NoSuchEntity",
    ):
        role_shell.role_credentials(URL, load_env("dev"), "nosuch")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--env", "dev"], "--role: `emulator credentials` needs it"),
        (["--role", "mlops-dev-team-lead"], "--env: `emulator credentials` needs it"),
        (["--env", "dev", "--role", "team lead"], "argument --role: IAM role name 'team lead' may only hold"),
        (["--env", "Dev", "--role", "mlops-dev-team-lead"], "argument --env: must be an environment name"),
    ],
)
def test_bad_input_is_refused_before_any_call(arguments: list[str], message: str, tmp_path: Any) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "orchestrator", "emulator", "credentials", *arguments],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "ORCHESTRATOR_WORK_DIR": str(tmp_path), "ORCHESTRATOR_EMULATOR_URL": URL},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2 and message in run.stderr, run.stderr
    assert run.stdout == ""


def test_the_other_actions_refuse_the_credentials_options(tmp_path: Any) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "orchestrator", "emulator", "status", "--role", "mlops-dev-team-lead"],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "ORCHESTRATOR_WORK_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (
        run.returncode == 2 and "--role: only with `emulator credentials` (value 'mlops-dev-team-lead')" in run.stderr
    ), run.stderr
