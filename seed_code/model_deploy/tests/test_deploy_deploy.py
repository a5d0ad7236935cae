"""Deploying a package to a stage: what is created, where, with which guardrail fields; idempotence."""

from __future__ import annotations

import pytest
from abalone_deploy import deploy
from abalone_deploy.deploy import PACKAGE_TAG, DeployError, deployed_package_arn, run_deploy
from abalone_deploy.names import UsageError
from abalone_deploy.settings import DeploySettings
from abalone_deploy.stage_contract import ContractError, read_stage_contract
from deploy_world import ACCOUNTS, FAST, IMAGE, World, contract_values


def _request(world: World, stage: str, operation: str) -> dict:
    [params] = [p for name, p in world.calls[stage] if name == operation]
    return params


def test_deploy_creates_model_config_and_endpoint_in_the_stage_account_only(ready: World) -> None:
    arn = ready.register("Approved")
    result = run_deploy(ready.clients("staging"), ready.target("staging"), None, FAST)

    account, values = ACCOUNTS["staging"], contract_values("staging")
    name = result.model_name
    assert result.action == "created" and result.package_arn == arn
    assert result.endpoint_name == "mlops-staging-abalone"
    assert name.startswith("mlops-staging-abalone-1-") and len(name) == len("mlops-staging-abalone-1-") + 8

    model = _request(ready, "staging", "CreateModel")
    assert model["ExecutionRoleArn"] == values["hosting/model-execution-role-arn"]
    assert model["VpcConfig"] == {"Subnets": ["subnet-staginga", "subnet-stagingb"], "SecurityGroupIds": ["sg-staging"]}
    assert model["EnableNetworkIsolation"] is True
    assert model["PrimaryContainer"] == {
        "Image": IMAGE,
        "ModelDataUrl": "s3://mlops-dev-models-111111111111/abalone/runs/r1/model.tar.gz",
    }
    assert "ModelPackageName" not in model["PrimaryContainer"]

    config = _request(ready, "staging", "CreateEndpointConfig")
    key = values["kms/endpoint-key-arn"]
    assert config["KmsKeyId"] == key
    assert config["ProductionVariants"] == [
        {
            "VariantName": "AllTraffic",
            "ModelName": name,
            "InstanceType": "ml.m5.large",
            "InitialInstanceCount": 1,
            "InitialVariantWeight": 1.0,
        }
    ]
    capture = config["DataCaptureConfig"]
    assert capture["EnableCapture"] is True and capture["InitialSamplingPercentage"] == 100
    assert capture["DestinationS3Uri"] == f"s3://mlops-staging-data-capture-{account}/abalone/"
    assert capture["KmsKeyId"] == key

    # What the stage account holds, read with its own client.
    staging = ready.client("staging", "sagemaker")
    assert staging.describe_model(ModelName=name)["ModelArn"].split(":")[4] == account
    endpoint = staging.describe_endpoint(EndpointName="mlops-staging-abalone")
    assert endpoint["EndpointStatus"] == "InService" and endpoint["EndpointConfigName"] == name
    assert endpoint["EndpointArn"].split(":")[4] == account
    assert ready.endpoint_config("staging")["KmsKeyId"] == key
    assert deployed_package_arn(staging, ready.target("staging")) == arn
    tags = staging.list_tags(ResourceArn=endpoint["EndpointArn"])["Tags"]
    assert {"Key": PACKAGE_TAG, "Value": arn} in tags

    # Nothing in prod, nothing in dev.
    for other in ("prod", "dev"):
        client = ready.client(other, "sagemaker")
        assert client.list_models()["Models"] == []
        assert client.list_endpoints()["Endpoints"] == []
        assert client.list_endpoint_configs()["EndpointConfigs"] == []


def test_deploying_the_same_package_twice_changes_nothing(ready: World) -> None:
    ready.register("Approved")
    clients, target = ready.clients("staging"), ready.target("staging")
    first = run_deploy(clients, target, None, FAST)
    writes_after_first = ready.writes("staging")
    second = run_deploy(clients, target, None, FAST)

    assert second.action == "unchanged"
    assert second.endpoint_config_name == first.endpoint_config_name
    assert ready.writes("staging") == writes_after_first == ["CreateModel", "CreateEndpointConfig", "CreateEndpoint"]
    assert len(ready.client("staging", "sagemaker").list_models()["Models"]) == 1


def test_a_newer_approved_package_updates_the_endpoint(ready: World) -> None:
    old = ready.register("Approved")
    clients, target = ready.clients("staging"), ready.target("staging")
    first = run_deploy(clients, target, None, FAST)
    new = ready.register("Approved")
    second = run_deploy(clients, target, None, FAST)

    assert second.action == "updated" and second.package_arn == new != old
    assert second.endpoint_config_name.startswith("mlops-staging-abalone-2-")
    assert ready.endpoint_config("staging")["EndpointConfigName"] == second.endpoint_config_name
    assert deployed_package_arn(clients.sagemaker, target) == new
    assert "UpdateEndpoint" in ready.writes("staging")
    # The previous model and configuration stay: a rollback reuses them.
    clients.sagemaker.describe_endpoint_config(EndpointConfigName=first.endpoint_config_name)


def test_other_settings_give_other_names(ready: World) -> None:
    arn = ready.register("Approved")
    contract = read_stage_contract(ready.client("staging", "ssm"), ready.target("staging"))
    from abalone_deploy.registry import describe_package

    package = describe_package(ready.dev, ready.target("staging"), arn)
    small = deploy.build_requests(ready.target("staging"), contract, package, FAST)[0]["ModelName"]
    large = deploy.build_requests(
        ready.target("staging"), contract, package, DeploySettings(instance_type="ml.m5.xlarge")
    )[0]["ModelName"]
    assert small != large and small.rsplit("-", 1)[0] == large.rsplit("-", 1)[0] == "mlops-staging-abalone-1"


def test_a_failed_endpoint_is_replaced(ready: World) -> None:
    from moto.sagemaker.models import sagemaker_backends

    ready.register("Approved")
    clients, target = ready.clients("staging"), ready.target("staging")
    run_deploy(clients, target, None, FAST)
    endpoint = sagemaker_backends[ACCOUNTS["staging"]]["eu-west-1"].endpoints["mlops-staging-abalone"]
    endpoint.endpoint_status, endpoint.failure_reason = "Failed", "image pull failed"

    assert run_deploy(clients, target, None, FAST).action == "recreated"
    assert ready.writes("staging")[-2:] == ["DeleteEndpoint", "CreateEndpoint"]


def test_an_endpoint_that_never_reaches_inservice_fails_with_its_reason(
    ready: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.sagemaker.models import FakeEndpoint

    ready.register("Approved")
    original = FakeEndpoint.__init__

    def failing(self: FakeEndpoint, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        self.endpoint_status, self.failure_reason = "Failed", "the primary container did not pass the ping health check"

    monkeypatch.setattr(FakeEndpoint, "__init__", failing)
    with pytest.raises(
        DeployError, match="status Failed, reason the primary container did not pass the ping health check"
    ):
        run_deploy(ready.clients("staging"), ready.target("staging"), None, FAST)


def test_only_approved_packages_are_deployed(ready: World) -> None:
    pending = ready.register("PendingManualApproval")
    with pytest.raises(
        UsageError,
        match="no Approved model package in arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-abalone",
    ):
        run_deploy(ready.clients("staging"), ready.target("staging"), None, FAST)
    with pytest.raises(UsageError, match="is PendingManualApproval; only Approved"):
        run_deploy(ready.clients("staging"), ready.target("staging"), pending, FAST)
    assert ready.writes("staging") == []


def test_an_incomplete_contract_names_every_missing_parameter(world: World) -> None:
    world.create_group()
    world.register("Approved")
    values = contract_values("staging")
    del values["kms/endpoint-key-arn"], values["storage/data-capture-bucket"]
    world.seed_contract("staging", values)
    with pytest.raises(ContractError) as error:
        run_deploy(world.clients("staging"), world.target("staging"), None, FAST)
    assert "/mlops/staging/kms/endpoint-key-arn" in str(error.value)
    assert "/mlops/staging/storage/data-capture-bucket" in str(error.value)
    assert world.writes("staging") == []


def test_an_alias_instead_of_the_endpoint_key_arn_is_refused(world: World) -> None:
    values = contract_values("staging")
    values["kms/endpoint-key-arn"] = "alias/mlops-staging-endpoint"
    world.seed_contract("staging", values)
    with pytest.raises(ContractError, match="must be a KMS key ARN, not an alias"):
        read_stage_contract(world.client("staging", "ssm"), world.target("staging"))


def test_deploy_model_command(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    arn = ready.register("Approved")
    argv = [
        "--prefix",
        "mlops",
        "--stage",
        "prod",
        "--project",
        "abalone",
        "--dev-account",
        "111111111111",
        "--region",
        "eu-west-1",
        "--wait-delay",
        "0",
        "--sampling-percentage",
        "25",
    ]
    assert deploy.main(argv, clients=ready.clients("prod")) == 0
    assert f"mlops-prod-abalone serves {arn} (created)" in capsys.readouterr().out
    assert ready.endpoint_config("prod")["DataCaptureConfig"]["InitialSamplingPercentage"] == 25
    assert ready.client("staging", "sagemaker").list_endpoints()["Endpoints"] == []

    assert deploy.main([*argv[:-2], "--sampling-percentage", "0"], clients=ready.clients("prod")) == 2
    assert "--sampling-percentage 0 must be between 1 and 100" in capsys.readouterr().err
