"""EventBridge delivers to SNS topics as on AWS (stock moto fails PutEvents for a rule with a topic
target and delivers for disabled rules), under the topic's and its key's policies; SageMaker puts a
"Model Building Pipeline Execution Status Change" event on the default bus at every status change."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID

from orchestrator.emulator import extensions
from orchestrator.emulator.extensions.event_targets import transformed
from orchestrator.emulator.extensions.pipelines.status_events import DETAIL_TYPE

REGION = "eu-west-1"
ACCOUNT = DEFAULT_ACCOUNT_ID
RULE = "pipeline-events"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{RULE}"
PIPELINE_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/build"
EXECUTION_ARN = f"{PIPELINE_ARN}/execution/abc123"
TEMPLATE = "Execution <execution> of <pipeline> is <status> (missing: <absent>)."
PATHS = {
    "execution": "$.detail.pipelineExecutionArn",
    "pipeline": "$.detail.pipelineArn",
    "status": "$.detail.currentPipelineExecutionStatus",
    "absent": "$.detail.nothing",
}


def _publish_statement(source_arn: str = RULE_ARN) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnEquals": {"aws:SourceArn": source_arn}},
    }


def _key_policy(events_may_use: bool) -> str:
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}
    ]
    if events_may_use:
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"ArnEquals": {"aws:SourceArn": RULE_ARN}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _wire(topic_policy: dict[str, Any] | None, key_for_events: bool | None, state: str = "ENABLED") -> Any:
    """Rule -> topic (policy, key as given) -> queue; the queue's client."""
    extensions.register_all()
    events, sns, sqs, kms = (boto3.client(s, region_name=REGION) for s in ("events", "sns", "sqs", "kms"))
    attributes: dict[str, str] = {}
    if key_for_events is not None:
        attributes["KmsMasterKeyId"] = kms.create_key(Policy=_key_policy(key_for_events))["KeyMetadata"]["Arn"]
    topic = sns.create_topic(Name="pipeline-events", Attributes=attributes)["TopicArn"]
    if topic_policy is not None:
        sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(topic_policy))
    queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    pattern = {"source": ["aws.sagemaker"], "detail-type": [DETAIL_TYPE], "detail": {"pipelineArn": [PIPELINE_ARN]}}
    events.put_rule(Name=RULE, EventPattern=json.dumps(pattern), State=state)
    events.put_targets(
        Rule=RULE,
        Targets=[
            {"Id": "topic", "Arn": topic, "InputTransformer": {"InputPathsMap": PATHS, "InputTemplate": TEMPLATE}}
        ],
    )
    return sqs, queue


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _put_failed_execution_event() -> None:
    detail = {
        "pipelineArn": PIPELINE_ARN,
        "pipelineExecutionArn": EXECUTION_ARN,
        "currentPipelineExecutionStatus": "Failed",
    }
    boto3.client("events", region_name=REGION).put_events(
        Entries=[{"Source": "aws.sagemaker", "DetailType": DETAIL_TYPE, "Detail": json.dumps(detail)}]
    )


def _messages(sqs: Any, queue: str) -> list[str]:
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"])["Message"] for m in received]


@mock_aws
def test_an_allowed_rule_publishes_its_transformed_message_to_an_encrypted_topic() -> None:
    sqs, queue = _wire(_policy(_publish_statement()), key_for_events=True)
    _put_failed_execution_event()
    assert _messages(sqs, queue) == [f"Execution {EXECUTION_ARN} of {PIPELINE_ARN} is Failed (missing: )."]


@pytest.mark.parametrize(
    ("topic_policy", "key_for_events"),
    [
        (None, None),  # AWS's default topic policy: the owner account's principals only
        (_policy(_publish_statement(f"arn:aws:events:{REGION}:{ACCOUNT}:rule/another-rule")), None),
        (
            _policy(
                _publish_statement(),
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sns:Publish",
                    "Resource": "*",
                    "Condition": {"ArnNotEquals": {"aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/x"}},
                },
            ),
            None,
        ),
        (_policy(_publish_statement()), False),  # the topic's key does not let EventBridge use it
    ],
    ids=["default-topic-policy", "another-rules-grant", "explicit-deny", "key-without-events"],
)
@mock_aws
def test_a_refused_delivery_is_dropped(topic_policy: dict[str, Any] | None, key_for_events: bool | None) -> None:
    sqs, queue = _wire(topic_policy, key_for_events)
    _put_failed_execution_event()
    assert _messages(sqs, queue) == []


@mock_aws
def test_a_disabled_rule_delivers_nothing() -> None:
    sqs, queue = _wire(_policy(_publish_statement()), key_for_events=None, state="DISABLED")
    _put_failed_execution_event()
    assert _messages(sqs, queue) == []


def test_json_templates_quote_strings_outside_strings_only() -> None:
    class Rule:
        arn, name = RULE_ARN, RULE

    event = {"detail": {"a": 'x"y', "n": 3, "o": {"k": 1}}}
    paths = {"a": "$.detail.a", "n": "$.detail.n", "o": "$.detail.o", "m": "$.detail.missing"}
    template = '{"raw": <a>, "in": "a=<a>, \\"<n>\\"", "n": <n>, "o": <o>, "m": <m>, "rule": "<aws.events.rule-name>"}'
    assert transformed(template, paths, event, Rule()) == (
        '{"raw": "x\\"y", "in": "a=x"y, \\"3\\"", "n": 3, "o": {"k": 1}, "m": null, "rule": "pipeline-events"}'
    )


@mock_aws
def test_an_execution_announces_each_status_change_on_the_default_bus() -> None:
    """A pipeline whose role does not trust SageMaker: Executing, then Failed, each an event shaped
    as SageMaker's (delivered here by moto's SQS target to a queue)."""
    extensions.register_all()
    iam, sagemaker, events, sqs = (boto3.client(s, region_name=REGION) for s in ("iam", "sagemaker", "events", "sqs"))
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    role = iam.create_role(RoleName="not-for-sagemaker", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    definition = {
        "Version": "2020-12-01",
        "Steps": [{"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": "no"}}],
    }
    sagemaker.create_pipeline(PipelineName="build", PipelineDefinition=json.dumps(definition), RoleArn=role)
    queue = sqs.create_queue(QueueName="bus")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all", EventPattern=json.dumps({"source": ["aws.sagemaker"], "detail-type": [DETAIL_TYPE]}))
    events.put_targets(Rule="all", Targets=[{"Id": "q", "Arn": queue_arn}])

    arn = sagemaker.start_pipeline_execution(PipelineName="build", PipelineExecutionDisplayName="nightly")[
        "PipelineExecutionArn"
    ]
    deadline = time.monotonic() + 30
    while sagemaker.describe_pipeline_execution(PipelineExecutionArn=arn)["PipelineExecutionStatus"] == "Executing":
        assert time.monotonic() < deadline, "the execution never ended"
        time.sleep(0.2)

    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    announced = [json.loads(m["Body"]) for m in received]
    assert [e["detail"]["currentPipelineExecutionStatus"] for e in announced] == ["Executing", "Failed"]
    assert all(e["source"] == "aws.sagemaker" and e["detail-type"] == DETAIL_TYPE for e in announced)
    assert announced[0]["resources"] == [PIPELINE_ARN, arn]
    executing, failed = (e["detail"] for e in announced)
    assert "previousPipelineExecutionStatus" not in executing and "executionEndTime" not in executing
    assert failed["previousPipelineExecutionStatus"] == "Executing"
    assert {k: failed[k] for k in ("pipelineArn", "pipelineExecutionArn", "pipelineExecutionDisplayName")} == {
        "pipelineArn": PIPELINE_ARN,
        "pipelineExecutionArn": arn,
        "pipelineExecutionDisplayName": "nightly",
    }
    assert failed["executionStartTime"] <= failed["executionEndTime"]
