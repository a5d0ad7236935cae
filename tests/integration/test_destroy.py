"""The end of the session's world (tests/world.py): `destroy` of the README's environments, once
every other test that uses them has finished, on any worker (`world_at_end` waits for them; these
tests are collected after all others). Two files share the work, one on each worker: here dev,
whose destroy stops on what a deleted Studio domain leaves in the VPC until `cleanup-studio` has
removed it, and then the README's `destroy` of everything, which destroys the rest of dev;
test_destroy_targets.py destroys staging and prod meanwhile. Nothing is left.

The tests of this file run in order on one worker (one work unit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import (
    BUCKETS,
    DEV_ACCOUNT,
    STATE_BUCKET,
    Account,
    World,
    assert_nothing_left,
    held_locks,
    orchestrator,
    throw_away,
)
from tests.world import shared_dir, wait_until_finished

TARGETS_DESTROYED = "tests/integration/test_destroy_targets.py::test_destroy_removes_staging_and_prod"

pytestmark = pytest.mark.emulator


@pytest.fixture(scope="module")
def throw_away_envs(world_at_end: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dev marked throw-away and applied so (staging and prod: test_destroy_targets.py)."""
    return throw_away(world_at_end, tmp_path_factory.mktemp("envs"), "dev")


def test_dev_destroy_stops_at_the_studio_leftovers_until_cleanup_removes_them(
    world_at_end: World, throw_away_envs: Path
) -> None:
    """dev first, alone: its destroy stops on what a deleted Studio domain leaves in the VPC, before
    the stacks under it; `cleanup-studio` removes those leftovers (the README's `destroy`, next,
    destroys the rest: test_destroy_removes_every_environment)."""
    world, work_dir = world_at_end, world_at_end.work_dir
    dev = Account(world.url, DEV_ACCOUNT)
    logs_bucket = f"mlops-dev-access-logs-{DEV_ACCOUNT}"
    dev.client("s3").put_object(Bucket=logs_bucket, Key="s3/example/2026-11-21-log", Body=b"access log line")
    ec2 = dev.client("ec2")
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.10.0.0/16"]}])["Vpcs"][0]["VpcId"]
    domain_id = dev.client("sagemaker").list_domains()["Domains"][0]["DomainId"]
    leftover_groups = [
        ec2.create_security_group(
            GroupName=f"security-group-for-{way}-nfs-{domain_id}", Description="NFS", VpcId=vpc_id
        )["GroupId"]
        for way in ("inbound", "outbound")
    ]
    run = orchestrator(
        ["destroy", "--env", "dev", "--emulator-url", world.url, "--yes", "--json"],
        work_dir,
        env={"ORCHESTRATOR_ENVS_DIR": str(throw_away_envs)},
    )
    # What AWS leaves after deleting a Studio domain (its NFS security groups): destroy stops
    # before the network, names them, and points at the clean-up command.
    assert run.returncode == 1, run.stderr[-4000:]
    assert [(s["stack"], s["result"]) for s in run.report["stacks"]] == [
        ("projects", "destroyed"),
        ("platform", "destroyed"),
        ("studio-leftovers", "failed"),
        ("identity", "skipped"),
        ("foundation", "skipped"),
    ]
    assert run.report["stacks"][3]["error"] == "dev/platform failed"
    message = run.report["stacks"][2]["error"]
    assert all(group in message for group in leftover_groups) and "cleanup-studio --env dev" in message
    assert dev.client("sagemaker").list_domains()["Domains"] == []
    catalog = dev.client("servicecatalog")
    assert not [p for p in catalog.list_portfolios()["PortfolioDetails"] if p["DisplayName"].startswith("mlops-dev")]
    assert catalog.search_products_as_admin()["ProductViewDetails"] == []

    refused = orchestrator(
        ["cleanup-studio", "--env", "dev", "--emulator-url", world.url],
        work_dir,
        env={"ORCHESTRATOR_ENVS_DIR": str(throw_away_envs)},
    )
    assert refused.returncode == 2 and "--yes" in refused.stderr  # no terminal, no --yes: nothing removed
    cleanup = orchestrator(
        ["cleanup-studio", "--env", "dev", "--emulator-url", world.url, "--yes"],
        work_dir,
        env={"ORCHESTRATOR_ENVS_DIR": str(throw_away_envs)},
    )
    assert cleanup.returncode == 0, cleanup.stderr[-3000:]
    left = ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": leftover_groups}])["SecurityGroups"]
    assert left == [], "cleanup-studio left the domain's NFS security groups"


def test_destroy_removes_every_environment(
    world_at_end: World, throw_away_envs: Path, request: pytest.FixtureRequest
) -> None:
    """The README's `destroy` of every environment, once the Studio domain's leftovers are cleaned up
    (the test above) and staging and prod are gone (test_destroy_targets.py, when it
    is part of the run): what dev's first destroy stopped before (its identity and foundation) is
    destroyed, nothing else is left to destroy, and nothing is left in any account."""
    targets_in_run = any(item.nodeid == TARGETS_DESTROYED for item in request.session.items)
    if targets_in_run:
        wait_until_finished(shared_dir(request.config), [TARGETS_DESTROYED])
    emulator_url, work = world_at_end.url, world_at_end.work_dir
    envs = {"ORCHESTRATOR_ENVS_DIR": str(throw_away_envs)}
    run = orchestrator(["destroy", "--yes", "--json", "--emulator-url", emulator_url], work, env=envs)
    assert run.returncode == 0, run.stderr[-4000:]
    report: dict[str, Any] = json.loads(run.stdout)
    assert report["ok"] is True
    results = {f"{s['env']}/{s['stack']}": s["result"] for s in report["stacks"]}
    assert {stack: results.get(stack) for stack in ("dev/identity", "dev/foundation")} == {
        "dev/identity": "destroyed",
        "dev/foundation": "destroyed",
    }, report["stacks"]
    others = {stack: result for stack, result in results.items() if stack not in ("dev/identity", "dev/foundation")}
    left = {"no changes"} if targets_in_run else {"no changes", "destroyed"}  # run alone, it destroys staging and prod
    assert set(others.values()) <= left and set(others) >= {"dev/projects", "staging/hosting", "prod/hosting"}, report[
        "stacks"
    ]

    dev = Account(emulator_url, DEV_ACCOUNT)
    assert dev.client("ec2").describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.10.0.0/16"]}])["Vpcs"] == []
    names = [b["Name"] for b in dev.client("s3").list_buckets()["Buckets"]]
    assert not set(BUCKETS) & set(names)
    assert dev.client("ssm").get_parameters_by_path(Path="/mlops/dev", Recursive=True)["Parameters"] == []
    kms = dev.client("kms")
    for alias in ("data", "ebs", "studio", "logs"):
        assert not [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == f"alias/mlops-dev-{alias}"]
    states = {
        k["KeyState"] for k in (kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"])
    }
    assert states <= {"PendingDeletion", "Enabled"}  # Enabled: the bootstrap's state key, which stays
    state = json.loads(
        dev.client("s3").get_object(Bucket=STATE_BUCKET, Key="dev/foundation/terraform.tfstate")["Body"].read()
    )
    assert state["resources"] == []
    assert held_locks(dev) == []
    for account in world_at_end.accounts.values():
        assert_nothing_left(emulator_url, account)
