"""Integration helpers: the simulated accounts, boto3 clients in one of them, the orchestrator run as
a person runs it. The applied environments are the session's `world` (tests/conftest.py,
tests/world.py)."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.wheels import Wheel, upload_request
from tests.world import Run, World, orchestrator, start_orchestrator

__all__ = [
    "BUCKETS",
    "DEV_ACCOUNT",
    "EMULATOR_DEFAULT_ACCOUNT",
    "LOCK_TABLE",
    "REGION",
    "STATE_BUCKET",
    "Account",
    "Run",
    "World",
    "assert_nothing_left",
    "copy_of_the_world",
    "held_locks",
    "orchestrator",
    "own_emulator",
    "publish_to_dev_packages",
    "start_orchestrator",
    "throw_away",
]

DEV_ACCOUNT = "111111111111"
EMULATOR_DEFAULT_ACCOUNT = "123456789012"
REGION = "eu-west-1"

# dev's package repository (envs/dev/env.yaml packages)
PACKAGE_DOMAIN, PACKAGE_REPOSITORY = "mlops-dev-packages", "curated"

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


def publish_to_dev_packages(world: World, wheel: Wheel) -> None:
    """The administrator persona publishes `wheel` (twine's upload) to dev's curated repository;
    one published by an earlier run on the same world stays as it is (409)."""
    admin = Account(world.url, DEV_ACCOUNT, "mlops-dev-data-science-admin").client("codeartifact")
    token = admin.get_authorization_token(domain=PACKAGE_DOMAIN, domainOwner=DEV_ACCOUNT)["authorizationToken"]
    endpoint = admin.get_repository_endpoint(domain=PACKAGE_DOMAIN, repository=PACKAGE_REPOSITORY, format="pypi")[
        "repositoryEndpoint"
    ]
    try:
        with urllib.request.urlopen(upload_request(endpoint, token, wheel), timeout=30) as answer:
            assert answer.status == 200
    except urllib.error.HTTPError as error:
        assert error.code == 409, error.read()


@pytest.fixture(scope="module")
def iam(world: World) -> Any:
    """dev's IAM, as the account's administrator."""
    return Account(world.url, DEV_ACCOUNT).client("iam")


@pytest.fixture(scope="module")
def own_work_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ORCHESTRATOR_WORK_DIR of the test file's own, for its runs beside the world's (one
    orchestrator run at a time may use a stack's working root; the world's is test_dev_local.py's)."""
    return tmp_path_factory.mktemp(f"{request.module.__name__.rsplit('.', 1)[-1]}-work")


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


@contextmanager
def own_emulator(work_dir: Path) -> Iterator[str]:
    """A running emulator of the test's own, with `work_dir` as its ORCHESTRATOR_WORK_DIR: its URL;
    stopped (and its resources saved in `work_dir`) at the end."""
    started = orchestrator(["emulator", "start"], work_dir, timeout=120)
    url = re.search(r"ORCHESTRATOR_EMULATOR_URL=(\S+)", started.stdout)
    assert started.returncode == 0 and url, started.stdout[-2000:] + started.stderr[-2000:]
    try:
        yield url.group(1)
    finally:
        orchestrator(["emulator", "stop"], work_dir, timeout=120)


def copy_of_the_world(world: World, work_dir: Path) -> None:
    """The world's resources as its applies saved them (the session's emulator holds its own copy
    in memory and saves only when it stops), as this work folder's emulator state: a test that
    changes them runs on its own emulator and never touches the world."""
    state = Path("local") / "emulator-state.pickle"
    (work_dir / state).parent.mkdir(parents=True)
    shutil.copyfile(world.work_dir / state, work_dir / state)


# The end of the world (test_destroy.py, test_destroy_targets.py)


def throw_away(world: World, envs_dir: Path, *envs: str) -> Path:
    """The README's environments marked throw-away (`storage.force_destroy: true`) in `envs_dir`,
    and `envs` applied so: their buckets hold model artifacts and access logs now, and only such an
    environment lets destroy delete them."""
    for env in world.envs:
        shutil.copytree(REPO_ROOT / "envs" / env, envs_dir / env)
        config = yaml.safe_load((envs_dir / env / "env.yaml").read_text())
        config.setdefault("storage", {})["force_destroy"] = True
        (envs_dir / env / "env.yaml").write_text(yaml.safe_dump(config))
    # Without force_destroy, Terraform refuses to delete the models and access-log buckets
    # (BucketNotEmpty): the data outlives the environment unless someone says otherwise.
    selected = [arg for env in envs for arg in ("--env", env)]
    marked = orchestrator(
        ["apply", *selected, "--json", "--emulator-url", world.url],
        world.work_dir,
        env={"ORCHESTRATOR_ENVS_DIR": str(envs_dir)},
    )
    assert marked.returncode == 0, marked.stderr[-4000:]
    return envs_dir


def assert_nothing_left(emulator_url: str, account: str) -> None:
    """No VPC, no bucket but the state backend's, no enabled key but the state key in `account`."""
    inspector = Account(emulator_url, account)
    vpcs = [v["CidrBlock"] for v in inspector.client("ec2").describe_vpcs()["Vpcs"] if not v["IsDefault"]]
    assert vpcs == [], f"VPCs left in {account}: {vpcs}"
    # The state bucket and its log bucket stay: bootstrap is never destroyed by `destroy`.
    names = [b["Name"] for b in inspector.client("s3").list_buckets()["Buckets"]]
    assert [n for n in names if "-tfstate" not in n] == [], f"buckets left in {account}: {names}"
    kms = inspector.client("kms")
    # AWS-managed keys (alias/aws/…) are the service's, not the platform's; the emulator creates
    # them on first reference (its "Default key"), where AWS would have them already.
    aws_managed = {
        a["TargetKeyId"]
        for a in kms.list_aliases()["Aliases"]
        if a["AliasName"].startswith("alias/aws/") and "TargetKeyId" in a
    }
    enabled = [
        k["KeyId"]
        for k in kms.list_keys()["Keys"]
        if k["KeyId"] not in aws_managed and kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    ]
    assert len(enabled) == 1, f"keys other than the state key are still enabled in {account}: {enabled}"
