"""Tier 3, beside test_dev_local.py: dev (the session's world, tests/world.py) drifted by hand and
`drift` reporting it — what changed, and who changed it — then put back; and the policy gate
stopping a real plan. Nothing here takes a state lock of dev's stacks or applies them, so these
tests run on the other worker while test_dev_local.py changes dev's identity stack. `drift` runs in
a work directory of this file's own (one orchestrator run at a time may use a stack's working
root); the policy gate's stack has a root of its own in the world's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator.commands import run_stacks
from orchestrator.config import load_envs
from orchestrator.progress import Progress
from orchestrator.settings import load_settings
from orchestrator.stacks import StackSpec
from orchestrator.targets import make_target
from tests.integration.conftest import DEV_ACCOUNT, STATE_BUCKET, Account, World, held_locks, orchestrator

pytestmark = pytest.mark.emulator


def test_drift_reports_a_change_made_outside_terraform_and_changes_nothing(world: World, own_work_dir: Path) -> None:
    work_dir = own_work_dir
    ec2 = Account(world.url, DEV_ACCOUNT).client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.10.0.0/16"]}])["Vpcs"][0]
    tags = {t["Key"]: t["Value"] for t in vpc.get("Tags", [])}
    ec2.create_tags(
        Resources=[vpc["VpcId"]], Tags=[{"Key": "owner", "Value": "someone-else"}]
    )  # by hand, in the console
    try:
        run = orchestrator(
            ["drift", "--env", "dev", "--stack", "foundation", "--emulator-url", world.url, "--json"], work_dir
        )
        assert run.returncode == 3, run.stderr[-3000:]
        [stack] = run.report["stacks"]
        assert (
            stack["result"] == "drifted"
            and {"action": "update", "address": "module.stack.module.network.aws_vpc.this[0]"} in stack["changes"]
        )
        after = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]
        assert {t["Key"]: t["Value"] for t in after["Tags"]}["owner"] == "someone-else", "drift changed something"
    finally:
        ec2.create_tags(Resources=[vpc["VpcId"]], Tags=[{"Key": "owner", "Value": tags["owner"]}])
    clean = orchestrator(["drift", "--env", "dev", "--stack", "foundation", "--emulator-url", world.url], work_dir)
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]
    assert "No drift." in clean.stdout


def test_drift_names_the_persona_session_time_and_call_that_changed_a_resource(
    world: World, own_work_dir: Path, tmp_path: Path
) -> None:
    """A data science admin tags dev's Studio domain by hand (its persona may: StudioAdministration's
    sagemaker:AddTags on the domain); `drift` names, beside the drifted address, that role and
    session, the time and the API call, from the account's CloudTrail history read as the plan
    role. The tag is removed again by the same persona: the world is as before."""
    persona = Account(world.url, DEV_ACCOUNT, "mlops-dev-data-science-admin")
    sagemaker = persona.client("sagemaker")
    [domain] = [d for d in sagemaker.list_domains()["Domains"] if d["DomainName"] == "mlops-dev-studio"]
    sagemaker.add_tags(
        ResourceArn=domain["DomainArn"], Tags=[{"Key": "changed-by-hand", "Value": "yes"}]
    )  # a key no configuration sets
    address = "module.stack.module.studio.aws_sagemaker_domain.this"
    try:
        reports = ["--report-json", str(tmp_path / "drift.json"), "--markdown", str(tmp_path / "drift.md")]
        run = orchestrator(
            ["drift", "--env", "dev", "--stack", "platform", "--emulator-url", world.url, *reports], own_work_dir
        )
        print(run.stdout)  # the report as a user reads it
        assert run.returncode == 3, run.stderr[-3000:]
        role = f"arn:aws:iam::{DEV_ACCOUNT}:role/mlops-dev-data-science-admin"
        who = f"        who: {role} session integration-test at "
        lines = run.stdout.splitlines()
        assert lines[lines.index(f"    ~ {address}") + 1].startswith(who)
        assert lines[lines.index(f"    ~ {address}") + 1].endswith(": sagemaker.amazonaws.com AddTags")
        [stack] = json.loads((tmp_path / "drift.json").read_text(encoding="utf-8"))["stacks"]
        [found] = [a for a in stack["attributions"] if a["address"] == address]
        assert (
            found["principal"]
            == f"arn:aws:sts::{DEV_ACCOUNT}:assumed-role/mlops-dev-data-science-admin/integration-test"
        )
        assert (found["role"], found["session"], found["event_name"]) == (role, "integration-test", "AddTags")
        assert found["since"] <= found["time"], "the change came after the stack's last apply"
        assert f"who: {role} session integration-test" in (tmp_path / "drift.md").read_text(encoding="utf-8")
    finally:
        sagemaker.delete_tags(ResourceArn=domain["DomainArn"], TagKeys=["changed-by-hand"])
    clean = orchestrator(["drift", "--env", "dev", "--stack", "platform", "--emulator-url", world.url], own_work_dir)
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]


INSECURE_ROOT = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "vpc_id" {
  type = string
}

resource "aws_security_group" "open" {
  name        = "gate-check-open-ssh"
  description = "SSH from anywhere: what the policy gate must stop"
  vpc_id      = var.vpc_id

  ingress {
    description = "ssh from the internet"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"""


def test_the_policy_gate_stops_an_apply_whose_plan_fails_a_check(
    world: World, contract: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real plan on the local target, a real checkov verdict: the failed check names itself, the
    SARIF is written, and nothing reaches the account or the state."""
    work_dir = world.work_dir
    root = tmp_path / "insecure"
    root.mkdir()
    (root / "main.tf").write_text(INSECURE_ROOT, encoding="utf-8")
    vpc_id = contract["network/vpc-id"]
    stack = StackSpec("gate-check", root, (), lambda env: {"vpc_id": vpc_id})
    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(work_dir))
    [dev] = load_envs(["dev"])
    target = make_target("local", world.url, False)
    target.open()
    try:
        report = run_stacks("apply", target, load_settings(), [(dev, [stack])], Progress(), "0s", policy_gate=True)
    finally:
        target.close()

    [outcome] = [o for o in report.outcomes if o.stack == "gate-check"]
    assert outcome.result == "failed" and report.exit_code() == 1
    assert "policy gate: checkov found" in outcome.error and "nothing was applied" in outcome.error, outcome.error
    assert "CKV_AWS_24 aws_security_group.open" in outcome.error.replace("module.stack.", ""), outcome.error
    sarif = work_dir / "local" / "dev" / "gate-check" / "dev.gate-check.plan.sarif"
    assert "CKV_AWS_24" in sarif.read_text(), "the SARIF for code scanning names the failed check"
    account = Account(world.url, DEV_ACCOUNT)
    groups = account.client("ec2").describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["gate-check-open-ssh"]}]
    )
    assert groups["SecurityGroups"] == [], "the refused plan was applied"
    state = account.client("s3").list_objects_v2(Bucket=STATE_BUCKET, Prefix="dev/gate-check/").get("Contents", [])
    assert state == [], "a refused apply writes no state"
    assert held_locks(account) == []
