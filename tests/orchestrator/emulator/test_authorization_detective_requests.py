"""How the emulator authorizes the detective controls' requests as AWS does: a trail's calls on the
trail, Config's on "*" with the recorder's role passed to Config, a GuardDuty detector's on the
detector, Security Hub's hub and standards on hub/default (they were served unevaluated)."""

from __future__ import annotations

from typing import Any

from orchestrator.emulator.authorization.actions import Check, Where, checks_for
from orchestrator.emulator.authorization.calls import Call

ACCOUNT = "333333333333"
REGION = "eu-west-1"
TRAIL = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/mlops-prod-trail"


def _checks(service: str, operation: str, params: dict[str, Any]) -> list[Check]:
    checks = checks_for(Call(service, operation, params, REGION, "json", "POST"), Where(ACCOUNT))
    assert checks is not None, operation
    return checks


def test_a_trail_is_changed_and_read_on_the_trail() -> None:
    for operation in ("CreateTrail", "StopLogging", "DeleteTrail", "UpdateTrail", "GetTrailStatus"):
        assert _checks("cloudtrail", operation, {"Name": "mlops-prod-trail"}) == [
            Check(f"cloudtrail:{operation}", TRAIL)
        ]
    assert _checks("cloudtrail", "StopLogging", {"Name": TRAIL})[0].resource == TRAIL
    assert _checks("cloudtrail", "DescribeTrails", {}) == [Check("cloudtrail:DescribeTrails", "*")]
    assert _checks("cloudtrail", "LookupEvents", {}) == [Check("cloudtrail:LookupEvents", "*")]


def test_config_passes_the_recorders_role_to_config() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    checks = _checks("config", "PutConfigurationRecorder", {"ConfigurationRecorder": {"name": "r", "roleARN": role}})
    assert checks == [
        Check("config:PutConfigurationRecorder", "*"),
        Check("iam:PassRole", role, {"iam:PassedToService": "config.amazonaws.com"}),
    ]
    assert _checks("config", "StopConfigurationRecorder", {"ConfigurationRecorderName": "r"}) == [
        Check("config:StopConfigurationRecorder", "*")
    ]


def test_a_detector_is_decided_on_the_detector() -> None:
    assert _checks("guardduty", "DeleteDetector", {"DetectorId": "abc"}) == [
        Check("guardduty:DeleteDetector", f"arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/abc")
    ]
    assert _checks("guardduty", "CreateDetector", {"Enable": True}) == [Check("guardduty:CreateDetector", "*")]


def test_the_hub_and_its_standards_are_decided_on_the_hub() -> None:
    hub = f"arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default"
    for operation in ("DisableSecurityHub", "BatchDisableStandards", "GetEnabledStandards"):
        assert _checks("securityhub", operation, {}) == [Check(f"securityhub:{operation}", hub)]
    assert _checks("securityhub", "GetFindings", {}) == [Check("securityhub:GetFindings", "*")]
