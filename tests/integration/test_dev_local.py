"""Tier 3: envs/dev, applied on the local emulator through the orchestrator, checked through boto3,
re-planned clean, locked and unlocked, changed through reviewed plans, and contended by two
concurrent applies. Its drift and the policy gate are in test_dev_drift.py, its guardrails, linters
and checkov in test_dev_guardrails.py (beside this file, on the other worker); its destroy is in
test_destroy.py.

dev is the session's world (tests/world.py: one apply of dev, staging and prod for every test of
the run): nothing here applies a whole environment again. A test that changes the world acts on one
stack, or on a change it reverts before it ends. The tests of this file run in order on one worker
(pytest-xdist group)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.github import pr_comment
from orchestrator.report import markdown as markdown_report
from orchestrator.report import merge as github_actions
from tests.conftest import REPO_ROOT
from tests.integration.conftest import (
    BUCKETS,
    DEV_ACCOUNT,
    EMULATOR_DEFAULT_ACCOUNT,
    LOCK_TABLE,
    STATE_BUCKET,
    Account,
    World,
    held_locks,
    orchestrator,
    start_orchestrator,
)

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-dev-local")]


def test_apply_creates_dev_in_its_own_account(world: World) -> None:
    """The world's first apply (bootstrap, foundation, identity, platform, projects of dev, beside staging and prod)."""
    run = world.first_apply
    assert run.returncode == 0, run.stderr[-4000:]
    report = world.first_report
    assert report["ok"] is True
    by_stack = {s["stack"]: s for s in report["stacks"] if s["env"] == "dev"}
    assert by_stack["bootstrap"]["result"] == "applied"
    assert by_stack["foundation"]["result"] == "applied" and by_stack["foundation"]["add"] > 50
    assert "dev/foundation" in run.stderr, "progress lines are shown while terraform runs"

    dev = Account(world.url, DEV_ACCOUNT)
    ec2 = dev.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.10.0.0/16"]}])["Vpcs"]
    assert len(vpcs) == 1 and vpcs[0]["OwnerId"] == DEV_ACCOUNT
    vpc_id = vpcs[0]["VpcId"]
    default_account_vpcs = Account(world.url, None).client("ec2").describe_vpcs()["Vpcs"]
    assert vpc_id not in [v["VpcId"] for v in default_account_vpcs], f"the VPC leaked into {EMULATOR_DEFAULT_ACCOUNT}"

    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == ["10.10.0.0/19", "10.10.32.0/19"]
    assert not any(s["MapPublicIpOnLaunch"] for s in subnets)
    assert (
        ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
        == []
    )
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    gateway = [e for e in endpoints if e["VpcEndpointType"] == "Gateway"]
    interface = [e for e in endpoints if e["VpcEndpointType"] == "Interface"]
    assert len(gateway) == 1 and gateway[0]["ServiceName"].endswith(".s3")
    gateway_policy = json.loads(gateway[0]["PolicyDocument"])
    allowed = json.dumps(gateway_policy)
    assert all(f"arn:aws:s3:::{b}" in allowed for b in BUCKETS) and '"s3:*"' not in allowed
    # env.yaml's nine interface endpoints and, for its package index, CodeArtifact's api and repositories
    assert len(interface) == 11 and all(e["PrivateDnsEnabled"] for e in interface)
    assert {e["ServiceName"].rsplit(".", 1)[-1] for e in interface} >= {"api", "repositories"}
    assert ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]

    kms = dev.client("kms")
    aliases = {a["AliasName"]: a["TargetKeyId"] for a in kms.list_aliases()["Aliases"] if "mlops-dev" in a["AliasName"]}
    assert set(aliases) >= {f"alias/mlops-dev-{k}" for k in ("data", "ebs", "studio", "logs", "tfstate")}
    for key_id in aliases.values():
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    data_key_arn = kms.describe_key(KeyId="alias/mlops-dev-data")["KeyMetadata"]["Arn"]

    s3 = dev.client("s3")
    for bucket in BUCKETS:
        rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0][
            "ApplyServerSideEncryptionByDefault"
        ]
        if "access-logs" in bucket:
            assert rule["SSEAlgorithm"] == "AES256"  # S3 delivers server access logs only to SSE-S3 buckets
        else:
            assert rule == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": data_key_arn}
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values())
        statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
        tls = [
            s
            for s in statements
            if s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        ]
        assert tls, f"{bucket} has no TLS-only statement"
        vpce = [s for s in statements if "aws:SourceVpce" in json.dumps(s.get("Condition", {}))]
        assert vpce and gateway[0]["VpcEndpointId"] in json.dumps(vpce), f"{bucket} is not limited to the VPC endpoint"

    pages = dev.client("ssm").get_paginator("get_parameters_by_path").paginate(Path="/mlops/dev", Recursive=True)
    values = {p["Name"]: p["Value"] for page in pages for p in page["Parameters"]}
    assert values["/mlops/dev/network/vpc-id"] == vpc_id
    assert values["/mlops/dev/kms/data-key-arn"] == data_key_arn
    assert values["/mlops/dev/storage/data-bucket"] == BUCKETS[0]

    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=STATE_BUCKET)["Contents"]]
    assert {"dev/bootstrap/terraform.tfstate", "dev/foundation/terraform.tfstate"} <= set(keys)
    state = json.loads(s3.get_object(Bucket=STATE_BUCKET, Key="dev/foundation/terraform.tfstate")["Body"].read())
    assert state["resources"], "the foundation state is empty"
    table = dev.client("dynamodb").describe_table(TableName=LOCK_TABLE)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert held_locks(dev) == [], "a lock was left behind"
    _assert_studio_and_portfolio(dev, vpc_id, values)


def test_each_stack_is_applied_by_the_role_that_applies_it_on_aws(world: World) -> None:
    """Terraform ran with the GitHub apply role's credentials (a token of the emulator's issuer
    exchanged by AssumeRoleWithWebIdentity), except where the plan changed what only the deploy role
    may change: the boundaries and guardrails (foundation, identity, hosting) and the projects'
    EventBridge connections. The second apply, a no-op, refreshed everything as the apply role
    (each apply's emulator logs its authorization counts when it stops)."""

    def principals(report: dict[str, Any]) -> dict[str, str]:
        return {
            f"{s['env']}/{s['stack']}": s.get("principal", "") for s in report["stacks"] if s["stack"] != "bootstrap"
        }

    first = principals(world.first_report)
    deploy = {env: f"arn:aws:iam::{account}:role/mlops-{env}-deploy" for env, account in world.accounts.items()}
    assert first == {
        "dev/foundation": deploy["dev"],
        "dev/identity": deploy["dev"],
        "dev/projects": deploy["dev"],
        "dev/platform": f"arn:aws:iam::{world.accounts['dev']}:role/mlops-dev-github-apply",
        "staging/hosting": deploy["staging"],
        "prod/hosting": deploy["prod"],
        "prod/detective": deploy["prod"],  # every change of the detective controls is the deploy role's
    }
    assert all(s["result"] == "no changes" for s in world.second_report["stacks"])


def _assert_studio_and_portfolio(dev: Account, vpc_id: str, contract: dict[str, str]) -> None:
    """The platform stack: Studio private and encrypted with its users and lifecycle config;
    the S3-based project templates where the domain's tag points."""
    sagemaker = dev.client("sagemaker")
    [summary] = sagemaker.list_domains()["Domains"]
    domain = sagemaker.describe_domain(DomainId=summary["DomainId"])
    assert domain["DomainName"] == "mlops-dev-studio" and domain["Status"] == "InService"
    assert domain["AppNetworkAccessType"] == "VpcOnly" and domain["AuthMode"] == "IAM" and domain["VpcId"] == vpc_id
    assert domain["KmsKeyId"] == contract["/mlops/dev/kms/studio-key-arn"]
    assert domain["DefaultUserSettings"]["SharingSettings"]["NotebookOutputOption"] == "Disabled"
    idle = domain["DefaultUserSettings"]["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"]
    assert idle["LifecycleManagement"] == "ENABLED" and idle["IdleTimeoutInMinutes"] == 120
    assert contract["/mlops/dev/studio/domain-id"] == summary["DomainId"]
    profiles = sagemaker.list_user_profiles(DomainIdEquals=summary["DomainId"])["UserProfiles"]
    users = ["alice", "bob", "carol", "dave", "erin"]  # studio.users, teams
    assert sorted(p["UserProfileName"] for p in profiles) == users
    configs = sagemaker.list_studio_lifecycle_configs()["StudioLifecycleConfigs"]
    assert configs and all(c["StudioLifecycleConfigName"].startswith("mlops-dev-") for c in configs)
    assert sagemaker.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Enabled"

    # The project templates, S3-based: the domain's tag names their location, only each template's
    # current version is visible there, and no Service Catalog portfolio is published.
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=summary["DomainArn"])["Tags"]}
    location = contract["/mlops/dev/project-templates/location"]
    assert (
        tags["sagemaker:projectS3TemplatesLocation"]
        == location
        == f"s3://mlops-dev-sc-templates-{DEV_ACCOUNT}/templates/"
    )
    bucket, _, prefix = location.removeprefix("s3://").partition("/")
    s3 = dev.client("s3")
    visible = [
        o["Key"].removeprefix(prefix).split("/")[0]
        for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]
        if {"Key": "sagemaker:studio-visibility", "Value": "true"}
        in s3.get_object_tagging(Bucket=bucket, Key=o["Key"])["TagSet"]
    ]
    assert sorted(visible) == ["model-build", "model-deploy-2"]
    assert not [
        p
        for p in dev.client("servicecatalog").list_portfolios()["PortfolioDetails"]
        if p["DisplayName"].startswith("mlops-dev")
    ]


def test_second_apply_is_a_no_op(world: World) -> None:
    """The world's second apply (of dev, staging and prod) changed nothing, and `output` agrees with
    it. (The world's second apply is the plan of every stack: `plan --detailed-exitcode` of a
    stack without changes, exit 0 and "No changes.", is checked after `unlock` below.)"""
    run, work_dir = world.second_apply, world.work_dir
    assert run.returncode == 0, run.stderr[-4000:]
    assert world.second_report["changes"] is False
    assert all(s["result"] == "no changes" for s in world.second_report["stacks"])
    assert {s["stack"] for s in world.second_report["stacks"] if s["env"] == "dev"} == {
        "foundation",
        "identity",
        "platform",
        "projects",
    }
    outputs = orchestrator(["output", "--env", "dev", "--emulator-url", world.url, "--json"], work_dir)
    assert outputs.returncode == 0, outputs.stderr[-2000:]
    foundation = json.loads(outputs.stdout)["dev/foundation"]["stack"]
    assert foundation["buckets"]["data"] == BUCKETS[0]
    assert set(foundation["key_arns"]) == {"data", "ebs", "studio", "logs"}


def test_a_lock_left_by_a_dead_run_is_named_and_released_by_unlock(world: World) -> None:
    """What a run killed with SIGKILL leaves: the lock object and the lock item of one stack."""
    work_dir = world.work_dir
    dev = Account(world.url, DEV_ACCOUNT)
    lock_id = "3f2b9c1e-0d4a-4f6b-9e8a-7c5d1b2a3e4f"
    path = f"{STATE_BUCKET}/dev/identity/terraform.tfstate"
    info = json.dumps(
        {
            "ID": lock_id,
            "Operation": "OperationTypeApply",
            "Info": "",
            "Who": "ci@runner-7",
            "Version": "1.11.4",
            "Created": "2026-11-21T03:04:05.000000000Z",
            "Path": path,
        }
    )
    dev.client("s3").put_object(Bucket=STATE_BUCKET, Key="dev/identity/terraform.tfstate.tflock", Body=info.encode())
    dev.client("dynamodb").put_item(TableName=LOCK_TABLE, Item={"LockID": {"S": path}, "Info": {"S": info}})

    # An apply meets the lock (a plan, only reviewed, takes none).
    blocked = orchestrator(["apply", "--env", "dev", "--stack", "identity", "--emulator-url", world.url], work_dir)
    assert blocked.returncode == 1 and lock_id in blocked.stderr and "ci@runner-7" in blocked.stderr, blocked.stderr[
        -2000:
    ]
    assert f"python -m orchestrator unlock dev identity {lock_id}" in blocked.stderr

    refused = orchestrator(["unlock", "dev", "identity", lock_id, "--emulator-url", world.url], work_dir)
    assert refused.returncode == 2 and "--yes" in refused.stderr  # no terminal, no --yes: the lock is kept
    released = orchestrator(["unlock", "dev", "identity", lock_id, "--yes", "--emulator-url", world.url], work_dir)
    assert released.returncode == 0, released.stderr[-2000:]
    assert held_locks(dev) == []
    again = orchestrator(
        ["plan", "--env", "dev", "--stack", "identity", "--emulator-url", world.url, "--detailed-exitcode"], work_dir
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert "No changes." in again.stdout


def _tagged_envs(root: Path, value: str) -> dict[str, str]:
    """envs/dev with one more tag: a change a reviewer sees in the plan of every stack."""
    envs = root / value
    shutil.copytree(REPO_ROOT / "envs" / "dev", envs / "dev")
    config = yaml.safe_load((envs / "dev" / "env.yaml").read_text())
    config["tags"]["review"] = value
    (envs / "dev" / "env.yaml").write_text(yaml.safe_dump(config))
    return {"ORCHESTRATOR_ENVS_DIR": str(envs)}


def _assert_pr_comment_of_a_real_report(reports: Path, tmp_path: Path, work_dir: Path) -> None:
    """The PR comment rendered from this real plan's run report: whole, and cut down to a small limit."""
    comment = tmp_path / "comment.md"
    rendered = orchestrator(["report", "--from-dir", str(reports), "--markdown", str(comment)], work_dir)
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    body = comment.read_text()
    [planned] = json.loads((reports / "dev.json").read_text())["stacks"]
    assert planned["result"] == "changes" and planned["change"] > 0
    assert body.startswith(pr_comment.MARKER) and f"| `dev/identity` | plan | 0 | {planned['change']} | 0 |" in body
    full = comment.with_suffix(".txt").read_text()
    assert all(change["address"] in full for change in planned["changes"]), "the full text holds every change"
    real = github_actions.merge(github_actions.load_reports(reports))
    small = markdown_report.render(real.command, real.target, real.outcomes, real.seconds, "comment.txt", limit=2_000)
    assert len(small) <= 2_000 and "| `dev/identity` |" in small, "the table always fits"
    assert "Not shown here to stay within GitHub's comment size: `dev/identity`" in small and "`comment.txt`" in small


def test_only_the_reviewed_plan_is_applied_and_a_stale_one_is_refused(world: World, tmp_path: Path) -> None:
    work_dir = world.work_dir
    url = ["--emulator-url", world.url]
    reviewed = tmp_path / "reviewed"
    first = _tagged_envs(tmp_path, "one")
    reports = tmp_path / "reports"
    plan = orchestrator(
        [
            "plan",
            "--env",
            "dev",
            "--stack",
            "identity",
            "--out-dir",
            str(reviewed),
            "--report-json",
            str(reports / "dev.json"),
            *url,
        ],
        work_dir,
        env=first,
    )
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert {p.name for p in reviewed.iterdir()} == {
        "dev.identity.plan.json",
        "dev.identity.tfplan",
        "dev.identity.summary.json",
    }
    _assert_pr_comment_of_a_real_report(reports, tmp_path, work_dir)
    # Another plan made on the same state: once the reviewed one is applied, it is stale.
    stale_dir = tmp_path / "stale"
    second = _tagged_envs(tmp_path, "two")
    assert (
        orchestrator(
            ["plan", "--env", "dev", "--stack", "identity", "--out-dir", str(stale_dir), *url], work_dir, env=second
        ).returncode
        == 0
    )
    applied = orchestrator(["apply", "--env", "dev", "--from", str(reviewed), "--json", *url], work_dir, env=first)
    assert applied.returncode == 0, applied.stderr[-3000:]
    assert [(s["stack"], s["result"]) for s in applied.report["stacks"]] == [("identity", "applied")]
    assert "planning" not in applied.stderr, "apply --from must not plan again"

    refused = orchestrator(["apply", "--env", "dev", "--from", str(stale_dir), "--json", *url], work_dir, env=second)
    assert refused.returncode == 1
    [stack] = refused.report["stacks"]
    assert stack["result"] == "failed" and "is stale: the state changed since it was made" in stack["error"], stack[
        "error"
    ][-2000:]

    nothing = orchestrator(["apply", "--env", "dev", "--from", str(tmp_path / "nowhere"), *url], work_dir)
    assert nothing.returncode == 2 and "is not a directory written by `plan --out-dir`" in nothing.stderr
    back = orchestrator(["apply", "--env", "dev", "--stack", "identity", *url], work_dir)
    assert back.returncode == 0, back.stderr[-3000:]


def _terraform_children(parent: int) -> dict[int, str]:
    """The Terraform processes a run started (each in its own session), with their state letter."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if name == "terraform" and int(rest[1]) == parent:
            found[int(stat.parent.name)] = rest[0]
    return found


def _stop_while_holding_a_lock(run: subprocess.Popen[str], dev: Account) -> list[int]:
    """Stop (SIGSTOP) the Terraform process of `run` at a moment it holds a state lock of dev, and
    return what was stopped: a run that is busy for as long as the test needs, whatever the machine's speed."""
    deadline = time.monotonic() + 300
    while True:
        assert run.poll() is None, "the first apply ended before taking its lock"
        assert time.monotonic() < deadline, "the first apply took no lock within 300 s"
        if held_locks(dev):
            stopped = list(_terraform_children(run.pid))
            for pid in stopped:
                os.kill(pid, signal.SIGSTOP)
            time.sleep(0.1)
            now = _terraform_children(run.pid)
            # Held by a stopped Terraform: it cannot release the lock until it is continued.
            if stopped and set(now) == set(stopped) and all(state == "T" for state in now.values()) and held_locks(dev):
                return stopped
            for pid in stopped:
                os.kill(pid, signal.SIGCONT)
        time.sleep(0.05)


def test_concurrent_applies_one_fails_on_the_lock(world: World) -> None:
    """Two applies of the same stack at once: the second fails fast on the state lock, naming it,
    the first completes, and the state is intact. The stack is dev/identity, as applied (the
    world stays as it is); the first apply is held while it holds the lock (its Terraform stopped,
    then continued), so the second surely meets the lock however quickly the first would plan."""
    work_dir = world.work_dir
    args = ["apply", "--env", "dev", "--stack", "identity", "--emulator-url", world.url]
    dev = Account(world.url, DEV_ACCOUNT)

    first = start_orchestrator(args, work_dir)
    stopped = _stop_while_holding_a_lock(first, dev)
    try:
        second_started = time.monotonic()
        second = orchestrator(args, work_dir / "second")
        second_seconds = time.monotonic() - second_started
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
    _first_out, first_err = first.communicate(timeout=900)

    results = sorted([(first.returncode, first_err), (second.returncode, second.stderr)])
    assert [code for code, _ in results] == [0, 1], results
    loser = results[1][1]
    assert "locked by another run" in loser and "lock ID" in loser, loser[-2000:]
    assert second.returncode == 1 and second_seconds < 60, "the second apply did not fail fast"

    assert held_locks(dev) == [], "a lock was left behind"
    replan = orchestrator(
        ["plan", "--env", "dev", "--stack", "identity", "--emulator-url", world.url, "--detailed-exitcode"], work_dir
    )
    assert replan.returncode == 0, "state is not intact after the contended apply:\n" + replan.stdout[-3000:]
