"""The Security Hub extension closes its gaps: the hub's settings are kept, a second enable is
refused, and standards can be subscribed, listed and ended (stock moto: HTTP 500 or 404)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from orchestrator.emulator import extensions

REGION = "eu-west-1"
FSBP = f"arn:aws:securityhub:{REGION}::standards/aws-foundational-security-best-practices/v/1.0.0"


def _hub() -> Any:
    extensions.register_all()
    return boto3.client("securityhub", region_name=REGION)


@mock_aws
def test_hub_settings_are_kept_and_a_second_enable_is_refused() -> None:
    hub = _hub()
    hub.enable_security_hub(EnableDefaultStandards=False, ControlFindingGenerator="STANDARD_CONTROL")
    assert hub.describe_hub()["ControlFindingGenerator"] == "STANDARD_CONTROL"
    hub.update_security_hub_configuration(AutoEnableControls=False, ControlFindingGenerator="SECURITY_CONTROL")
    described = hub.describe_hub()
    assert (described["AutoEnableControls"], described["ControlFindingGenerator"]) == (False, "SECURITY_CONTROL")
    with pytest.raises(ClientError, match="ResourceConflictException"):
        hub.enable_security_hub(EnableDefaultStandards=False)
    assert hub.get_enabled_standards()["StandardsSubscriptions"] == []


@mock_aws
def test_default_standards_are_subscribed_unless_declined() -> None:
    hub = _hub()
    hub.enable_security_hub()
    arns = {s["StandardsArn"] for s in hub.get_enabled_standards()["StandardsSubscriptions"]}
    assert arns == {FSBP, "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"}


@mock_aws
def test_standards_are_subscribed_listed_and_ended() -> None:
    hub = _hub()
    with pytest.raises(ClientError, match="InvalidAccessException"):
        hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": FSBP}])
    hub.enable_security_hub(EnableDefaultStandards=False)
    with pytest.raises(ClientError, match="InvalidInputException"):
        hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": FSBP.replace(REGION, "us-east-1")}])
    subscribed = hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": FSBP}])
    arn = subscribed["StandardsSubscriptions"][0]["StandardsSubscriptionArn"]
    assert arn.endswith(":subscription/aws-foundational-security-best-practices/v/1.0.0")
    listed = hub.get_enabled_standards(StandardsSubscriptionArns=[arn])["StandardsSubscriptions"]
    assert [(s["StandardsArn"], s["StandardsStatus"]) for s in listed] == [(FSBP, "READY")]
    ended = hub.batch_disable_standards(StandardsSubscriptionArns=[arn])["StandardsSubscriptions"]
    assert ended[0]["StandardsStatus"] == "DELETING"
    assert hub.get_enabled_standards()["StandardsSubscriptions"] == []
