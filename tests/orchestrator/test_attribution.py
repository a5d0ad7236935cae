"""Drift attribution: the newest CloudTrail event of a drifted resource since the stack's last apply."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from orchestrator.attribution import Attribution, attribute, state_identifiers
from orchestrator.config import EnvConfig, load_env
from orchestrator.engine import Engine
from orchestrator.outcome import StackOutcome, readable_plan
from orchestrator.progress import Progress
from orchestrator.report.run_report import RunReport
from orchestrator.settings import load_settings
from orchestrator.stacks import STACKS
from orchestrator.targets.base import Duty
from orchestrator.terraform.runner import TerraformResult
from tests.orchestrator.terraform.test_workspace import FakeTarget

VPC = "module.stack.module.network.aws_vpc.this"
APPLIED = datetime(2026, 12, 6, 16, 0, tzinfo=UTC)
SESSION = "arn:aws:sts::111111111111:assumed-role/mlops-dev-team-lead/alice"
STATE = {
    "values": {
        "root_module": {
            "child_modules": [
                {
                    "resources": [
                        {"address": VPC, "values": {"id": "vpc-1", "arn": "arn:aws:ec2:eu-west-1:1:vpc/vpc-1"}},
                        {"address": "module.stack.aws_s3_bucket.data", "values": {"id": "b", "bucket": "b"}},
                    ]
                }
            ]
        }
    }
}


def _event(name: str, when: datetime) -> dict[str, Any]:
    identity = {
        "type": "AssumedRole",
        "arn": SESSION,
        "sessionContext": {"sessionIssuer": {"arn": "arn:aws:iam::111111111111:role/mlops-dev-team-lead"}},
    }
    return {
        "EventName": name,
        "EventSource": "ec2.amazonaws.com",
        "EventTime": when,
        "Username": "alice",
        "CloudTrailEvent": json.dumps({"userIdentity": identity}),
    }


class FakeTrail:
    def __init__(self, events: dict[str, list[dict[str, Any]]], fail: bool = False) -> None:
        self.events, self.fail = events, fail
        self.asked: list[tuple[str, datetime]] = []

    def lookup_events(self, LookupAttributes: list[dict[str, str]], StartTime: datetime, MaxResults: int) -> Any:  # noqa: N803 - boto3's names
        if self.fail:
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "LookupEvents")
        name = LookupAttributes[0]["AttributeValue"]
        self.asked.append((name, StartTime))
        return {"Events": self.events.get(name, [])[:MaxResults]}


def test_identifiers_come_from_every_module_of_the_state() -> None:
    assert state_identifiers(STATE) == {
        VPC: ["vpc-1", "arn:aws:ec2:eu-west-1:1:vpc/vpc-1"],
        "module.stack.aws_s3_bucket.data": ["b"],
    }


def test_the_newest_event_of_any_identifier_names_role_session_time_and_call() -> None:
    trail = FakeTrail(
        {
            "vpc-1": [_event("CreateTags", datetime(2026, 12, 6, 16, 30, tzinfo=UTC))],
            "arn:aws:ec2:eu-west-1:1:vpc/vpc-1": [
                _event("ModifyVpcAttribute", datetime(2026, 12, 6, 16, 5, tzinfo=UTC))
            ],
        }
    )
    found = attribute(trail, VPC, ["vpc-1", "arn:aws:ec2:eu-west-1:1:vpc/vpc-1"], APPLIED)
    assert trail.asked == [("vpc-1", APPLIED), ("arn:aws:ec2:eu-west-1:1:vpc/vpc-1", APPLIED)]
    assert found.text() == (
        "who: arn:aws:iam::111111111111:role/mlops-dev-team-lead session alice at 2026-12-06T16:30:00+00:00: "
        "ec2.amazonaws.com CreateTags"
    )
    assert found.principal == SESSION


def test_none_found_and_a_failed_lookup_are_answers() -> None:
    assert attribute(FakeTrail({}), VPC, ["vpc-1"], APPLIED).text() == (
        "who: no CloudTrail event found since 2026-12-06T16:00:00+00:00"
    )
    failed = attribute(FakeTrail({}, fail=True), VPC, ["vpc-1"], APPLIED)
    assert failed.text().startswith("who: lookup failed: An error occurred (AccessDeniedException)")


def test_the_report_shows_who_beside_the_address_in_text_and_json() -> None:
    drifted = StackOutcome("dev", "foundation", "drift", result="drifted", change=1, changes=[("update", VPC)])
    drifted.attributions = [attribute(FakeTrail({"vpc-1": [_event("CreateTags", APPLIED)]}), VPC, ["vpc-1"], APPLIED)]
    assert readable_plan(drifted).splitlines()[1:] == [
        f"    ~ {VPC}",
        "        who: arn:aws:iam::111111111111:role/mlops-dev-team-lead session alice at 2026-12-06T16:00:00+00:00: "
        "ec2.amazonaws.com CreateTags",
    ]
    report = RunReport("drift", "local", [drifted]).to_dict()
    assert report["stacks"][0]["attributions"][0]["session"] == "alice"
    assert RunReport.from_dict(report).outcomes[0].attributions == drifted.attributions


class ReadTarget(FakeTarget):
    """READ's credentials give these fake clients; records which duty asked."""

    def __init__(self, trail: FakeTrail) -> None:
        super().__init__()
        self.trail = trail
        self.duties: list[Duty] = []

    def duty_client(self, env: EnvConfig, duty: Duty, service: str) -> Any:
        self.duties.append(duty)
        if service == "s3":
            return type("S3", (), {"head_object": staticmethod(lambda **_: {"LastModified": APPLIED})})()
        return self.trail


class ShowingRunner:
    def run(self, args: list[str], cwd: Path, label: str, env: dict[str, str], log_file: Path) -> TerraformResult:
        if args[0] == "plan":
            result = TerraformResult(args, 2, 0.1)
            result.messages = [
                {"type": "planned_change", "change": {"action": "update", "resource": {"addr": VPC}}},
                {"type": "planned_change", "change": {"action": "create", "resource": {"addr": "aws_x.new"}}},
            ]
            return result
        result = TerraformResult(args, 0, 0.1)
        if args[0] == "show":
            result.messages = [STATE]
        return result


def test_drift_attributes_each_address_as_the_plan_role_and_a_failure_fails_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setattr(Engine, "state_key_arn", lambda self, env: "arn:aws:kms:eu-west-1:111111111111:key/k")
    target = ReadTarget(FakeTrail({"vpc-1": [_event("CreateTags", APPLIED)]}))
    engine = Engine(target, load_settings(), Progress(quiet=True))
    engine.runner = ShowingRunner()  # type: ignore[assignment]

    outcome = engine.drift(load_env("dev"), STACKS["foundation"])

    assert outcome.result == "drifted" and set(target.duties) == {Duty.READ}
    by_address = {a.address: a for a in outcome.attributions}
    assert by_address[VPC].event_name == "CreateTags"
    assert by_address["aws_x.new"].error == "the state names no identifier of it"

    target.trail.fail = True
    failed = engine.drift(load_env("dev"), STACKS["foundation"])
    assert failed.result == "drifted"
    assert {a.address: a.error[:35] for a in failed.attributions}[VPC] == "An error occurred (AccessDeniedExce"


def test_an_attribution_round_trips() -> None:
    attribution = Attribution(VPC, "t", error="e")
    assert Attribution.from_dict(attribution.to_dict()) == attribution
