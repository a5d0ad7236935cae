"""abalone_build.project_registration: the optional names under /<prefix>/<env>/projects/<project>/."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import boto3
import pytest
from abalone_build.contract import ContractError, PlatformContract
from abalone_build.project_registration import ProjectRegistration, read_project_registration, with_project_roles


def ssm() -> Any:
    return boto3.client("ssm", region_name="eu-west-1")


def test_an_unregistered_project_has_no_names(aws: None) -> None:
    assert read_project_registration(ssm(), "mlops", "dev", "abalone") == ProjectRegistration()


def test_registered_names_are_read(aws: None) -> None:
    client = ssm()
    client.put_parameter(
        Name="/mlops/dev/projects/abalone/pipeline-name", Value="mlops-dev-abalone-build", Type="String"
    )
    client.put_parameter(
        Name="/mlops/dev/projects/abalone/model-package-group", Value="mlops-dev-abalone", Type="String"
    )
    client.put_parameter(Name="/mlops/dev/projects/other/pipeline-name", Value="mlops-dev-other-build", Type="String")

    assert read_project_registration(client, "mlops", "dev", "abalone") == ProjectRegistration(
        pipeline_name="mlops-dev-abalone-build", model_package_group="mlops-dev-abalone"
    )
    assert read_project_registration(client, "mlops", "dev", "other") == ProjectRegistration(
        pipeline_name="mlops-dev-other-build"
    )


def test_a_read_failure_names_the_path(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    client = ssm()

    def denied(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetParameters")

    monkeypatch.setattr(client, "get_parameters", denied)
    with pytest.raises(ContractError, match="/mlops/dev/projects/abalone/"):
        read_project_registration(client, "mlops", "dev", "abalone")


def test_the_project_runs_as_its_own_roles_where_registered(aws: None, contract: PlatformContract) -> None:
    client = ssm()
    pipeline_role = "arn:aws:iam::123456789012:role/mlops-dev-abalone-pipeline"
    job_role = "arn:aws:iam::123456789012:role/mlops-dev-abalone-pipeline-jobs"
    client.put_parameter(
        Name="/mlops/dev/projects/abalone/pipeline-execution-role-arn", Value=pipeline_role, Type="String"
    )
    client.put_parameter(Name="/mlops/dev/projects/abalone/job-role-arn", Value=job_role, Type="String")

    registration = read_project_registration(client, "mlops", "dev", "abalone")
    own = with_project_roles(contract, registration)
    assert (own.pipeline_execution_role_arn, own.sagemaker_execution_role_arn) == (pipeline_role, job_role)
    assert (
        replace(
            own,
            pipeline_execution_role_arn=contract.pipeline_execution_role_arn,
            sagemaker_execution_role_arn=contract.sagemaker_execution_role_arn,
        )
        == contract
    )


def test_an_unregistered_project_keeps_the_contracts_roles(contract: PlatformContract) -> None:
    assert with_project_roles(contract, ProjectRegistration()) == contract
