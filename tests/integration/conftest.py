"""Integration helpers: the simulated accounts, boto3 clients in one of them, the orchestrator run as
a person runs it. The applied environments are the session's `world` (tests/conftest.py,
tests/world.py)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.world import Run, World, orchestrator, start_orchestrator

__all__ = [
    "BUCKETS", "DEV_ACCOUNT", "EMULATOR_DEFAULT_ACCOUNT", "LOCK_TABLE", "REGION", "STATE_BUCKET",
    "Account", "Run", "World", "held_locks", "orchestrator", "start_orchestrator",
]

DEV_ACCOUNT = "111111111111"
EMULATOR_DEFAULT_ACCOUNT = "123456789012"
REGION = "eu-west-1"

# dev's state backend and buckets
STATE_BUCKET = f"mlops-dev-tfstate-{DEV_ACCOUNT}"
LOCK_TABLE = "mlops-dev-tflock"
BUCKETS = [f"mlops-dev-{name}-{DEV_ACCOUNT}" for name in ("data", "models", "access-logs")]


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


@pytest.fixture(scope="module")
def iam(world: World) -> Any:
    """dev's IAM, as the account's administrator."""
    return Account(world.url, DEV_ACCOUNT).client("iam")


@pytest.fixture(scope="module")
def contract(world: World) -> dict[str, str]:
    """dev's SSM contract (`/mlops/dev/…` without the prefix)."""
    ssm = Account(world.url, DEV_ACCOUNT).client("ssm")
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/mlops/dev", Recursive=True)
    return {p["Name"].removeprefix("/mlops/dev/"): p["Value"] for page in pages for p in page["Parameters"]}


def held_locks(dev: Account) -> list[str]:
    """The state locks held in dev: lock items of the lock table and `.tflock` objects of the state bucket."""
    items = dev.client("dynamodb").scan(TableName=LOCK_TABLE)["Items"]
    held = [i["LockID"]["S"] for i in items if not i["LockID"]["S"].endswith("-md5")]
    objects = dev.client("s3").list_objects_v2(Bucket=STATE_BUCKET).get("Contents", [])
    return held + [o["Key"] for o in objects if o["Key"].endswith(".tflock")]
