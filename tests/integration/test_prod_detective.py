"""The detective controls on the world's prod (env.yaml detective_controls on, as prod's default):
an encrypted, validated, multi-region CloudTrail trail into a TLS-only bucket, AWS Config recording
with the platform's rules, Security Hub with the Foundational Security Best Practices standard,
GuardDuty, and the findings' EventBridge rules to a KMS-encrypted SNS topic; dev and staging (off)
have none of them; and prod's CI roles can neither stop nor silence them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import DEV_ACCOUNT, REGION, Account
from tests.security.conftest import client, refused, session
from tests.world import World

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-prod-detective")]

PROD_ACCOUNT = "333333333333"
STAGING_ACCOUNT = "222222222222"
TRAIL = f"arn:aws:cloudtrail:{REGION}:{PROD_ACCOUNT}:trail/mlops-prod-trail"
BUCKET = f"mlops-prod-audit-{PROD_ACCOUNT}"
TOPIC = f"arn:aws:sns:{REGION}:{PROD_ACCOUNT}:mlops-prod-security-findings"
FSBP = f"arn:aws:securityhub:{REGION}::standards/aws-foundational-security-best-practices/v/1.0.0"
RULES = ("mlops-prod-securityhub-findings", "mlops-prod-guardduty-findings", "mlops-prod-config-findings")


@pytest.fixture(scope="module")
def prod(world: World) -> Account:
    return Account(world.url, PROD_ACCOUNT)


def _key_arn(account: Account, alias: str) -> str:
    return str(account.client("kms").describe_key(KeyId=alias)["KeyMetadata"]["Arn"])


def test_the_trail_is_logging_validated_encrypted_and_tls_only(prod: Account) -> None:
    cloudtrail = prod.client("cloudtrail")
    [trail] = cloudtrail.describe_trails(trailNameList=[TRAIL])["trailList"]
    assert trail["IsMultiRegionTrail"] and trail["LogFileValidationEnabled"] and trail["IncludeGlobalServiceEvents"]
    assert trail["KmsKeyId"] == _key_arn(prod, "alias/mlops-prod-audit") and trail["S3BucketName"] == BUCKET
    assert cloudtrail.get_trail_status(Name=TRAIL)["IsLogging"]
    policy = json.loads(prod.client("s3").get_bucket_policy(Bucket=BUCKET)["Policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statements["CloudTrailWrite"]["Condition"]["StringEquals"]["aws:SourceArn"] == TRAIL
    key_policy = json.loads(
        prod.client("kms").get_key_policy(KeyId=_key_arn(prod, "alias/mlops-prod-audit"), PolicyName="default")[
            "Policy"
        ]
    )
    encrypt = next(s for s in key_policy["Statement"] if s["Sid"] == "CloudTrailEncryptLogs")
    assert encrypt["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert encrypt["Condition"]["StringEquals"]["aws:SourceArn"] in (TRAIL, [TRAIL])


def test_config_records_with_the_platforms_rules(prod: Account) -> None:
    config = prod.client("config")
    [status] = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    assert status["name"] == "mlops-prod-recorder" and status["recording"]
    [recorder] = config.describe_configuration_recorders()["ConfigurationRecorders"]
    assert recorder["recordingGroup"]["allSupported"]
    [channel] = config.describe_delivery_channels()["DeliveryChannels"]
    assert channel["s3BucketName"] == BUCKET and channel["s3KmsKeyArn"] == _key_arn(prod, "alias/mlops-prod-audit")
    identifiers = {r["Source"]["SourceIdentifier"] for r in config.describe_config_rules()["ConfigRules"]}
    assert {
        "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED",
        "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS",
        "SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED",
        "SAGEMAKER_DOMAIN_IN_VPC",
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
        "CMK_BACKING_KEY_ROTATION_ENABLED",
        "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
    } <= identifiers


def test_security_hub_with_the_foundational_standard_and_guardduty(prod: Account) -> None:
    hub = prod.client("securityhub")
    assert hub.describe_hub()["HubArn"] == f"arn:aws:securityhub:{REGION}:{PROD_ACCOUNT}:hub/default"
    standards = {s["StandardsArn"]: s["StandardsStatus"] for s in hub.get_enabled_standards()["StandardsSubscriptions"]}
    assert standards == {FSBP: "READY"}
    guardduty = prod.client("guardduty")
    [detector] = guardduty.list_detectors()["DetectorIds"]
    assert guardduty.get_detector(DetectorId=detector)["Status"] == "ENABLED"


def test_findings_go_to_the_encrypted_topic(prod: Account) -> None:
    events = prod.client("events")
    for rule in RULES:
        assert [t["Arn"] for t in events.list_targets_by_rule(Rule=rule)["Targets"]] == [TOPIC]
    attributes = prod.client("sns").get_topic_attributes(TopicArn=TOPIC)["Attributes"]
    assert attributes["KmsMasterKeyId"] == _key_arn(prod, "alias/mlops-prod-findings")
    [publish] = [s for s in json.loads(attributes["Policy"])["Statement"] if s["Effect"] == "Allow"]
    assert publish["Principal"] == {"Service": "events.amazonaws.com"}
    assert publish["Condition"]["StringEquals"]["aws:SourceAccount"] == PROD_ACCOUNT
    assert sorted(publish["Condition"]["ArnEquals"]["aws:SourceArn"]) == sorted(
        f"arn:aws:events:{REGION}:{PROD_ACCOUNT}:rule/{rule}" for rule in RULES
    )


@pytest.mark.parametrize("account", [DEV_ACCOUNT, STAGING_ACCOUNT])
def test_environments_with_the_switch_off_have_none(world: World, account: str) -> None:
    other = Account(world.url, account)
    assert other.client("cloudtrail").describe_trails()["trailList"] == []
    assert other.client("config").describe_configuration_recorders()["ConfigurationRecorders"] == []
    assert other.client("guardduty").list_detectors()["DetectorIds"] == []
    with pytest.raises(ClientError, match="InvalidAccessException"):
        other.client("securityhub").describe_hub()


@pytest.mark.parametrize("role", ["mlops-prod-github-apply", "mlops-prod-github-plan"])
def test_the_ci_roles_can_neither_stop_nor_silence_the_controls(world: World, prod: Account, role: str) -> None:
    ci = session(world.url, f"arn:aws:iam::{PROD_ACCOUNT}:role/{role}")
    calls: dict[str, Any] = {
        "cloudtrail": lambda c: c.stop_logging(Name=TRAIL),
        "config": lambda c: c.stop_configuration_recorder(ConfigurationRecorderName="mlops-prod-recorder"),
        "guardduty": lambda c: c.delete_detector(
            DetectorId=prod.client("guardduty").list_detectors()["DetectorIds"][0]
        ),
        "securityhub": lambda c: c.disable_security_hub(),
        "events": lambda c: c.disable_rule(Name=RULES[0]),
        "sns": lambda c: c.delete_topic(TopicArn=TOPIC),
        "s3": lambda c: c.delete_bucket_policy(Bucket=BUCKET),
        "kms": lambda c: c.disable_key(KeyId=_key_arn(prod, "alias/mlops-prod-audit")),
    }
    for service, call in calls.items():
        refused(lambda: call(client(world.url, ci, service)))  # noqa: B023 - called at once
    assert prod.client("cloudtrail").get_trail_status(Name=TRAIL)["IsLogging"]
