"""Attacks on the applied platform, each tried with the attacker's credentials and refused by IAM.

Every test names the attack, the statement that stops it, and shows (with the emulator's own
evaluator, on the documents of before/) that the earlier policy let it through."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import boto3
import pytest

from orchestrator.policy.evaluator import Decision, Request
from tests.security.conftest import REGION, client, decided_before, not_refused, refused, session

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

PROJECT = "abalone"
XGBOOST_IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
SSO_DATA_SCIENTISTS = "arn:aws:iam::999999999999:role/sso-data-scientists"  # envs/dev/env.yaml persona_principals
STUDIO_TAG = "studio-user-profile"


def _role(world: World, env: str, name: str) -> str:
    return f"arn:aws:iam::{world.accounts[env]}:role/mlops-{env}-{name}"


def _package(world: World, status: str) -> dict[str, object]:
    dev = world.accounts["dev"]
    return {
        "ModelPackageGroupName": f"mlops-dev-{PROJECT}",
        "ModelApprovalStatus": status,
        "InferenceSpecification": {
            "Containers": [
                {"Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://mlops-dev-models-{dev}/{PROJECT}/attack/model.tar.gz"}
            ],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    }


# ---------------------------------------------------------------------------------------------
# A real deployment would have failed: the stage deploy role could not touch its own endpoint
# ---------------------------------------------------------------------------------------------


def test_a_stage_deploy_role_reaches_its_endpoint_by_the_exact_name_the_deploy_code_gives_it(world: World) -> None:
    """ManageProjectHosting / InvokeProjectEndpoints name endpoint/<prefix>-<stage>-<project> exactly
    (shown with the realtime project rings: abalone is a batch project, with no endpoint)."""
    for stage in ("staging", "prod"):
        deployer = session(world.url, _role(world, stage, "rings-deploy"))
        sagemaker = client(world.url, deployer, "sagemaker")
        not_refused(lambda: sagemaker.describe_endpoint(EndpointName=f"mlops-{stage}-rings"))
        runtime = client(world.url, deployer, "sagemaker-runtime")
        refused(
            lambda: runtime.invoke_endpoint(
                EndpointName=f"mlops-{stage}-other-project", Body=b"1", ContentType="text/csv"
            )
        )
    # The earlier policy named endpoint/<prefix>-<stage>-<project>-*, which the exact name does not match.
    endpoint = f"arn:aws:sagemaker:{REGION}:{world.accounts['staging']}:endpoint/mlops-staging-{PROJECT}"
    verdict = decided_before(
        "mlops-staging-abalone-deploy", Request("sagemaker:DescribeEndpoint", endpoint), world.accounts["staging"]
    )
    assert verdict.decision is Decision.IMPLICIT_DENY


# ---------------------------------------------------------------------------------------------
# The PR plan role could break a running apply's lock
# ---------------------------------------------------------------------------------------------


def test_the_pull_request_plan_role_can_neither_take_nor_break_a_state_lock(world: World) -> None:
    """The plan role's policy holds no lock write (StateDigestRead: dynamodb:GetItem only); plans run with -lock=false."""
    dev = world.accounts["dev"]
    planner = session(world.url, _role(world, "dev", "github-plan"))
    bucket, table = f"mlops-dev-tfstate-{dev}", "mlops-dev-tflock"
    lock_item = {"LockID": {"S": f"{bucket}/dev/foundation.tfstate"}}
    dynamodb, s3 = client(world.url, planner, "dynamodb"), client(world.url, planner, "s3")
    refused(lambda: dynamodb.delete_item(TableName=table, Key=lock_item))
    refused(lambda: dynamodb.put_item(TableName=table, Item={**lock_item, "Info": {"S": "{}"}}))
    refused(lambda: s3.delete_object(Bucket=bucket, Key="dev/foundation.tfstate.tflock"))
    refused(lambda: s3.put_object(Bucket=bucket, Key="dev/foundation.tfstate.tflock", Body=b"{}"))
    not_refused(
        lambda: dynamodb.get_item(TableName=table, Key={"LockID": {"S": f"{bucket}/dev/foundation.tfstate-md5"}})
    )
    table_arn = f"arn:aws:dynamodb:{REGION}:{dev}:table/{table}"
    assert decided_before("mlops-dev-github-plan", Request("dynamodb:DeleteItem", table_arn), dev).allowed
    assert decided_before(
        "mlops-dev-github-plan", Request("s3:DeleteObject", f"arn:aws:s3:::{bucket}/dev/foundation.tfstate.tflock"), dev
    ).allowed


# ---------------------------------------------------------------------------------------------
# A team lead could register a model as Approved and approve alone
# ---------------------------------------------------------------------------------------------


def test_nobody_registers_a_model_approved_and_the_team_lead_registers_nothing(world: World) -> None:
    """Guardrails DenyRegistrationNotPendingApproval (every role); team lead DenyModelRegistration."""
    lead = client(world.url, session(world.url, _role(world, "dev", "team-lead")), "sagemaker")
    message = refused(lambda: lead.create_model_package(**_package(world, "Approved")))
    assert "sagemaker:CreateModelPackage" in message and "explicit deny" in message
    refused(lambda: lead.create_model_package(**_package(world, "PendingManualApproval")))
    for role in ("data-scientist", "pipeline-execution"):
        registrar = client(world.url, session(world.url, _role(world, "dev", role)), "sagemaker")
        refused(lambda: registrar.create_model_package(**_package(world, "Approved")))
    # Before: the lead registered Approved (no deny applied), and registered pending to approve alone.
    dev = world.accounts["dev"]
    group = f"arn:aws:sagemaker:{REGION}:{dev}:model-package-group/mlops-dev-{PROJECT}"
    for status in ("Approved", "PendingManualApproval"):
        request = Request(
            "sagemaker:CreateModelPackage",
            group,
            {"sagemaker:ModelApprovalStatus": status, "aws:RequestedRegion": REGION},
        )
        assert decided_before("mlops-dev-team-lead", request, dev).allowed, status
    unsaid = Request("sagemaker:CreateModelPackage", group, {"aws:RequestedRegion": REGION})
    assert decided_before("mlops-dev-pipeline-execution", unsaid, dev).allowed


def test_a_data_scientist_cannot_approve_a_model(world: World) -> None:
    """Data scientist: DenyModelApproval (UpdateModelPackage); the registry's approver is the team lead."""
    scientist = client(world.url, session(world.url, _role(world, "dev", "data-scientist")), "sagemaker")
    arn = f"arn:aws:sagemaker:{REGION}:{world.accounts['dev']}:model-package/mlops-dev-{PROJECT}/1"
    refused(lambda: scientist.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved"))


# ---------------------------------------------------------------------------------------------
# A person could swap the artifact behind a registered (or approved) model package
# ---------------------------------------------------------------------------------------------


def test_no_persona_writes_or_deletes_a_model_artifact(world: World) -> None:
    """Personas' S3WriteEnvironmentObjectsExceptModelArtifacts leaves out the models bucket
    (identity model_artifact_bucket_arns); the jobs' roles still write it. Not closed by this alone:
    the SageMaker execution role, which Studio notebooks use too, can still write there.

    From outside the VPC the bucket policy (DenyAccessOutsideVpcEndpoints) refuses a persona anyway;
    the emulator does not place callers inside the VPC yet, so the identity side, which is what
    holds inside the VPC, is decided on the applied policies with the same evaluator."""
    from orchestrator.policy.authorization import authorize
    from tests.security.conftest import applied_role

    dev = world.accounts["dev"]
    bucket, key = f"mlops-dev-models-{dev}", f"{PROJECT}/v1/model.tar.gz"
    for persona in ("data-scientist", "team-lead"):
        s3 = client(world.url, session(world.url, _role(world, "dev", persona)), "s3")
        refused(lambda: s3.put_object(Bucket=bucket, Key=key, Body=b"swapped", ServerSideEncryption="aws:kms"))
        refused(lambda: s3.delete_object(Bucket=bucket, Key=key))
    for action in ("s3:PutObject", "s3:DeleteObject"):
        request = Request(action, f"arn:aws:s3:::{bucket}/{key}", {"s3:x-amz-server-side-encryption": "aws:kms"})
        for persona in ("mlops-dev-data-scientist", "mlops-dev-team-lead"):
            assert not authorize(applied_role(world.url, dev, persona), request, dev).allowed, (persona, action)
            assert decided_before(persona, request, dev).allowed, (persona, action)
        assert authorize(applied_role(world.url, dev, "mlops-dev-pipeline-execution"), request, dev).allowed, (
            "the jobs' roles write artifacts"
        )


# ---------------------------------------------------------------------------------------------
# A data scientist could name another user's Studio profile in their session tags
# ---------------------------------------------------------------------------------------------


def test_a_persona_session_carries_only_the_callers_own_studio_user_profile(world: World) -> None:
    """Persona trust StudioUserProfileTagFromTheIdentityProvider: aws:RequestTag/<tag> must equal the
    caller's own ${aws:PrincipalTag/<tag>}, the value the identity provider gave its session."""
    alice_sso = session(
        world.url, SSO_DATA_SCIENTISTS, tags={STUDIO_TAG: "alice"}
    )  # Identity Center's session for alice
    persona = _role(world, "dev", "data-scientist")
    as_alice = session(world.url, persona, via=alice_sso, tags={STUDIO_TAG: "alice"})
    assert (
        client(world.url, as_alice, "sts")
        .get_caller_identity()["Arn"]
        .endswith("assumed-role/mlops-dev-data-scientist/attacker")
    )
    message = refused(lambda: session(world.url, persona, via=alice_sso, tags={STUDIO_TAG: "bob"}))
    assert "sts:" in message
    refused(lambda: session(world.url, persona, via=alice_sso, tags={STUDIO_TAG: "alice", "team": "x"}))
    # Before: the trust policy let the caller tag its session with any profile.
    from orchestrator.policy.authorization import Caller

    sso = Caller(
        account="999999999999",
        arn=SSO_DATA_SCIENTISTS,
        identity_policies=({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},),
    )
    request = Request(
        "sts:TagSession",
        persona,
        {"aws:RequestTag/" + STUDIO_TAG: "bob", "aws:TagKeys": [STUDIO_TAG], "aws:PrincipalTag/" + STUDIO_TAG: "alice"},
    )
    assert decided_before(
        "mlops-dev-data-scientist", request, world.accounts["dev"], trust_of="mlops-dev-data-scientist", caller=sso
    ).allowed


def test_an_outside_account_reads_no_registry_and_no_endpoint(world: World) -> None:
    """Model package group policy names the stage deploy roles only; endpoints have no resource policy."""
    outsider = session(world.url, f"arn:aws:iam::444444444444:role/mlops-staging-{PROJECT}-deploy")
    arn = f"arn:aws:sagemaker:{REGION}:{world.accounts['dev']}:model-package/mlops-dev-{PROJECT}/1"
    refused(lambda: client(world.url, outsider, "sagemaker").describe_model_package(ModelPackageName=arn))
    staging_admin = session(world.url, f"arn:aws:iam::{world.accounts['staging']}:role/inspector")
    refused(
        lambda: boto3.client(
            "sagemaker", endpoint_url=world.url, region_name=REGION, **staging_admin
        ).list_model_packages(
            ModelPackageGroupName=f"arn:aws:sagemaker:{REGION}:{world.accounts['dev']}:model-package-group/mlops-dev-{PROJECT}"
        )
    )


# ---------------------------------------------------------------------------------------------
# The VPC endpoints: a same-named bucket in another account, another account's principals
# ---------------------------------------------------------------------------------------------


def _endpoint_policies(world: World) -> tuple[dict[str, object], dict[str, object]]:

    inspector = session(world.url, f"arn:aws:iam::{world.accounts['dev']}:role/inspector")
    endpoints = client(world.url, inspector, "ec2").describe_vpc_endpoints()["VpcEndpoints"]
    gateway = next(e for e in endpoints if e["VpcEndpointType"] == "Gateway")
    sts = next(e for e in endpoints if e["ServiceName"].endswith(".sts"))
    return json.loads(gateway["PolicyDocument"]), json.loads(sts["PolicyDocument"])


def test_the_vpc_endpoints_reach_no_bucket_and_serve_no_principal_of_another_account(world: World) -> None:
    """S3 gateway AllowListedBuckets/AllowObjectsInListedBuckets carry aws:ResourceAccount; interface
    endpoints OnlyPrincipalsOfTheseAccounts (aws:PrincipalAccount). The emulator does not place callers
    in a VPC yet, so the applied endpoint policies are decided here by the same evaluator."""
    from orchestrator.policy.evaluator import evaluate
    from tests.security.conftest import before

    dev = world.accounts["dev"]
    gateway, interface = _endpoint_policies(world)
    data = f"arn:aws:s3:::mlops-dev-data-{dev}/exfiltrated.csv"

    def put(account: str) -> Request:
        return Request("s3:PutObject", data, {"aws:ResourceAccount": account, "aws:PrincipalAccount": dev})

    def assume(account: str) -> Request:
        return Request("sts:AssumeRole", "arn:aws:iam::444444444444:role/anything", {"aws:PrincipalAccount": account})

    assert evaluate([gateway], put(dev)) is Decision.ALLOW
    assert evaluate([gateway], put("444444444444")) is Decision.IMPLICIT_DENY, "a same-named bucket in another account"
    assert evaluate([interface], assume(dev)) is Decision.ALLOW
    assert evaluate([interface], assume("444444444444")) is Decision.IMPLICIT_DENY, (
        "another account's credentials used from inside the VPC"
    )
    earlier = before("mlops-dev-vpc-endpoints")
    assert evaluate([earlier["s3_gateway_endpoint_policy"]], put("444444444444")) is Decision.ALLOW
    assert evaluate([earlier["sts_interface_endpoint_policy"]], assume("444444444444")) is Decision.ALLOW


def test_from_inside_the_vpc_a_job_role_reaches_its_buckets_and_no_bucket_of_another_account(world: World) -> None:
    """Through the emulator's address inside the dev VPC: the S3 gateway endpoint's policy
    (AllowObjectsInListedBuckets, aws:ResourceAccount) lets the pipeline role write its models bucket
    (with the data key) and refuses an attacker's bucket whose own policy lets anyone write."""
    import urllib.request

    dev = world.accounts["dev"]
    inspector = session(world.url, f"arn:aws:iam::{dev}:role/inspector")
    vpc = client(world.url, inspector, "ssm").get_parameter(Name="/mlops/dev/network/vpc-id")["Parameter"]["Value"]
    with urllib.request.urlopen(urllib.request.Request(f"{world.url}/_platform/vpcs/{vpc}", method="POST")) as answer:
        inside = str(json.loads(answer.read())["url"])
    attacker = session(world.url, "arn:aws:iam::444444444444:role/attacker-admin")
    drop = "exfiltration-drop-444444444444"
    attacker_s3 = client(world.url, attacker, "s3")
    attacker_s3.create_bucket(Bucket=drop, CreateBucketConfiguration={"LocationConstraint": REGION})
    attacker_s3.put_bucket_policy(
        Bucket=drop,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:PutObject",
                        "Resource": f"arn:aws:s3:::{drop}/*",
                    }
                ],
            }
        ),
    )
    try:
        pipeline = client(inside, session(world.url, _role(world, "dev", "pipeline-execution")), "s3")
        key = client(world.url, inspector, "ssm").get_parameter(Name="/mlops/dev/kms/data-key-arn")["Parameter"][
            "Value"
        ]
        pipeline.put_object(
            Bucket=f"mlops-dev-models-{dev}",
            Key=f"{PROJECT}/security-suite/probe.txt",
            Body=b"ok",
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=key,
        )
        message = refused(lambda: pipeline.put_object(Bucket=drop, Key="data.csv", Body=b"secret"))
        assert "VPC endpoint policy" in message
        outside = client(world.url, session(world.url, _role(world, "dev", "pipeline-execution")), "s3")
        refused(
            lambda: outside.put_object(
                Bucket=f"mlops-dev-models-{dev}",
                Key=f"{PROJECT}/security-suite/probe.txt",
                Body=b"ok",
                ServerSideEncryption="aws:kms",
                SSEKMSKeyId=key,
            )
        )
    finally:
        # The probe object stays (like the model artifacts beside it): a delete would leave a delete
        # marker in the versioned bucket, which the emulator cannot empty when the world is destroyed.
        attacker_s3.delete_bucket_policy(Bucket=drop)
        attacker_s3.delete_bucket(Bucket=drop)


def test_an_archive_swapped_after_registration_is_refused_by_the_deployment(world: World) -> None:
    """The pipeline records the archive's SHA-256 (customer metadata model-sha256); the deployment
    (abalone_deploy.artifact.verify_artifact, with the stage deploy role's own credentials: the dev
    bucket policy TargetAccountsReadModels and the data key grant it) refuses a changed archive.
    The SageMaker execution role, which Studio notebooks use too, can still write the models bucket:
    this is what stops a swap from reaching staging or prod."""
    import hashlib
    import urllib.request

    from abalone_deploy.artifact import ArtifactError, verify_artifact
    from abalone_deploy.names import make_target
    from abalone_deploy.registry import describe_package

    dev = world.accounts["dev"]
    inspector = session(world.url, f"arn:aws:iam::{dev}:role/inspector")
    ssm = client(world.url, inspector, "ssm")
    vpc = ssm.get_parameter(Name="/mlops/dev/network/vpc-id")["Parameter"]["Value"]
    key_arn = ssm.get_parameter(Name="/mlops/dev/kms/data-key-arn")["Parameter"]["Value"]
    with urllib.request.urlopen(urllib.request.Request(f"{world.url}/_platform/vpcs/{vpc}", method="POST")) as answer:
        inside = str(json.loads(answer.read())["url"])
    bucket, key = f"mlops-dev-models-{dev}", f"{PROJECT}/security-suite/swap/model.tar.gz"
    archive = b"the archive the pipeline trained"

    # The pipeline, inside the VPC: writes the archive and registers it, pending approval, with its digest.
    pipeline = session(world.url, _role(world, "dev", "pipeline-execution"))
    client(inside, pipeline, "s3").put_object(
        Bucket=bucket, Key=key, Body=archive, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn
    )
    arn = client(inside, pipeline, "sagemaker").create_model_package(
        **_package(world, "PendingManualApproval")
        | {
            "InferenceSpecification": {
                "Containers": [{"Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://{bucket}/{key}"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            }
        },
        CustomerMetadataProperties={"model-sha256": hashlib.sha256(archive).hexdigest()},
    )["ModelPackageArn"]

    deployer = session(world.url, _role(world, "staging", f"{PROJECT}-deploy"))
    target = make_target("mlops", "staging", PROJECT, dev, REGION)
    package = describe_package(client(world.url, deployer, "sagemaker"), target, arn)
    assert verify_artifact(client(world.url, deployer, "s3"), package) == hashlib.sha256(archive).hexdigest()

    # The execution role, inside the VPC (a Studio notebook), swaps the archive.
    execution = session(world.url, _role(world, "dev", "sagemaker-execution"))
    client(inside, execution, "s3").put_object(
        Bucket=bucket, Key=key, Body=b"a poisoned model", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn
    )
    with pytest.raises(ArtifactError, match="has changed since it was registered"):
        verify_artifact(client(world.url, deployer, "s3"), package)


def test_the_data_science_admin_cannot_publish_a_template_version_or_a_launch_constraint(world: World) -> None:
    """Data-science admin: no write to the templates (S3-based: the objects Studio lists; Service
    Catalog: ServiceCatalogRead only). A template version added by hand would run any CloudFormation
    through the launch role."""
    dev = world.accounts["dev"]
    bucket = f"mlops-dev-sc-templates-{dev}"
    inspector = client(world.url, session(world.url, f"arn:aws:iam::{dev}:role/inspector"), "s3")
    [current, *_] = [
        o["Key"] for o in inspector.list_objects_v2(Bucket=bucket, Prefix="templates/model-deploy-2/")["Contents"]
    ]
    admin = client(world.url, session(world.url, _role(world, "dev", "data-science-admin")), "s3")
    visible = "sagemaker:studio-visibility=true"
    refused(
        lambda: admin.put_object(
            Bucket=bucket, Key="templates/model-deploy-2/v9/evil.yaml", Body=b"Resources: {}", Tagging=visible
        )
    )
    refused(lambda: admin.put_object(Bucket=bucket, Key=current, Body=b"Resources: {}"))
    refused(lambda: admin.put_object_tagging(Bucket=bucket, Key=current, Tagging={"TagSet": []}))
    # Before: the admin could add a version to a Service Catalog product (the earlier distribution).
    request = Request(
        "servicecatalog:CreateProvisioningArtifact",
        f"arn:aws:catalog:{REGION}:{dev}:product/prod-abcdefghijklm",
        {"aws:RequestedRegion": REGION},
    )
    assert decided_before("mlops-dev-data-science-admin", request, dev).allowed
