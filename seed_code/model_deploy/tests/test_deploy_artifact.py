"""A package is deployed only with the archive it was registered with (its recorded SHA-256)."""

from __future__ import annotations

import hashlib

import pytest
from abalone_deploy import approval_event
from abalone_deploy.artifact import ArtifactError, verify_artifact
from abalone_deploy.deploy import deployed_package_arn, run_deploy
from abalone_deploy.registry import describe_package
from deploy_world import FAST, IMAGE, MODELS_BUCKET, PREFIX, PROJECT, World


def _swap(world: World, arn: str, body: bytes = b"a different model") -> None:
    """What someone with write access to the models bucket could do after the approval."""
    url = describe_package(world.dev, world.target("staging"), arn).model_data_url
    world.client("dev", "s3").put_object(Bucket=MODELS_BUCKET, Key=url.split("/", 3)[3], Body=body)


def test_the_registered_archive_passes_and_its_digest_is_returned(ready: World) -> None:
    arn = ready.register("Approved")
    package = describe_package(ready.dev, ready.target("staging"), arn)
    assert verify_artifact(ready.client("dev", "s3"), package) == package.model_digest


def test_a_swapped_archive_is_refused_before_anything_is_created(ready: World) -> None:
    arn = ready.register("Approved")
    _swap(ready, arn)
    with pytest.raises(ArtifactError, match="has changed since it was registered"):
        run_deploy(ready.clients("staging"), ready.target("staging"), arn, FAST)
    assert (
        ready.writes("staging") == []
        and deployed_package_arn(ready.client("staging", "sagemaker"), ready.target("staging")) is None
    )


def test_an_approval_event_for_a_swapped_archive_fails_and_deploys_nothing(
    ready: World, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = ready.register("Approved")
    _swap(ready, arn)
    argv = [
        "--status",
        "Approved",
        "--model-package-arn",
        arn,
        "--stage",
        "staging",
        "--project",
        PROJECT,
        "--prefix",
        PREFIX,
        "--dev-account",
        "111111111111",
        "--region",
        "eu-west-1",
        "--wait-delay",
        "0",
    ]
    assert approval_event.main(argv, clients=ready.clients("staging")) == 1
    assert "has changed since it was registered" in capsys.readouterr().err
    assert ready.writes("staging") == []


def test_a_package_without_a_recorded_digest_is_refused(ready: World) -> None:
    ready.register("Approved")  # the pipeline's first package (and the models bucket)
    body = b"registered by hand"
    key = f"{PROJECT}/by-hand/model.tar.gz"
    ready.client("dev", "s3").put_object(Bucket=MODELS_BUCKET, Key=key, Body=body)
    arn = ready.dev.create_model_package(
        ModelPackageGroupName=f"{PREFIX}-dev-{PROJECT}",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": IMAGE, "ModelDataUrl": f"s3://{MODELS_BUCKET}/{key}"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    ready.set_status(arn, "Approved")
    package = describe_package(ready.dev, ready.target("staging"), arn)
    with pytest.raises(ArtifactError, match="records no SHA-256"):
        verify_artifact(ready.client("dev", "s3"), package)
    assert hashlib.sha256(body).hexdigest() not in str(package)
