"""Tier 4: the README's command as a person runs it: `python -m orchestrator apply` with the default
local target (the emulator is started and stopped by the command, its resources kept between runs)
— the session's world (tests/world.py) is built by exactly that command, twice — then a model's
whole way on the environments it built. `destroy` of everything is in test_destroy.py, after every
test that uses the world.

The tests of this file run in order on one worker (pytest-xdist group)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.conftest import REPO_ROOT
from tests.integration.conftest import DEV_ACCOUNT, REGION, Account, World, orchestrator

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-readme-flow")]

ABALONE_CSV = REPO_ROOT / "seed_code" / "model_build" / "data" / "abalone.csv"
STAGES = {"staging": "222222222222", "prod": "333333333333"}
PROJECT = "abalone"
GROUP = f"mlops-dev-{PROJECT}"
MODELS_BUCKET = f"mlops-dev-models-{DEV_ACCOUNT}"
XGBOOST_IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
SCRIPTS = Path(sys.executable).parent


def test_apply_twice_second_is_a_no_op(world: World) -> None:
    """The world's two runs of `python -m orchestrator apply` (tests/world.py), from nothing."""
    first = world.first_apply
    assert first.returncode == 0, first.stderr[-4000:]
    assert re.search(r"^dev/foundation .*s  applied$", first.stdout, re.MULTILINE), first.stdout
    assert re.search(r"^prod/hosting .*s  applied$", first.stdout, re.MULTILINE), first.stdout
    assert "stack(s)" in first.stdout  # the summary: stacks, resources, time

    second = world.second_apply
    assert second.returncode == 0, second.stderr[-4000:]
    assert "No changes" in second.stdout
    assert not re.search(r"s  applied$", second.stdout, re.MULTILINE), second.stdout


@pytest.fixture(scope="module")
def model_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build side's model, trained locally on the abalone data exactly as its tests do."""
    from abalone_build.preprocess import preprocess
    from abalone_build.train_local import train

    build = tmp_path_factory.mktemp("build")
    preprocess(ABALONE_CSV, build / "data")
    return train(build / "data", build / "model", threads=1)


def _register(dev: Account, archive: Path, version_label: str) -> str:
    """What the build pipeline's last steps do: the model in dev's models bucket, a package pending approval."""
    key = f"{PROJECT}/{version_label}/model.tar.gz"
    dev.client("s3").put_object(Bucket=MODELS_BUCKET, Key=key, Body=archive.read_bytes(), ServerSideEncryption="aws:kms")
    return str(dev.client("sagemaker").create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://{MODELS_BUCKET}/{key}"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        # The archive's digest, recorded as the pipeline records it: deployments verify it.
        CustomerMetadataProperties={"model-sha256": hashlib.sha256(archive.read_bytes()).hexdigest()},
    )["ModelPackageArn"])


def _decide(lead: Account, arn: str, status: str) -> None:
    lead.client("sagemaker").update_model_package(ModelPackageArn=arn, ModelApprovalStatus=status)


def _handle_event(deployer: Account, stage: str, status: str, arn: str) -> subprocess.CompletedProcess[str]:
    """The deploy workflow's step for one stage: the CLI with the stage deploy role's credentials only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | deployer.environment()
    return subprocess.run(
        [str(SCRIPTS / "handle-approval-event"), "--status", status, "--model-package-arn", arn, "--stage", stage,
         "--project", PROJECT, "--prefix", "mlops", "--dev-account", DEV_ACCOUNT, "--region", REGION, "--wait-delay", "0"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def _serving(account: Account, stage: str) -> str | None:
    """The package the stage's endpoint serves (its configuration's lineage tag), None without endpoint."""
    sagemaker = account.client("sagemaker")
    name = f"mlops-{stage}-{PROJECT}"
    if name not in [e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]]:
        return None
    config = sagemaker.describe_endpoint(EndpointName=name)["EndpointConfigName"]
    config_arn = sagemaker.describe_endpoint_config(EndpointConfigName=config)["EndpointConfigArn"]
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=config_arn)["Tags"]}
    return tags.get("model-package-arn")


def _deploy_everywhere(deployers: dict[str, Account], status: str, arn: str, inspectors: dict[str, Account], expected: str) -> None:
    """Staging first, then prod (the workflow's order), each checked in its own account only."""
    for stage in ("staging", "prod"):
        run = _handle_event(deployers[stage], stage, status, arn)
        assert run.returncode == 0, f"{stage}: {run.stdout[-2000:]}{run.stderr[-2000:]}"
        assert f"mlops-{stage}-{PROJECT} serves {expected}, endpoint test passed" in run.stdout, run.stdout[-2000:]
        assert _serving(inspectors[stage], stage) == expected
        endpoint_arn = inspectors[stage].client("sagemaker").describe_endpoint(EndpointName=f"mlops-{stage}-{PROJECT}")["EndpointArn"]
        assert endpoint_arn.split(":")[4] == STAGES[stage], f"the {stage} endpoint is not in account {STAGES[stage]}"


def test_an_approved_model_reaches_staging_then_prod_and_a_rejection_rolls_back(world: World, model_archive: Path) -> None:
    emulator_url = world.url  # the README's emulator, with the resources the applies left in it
    dev = Account(emulator_url, DEV_ACCOUNT)
    lead = Account(emulator_url, DEV_ACCOUNT, "mlops-dev-team-lead")
    inspectors = {stage: Account(emulator_url, account) for stage, account in STAGES.items()}
    deployers = {stage: Account(emulator_url, account, f"mlops-{stage}-{PROJECT}-deploy") for stage, account in STAGES.items()}
    assert all(_serving(inspectors[stage], stage) is None for stage in STAGES)

    first = _register(dev, model_archive, "v1")
    early = _handle_event(deployers["staging"], "staging", "Approved", first)  # an event before the lead decided
    assert early.returncode == 0 and "PendingManualApproval in the registry now, not Approved: nothing deployed" in early.stdout, early.stdout + early.stderr
    assert _serving(inspectors["staging"], "staging") is None

    _decide(lead, first, "Approved")
    _deploy_everywhere(deployers, "Approved", first, inspectors, first)
    assert _serving(dev, "staging") is None and _serving(inspectors["prod"], "staging") is None, "an endpoint landed in the wrong account"

    second = _register(dev, model_archive, "v2")
    _decide(lead, second, "Approved")
    _deploy_everywhere(deployers, "Approved", second, inspectors, second)

    _decide(lead, second, "Rejected")
    for stage in ("staging", "prod"):
        run = _handle_event(deployers[stage], stage, "Rejected", second)
        assert run.returncode == 0, f"{stage}: {run.stdout[-2000:]}{run.stderr[-2000:]}"
        assert f"rolled back to {first}" in run.stdout, run.stdout[-2000:]
        assert _serving(inspectors[stage], stage) == first

    # The endpoint test ran the real model: the predictions of the sample rows are in the log.
    answer = deployers["prod"].client("sagemaker-runtime").invoke_endpoint(
        EndpointName=f"mlops-prod-{PROJECT}", ContentType="text/csv", Body="0.455,0.365,0.095,0.514,0.2245,0.101,0.15,0,0,1"
    )
    rings = float(answer["Body"].read().decode())
    assert 5 < rings < 20, rings

    # The group's policy names the deploy roles of staging and prod, no other role or account.
    for outsider in (Account(emulator_url, "444444444444", f"mlops-staging-{PROJECT}-deploy"), inspectors["staging"]):
        with pytest.raises(ClientError) as denied:
            outsider.client("sagemaker").describe_model_package(ModelPackageName=first)
        assert denied.value.response["Error"]["Code"] == "AccessDeniedException"

    for stage, account in inspectors.items():
        _retire_endpoint(account, stage)


def _retire_endpoint(account: Account, stage: str) -> None:
    """What a team does before the platform is destroyed: endpoints, configs and models of the project go."""
    sagemaker = account.client("sagemaker")
    name = f"mlops-{stage}-{PROJECT}"
    sagemaker.delete_endpoint(EndpointName=name)
    for config in sagemaker.list_endpoint_configs(NameContains=name)["EndpointConfigs"]:
        sagemaker.delete_endpoint_config(EndpointConfigName=config["EndpointConfigName"])
    for model in sagemaker.list_models(NameContains=name)["Models"]:
        sagemaker.delete_model(ModelName=model["ModelName"])


def test_a_second_local_run_fails_fast_naming_the_lock(tmp_path: Path) -> None:
    lock_file = tmp_path / "work" / "local" / "emulator-state.lock"
    lock_file.parent.mkdir(parents=True)
    with lock_file.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write("pid 4242")
        handle.flush()
        run = orchestrator(["plan"], tmp_path / "work", timeout=60)
    assert run.returncode == 1
    assert str(lock_file) in run.stderr and "pid 4242" in run.stderr
