"""The emulator keeps its resources across restarts of the local target."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from orchestrator.emulator.persistence import load_state, save_state
from orchestrator.emulator.process import start_emulator
from orchestrator.errors import OrchestratorError

REGION = "eu-west-1"


def test_resources_survive_save_and_load(tmp_path: Path) -> None:
    state = tmp_path / "state.pickle"
    with mock_aws():
        vpc = boto3.client("ec2", region_name=REGION).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        kms = boto3.client("kms", region_name=REGION)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        ssm = boto3.client("ssm", region_name=REGION)
        ssm.put_parameter(Name="/mlops/dev/network/vpc-id", Value=vpc, Type="String")
        ssm.add_tags_to_resource(
            ResourceType="Parameter", ResourceId="/mlops/dev/network/vpc-id", Tags=[{"Key": "a", "Value": "b"}]
        )
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="state-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket="state-bucket", Key="dev/foundation/terraform.tfstate", Body=b'{"version": 4}')
        save_state(state)
    with mock_aws():
        assert load_state(state) is True
        assert (
            boto3.client("ec2", region_name=REGION).describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["CidrBlock"] == "10.0.0.0/16"
        )
        kms = boto3.client("kms", region_name=REGION)
        assert kms.describe_key(KeyId=key)["KeyMetadata"]["Enabled"] is True
        assert kms.encrypt(KeyId=key, Plaintext=b"x")["KeyId"].endswith(key)
        ssm = boto3.client("ssm", region_name=REGION)
        assert ssm.get_parameter(Name="/mlops/dev/network/vpc-id")["Parameter"]["Value"] == vpc
        assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/mlops/dev/network/vpc-id")[
            "TagList"
        ] == [{"Key": "a", "Value": "b"}]
        body = boto3.client("s3", region_name=REGION).get_object(
            Bucket="state-bucket", Key="dev/foundation/terraform.tfstate"
        )["Body"]
        assert body.read() == b'{"version": 4}'


def test_the_owner_of_each_bucket_survives_save_and_load(tmp_path: Path) -> None:
    # Another account's bucket is found through the owner record (moto keeps it beside the backends):
    # without it, a loaded emulator served no bucket of another account, and no bucket's policy.
    from moto.s3.models import s3_backends

    state = tmp_path / "state.pickle"
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="owned-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
        owner = dict(s3_backends.bucket_accounts)["owned-bucket"]
        save_state(state)
    with mock_aws():
        s3_backends.bucket_accounts.clear()
        assert load_state(state) is True
        assert s3_backends.bucket_accounts["owned-bucket"] == owner
        assert (
            boto3.client("s3", region_name=REGION).head_bucket(Bucket="owned-bucket")["ResponseMetadata"][
                "HTTPStatusCode"
            ]
            == 200
        )


def test_missing_state_file_is_a_fresh_start(tmp_path: Path) -> None:
    with mock_aws():
        assert load_state(tmp_path / "absent.pickle") is False


def test_state_from_another_emulator_version_is_refused(tmp_path: Path) -> None:
    import pickle

    import pytest

    from orchestrator.emulator.persistence import IncompatibleStateError

    state = tmp_path / "state.pickle"
    state.write_bytes(pickle.dumps({"moto": "0.0.1", "backends": {}}))
    with mock_aws(), pytest.raises(IncompatibleStateError, match="emulator reset"):
        load_state(state)


def test_queues_with_their_locks_survive_save_and_load(tmp_path: Path) -> None:
    """SQS queues hold a lock (a dead-letter queue of the projects stack made every save fail,
    so the second local apply started from an empty cloud)."""
    state = tmp_path / "state.pickle"
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="approval-dlq")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="dead letter")
        save_state(state)
    with mock_aws():
        assert load_state(state) is True
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.get_queue_url(QueueName="approval-dlq")["QueueUrl"]
        assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "dead letter"
        sqs.send_message(QueueUrl=url, MessageBody="still usable")  # the restored lock works


def test_a_state_that_cannot_be_saved_fails_the_run_that_stops_the_emulator(tmp_path: Path) -> None:
    """Seen once: a save that failed at shutdown went unnoticed, and the next local run started from
    an empty cloud. The server exits with its own code and `stop()` turns it into an error."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the state directory should be")
    log = tmp_path / "emulator.log"
    emulator = start_emulator(log, blocker / "emulator-state.pickle")
    with pytest.raises(OrchestratorError, match="could not save its resources") as failed:
        emulator.stop()
    assert str(log) in str(failed.value)
    assert "ERROR the emulator could not save its resources to" in log.read_text()
