"""A data scientist launches a SageMaker project from the platform's S3-based template, as Studio does:
CreateProject with a CfnTemplateProvider naming the template under the location the Studio domain's
tag `sagemaker:projectS3TemplatesLocation` points to, and the launch role as its RoleARN. Nothing but
the project name is typed in. The project's stack runs as the launch role (every resource decided by
the emulator's IAM): the model package group is shared with exactly the staging and prod deploy
roles, the artifact bucket is encrypted with the data key, and the approval rule delivers to the
platform's approval bus. A template whose stack the launch role may not create, or a project whose
registry exists already, fails with the reason and leaves nothing behind."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import DEV_ACCOUNT, REGION, Account, World

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-project-launch")]

PROJECT = "churn"  # not in env.yaml yet: its entry (registry: template) would add repository, CI and deploy roles
DECLARED = "abalone"  # in env.yaml, its registry created by the projects stack
DATA_SCIENTIST = "mlops-dev-data-scientist"
VISIBLE = "sagemaker:studio-visibility"


@pytest.fixture(scope="module")
def admin(world: World) -> Account:
    return Account(world.url, DEV_ACCOUNT)


@pytest.fixture(scope="module")
def data_scientist(world: World) -> Account:
    """dev's data-scientist persona role (modules/identity)."""
    return Account(world.url, DEV_ACCOUNT, DATA_SCIENTIST)


@pytest.fixture(scope="module")
def contract(admin: Account) -> dict[str, str]:
    pages = admin.client("ssm").get_paginator("get_parameters_by_path").paginate(Path="/mlops/dev", Recursive=True)
    return {p["Name"].removeprefix("/mlops/dev/"): p["Value"] for page in pages for p in page["Parameters"]}


def _studio_templates(admin: Account) -> dict[str, str]:
    """What Studio lists: the objects under the domain's template location tagged visible, as TemplateURLs."""
    sm, s3 = admin.client("sagemaker"), admin.client("s3")
    [domain] = sm.list_domains()["Domains"]
    tags = {t["Key"]: t["Value"] for t in sm.list_tags(ResourceArn=domain["DomainArn"])["Tags"]}
    bucket, _, prefix = tags["sagemaker:projectS3TemplatesLocation"].removeprefix("s3://").partition("/")
    visible = {}
    for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []):
        object_tags = {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=item["Key"])["TagSet"]}
        if object_tags.get(VISIBLE) == "true":
            visible[item["Key"].removeprefix(prefix).split("/")[0]] = (
                f"https://{bucket}.s3.{REGION}.amazonaws.com/{item['Key']}"
            )
    return visible


def _launch(data_scientist: Account, name: str, url: str, launch_role: str) -> dict[str, Any]:
    sm = data_scientist.client("sagemaker")
    provider = {"TemplateName": "model-deploy", "TemplateURL": url, "RoleARN": launch_role}
    sm.create_project(
        ProjectName=name,
        ProjectDescription="launched from Studio",
        TemplateProviders=[{"CfnTemplateProvider": provider}],
    )
    return dict(sm.describe_project(ProjectName=name))


@pytest.fixture(scope="module")
def launched(admin: Account, data_scientist: Account, contract: dict[str, str]) -> Iterator[dict[str, Any]]:
    templates = _studio_templates(admin)
    project = _launch(data_scientist, PROJECT, templates["model-deploy-2"], contract["identity/launch-role-arn"])
    yield project
    data_scientist.client("sagemaker").delete_project(ProjectName=PROJECT)
    # DeleteProject keeps the registry and the artifact bucket (DeletionPolicy): the world's destroy
    # must find nothing it did not create.
    if project["ProjectStatus"] == "CreateCompleted":
        admin.client("sagemaker").delete_model_package_group(ModelPackageGroupName=f"mlops-dev-{PROJECT}")
        admin.client("s3").delete_bucket(Bucket=f"mlops-dev-project-{project['ProjectId']}-{DEV_ACCOUNT}")


def test_studio_lists_one_version_per_template_where_the_domain_points(
    admin: Account, contract: dict[str, str]
) -> None:
    templates = _studio_templates(admin)
    assert sorted(templates) == ["model-build", "model-deploy-2"]
    assert templates["model-deploy-2"] == contract["project-templates/model-deploy-2/template-url"]
    assert contract["project-templates/location"].startswith("s3://mlops-dev-sc-templates-")


def test_the_launched_project_is_what_a_declared_project_gets(
    launched: dict[str, Any], admin: Account, contract: dict[str, str]
) -> None:
    assert launched["ProjectStatus"] == "CreateCompleted", launched
    assert launched["CreatedBy"]["IamIdentity"]["Arn"].startswith(
        f"arn:aws:sts::{DEV_ACCOUNT}:assumed-role/{DATA_SCIENTIST}/"
    )
    detail = launched["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]
    assert detail["RoleARN"] == contract["identity/launch-role-arn"] and detail.get("Parameters", []) == []
    project_id = launched["ProjectId"]

    group = f"mlops-dev-{PROJECT}"  # the platform's registry name: the deploy roles and workflow expect it
    policy = json.loads(
        admin.client("sagemaker").get_model_package_group_policy(ModelPackageGroupName=group)["ResourcePolicy"]
    )
    expected = {
        f"arn:aws:iam::{contract[f'accounts/{stage}']}:role/mlops-{stage}-{PROJECT}-deploy"
        for stage in ("staging", "prod")
    }
    for statement in policy["Statement"]:
        assert set(statement["Principal"]["AWS"]) == expected, statement
        assert not any(
            action.endswith(("*", "Delete", "UpdateModelPackage"))
            for action in [statement["Action"]]
            if isinstance(action, str)
        )

    bucket = f"mlops-dev-project-{project_id}-{DEV_ACCOUNT}"
    s3 = admin.client("s3")
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": contract["kms/data-key-arn"],
    }
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert "DenyInsecureTransport" in s3.get_bucket_policy(Bucket=bucket)["Policy"]

    events = admin.client("events")
    rule_name = f"mlops-dev-{project_id}-model-approval"
    pattern = json.loads(events.describe_rule(Name=rule_name)["EventPattern"])
    assert pattern["detail"]["ModelPackageGroupName"] == [group]
    [target] = events.list_targets_by_rule(Rule=rule_name)["Targets"]
    assert (
        target["Arn"]
        == contract["project-templates/approval-event-bus-arn"]
        == f"arn:aws:events:{REGION}:{DEV_ACCOUNT}:event-bus/mlops-dev-model-approvals"
    )
    assert target["RoleArn"] == contract["identity/deploy-events-role-arn"]


def test_a_stack_the_launch_role_may_not_create_fails_and_leaves_nothing(
    admin: Account, data_scientist: Account, contract: dict[str, str]
) -> None:
    """A template variant whose stack also creates an IAM role (after the group): refused by the launch
    role's DenyIamChanges; the project is CreateFailed with the refusal and the group is rolled back."""
    visible = _studio_templates(admin)["model-deploy-2"]
    s3 = admin.client("s3")
    body = (
        s3.get_object(
            Bucket=visible.removeprefix("https://").split(".s3.", 1)[0], Key=visible.split(".amazonaws.com/", 1)[1]
        )["Body"]
        .read()
        .decode()
    )
    escalation = """
  Escalation:
    Type: AWS::IAM::Role
    DependsOn: ModelPackageGroup
    Properties:
      RoleName: !Sub ${PlatformPrefix}-${Environment}-project-${SageMakerProjectId}
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:root"}, Action: "sts:AssumeRole"}]}
"""
    variant = body.replace("\nResources:\n", "\nResources:\n" + escalation, 1)
    # A scratch bucket of the test (the templates bucket is versioned: it would keep the variant).
    bucket, variant_key = f"project-variants-{uuid.uuid4().hex[:8]}", "escalation.yaml"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=bucket, Key=variant_key, Body=variant.encode())
    name = "escalation"
    try:
        project = _launch(
            data_scientist,
            name,
            f"https://{bucket}.s3.{REGION}.amazonaws.com/{variant_key}",
            contract["identity/launch-role-arn"],
        )
        assert project["ProjectStatus"] == "CreateFailed"
        message = project["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]["StackDetail"]["StatusMessage"]
        assert "mlops-dev-launch" in message and "iam:CreateRole" in message and "explicit deny" in message, message
        project_id = project["ProjectId"]
        groups = [
            g["ModelPackageGroupName"]
            for g in admin.client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
        ]
        assert f"mlops-dev-{name}" not in groups
        assert not [b for b in s3.list_buckets()["Buckets"] if project_id in b["Name"]]
        assert not admin.client("events").list_rules(NamePrefix=f"mlops-dev-{project_id}")["Rules"]
        assert not [r for r in admin.client("iam").list_roles()["Roles"] if project_id in r["RoleName"]]
        stacks = admin.client("cloudformation").list_stacks(
            StackStatusFilter=["CREATE_COMPLETE", "CREATE_IN_PROGRESS"]
        )["StackSummaries"]
        assert not [s for s in stacks if project_id in s["StackName"]]
    finally:
        s3.delete_object(Bucket=bucket, Key=variant_key)
        s3.delete_bucket(Bucket=bucket)
        data_scientist.client("sagemaker").delete_project(ProjectName=name)


def test_the_data_scientist_may_not_launch_with_a_role_of_their_choosing(
    admin: Account, data_scientist: Account
) -> None:
    """CreateProject passes its RoleARN to CloudFormation: the persona may pass only the launch role."""
    url = _studio_templates(admin)["model-deploy-2"]
    provider = {
        "TemplateName": "model-deploy",
        "TemplateURL": url,
        "RoleARN": f"arn:aws:iam::{DEV_ACCOUNT}:role/mlops-dev-pipeline-execution",
    }
    with pytest.raises(ClientError, match="iam:PassRole"):
        data_scientist.client("sagemaker").create_project(
            ProjectName="own-role", TemplateProviders=[{"CfnTemplateProvider": provider}]
        )


def test_a_project_whose_registry_exists_fails_and_leaves_it_as_it_was(
    admin: Account, data_scientist: Account, contract: dict[str, str]
) -> None:
    """abalone's group is the projects stack's: launching a project of that name may not take it over."""
    sm = admin.client("sagemaker")
    group = f"mlops-dev-{DECLARED}"
    policy_before = sm.get_model_package_group_policy(ModelPackageGroupName=group)["ResourcePolicy"]
    project = _launch(
        data_scientist, DECLARED, _studio_templates(admin)["model-deploy-2"], contract["identity/launch-role-arn"]
    )
    try:
        assert project["ProjectStatus"] == "CreateFailed"
        assert (
            "Model Package Group already exists"
            in project["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]["StackDetail"]["StatusMessage"]
        )
        assert sm.get_model_package_group_policy(ModelPackageGroupName=group)["ResourcePolicy"] == policy_before
        assert not [b for b in admin.client("s3").list_buckets()["Buckets"] if project["ProjectId"] in b["Name"]]
    finally:
        data_scientist.client("sagemaker").delete_project(ProjectName=DECLARED)


def test_a_parameter_pointing_at_another_environment_fails_and_leaves_nothing(
    admin: Account, data_scientist: Account, contract: dict[str, str]
) -> None:
    """Environment=staging: the stack would read /mlops/staging/... and name mlops-staging-* resources;
    the launch role may read only its own environment's contract, so the launch fails at once."""
    sm = data_scientist.client("sagemaker")
    provider = {
        "TemplateName": "model-deploy",
        "TemplateURL": _studio_templates(admin)["model-deploy-2"],
        "RoleARN": contract["identity/launch-role-arn"],
        "Parameters": [{"Key": "Environment", "Value": "staging"}],
    }
    sm.create_project(ProjectName="elsewhere", TemplateProviders=[{"CfnTemplateProvider": provider}])
    try:
        project = sm.describe_project(ProjectName="elsewhere")
        assert project["ProjectStatus"] == "CreateFailed"
        message = project["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]["StackDetail"]["StatusMessage"]
        assert "mlops-dev-launch" in message and "ssm:GetParameter" in message and "/mlops/staging/" in message, message
        groups = [
            g["ModelPackageGroupName"]
            for g in admin.client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
        ]
        assert not [g for g in groups if "elsewhere" in g]
        assert not [b for b in admin.client("s3").list_buckets()["Buckets"] if project["ProjectId"] in b["Name"]]
    finally:
        sm.delete_project(ProjectName="elsewhere")
