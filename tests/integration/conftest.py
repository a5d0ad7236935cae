"""Integration fixtures: one emulator for the module, the orchestrator run as a person runs it."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from orchestrator.emulator.process import Emulator, start_emulator
from tests.conftest import PYTHON, REPO_ROOT, orchestrator_env

DEV_ACCOUNT = "111111111111"
EMULATOR_DEFAULT_ACCOUNT = "123456789012"
REGION = "eu-west-1"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        return json.loads(self.stdout)


def orchestrator(args: list[str], work_dir: Path, timeout: int = 900, **env: str) -> Run:
    result = subprocess.run(
        [PYTHON, "-m", "orchestrator", *args],
        cwd=REPO_ROOT,
        env=orchestrator_env(ORCHESTRATOR_WORK_DIR=str(work_dir), **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def start_orchestrator(args: list[str], work_dir: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, "-m", "orchestrator", *args],
        cwd=REPO_ROOT,
        env=orchestrator_env(ORCHESTRATOR_WORK_DIR=str(work_dir), **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    running = start_emulator(tmp_path_factory.mktemp("emulator") / "emulator.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("work")


class Account:
    """boto3 clients whose calls land in one simulated account, as the role `role_name` of it."""

    def __init__(self, url: str, account_id: str | None, role_name: str = "test-inspector") -> None:
        self.url = url
        base = {"region_name": REGION, "aws_access_key_id": "test", "aws_secret_access_key": "test"}
        self.credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
        if account_id is None:
            self._session = boto3.Session(**base)
            return
        creds = boto3.client("sts", endpoint_url=url, **base).assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}", RoleSessionName="integration-test"
        )["Credentials"]
        self.credentials = {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }
        self._session = boto3.Session(region_name=REGION, **self.credentials)

    def environment(self) -> dict[str, str]:
        """Variables that give a child process (a CLI using default credentials) this account's role."""
        return {name.upper(): value for name, value in self.credentials.items()} | {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }

    def client(self, service: str) -> Any:
        return self._session.client(service, endpoint_url=self.url)
