"""Each Service Catalog extension is shown to close its gap (stock moto fails these calls)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from orchestrator.emulator import extensions, persistence

REGION = "eu-west-1"
BUCKET = "catalog-templates"
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/launch"
TEMPLATE = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
TEMPLATE_URL = f"https://{BUCKET}.s3.{REGION}.amazonaws.com/product.json"


def _clients() -> tuple[Any, Any]:
    extensions.register_all()
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=BUCKET, Key="product.json", Body=json.dumps(TEMPLATE).encode())
    s3.put_object(
        Bucket=BUCKET,
        Key="v2.yaml",
        Body=b"Resources:\n  Topic:\n    Type: AWS::SNS::Topic\nOutputs:\n  Arn:\n    Value: !Ref Topic\n",
    )
    return boto3.client("servicecatalog", region_name=REGION), s3


def _product(sc: Any, url: str = TEMPLATE_URL, name: str = "training", validate: bool = True) -> dict[str, Any]:
    return sc.create_product(
        Name=name,
        Owner="platform",
        Description="Model training project",
        Distributor="mlops",
        SupportDescription="Ask the platform team",
        SupportEmail="platform@example.com",
        SupportUrl="https://example.com/support",
        ProductType="CLOUD_FORMATION_TEMPLATE",
        Tags=[{"Key": "sagemaker:studio-visibility", "Value": "true"}],
        ProvisioningArtifactParameters={
            "Name": "v1",
            "Description": "first",
            "Type": "CLOUD_FORMATION_TEMPLATE",
            "Info": {"LoadTemplateFromURL": url},
            "DisableTemplateValidation": not validate,
        },
        IdempotencyToken=f"token-{name}",
    )


def _portfolio(sc: Any) -> str:
    created = sc.create_portfolio(DisplayName="mlops", ProviderName="platform", Tags=[{"Key": "team", "Value": "ml"}])
    return str(created["PortfolioDetail"]["Id"])


def _associated(sc: Any) -> tuple[str, str]:
    portfolio_id = _portfolio(sc)
    product_id = _product(sc)["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
    sc.associate_product_with_portfolio(PortfolioId=portfolio_id, ProductId=product_id)
    return portfolio_id, product_id


def _launch_constraint(sc: Any, portfolio_id: str, product_id: str, token: str = "c1") -> dict[str, Any]:
    return sc.create_constraint(
        PortfolioId=portfolio_id,
        ProductId=product_id,
        Type="LAUNCH",
        Parameters=json.dumps({"RoleArn": ROLE_ARN}),
        Description="launch role",
        IdempotencyToken=token,
    )


@mock_aws
def test_portfolio_update_tags_and_missing_portfolio() -> None:
    sc, _ = _clients()
    portfolio_id = _portfolio(sc)
    sc.update_portfolio(
        Id=portfolio_id, Description="ML products", AddTags=[{"Key": "cost", "Value": "1"}], RemoveTags=["team"]
    )
    described = sc.describe_portfolio(Id=portfolio_id)
    assert described["PortfolioDetail"]["Description"] == "ML products"
    assert described["Tags"] == [{"Key": "cost", "Value": "1"}]
    with pytest.raises(sc.exceptions.ResourceNotFoundException):
        sc.describe_portfolio(Id="port-missing")


@mock_aws
def test_product_lifecycle_status_and_tags() -> None:
    sc, _ = _clients()
    created = _product(sc)
    product_id = created["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
    assert created["ProvisioningArtifactDetail"]["Name"] == "v1"
    assert created["ProvisioningArtifactDetail"]["Active"] is True
    admin = sc.describe_product_as_admin(Id=product_id)
    assert admin["ProductViewDetail"]["Status"] == "AVAILABLE"
    assert admin["ProductViewDetail"]["ProductViewSummary"]["SupportEmail"] == "platform@example.com"
    assert [s["Name"] for s in admin["ProvisioningArtifactSummaries"]] == ["v1"]
    assert admin["Tags"] == [{"Key": "sagemaker:studio-visibility", "Value": "true"}]

    sc.update_product(
        Id=product_id,
        Owner="ml-team",
        AddTags=[{"Key": "stage", "Value": "dev"}],
        RemoveTags=["sagemaker:studio-visibility"],
    )
    admin = sc.describe_product_as_admin(Id=product_id)
    assert admin["ProductViewDetail"]["ProductViewSummary"]["Owner"] == "ml-team"
    assert admin["Tags"] == [{"Key": "stage", "Value": "dev"}]

    sc.delete_product(Id=product_id)
    with pytest.raises(sc.exceptions.ResourceNotFoundException):
        sc.describe_product_as_admin(Id=product_id)
    with pytest.raises(sc.exceptions.ResourceNotFoundException):
        sc.delete_product(Id=product_id)


@mock_aws
def test_product_refused_when_template_object_is_missing_or_invalid() -> None:
    sc, s3 = _clients()
    with pytest.raises(sc.exceptions.InvalidParametersException, match="does not exist"):
        _product(sc, url=f"https://{BUCKET}.s3.{REGION}.amazonaws.com/missing.json")
    with pytest.raises(sc.exceptions.InvalidParametersException, match="does not exist"):
        _product(sc, url="https://no-such-bucket.s3.amazonaws.com/product.json", validate=False)
    s3.put_object(Bucket=BUCKET, Key="empty.json", Body=b"{}")
    with pytest.raises(sc.exceptions.InvalidParametersException, match="Resources"):
        _product(sc, url=f"https://s3.{REGION}.amazonaws.com/{BUCKET}/empty.json")
    assert sc.search_products_as_admin()["ProductViewDetails"] == []
    # Validation disabled: the object must still exist, its content is not checked.
    _product(sc, url=f"http://127.0.0.1:5000/{BUCKET}/empty.json", validate=False)
    s3.put_object(Bucket=BUCKET, Key="tabs.json", Body=json.dumps(TEMPLATE, indent="\t").encode())
    _product(sc, url=f"https://{BUCKET}.s3.amazonaws.com/tabs.json", name="tab-indented")


@mock_aws
def test_provisioning_artifacts_add_update_guidance_delete() -> None:
    sc, _ = _clients()
    product_id = _product(sc)["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
    first = sc.list_provisioning_artifacts(ProductId=product_id)["ProvisioningArtifactDetails"][0]["Id"]
    created = sc.create_provisioning_artifact(
        ProductId=product_id,
        Parameters={
            "Name": "v2",
            "Type": "CLOUD_FORMATION_TEMPLATE",
            "Info": {"LoadTemplateFromURL": f"https://{BUCKET}.s3.amazonaws.com/v2.yaml"},
        },
        IdempotencyToken="v2",
    )
    second = created["ProvisioningArtifactDetail"]["Id"]
    assert created["Status"] == "AVAILABLE"

    sc.update_provisioning_artifact(
        ProductId=product_id, ProvisioningArtifactId=first, Guidance="DEPRECATED", Active=False
    )
    described = sc.describe_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=first)
    assert (described["ProvisioningArtifactDetail"]["Guidance"], described["ProvisioningArtifactDetail"]["Active"]) == (
        "DEPRECATED",
        False,
    )
    assert described["Info"] == {"TemplateUrl": TEMPLATE_URL}
    summaries = sc.describe_product_as_admin(Id=product_id)["ProvisioningArtifactSummaries"]
    assert [s["Id"] for s in summaries] == [first, second]
    assert [a["Id"] for a in sc.describe_product(Id=product_id)["ProvisioningArtifacts"]] == [second]

    sc.delete_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=first)
    with pytest.raises(sc.exceptions.ResourceNotFoundException):
        sc.describe_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=first)
    with pytest.raises(sc.exceptions.InvalidParametersException, match="last"):
        sc.delete_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=second)


@mock_aws
def test_product_portfolio_associations() -> None:
    sc, _ = _clients()
    portfolio_id, product_id = _associated(sc)
    sc.associate_product_with_portfolio(PortfolioId=portfolio_id, ProductId=product_id)  # no-op
    assert [p["Id"] for p in sc.list_portfolios_for_product(ProductId=product_id)["PortfolioDetails"]] == [portfolio_id]
    found = sc.search_products_as_admin(PortfolioId=portfolio_id, Filters={"FullTextSearch": ["train"]})[
        "ProductViewDetails"
    ]
    assert [p["ProductViewSummary"]["ProductId"] for p in found] == [product_id]
    assert (
        sc.search_products_as_admin(PortfolioId=portfolio_id, Filters={"Owner": ["other"]})["ProductViewDetails"] == []
    )

    sc.disassociate_product_from_portfolio(PortfolioId=portfolio_id, ProductId=product_id)
    assert sc.list_portfolios_for_product(ProductId=product_id)["PortfolioDetails"] == []
    with pytest.raises(sc.exceptions.ResourceNotFoundException):
        sc.disassociate_product_from_portfolio(PortfolioId=portfolio_id, ProductId=product_id)
    with pytest.raises(sc.exceptions.ResourceNotFoundException):
        sc.associate_product_with_portfolio(PortfolioId="port-missing", ProductId=product_id)


@mock_aws
def test_launch_constraint_lifecycle_and_duplicate_refused() -> None:
    sc, _ = _clients()
    portfolio_id, product_id = _associated(sc)
    created = _launch_constraint(sc, portfolio_id, product_id)
    constraint_id = created["ConstraintDetail"]["ConstraintId"]
    assert (
        _launch_constraint(sc, portfolio_id, product_id)["ConstraintDetail"]["ConstraintId"] == constraint_id
    )  # same token
    with pytest.raises(sc.exceptions.DuplicateResourceException):
        _launch_constraint(sc, portfolio_id, product_id, token="c2")

    described = sc.describe_constraint(Id=constraint_id)
    assert described["Status"] == "AVAILABLE"
    assert json.loads(described["ConstraintParameters"]) == {"RoleArn": ROLE_ARN}
    assert (described["ConstraintDetail"]["Owner"], described["ConstraintDetail"]["Type"]) == (ACCOUNT, "LAUNCH")
    sc.update_constraint(Id=constraint_id, Description="new role", Parameters=json.dumps({"LocalRoleName": "launch"}))
    assert sc.describe_constraint(Id=constraint_id)["ConstraintDetail"]["Description"] == "new role"
    listed = sc.list_constraints_for_portfolio(PortfolioId=portfolio_id, ProductId=product_id)["ConstraintDetails"]
    assert [c["ConstraintId"] for c in listed] == [constraint_id]

    with pytest.raises(sc.exceptions.ResourceInUseException):
        sc.disassociate_product_from_portfolio(PortfolioId=portfolio_id, ProductId=product_id)
    sc.delete_constraint(Id=constraint_id)
    with pytest.raises(sc.exceptions.ResourceNotFoundException):
        sc.describe_constraint(Id=constraint_id)


@mock_aws
def test_constraint_needs_association_and_valid_launch_parameters() -> None:
    sc, _ = _clients()
    portfolio_id = _portfolio(sc)
    product_id = _product(sc)["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
    with pytest.raises(sc.exceptions.ResourceNotFoundException, match="not associated"):
        _launch_constraint(sc, portfolio_id, product_id)
    sc.associate_product_with_portfolio(PortfolioId=portfolio_id, ProductId=product_id)
    with pytest.raises(sc.exceptions.InvalidParametersException, match="RoleArn or LocalRoleName"):
        sc.create_constraint(
            PortfolioId=portfolio_id, ProductId=product_id, Type="LAUNCH", Parameters="{}", IdempotencyToken="x"
        )


@mock_aws
def test_principal_associations() -> None:
    sc, _ = _clients()
    portfolio_id = _portfolio(sc)
    sc.associate_principal_with_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE_ARN, PrincipalType="IAM")
    sc.associate_principal_with_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE_ARN, PrincipalType="IAM")  # no-op
    assert sc.list_principals_for_portfolio(PortfolioId=portfolio_id)["Principals"] == [
        {"PrincipalARN": ROLE_ARN, "PrincipalType": "IAM"}
    ]
    with pytest.raises(sc.exceptions.InvalidParametersException):
        sc.associate_principal_with_portfolio(
            PortfolioId=portfolio_id, PrincipalARN="arn:aws:s3:::bucket", PrincipalType="IAM"
        )
    sc.disassociate_principal_from_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE_ARN, PrincipalType="IAM")
    assert sc.list_principals_for_portfolio(PortfolioId=portfolio_id)["Principals"] == []
    with pytest.raises(sc.exceptions.ResourceNotFoundException):
        sc.disassociate_principal_from_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE_ARN, PrincipalType="IAM")


@mock_aws
def test_in_use_deletes_refused_until_dependents_are_gone() -> None:
    sc, _ = _clients()
    portfolio_id, product_id = _associated(sc)
    sc.associate_principal_with_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE_ARN, PrincipalType="IAM")
    with pytest.raises(sc.exceptions.ResourceInUseException):
        sc.delete_product(Id=product_id)
    with pytest.raises(sc.exceptions.ResourceInUseException, match="products"):
        sc.delete_portfolio(Id=portfolio_id)
    sc.disassociate_product_from_portfolio(PortfolioId=portfolio_id, ProductId=product_id)
    with pytest.raises(sc.exceptions.ResourceInUseException, match="principals"):
        sc.delete_portfolio(Id=portfolio_id)
    sc.disassociate_principal_from_portfolio(PortfolioId=portfolio_id, PrincipalARN=ROLE_ARN, PrincipalType="IAM")
    sc.delete_portfolio(Id=portfolio_id)
    sc.delete_product(Id=product_id)
    assert sc.list_portfolios()["PortfolioDetails"] == []
    with pytest.raises(sc.exceptions.ResourceNotFoundException):
        sc.delete_portfolio(Id=portfolio_id)


def test_products_versions_and_constraints_survive_a_state_file(tmp_path: Path) -> None:
    state = tmp_path / "emulator-state.pickle"
    with mock_aws():
        sc, _ = _clients()
        portfolio_id, product_id = _associated(sc)
        constraint_id = _launch_constraint(sc, portfolio_id, product_id)["ConstraintDetail"]["ConstraintId"]
        persistence.save_state(state)
    with mock_aws():
        assert persistence.load_state(state) is True
        sc = boto3.client("servicecatalog", region_name=REGION)
        assert sc.describe_constraint(Id=constraint_id)["ConstraintDetail"]["ProductId"] == product_id
        assert [s["Name"] for s in sc.describe_product_as_admin(Id=product_id)["ProvisioningArtifactSummaries"]] == [
            "v1"
        ]
        assert [p["Id"] for p in sc.list_portfolios_for_product(ProductId=product_id)["PortfolioDetails"]] == [
            portfolio_id
        ]
        with pytest.raises(sc.exceptions.DuplicateResourceException):
            _launch_constraint(sc, portfolio_id, product_id, token="after-reload")
