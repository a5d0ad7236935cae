"""A failed execution of a dev project's pipeline reaches the project's pipeline-events topic.

On the world's dev: the deploy role subscribes an SQS queue to mlops-dev-abalone-pipeline-events;
the project's CI role starts the seed pipeline (publishing it first, as the build workflow does, if
no test has yet) on an input that does not exist, so its first step fails. SageMaker's status-change events (Executing,
then Failed) go to the default event bus; the project's rule matches the Failed one only and
publishes its message, encrypted with the project's events key, as EventBridge: exactly one message
arrives, naming the pipeline, the execution and the status. Nobody else may publish to the topic,
not even a role whose own policy allows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import DEV_ACCOUNT, REGION, Account, World
from tests.integration.pipeline_runs import run_build, wait_until_ended
from tests.security.conftest import refused

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-pipeline-notifications")]

PROJECT = "abalone"
PIPELINE = f"mlops-dev-{PROJECT}-build"
PIPELINE_ARN = f"arn:aws:sagemaker:{REGION}:{DEV_ACCOUNT}:pipeline/{PIPELINE}"
TOPIC = f"arn:aws:sns:{REGION}:{DEV_ACCOUNT}:mlops-dev-{PROJECT}-pipeline-events"
QUEUE = "pipeline-events-inbox"
MISSING_INPUT = f"s3://mlops-dev-data-{DEV_ACCOUNT}/{PROJECT}/input/missing/abalone.csv"
TIMEOUT_SECONDS = 300


@pytest.fixture(scope="module")
def inbox(world: World) -> Iterator[tuple[Any, str]]:
    """An SQS queue subscribed to the topic by the deploy role (the queue admits the topic only)."""
    deploy = Account(world.url, DEV_ACCOUNT, "mlops-dev-deploy")
    sqs, sns = deploy.client("sqs"), deploy.client("sns")
    url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    subscription = sns.subscribe(TopicArn=TOPIC, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)
    try:
        yield sqs, url
    finally:
        sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
        sqs.delete_queue(QueueUrl=url)


def _start_on_missing_input(ci: Account) -> str:
    """An execution, as the CI role, on an input object that does not exist: of the published pipeline
    when there is one (its definition left as the journey and the other builds need it), else
    published first as the build workflow does."""
    sagemaker = ci.client("sagemaker")
    try:
        sagemaker.describe_pipeline(PipelineName=PIPELINE)
    except ClientError as missing:
        assert "ResourceNotFound" in str(missing) or "does not exist" in str(missing), missing
        return run_build(ci, PROJECT, "--input-data", MISSING_INPUT)
    parameters = [{"Name": "InputDataUrl", "Value": MISSING_INPUT}]
    return str(
        sagemaker.start_pipeline_execution(PipelineName=PIPELINE, PipelineParameters=parameters)["PipelineExecutionArn"]
    )


def _messages(sqs: Any, url: str) -> list[str]:
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    return [json.loads(m["Body"])["Message"] for m in received]


def test_a_failed_execution_is_announced_once_on_the_projects_topic(world: World, inbox: tuple[Any, str]) -> None:
    sqs, url = inbox
    ci = Account(world.url, DEV_ACCOUNT, f"mlops-dev-{PROJECT}-ci")
    execution = _start_on_missing_input(ci)
    described = wait_until_ended(ci.client("sagemaker"), execution, TIMEOUT_SECONDS, poll_seconds=1)
    assert described["PipelineExecutionStatus"] == "Failed", described

    messages = _messages(sqs, url)
    assert len(messages) == 1, f"one message (Failed; Executing is not announced), got {messages}"
    [message] = messages
    assert message.startswith(f"Pipeline execution Failed (was Executing) in project {PROJECT}. "), message
    assert f"Pipeline: {PIPELINE_ARN}." in message and f"Execution: {execution} (" in message, message
    assert f"--pipeline-execution-arn {execution}" in message and "<" not in message, message


def test_only_the_rule_publishes_to_the_topic(world: World) -> None:
    """A role of the account whose own policy allows sns:Publish on the topic is denied by the topic
    policy: a message on the topic always comes from the project's rule."""
    admin = Account(world.url, DEV_ACCOUNT)
    iam, name = admin.client("iam"), "pipeline-events-forger"
    trust = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEV_ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [trust]}))
    publish = {"Effect": "Allow", "Action": "sns:Publish", "Resource": TOPIC}
    iam.put_role_policy(
        RoleName=name,
        PolicyName="publish",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [publish]}),
    )
    try:
        forger = Account(world.url, DEV_ACCOUNT, name).client("sns")
        message = refused(lambda: forger.publish(TopicArn=TOPIC, Message="Pipeline execution Failed (forged)"))
        assert "explicit deny" in message, message
    finally:
        iam.delete_role_policy(RoleName=name, PolicyName="publish")
        iam.delete_role(RoleName=name)
