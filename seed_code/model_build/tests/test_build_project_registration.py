"""abalone_build.project_registration: the optional names under /<prefix>/<env>/projects/<project>/."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from abalone_build.contract import ContractError
from abalone_build.project_registration import ProjectRegistration, read_project_registration


def ssm() -> Any:
    return boto3.client("ssm", region_name="eu-west-1")


def test_an_unregistered_project_has_no_names(aws: None) -> None:
    assert read_project_registration(ssm(), "mlops", "dev", "abalone") == ProjectRegistration()


def test_registered_names_are_read(aws: None) -> None:
    client = ssm()
    client.put_parameter(Name="/mlops/dev/projects/abalone/pipeline-name", Value="mlops-dev-abalone-build", Type="String")
    client.put_parameter(Name="/mlops/dev/projects/abalone/model-package-group", Value="mlops-dev-abalone", Type="String")
    client.put_parameter(Name="/mlops/dev/projects/other/pipeline-name", Value="mlops-dev-other-build", Type="String")

    assert read_project_registration(client, "mlops", "dev", "abalone") == ProjectRegistration(
        pipeline_name="mlops-dev-abalone-build", model_package_group="mlops-dev-abalone"
    )
    assert read_project_registration(client, "mlops", "dev", "other") == ProjectRegistration(pipeline_name="mlops-dev-other-build")


def test_a_read_failure_names_the_path(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    client = ssm()

    def denied(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetParameters")

    monkeypatch.setattr(client, "get_parameters", denied)
    with pytest.raises(ContractError, match="/mlops/dev/projects/abalone/"):
        read_project_registration(client, "mlops", "dev", "abalone")
