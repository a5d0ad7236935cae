"""The dev registry read: newest Approved package, the one before it, and what a package holds."""

from __future__ import annotations

import pytest
from abalone_deploy.registry import RegistryError, approved_packages, describe_package, latest_approved
from deploy_world import IMAGE, World


def test_the_newest_approved_package_is_found_and_pending_or_rejected_ones_are_ignored(ready: World) -> None:
    first = ready.register("Approved")
    second = ready.register("Approved")
    ready.register("PendingManualApproval")
    ready.register("Rejected")
    target = ready.target("staging")

    assert latest_approved(ready.dev, target).arn == second
    assert [p.arn for p in approved_packages(ready.dev, target)] == [second, first]
    # The package to roll back to when `second` is rejected.
    assert latest_approved(ready.dev, target, exclude=second).arn == first


def test_every_page_is_read(ready: World) -> None:
    arns = [ready.register("Approved") for _ in range(3)]
    found = approved_packages(ready.dev, ready.target("staging"), page_size=1)
    assert [p.arn for p in found] == arns[::-1]


def test_a_group_without_approved_packages_yields_none(ready: World) -> None:
    ready.register("PendingManualApproval")
    assert latest_approved(ready.dev, ready.target("staging")) is None


def test_describe_gives_the_container_the_deployment_runs(ready: World) -> None:
    arn = ready.register("Approved")
    package = describe_package(ready.dev, ready.target("staging"), arn)
    assert (package.arn, package.version, package.status) == (arn, 1, "Approved")
    assert package.image == IMAGE
    assert package.model_data_url == "s3://mlops-dev-models-111111111111/abalone/runs/r1/model.tar.gz"


def test_a_package_with_several_containers_is_refused(ready: World) -> None:
    arn = ready.register("Approved", containers=2)
    with pytest.raises(RegistryError, match="2 inference containers"):
        describe_package(ready.dev, ready.target("staging"), arn)


def test_an_unreadable_package_names_the_group_policy(ready: World) -> None:
    # The staging account's own registry has no such package: what a missing grant looks like.
    staging = ready.client("staging", "sagemaker")
    with pytest.raises(
        RegistryError, match="resource policy must grant this stage's mlops-staging-abalone-deploy role"
    ):
        describe_package(
            staging,
            ready.target("staging"),
            "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-abalone/1",
        )
