"""CloudTrail: the emulator records the mutating calls it served and answers LookupEvents from them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from orchestrator.emulator.extensions import cloudtrail
from orchestrator.emulator.persistence import load_state, save_state
from tests.orchestrator.emulator.inprocess import REGION, serving, session

ACCOUNT = "123456789012"
LEAD = f"arn:aws:iam::{ACCOUNT}:role/team-lead"


def _lookup(client: Any, key: str, value: str, **extra: Any) -> list[dict[str, Any]]:
    answer = client.lookup_events(LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}], **extra)
    events: list[dict[str, Any]] = answer["Events"]
    return events


def test_a_tag_change_is_found_by_its_resource_with_who_made_it_and_reads_are_not_recorded() -> None:
    with serving() as url:
        lead = session(url, LEAD)
        ec2 = lead.client("ec2", endpoint_url=url)
        before = datetime.now(UTC) - timedelta(seconds=1)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "owner", "Value": "someone-else"}])
        ec2.describe_vpcs(VpcIds=[vpc])
        trail = lead.client("cloudtrail", endpoint_url=url)

        events = _lookup(trail, "ResourceName", vpc, StartTime=before)

        assert [e["EventName"] for e in events] == ["CreateTags"], "newest first; CreateVpc names no id yet"
        [event] = events
        assert event["EventSource"] == "ec2.amazonaws.com" and event["Username"] == "test"
        assert event["EventTime"] >= before
        assert {"ResourceType": "AWS::EC2::Resource", "ResourceName": vpc} in event["Resources"]
        detail = json.loads(event["CloudTrailEvent"])
        assert detail["userIdentity"]["type"] == "AssumedRole"
        assert detail["userIdentity"]["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/team-lead/test"
        assert detail["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] == LEAD
        assert detail["readOnly"] is False and detail["eventName"] == "CreateTags"
        assert _lookup(trail, "EventName", "DescribeVpcs") == [], "read-only calls are not recorded"
        assert [e["EventName"] for e in _lookup(trail, "Username", "test")] == ["CreateTags", "CreateVpc"]


def test_time_window_and_pages() -> None:
    with serving() as url:
        ec2 = session(url, LEAD).client("ec2", endpoint_url=url)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        for value in ("a", "b", "c"):
            ec2.create_tags(Resources=[vpc], Tags=[{"Key": "k", "Value": value}])
        trail = session(url, LEAD).client("cloudtrail", endpoint_url=url)
        later = datetime.now(UTC) + timedelta(minutes=5)

        assert _lookup(trail, "ResourceName", vpc, StartTime=later) == []
        first = trail.lookup_events(
            LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": vpc}], MaxResults=2
        )
        second = trail.lookup_events(
            LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": vpc}],
            MaxResults=2,
            NextToken=first["NextToken"],
        )
        values = [
            json.loads(e["CloudTrailEvent"])["requestParameters"]["Tags"][0]["Value"]
            for e in first["Events"] + second["Events"]
        ]
        assert values == ["c", "b", "a"] and "NextToken" not in second


def test_data_events_sts_and_crypto_are_not_management_writes() -> None:
    assert not cloudtrail.is_recorded("s3", "PutObject", {"Bucket": "b", "Key": "k"})
    assert cloudtrail.is_recorded("s3", "PutBucketTagging", {"Bucket": "b"})
    assert not cloudtrail.is_recorded("dynamodb", "PutItem", {})
    assert not cloudtrail.is_recorded("sts", "AssumeRole", {})
    assert not cloudtrail.is_recorded("kms", "GenerateDataKey", {})
    assert cloudtrail.is_recorded("kms", "PutKeyPolicy", {})


def test_the_record_survives_save_and_load(tmp_path: Path) -> None:
    state = tmp_path / "state.pickle"
    served = cloudtrail.Served(
        account=ACCOUNT,
        region=REGION,
        service="ec2",
        signing_name="ec2",
        operation="CreateTags",
        params={"Resources": ["vpc-1"]},
        caller_arn=LEAD,
        session_arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/team-lead/alice",
        access_key="ASIAEXAMPLE",
        checked_resources=(f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-1",),
    )
    with mock_aws():
        cloudtrail.record(served)
        save_state(state)
    with mock_aws():
        assert cloudtrail.recorded_events(ACCOUNT, REGION) == []
        assert load_state(state) is True
        [event] = cloudtrail.lookup(ACCOUNT, REGION, [{"AttributeKey": "ResourceName", "AttributeValue": "vpc-1"}])[
            "Events"
        ]
        assert event["Username"] == "alice" and event["EventName"] == "CreateTags"


def _role_allowed(url: str, name: str, actions: list[str]) -> str:
    iam = boto3.client(
        "iam", endpoint_url=url, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
        ],
    }
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return arn


def test_lookup_events_is_decided_on_the_callers_policies() -> None:
    with serving() as url:
        reader = session(url, _role_allowed(url, "reader", ["cloudtrail:LookupEvents"])).client(
            "cloudtrail", endpoint_url=url
        )
        other = session(url, _role_allowed(url, "other", ["ec2:Describe*"])).client("cloudtrail", endpoint_url=url)

        assert reader.lookup_events(MaxResults=1)["Events"] is not None
        with pytest.raises(ClientError) as denied:
            other.lookup_events(MaxResults=1)
        assert "cloudtrail:LookupEvents" in str(denied.value)
