"""Each environment in an account of its own, on an emulator of this test's own (not the session's
world, so it runs while the world is being built): dev and another environment in account
555555555555 bootstrapped by one command, each state backend in its own account, neither account
seeing the other's buckets or lock table, and a second bootstrap a no-op.

Most of a bootstrap is the provider waiting (the state bucket's lifecycle configuration), so the
root conftest.py hands this file out first: its waits overlap the Terraform roots' tests on the
other worker."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.integration.conftest import DEV_ACCOUNT, STATE_BUCKET, Account, orchestrator, own_emulator

pytestmark = pytest.mark.emulator

OTHER_ACCOUNT = "555555555555"  # in no environment of the README's
OTHER_STATE_BUCKET = f"mlops-stg-tfstate-{OTHER_ACCOUNT}"


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A running emulator of this test's own and its ORCHESTRATOR_WORK_DIR; stopped at the end."""
    work_dir = tmp_path / "work"
    with own_emulator(work_dir) as url:
        yield url, work_dir


def _envs_with_another_account(envs: Path) -> Path:
    """The README's dev, and `stg`: dev's configuration in account 555555555555."""
    shutil.copytree(REPO_ROOT / "envs" / "dev", envs / "dev")
    config = yaml.safe_load((envs / "dev" / "env.yaml").read_text())
    config.update(name="stg", account_id=OTHER_ACCOUNT)
    config.pop("target_accounts", None)
    config.pop("projects", None)  # a project deploys to target accounts: without them its env.yaml is refused
    config.pop("teams", None)  # the teams own dev's projects
    (envs / "stg").mkdir()
    (envs / "stg" / "env.yaml").write_text(yaml.safe_dump(config))
    return envs


def test_each_env_lands_in_its_own_simulated_account(emulator: tuple[str, Path], tmp_path: Path) -> None:
    url, work_dir = emulator
    envs = {"ORCHESTRATOR_ENVS_DIR": str(_envs_with_another_account(tmp_path / "envs"))}
    selected = ["--env", "dev", "--env", "stg", "--emulator-url", url, "--json"]
    run = orchestrator(["bootstrap", *selected], work_dir, env=envs)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted((s["env"], s["result"]) for s in run.report["stacks"]) == [("dev", "applied"), ("stg", "applied")]

    stg, dev = Account(url, OTHER_ACCOUNT), Account(url, DEV_ACCOUNT)
    stg_buckets = {b["Name"] for b in stg.client("s3").list_buckets()["Buckets"]}
    dev_buckets = {b["Name"] for b in dev.client("s3").list_buckets()["Buckets"]}
    assert OTHER_STATE_BUCKET in stg_buckets and OTHER_STATE_BUCKET not in dev_buckets
    assert STATE_BUCKET in dev_buckets and STATE_BUCKET not in stg_buckets
    assert stg.client("dynamodb").list_tables()["TableNames"] == ["mlops-stg-tflock"]
    assert dev.client("dynamodb").list_tables()["TableNames"] == ["mlops-dev-tflock"]

    again = orchestrator(["bootstrap", *selected], work_dir, env=envs)
    assert again.returncode == 0, again.stderr[-3000:]
    assert [s["result"] for s in again.report["stacks"]] == ["no changes", "no changes"], "bootstrap is not idempotent"
