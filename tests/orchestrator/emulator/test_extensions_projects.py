"""The project extensions close their gaps: CreateProject runs an S3 template as a CloudFormation
stack as the provider's role (each resource decided for that role, a refusal rolled back),
DescribeProject/ListProjects/DeleteProject answer, and the CloudFormation pieces a project template
needs (SSM dynamic references, model package groups with their policy, bucket policies,
RetainExceptOnCreate) work."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from orchestrator.emulator import extensions

REGION = "eu-west-1"
ACCOUNT = "123456789012"
BUCKET = "templates"
KEY = "model-deploy/v1/template.yaml"
URL = f"https://{BUCKET}.s3.{REGION}.amazonaws.com/{KEY}"
DEPLOY_ROLE = "arn:aws:iam::222222222222:role/mlops-staging-churn-deploy"

TEMPLATE = """
Parameters:
  SageMakerProjectName: {Type: String}
  SageMakerProjectId: {Type: String}
  BucketPrefix: {Type: String, Default: mlops-dev-project}
Resources:
  Group:
    Type: AWS::SageMaker::ModelPackageGroup
    DeletionPolicy: RetainExceptOnCreate
    Properties:
      ModelPackageGroupName: !Sub mlops-dev-${SageMakerProjectName}
      ModelPackageGroupPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: ["DEPLOY_ROLE"]}
            Action: sagemaker:DescribeModelPackageGroup
            Resource: "*"
  Bucket:
    Type: AWS::S3::Bucket
    DeletionPolicy: RetainExceptOnCreate
    Properties:
      BucketName: !Sub ${BucketPrefix}-${SageMakerProjectId}
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !Sub "{{resolve:ssm:/mlops/dev/kms/data-key-arn}}"
      VersioningConfiguration: {Status: Enabled}
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Sid: DenyInsecureTransport, Effect: Deny, Principal: "*", Action: "s3:*", Resource: !Sub "${Bucket.Arn}/*", Condition: {Bool: {aws:SecureTransport: "false"}}}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Name: !Sub mlops-dev-${SageMakerProjectId}-approval
      EventPattern: {source: [aws.sagemaker]}
      Targets:
        - Id: deployment
          Arn: "{{resolve:ssm:/mlops/dev/projects/approval-event-bus-arn}}"
          RoleArn: "{{resolve:ssm:/mlops/dev/identity/deploy-events-role-arn}}"
Outputs:
  GroupArn:
    Value: !GetAtt Group.ModelPackageGroupArn
""".replace("DEPLOY_ROLE", DEPLOY_ROLE)


def _launch_policy(bucket_prefix: str = "mlops-dev-project-") -> dict[str, Any]:
    region = f"arn:aws:%s:{REGION}:{ACCOUNT}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "sagemaker:CreateModelPackageGroup",
                    "sagemaker:PutModelPackageGroupPolicy",
                    "sagemaker:AddTags",
                ],
                "Resource": region % "sagemaker" + ":model-package-group/mlops-dev-*",
            },
            {"Effect": "Allow", "Action": "s3:*", "Resource": [f"arn:aws:s3:::{bucket_prefix}*"]},
            {
                "Effect": "Allow",
                "Action": ["events:PutRule", "events:PutTargets"],
                "Resource": region % "events" + ":rule/mlops-dev-*",
            },
            {
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-deploy-events",
                "Condition": {"StringEquals": {"iam:PassedToService": "events.amazonaws.com"}},
            },
            {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": region % "ssm" + ":parameter/mlops/dev/*"},
        ],
    }


def _role(iam: Any, name: str, service: str, policy: dict[str, Any]) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }
    arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])
    iam.put_role_policy(RoleName=name, PolicyName="launch", PolicyDocument=json.dumps(policy))
    return arn


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    extensions.register_all()
    with mock_aws():
        iam = boto3.client("iam", region_name=REGION)
        ssm = boto3.client("ssm", region_name=REGION)
        key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
        put_events = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": "*"}],
        }
        events_role = _role(iam, "mlops-dev-deploy-events", "events.amazonaws.com", put_events)
        bus = boto3.client("events", region_name=REGION).create_event_bus(Name="mlops-dev-model-approvals")[
            "EventBusArn"
        ]
        for name, value in (
            ("kms/data-key-arn", key),
            ("projects/approval-event-bus-arn", bus),
            ("identity/deploy-events-role-arn", events_role),
        ):
            ssm.put_parameter(Name=f"/mlops/dev/{name}", Value=value, Type="String")
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=TEMPLATE.encode())
        yield {
            "sm": boto3.client("sagemaker", region_name=REGION),
            "s3": s3,
            "events": boto3.client("events", region_name=REGION),
            "key": key,
            "bus": bus,
            "launch": _role(iam, "mlops-dev-launch", "cloudformation.amazonaws.com", _launch_policy()),
            "narrow": _role(
                iam, "mlops-dev-narrow", "cloudformation.amazonaws.com", _launch_policy("mlops-dev-nothing-")
            ),
            "catalog": _role(iam, "mlops-dev-catalog", "servicecatalog.amazonaws.com", _launch_policy()),
        }


def _create(sm: Any, name: str, role: str) -> dict[str, Any]:
    provider = {"TemplateName": "model-deploy", "TemplateURL": URL, "RoleARN": role, "Parameters": []}
    sm.create_project(ProjectName=name, TemplateProviders=[{"CfnTemplateProvider": provider}])
    return dict(sm.describe_project(ProjectName=name))


def _group_names(sm: Any) -> list[str]:
    return [g["ModelPackageGroupName"] for g in sm.list_model_package_groups()["ModelPackageGroupSummaryList"]]


def test_a_project_runs_its_template_as_a_stack_of_the_launch_role(world: dict[str, Any]) -> None:
    sm = world["sm"]
    project = _create(sm, "churn", world["launch"])
    assert project["ProjectStatus"] == "CreateCompleted", project
    detail = project["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]
    assert detail["TemplateURL"] == URL and detail["RoleARN"] == world["launch"]
    assert detail["StackDetail"]["Name"] == f"SageMaker-churn-{project['ProjectId']}"
    assert project["CreatedBy"]["IamIdentity"]["Arn"]
    policy = json.loads(sm.get_model_package_group_policy(ModelPackageGroupName="mlops-dev-churn")["ResourcePolicy"])
    assert policy["Statement"][0]["Principal"]["AWS"] == [DEPLOY_ROLE]
    bucket = f"mlops-dev-project-{project['ProjectId']}"
    rule = world["s3"].get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == world["key"]
    assert world["s3"].get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert "DenyInsecureTransport" in world["s3"].get_bucket_policy(Bucket=bucket)["Policy"]
    target = world["events"].list_targets_by_rule(Rule=f"mlops-dev-{project['ProjectId']}-approval")["Targets"][0]
    assert target["Arn"] == world["bus"] and target["RoleArn"].endswith("role/mlops-dev-deploy-events")
    assert [p["ProjectName"] for p in sm.list_projects()["ProjectSummaryList"]] == ["churn"]


def test_a_resource_the_launch_role_may_not_create_fails_the_project_and_leaves_nothing(world: dict[str, Any]) -> None:
    sm = world["sm"]
    project = _create(sm, "churn", world["narrow"])
    assert project["ProjectStatus"] == "CreateFailed"
    message = project["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]["StackDetail"]["StatusMessage"]
    assert (
        "mlops-dev-narrow" in message
        and "s3:CreateBucket" in message
        and f"mlops-dev-project-{project['ProjectId']}" in message
    )
    assert "mlops-dev-churn" not in _group_names(sm)  # created first, rolled back (RetainExceptOnCreate)
    assert not [b for b in world["s3"].list_buckets()["Buckets"] if b["Name"].startswith("mlops-dev-project-")]
    assert not world["events"].list_rules(NamePrefix="mlops-dev-")["Rules"]


def test_a_group_that_exists_fails_the_launch_and_stays_as_it_was(world: dict[str, Any]) -> None:
    sm = world["sm"]
    sm.create_model_package_group(ModelPackageGroupName="mlops-dev-churn")
    project = _create(sm, "churn", world["launch"])
    assert project["ProjectStatus"] == "CreateFailed"
    assert (
        "Model Package Group already exists"
        in project["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]["StackDetail"]["StatusMessage"]
    )
    with pytest.raises(ClientError):
        sm.get_model_package_group_policy(ModelPackageGroupName="mlops-dev-churn")
    assert "mlops-dev-churn" in _group_names(sm)


def test_a_role_cloudformation_may_not_assume_fails_the_project(world: dict[str, Any]) -> None:
    project = _create(world["sm"], "churn", world["catalog"])
    assert project["ProjectStatus"] == "CreateFailed"
    assert (
        "does not trust cloudformation.amazonaws.com"
        in project["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]["StackDetail"]["StatusMessage"]
    )


def test_delete_project_deletes_the_stack_and_keeps_what_it_retains(world: dict[str, Any]) -> None:
    sm = world["sm"]
    project = _create(sm, "churn", world["launch"])
    sm.delete_project(ProjectName="churn")
    assert "mlops-dev-churn" in _group_names(sm)
    assert world["s3"].head_bucket(Bucket=f"mlops-dev-project-{project['ProjectId']}")
    assert not world["events"].list_rules(NamePrefix="mlops-dev-")["Rules"]
    with pytest.raises(ClientError, match="does not exist"):
        sm.describe_project(ProjectName="churn")


def test_a_template_url_without_an_object_is_refused(world: dict[str, Any]) -> None:
    provider = {"TemplateName": "model-deploy", "TemplateURL": URL + ".missing", "RoleARN": world["launch"]}
    with pytest.raises(ClientError, match="Failed to load the template"):
        world["sm"].create_project(ProjectName="churn", TemplateProviders=[{"CfnTemplateProvider": provider}])


def test_ssm_dynamic_references_resolve_in_any_stack(world: dict[str, Any]) -> None:
    template = {
        "Resources": {
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": "plain-stack",
                    "Tags": [{"Key": "key", "Value": "{{resolve:ssm:/mlops/dev/kms/data-key-arn}}"}],
                },
            }
        }
    }
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName="plain", TemplateBody=json.dumps(template)
    )
    assert world["s3"].get_bucket_tagging(Bucket="plain-stack")["TagSet"] == [{"Key": "key", "Value": world["key"]}]


def test_create_project_is_decided_on_the_project_and_passes_the_launch_role_to_cloudformation() -> None:
    from orchestrator.emulator.authorization.actions import Check, Where, checks_for
    from orchestrator.emulator.authorization.calls import Call

    role = f"arn:aws:iam::{ACCOUNT}:role/mlops-dev-launch"
    params = {
        "ProjectName": "Churn",
        "TemplateProviders": [{"CfnTemplateProvider": {"TemplateName": "t", "TemplateURL": URL, "RoleARN": role}}],
    }
    checks = checks_for(Call("sagemaker", "CreateProject", params, REGION, "json", "POST"), Where(ACCOUNT))
    assert checks == [
        Check("sagemaker:CreateProject", f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:project/churn", {}),
        Check("iam:PassRole", role, {"iam:PassedToService": "cloudformation.amazonaws.com"}),
    ]


@pytest.mark.parametrize("operation", ["CreateEventBus", "DescribeEventBus", "UpdateEventBus", "DeleteEventBus"])
def test_event_bus_calls_are_decided_on_the_bus(operation: str) -> None:
    """The approval bus of the project templates is created by the CI apply role: decided on its ARN."""
    from orchestrator.emulator.authorization.actions import Check, Where, checks_for
    from orchestrator.emulator.authorization.calls import Call

    checks = checks_for(
        Call("events", operation, {"Name": "mlops-dev-model-approvals"}, REGION, "json", "POST"), Where(ACCOUNT)
    )
    assert checks == [
        Check(f"events:{operation}", f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/mlops-dev-model-approvals")
    ]
