"""The end of the session's world (tests/world.py): `destroy` of the README's environments, once
every other test that uses them has finished, on any worker (`world_at_end` waits for them; these
tests are collected after all others). First dev alone, whose destroy stops on what a deleted
Studio domain leaves in the VPC; then the README's `destroy` of everything. Nothing is left.

The tests of this file run in order on one worker (pytest-xdist group)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.integration.conftest import BUCKETS, DEV_ACCOUNT, STATE_BUCKET, Account, World, held_locks, orchestrator

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-destroy")]


@pytest.fixture(scope="module")
def throw_away_envs(world_at_end: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's environments marked throw-away (`storage.force_destroy: true`), and applied so:
    their buckets hold model artifacts and access logs now, and only such an environment lets
    destroy delete them."""
    envs = tmp_path_factory.mktemp("envs")
    for env in world_at_end.envs:
        shutil.copytree(REPO_ROOT / "envs" / env, envs / env)
        config = yaml.safe_load((envs / env / "env.yaml").read_text())
        config.setdefault("storage", {})["force_destroy"] = True
        (envs / env / "env.yaml").write_text(yaml.safe_dump(config))
    # Without force_destroy, Terraform refuses to delete the models and access-log buckets
    # (BucketNotEmpty): the data outlives the environment unless someone says otherwise.
    marked = orchestrator(["apply", "--json", "--emulator-url", world_at_end.url], world_at_end.work_dir, ORCHESTRATOR_ENVS_DIR=str(envs))
    assert marked.returncode == 0, marked.stderr[-4000:]
    return envs


def test_destroy_leaves_nothing(world_at_end: World, throw_away_envs: Path) -> None:
    """dev first, alone: its destroy stops on what a deleted Studio domain leaves in the VPC, then
    leaves nothing once `cleanup-studio` has removed it."""
    world, work_dir = world_at_end, world_at_end.work_dir
    dev = Account(world.url, DEV_ACCOUNT)
    logs_bucket = f"mlops-dev-access-logs-{DEV_ACCOUNT}"
    dev.client("s3").put_object(Bucket=logs_bucket, Key="s3/example/2026-11-21-log", Body=b"access log line")
    ec2 = dev.client("ec2")
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.10.0.0/16"]}])["Vpcs"][0]["VpcId"]
    domain_id = dev.client("sagemaker").list_domains()["Domains"][0]["DomainId"]
    leftover_groups = [
        ec2.create_security_group(GroupName=f"security-group-for-{way}-nfs-{domain_id}", Description="NFS", VpcId=vpc_id)["GroupId"]
        for way in ("inbound", "outbound")
    ]
    run = orchestrator(
        ["destroy", "--env", "dev", "--emulator-url", world.url, "--yes", "--json"],
        work_dir,
        ORCHESTRATOR_ENVS_DIR=str(throw_away_envs),
    )
    # What AWS leaves after deleting a Studio domain (its NFS security groups): destroy stops
    # before the network, names them, and points at the clean-up command.
    assert run.returncode == 1, run.stderr[-4000:]
    assert [(s["stack"], s["result"]) for s in run.report["stacks"]] == [
        ("projects", "destroyed"), ("platform", "destroyed"), ("studio-leftovers", "failed"), ("identity", "skipped"), ("foundation", "skipped"),
    ]
    assert run.report["stacks"][3]["error"] == "dev/platform failed"
    message = run.report["stacks"][2]["error"]
    assert all(group in message for group in leftover_groups) and "cleanup-studio --env dev" in message
    assert dev.client("sagemaker").list_domains()["Domains"] == []
    catalog = dev.client("servicecatalog")
    assert not [p for p in catalog.list_portfolios()["PortfolioDetails"] if p["DisplayName"].startswith("mlops-dev")]
    assert catalog.search_products_as_admin()["ProductViewDetails"] == []

    refused = orchestrator(["cleanup-studio", "--env", "dev", "--emulator-url", world.url], work_dir, ORCHESTRATOR_ENVS_DIR=str(throw_away_envs))
    assert refused.returncode == 2 and "--yes" in refused.stderr  # no terminal, no --yes: nothing removed
    cleanup = orchestrator(["cleanup-studio", "--env", "dev", "--emulator-url", world.url, "--yes"], work_dir, ORCHESTRATOR_ENVS_DIR=str(throw_away_envs))
    assert cleanup.returncode == 0, cleanup.stderr[-3000:]
    run = orchestrator(
        ["destroy", "--env", "dev", "--emulator-url", world.url, "--yes", "--json"],
        work_dir,
        ORCHESTRATOR_ENVS_DIR=str(throw_away_envs),
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert [(s["stack"], s["result"]) for s in run.report["stacks"]][-2:] == [("identity", "destroyed"), ("foundation", "destroyed")]

    assert dev.client("ec2").describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.10.0.0/16"]}])["Vpcs"] == []
    names = [b["Name"] for b in dev.client("s3").list_buckets()["Buckets"]]
    assert not set(BUCKETS) & set(names)
    assert dev.client("ssm").get_parameters_by_path(Path="/mlops/dev", Recursive=True)["Parameters"] == []
    kms = dev.client("kms")
    for alias in ("data", "ebs", "studio", "logs"):
        assert not [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == f"alias/mlops-dev-{alias}"]
    states = {k["KeyState"] for k in (kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"])}
    assert states <= {"PendingDeletion", "Enabled"}  # Enabled: the bootstrap's state key, which stays
    state = json.loads(dev.client("s3").get_object(Bucket=STATE_BUCKET, Key="dev/foundation/terraform.tfstate")["Body"].read())
    assert state["resources"] == []
    assert held_locks(dev) == []


def test_destroy_removes_every_environment(world_at_end: World, throw_away_envs: Path) -> None:
    """The README's `destroy` of every environment (dev's stacks are gone already: no changes there)."""
    emulator_url, work = world_at_end.url, world_at_end.work_dir
    envs = {"ORCHESTRATOR_ENVS_DIR": str(throw_away_envs)}
    run = orchestrator(["destroy", "--yes", "--json", "--emulator-url", emulator_url], work, **envs)
    assert run.returncode == 0, run.stderr[-4000:]
    report: dict[str, Any] = json.loads(run.stdout)
    assert report["ok"] is True
    assert {s["result"] for s in report["stacks"]} <= {"destroyed", "no changes"}, report["stacks"]
    for account in world_at_end.accounts.values():
        inspector = Account(emulator_url, account)
        vpcs = [v["CidrBlock"] for v in inspector.client("ec2").describe_vpcs()["Vpcs"] if not v["IsDefault"]]
        assert vpcs == [], f"VPCs left in {account}: {vpcs}"
        # The state bucket and its log bucket stay: bootstrap is never destroyed by `destroy`.
        names = [b["Name"] for b in inspector.client("s3").list_buckets()["Buckets"]]
        assert [n for n in names if "-tfstate" not in n] == [], f"buckets left in {account}: {names}"
        kms = inspector.client("kms")
        # AWS-managed keys (alias/aws/…) are the service's, not the platform's; the emulator creates
        # them on first reference (its "Default key"), where AWS would have them already.
        aws_managed = {a["TargetKeyId"] for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith("alias/aws/") and "TargetKeyId" in a}
        enabled = [k["KeyId"] for k in kms.list_keys()["Keys"]
                   if k["KeyId"] not in aws_managed and kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"]
        assert len(enabled) == 1, f"keys other than the state key are still enabled in {account}: {enabled}"
