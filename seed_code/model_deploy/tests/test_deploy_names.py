"""Inputs checked before any AWS call, and the names the deploy role is allowed to use."""

from __future__ import annotations

import pytest
from abalone_deploy.names import UsageError, make_target, parse_package_arn

DEV = "111111111111"


def test_names_follow_the_platform_contract() -> None:
    target = make_target("mlops", "prod", "abalone", DEV, "eu-west-1")
    assert target.endpoint_name == "mlops-prod-abalone"
    assert target.group_arn == "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-abalone"
    assert target.resource_name(12, "0a1b2c3d") == "mlops-prod-abalone-12-0a1b2c3d"


def test_a_name_sagemaker_would_refuse_is_reported_with_the_fix() -> None:
    target = make_target("mlopsplatf", "staging", "a-very-long-project-name-for-abc", DEV, "eu-west-1")
    with pytest.raises(UsageError, match="SageMaker allows 63: use a shorter --project or --prefix"):
        target.resource_name(1234, "0a1b2c3d")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("ML", "staging", "abalone", DEV, "eu-west-1"), "--prefix"),
        (("mlops", "dev", "abalone", DEV, "eu-west-1"), "--stage"),
        (("mlops", "staging", "aba--lone", DEV, "eu-west-1"), "--project"),
        (("mlops", "staging", "abalone", "12345678901x", "eu-west-1"), "--dev-account"),
        (("mlops", "staging", "abalone", DEV, "europe"), "--region"),
    ],
)
def test_each_bad_input_is_named(args: tuple[str, ...], option: str) -> None:
    with pytest.raises(UsageError, match=f"^{option} "):
        make_target(*args)


def test_package_arns_of_the_projects_group_only() -> None:
    target = make_target("mlops", "staging", "abalone", DEV, "eu-west-1")
    ref = parse_package_arn(target, "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-abalone/7")
    assert (ref.group, ref.version) == ("mlops-dev-abalone", 7)
    with pytest.raises(UsageError, match="has region 'us-east-1', expected 'eu-west-1'"):
        parse_package_arn(target, "arn:aws:sagemaker:us-east-1:111111111111:model-package/mlops-dev-abalone/7")
    with pytest.raises(UsageError, match="not a versioned model package ARN"):
        parse_package_arn(target, "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-abalone")
