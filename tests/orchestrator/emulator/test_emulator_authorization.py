"""The emulator decides every signed request as IAM would: a role's calls are allowed or denied by its
policies, boundary, session and the target's resource policy, each service answering a denial in its
own protocol; the administrator acts freely in its own account only; what no rule maps is counted."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from orchestrator.emulator.process import Emulator, start_emulator

REGION = "eu-west-1"
DEV, STAGING = "111111111111", "222222222222"
BUCKET = f"data-{DEV}"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    running = start_emulator(tmp_path_factory.mktemp("authorization") / "emulator.log")
    yield running
    running.stop()


def _credentials(url: str, role_arn: str, via: dict[str, str] | None = None, **extra: Any) -> dict[str, str]:
    base = via or {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    sts = boto3.client("sts", endpoint_url=url, region_name=REGION, **base)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="tester", **extra)["Credentials"]
    return {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


class As:
    """Clients of one principal."""

    def __init__(self, url: str, credentials: dict[str, str]) -> None:
        self.url, self.credentials = url, credentials

    def __call__(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.url, region_name=REGION, **self.credentials)


def _admin(url: str, account: str) -> As:
    return As(url, _credentials(url, f"arn:aws:iam::{account}:role/emulator-admin"))


def _trust(*principals: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": list(principals)},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                }
            ],
        }
    )


def _role(
    admin: As, name: str, statements: list[dict[str, Any]], boundary: str | None = None, trust: str | None = None
) -> str:
    iam = admin("iam")
    account = admin("sts").get_caller_identity()["Account"]
    extra = {"PermissionsBoundary": boundary} if boundary else {}
    arn = iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=trust or _trust(f"arn:aws:iam::{account}:root"), **extra
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName="permissions",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    return str(arn)


def _code(call: Any) -> str:
    with pytest.raises(ClientError) as denied:
        call()
    return str(denied.value.response["Error"]["Code"])


def _counts(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_platform/authorization") as response:
        return dict(json.loads(response.read()))


@pytest.fixture(scope="module")
def world(emulator: Emulator) -> dict[str, Any]:
    admin = _admin(emulator.url, DEV)
    admin("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    admin("s3").put_object(Bucket=BUCKET, Key="mine/a.csv", Body=b"1")
    admin("s3").put_object(Bucket=BUCKET, Key="other/a.csv", Body=b"2")
    key = admin("kms").create_key()["KeyMetadata"]["Arn"]
    worker = _role(
        admin,
        "worker",
        [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"arn:aws:s3:::{BUCKET}/mine/*",
            },
            {
                "Effect": "Allow",
                "Action": "sagemaker:DescribeEndpoint",
                "Resource": f"arn:aws:sagemaker:{REGION}:{DEV}:endpoint/ok-*",
            },
            {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"},
            {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "kms:GenerateDataKey",
                "Resource": key,
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}},
            },
        ],
    )
    return {"admin": admin, "key": key, "worker": As(emulator.url, _credentials(emulator.url, worker))}


def test_a_role_gets_what_its_policy_allows_and_is_denied_the_rest_in_each_protocol(world: dict[str, Any]) -> None:
    worker = world["worker"]
    assert worker("s3").get_object(Bucket=BUCKET, Key="mine/a.csv")["Body"].read() == b"1"
    assert _code(lambda: worker("s3").get_object(Bucket=BUCKET, Key="other/a.csv")) == "AccessDenied"  # rest-xml
    assert _code(lambda: worker("s3").head_object(Bucket=BUCKET, Key="other/a.csv")) == "403"  # HEAD: no body
    assert _code(lambda: worker("sagemaker").describe_endpoint(EndpointName="bad")) == "AccessDeniedException"  # json
    assert (
        _code(lambda: worker("sagemaker").describe_endpoint(EndpointName="ok-1")) == "ValidationException"
    )  # allowed, then not found
    assert _code(lambda: worker("iam").list_roles()) == "AccessDenied"  # query
    assert _code(lambda: worker("ec2").describe_vpcs()) == "UnauthorizedOperation"  # ec2
    assert (
        _code(lambda: worker("sagemaker-runtime").invoke_endpoint(EndpointName="ok-1", Body=b"1"))
        == "AccessDeniedException"
    )  # rest-json
    assert _code(lambda: worker("dynamodb").list_tables()) == "AccessDeniedException"
    assert worker("sts").get_caller_identity()["Arn"].endswith(":assumed-role/worker/tester")  # never denied


def test_a_missing_object_is_decided_like_any_other(world: dict[str, Any]) -> None:
    """Reading a key that does not exist is authorized first (no server error): outside the
    policy it is refused, inside it the service answers (S3 says NoSuchKey, or AccessDenied to a
    caller without s3:ListBucket)."""
    worker = world["worker"]
    assert _code(lambda: worker("s3").get_object(Bucket=BUCKET, Key="other/missing.csv")) == "AccessDenied"
    assert _code(lambda: worker("s3").get_object(Bucket=BUCKET, Key="mine/missing.csv")) in (
        "NoSuchKey",
        "AccessDenied",
    )


def test_the_message_names_principal_action_and_resource(world: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as denied:
        world["worker"]("sagemaker").describe_endpoint(EndpointName="bad")
    assert denied.value.response["Error"]["Message"] == (
        f"User: arn:aws:sts::{DEV}:assumed-role/worker/tester is not authorized to perform: sagemaker:DescribeEndpoint "
        f"on resource: arn:aws:sagemaker:{REGION}:{DEV}:endpoint/bad because no identity-based policy allows the action"
    )


def test_writing_with_the_key_needs_the_kms_call_s3_makes(world: dict[str, Any], emulator: Emulator) -> None:
    worker, key = world["worker"], world["key"]
    worker("s3").put_object(Bucket=BUCKET, Key="mine/b.csv", Body=b"3", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
    other_key = world["admin"]("kms").create_key()["KeyMetadata"]["Arn"]
    assert (
        _code(
            lambda: worker("s3").put_object(
                Bucket=BUCKET, Key="mine/c.csv", Body=b"4", ServerSideEncryption="aws:kms", SSEKMSKeyId=other_key
            )
        )
        == "AccessDenied"
    )


def test_handing_a_role_to_a_service_needs_pass_role(world: dict[str, Any]) -> None:
    job = {
        "TrainingJobName": "job-1",
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "RoleArn": f"arn:aws:iam::{DEV}:role/worker",
        "OutputDataConfig": {"S3OutputPath": f"s3://{BUCKET}/out"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 5},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    }
    with pytest.raises(ClientError) as denied:
        world["worker"]("sagemaker").create_training_job(**job)
    assert "iam:PassRole" in denied.value.response["Error"]["Message"]


def test_a_boundary_limits_what_the_policy_grants(world: dict[str, Any], emulator: Emulator) -> None:
    admin = world["admin"]
    boundary = admin("iam").create_policy(
        PolicyName="only-reads",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    bounded = _role(admin, "bounded", [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}], boundary=boundary)
    client = As(emulator.url, _credentials(emulator.url, bounded))("s3")
    assert client.get_object(Bucket=BUCKET, Key="other/a.csv")["Body"].read() == b"2"
    assert _code(lambda: client.put_object(Bucket=BUCKET, Key="other/b.csv", Body=b"x")) == "AccessDenied"


def test_another_account_is_reached_only_through_its_resource_policy(world: dict[str, Any], emulator: Emulator) -> None:
    outside_admin = _admin(emulator.url, STAGING)
    outsider = As(
        emulator.url,
        _credentials(
            emulator.url,
            _role(outside_admin, "reader", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]),
        ),
    )
    assert _code(lambda: outsider("s3").get_object(Bucket=BUCKET, Key="mine/a.csv")) == "AccessDenied"
    assert _code(lambda: outside_admin("s3").get_object(Bucket=BUCKET, Key="mine/a.csv")) == "AccessDenied", (
        "an administrator too"
    )
    world["admin"]("s3").put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{STAGING}:role/reader"},
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{BUCKET}/mine/*",
                    }
                ],
            }
        ),
    )
    try:
        assert outsider("s3").get_object(Bucket=BUCKET, Key="mine/a.csv")["Body"].read() == b"1"
        assert _code(lambda: outsider("s3").get_object(Bucket=BUCKET, Key="other/a.csv")) == "AccessDenied"
    finally:
        world["admin"]("s3").delete_bucket_policy(Bucket=BUCKET)


def test_a_role_is_assumed_only_by_whom_its_trust_policy_names(world: dict[str, Any], emulator: Emulator) -> None:
    admin = world["admin"]
    _role(
        admin,
        "private",
        [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::none/*"}],
        trust=_trust(f"arn:aws:iam::{DEV}:role/someone-else"),
    )
    worker = world["worker"]
    assert (
        _code(lambda: worker("sts").assume_role(RoleArn=f"arn:aws:iam::{DEV}:role/private", RoleSessionName="x1"))
        == "AccessDenied"
    )
    assert (
        _code(lambda: worker("sts").assume_role(RoleArn=f"arn:aws:iam::{DEV}:role/missing", RoleSessionName="x1"))
        == "AccessDenied"
    )


def test_session_tags_are_principal_tags(world: dict[str, Any], emulator: Emulator) -> None:
    admin = world["admin"]
    tagged = _role(
        admin,
        "tagged",
        [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/${{aws:PrincipalTag/area}}/*",
            }
        ],
    )
    client = As(emulator.url, _credentials(emulator.url, tagged, Tags=[{"Key": "area", "Value": "mine"}]))("s3")
    assert client.get_object(Bucket=BUCKET, Key="mine/a.csv")["Body"].read() == b"1"
    assert _code(lambda: client.get_object(Bucket=BUCKET, Key="other/a.csv")) == "AccessDenied"
    untagged = As(emulator.url, _credentials(emulator.url, tagged))("s3")
    assert _code(lambda: untagged.get_object(Bucket=BUCKET, Key="mine/a.csv")) == "AccessDenied"


def test_a_forged_session_token_is_refused(world: dict[str, Any], emulator: Emulator) -> None:
    forged = {**world["worker"].credentials, "aws_session_token": "forged"}
    assert _code(lambda: As(emulator.url, forged)("iam").list_roles()) == "InvalidClientTokenId"


def test_what_no_rule_maps_is_served_and_counted_as_unevaluated(world: dict[str, Any], emulator: Emulator) -> None:
    before = _counts(emulator.url)
    try:
        world["worker"]("lambda").create_function(
            FunctionName="f",
            Runtime="python3.12",
            Role=f"arn:aws:iam::{DEV}:role/worker",
            Handler="x.y",
            Code={"ZipFile": b"x"},
        )
    except ClientError:
        pass  # whatever the emulator answers: the point is that it was not decided
    after = _counts(emulator.url)
    assert after["unevaluated"] == before["unevaluated"] + 1
    assert (
        after["unevaluated_operations"].get("lambda:CreateFunction", 0)
        == before["unevaluated_operations"].get("lambda:CreateFunction", 0) + 1
    )
    assert after["denied"] >= 1 and after["evaluated"] > after["denied"]


def test_the_log_names_each_denial(emulator: Emulator, world: dict[str, Any]) -> None:
    _code(lambda: world["worker"]("iam").list_roles())
    assert emulator.log_file is not None
    text = Path(emulator.log_file).read_text()
    assert (
        "authorization: DENIED User: arn:aws:sts::111111111111:assumed-role/worker/tester is not authorized to perform: iam:ListRoles"
        in text
    )


def _inside(url: str, vpc_id: str) -> str:
    request = urllib.request.Request(f"{url}/_platform/vpcs/{vpc_id}", method="POST")
    with urllib.request.urlopen(request) as response:
        return str(json.loads(response.read())["url"])


def test_a_caller_inside_a_vpc_goes_through_its_endpoints_and_their_policies(
    world: dict[str, Any], emulator: Emulator
) -> None:
    admin = world["admin"]
    ec2 = admin("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    gateway = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{REGION}.s3",
        VpcEndpointType="Gateway",
        PolicyDocument=json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                        "Condition": {"StringEquals": {"aws:ResourceAccount": DEV}},
                    }
                ]
            }
        ),
    )["VpcEndpoint"]["VpcEndpointId"]
    admin("s3").put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "OnlyThroughTheEndpoint",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                        "Condition": {
                            "StringNotEquals": {"aws:SourceVpce": gateway},
                            "ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{DEV}:role/emulator-admin"},
                        },
                    }
                ],
            }
        ),
    )
    outside_bucket = f"elsewhere-{DEV}"
    admin("s3").create_bucket(Bucket=outside_bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    try:
        worker = world["worker"]
        assert _code(lambda: worker("s3").get_object(Bucket=BUCKET, Key="mine/a.csv")) == "AccessDenied", (
            "from outside the VPC"
        )
        inside = As(_inside(emulator.url, vpc), worker.credentials)
        assert inside("s3").get_object(Bucket=BUCKET, Key="mine/a.csv")["Body"].read() == b"1"
        assert _code(lambda: inside("s3").get_object(Bucket=BUCKET, Key="other/a.csv")) == "AccessDenied", (
            "the role's policy still decides"
        )
        admin_inside = As(_inside(emulator.url, vpc), _admin(emulator.url, DEV).credentials)
        assert _code(lambda: admin_inside("s3").list_objects_v2(Bucket=outside_bucket)) == "AccessDenied", (
            "the endpoint policy lets no other bucket through"
        )
        assert _code(lambda: inside("sagemaker").describe_endpoint(EndpointName="ok-1")) == "AccessDeniedException", (
            "no sagemaker endpoint in this VPC: no route"
        )
        request = urllib.request.Request(f"{emulator.url}/_platform/vpcs/vpc-missing", method="POST")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request)
    finally:
        admin("s3").delete_bucket_policy(Bucket=BUCKET)


def test_a_key_is_usable_through_its_alias_condition(world: dict[str, Any], emulator: Emulator) -> None:
    admin = world["admin"]
    key = admin("kms").create_key()["KeyMetadata"]["Arn"]
    admin("kms").create_alias(AliasName="alias/team-data", TargetKeyId=key)
    other = admin("kms").create_key()["KeyMetadata"]["Arn"]
    by_alias = As(
        emulator.url,
        _credentials(
            emulator.url,
            _role(
                admin,
                "aliased",
                [
                    {
                        "Effect": "Allow",
                        "Action": "kms:Encrypt",
                        "Resource": f"arn:aws:kms:{REGION}:{DEV}:key/*",
                        "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/team-data"}},
                    },
                ],
            ),
        ),
    )
    by_alias("kms").encrypt(KeyId=key, Plaintext=b"x")
    assert _code(lambda: by_alias("kms").encrypt(KeyId=other, Plaintext=b"x")) == "AccessDeniedException"


def test_changing_a_role_is_decided_on_the_boundary_it_carries(world: dict[str, Any], emulator: Emulator) -> None:
    """iam:PermissionsBoundary of PutRolePolicy / AttachRolePolicy / DetachRolePolicy /
    DeleteRolePolicy is the boundary the role carries now (AWS's "manage roles with a boundary")."""
    admin = world["admin"]
    boundary = admin("iam").create_policy(
        PolicyName="workload-boundary",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    reads = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
    _role(admin, "bounded-workload", reads, boundary=boundary)
    _role(admin, "unbounded-workload", reads)
    manager = As(
        emulator.url,
        _credentials(
            emulator.url,
            _role(
                admin,
                "role-manager",
                [
                    {
                        "Effect": "Allow",
                        "Action": [
                            "iam:PutRolePolicy",
                            "iam:DeleteRolePolicy",
                            "iam:AttachRolePolicy",
                            "iam:DetachRolePolicy",
                        ],
                        "Resource": f"arn:aws:iam::{DEV}:role/*",
                        "Condition": {"StringEquals": {"iam:PermissionsBoundary": boundary}},
                    }
                ],
            ),
        ),
    )
    document = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
    )
    manager("iam").put_role_policy(RoleName="bounded-workload", PolicyName="more", PolicyDocument=document)
    manager("iam").attach_role_policy(RoleName="bounded-workload", PolicyArn=boundary)
    manager("iam").detach_role_policy(RoleName="bounded-workload", PolicyArn=boundary)
    manager("iam").delete_role_policy(RoleName="bounded-workload", PolicyName="more")
    assert (
        _code(
            lambda: manager("iam").put_role_policy(
                RoleName="unbounded-workload", PolicyName="more", PolicyDocument=document
            )
        )
        == "AccessDenied"
    )
    assert (
        _code(lambda: manager("iam").attach_role_policy(RoleName="unbounded-workload", PolicyArn=boundary))
        == "AccessDenied"
    )


def test_an_ec2_write_is_decided_on_the_resources_it_names_with_the_tags_it_sends(
    world: dict[str, Any], emulator: Emulator
) -> None:
    admin = world["admin"]
    vpc = admin("ec2").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    other = admin("ec2").create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    networker = As(
        emulator.url,
        _credentials(
            emulator.url,
            _role(
                admin,
                "networker",
                [
                    {
                        "Effect": "Allow",
                        "Action": "ec2:CreateTags",
                        "Resource": f"arn:aws:ec2:{REGION}:{DEV}:vpc/{vpc}",
                    },
                    {
                        "Effect": "Allow",
                        "Action": "ec2:CreateSecurityGroup",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:RequestTag/team": "ml"}},
                    },
                ],
            ),
        ),
    )
    networker("ec2").create_tags(Resources=[vpc], Tags=[{"Key": "k", "Value": "v"}])
    assert (
        _code(lambda: networker("ec2").create_tags(Resources=[other], Tags=[{"Key": "k", "Value": "v"}]))
        == "UnauthorizedOperation"
    )
    tagged = [{"ResourceType": "security-group", "Tags": [{"Key": "team", "Value": "ml"}]}]
    networker("ec2").create_security_group(GroupName="ok", Description="d", VpcId=vpc, TagSpecifications=tagged)
    assert (
        _code(lambda: networker("ec2").create_security_group(GroupName="untagged", Description="d", VpcId=vpc))
        == "UnauthorizedOperation"
    )


def test_a_service_catalog_call_on_one_product_or_portfolio_is_decided_on_its_arn(
    world: dict[str, Any], emulator: Emulator
) -> None:
    """DeleteProduct, UpdatePortfolio, … name it `Id`: decided on product/<Id> or portfolio/<Id>, not `*`."""
    cataloguer = As(
        emulator.url,
        _credentials(
            emulator.url,
            _role(
                world["admin"],
                "cataloguer",
                [
                    {
                        "Effect": "Allow",
                        "Action": ["servicecatalog:DeleteProduct", "servicecatalog:DeletePortfolio"],
                        "Resource": [
                            f"arn:aws:catalog:{REGION}:{DEV}:product/prod-mine",
                            f"arn:aws:catalog:{REGION}:{DEV}:portfolio/port-mine",
                        ],
                    },
                ],
            ),
        ),
    )
    catalog = cataloguer("servicecatalog")
    assert (
        _code(lambda: catalog.delete_product(Id="prod-mine")) == "ResourceNotFoundException"
    )  # allowed, then not found
    assert _code(lambda: catalog.delete_portfolio(Id="port-mine")) == "ResourceNotFoundException"
    assert _code(lambda: catalog.delete_product(Id="prod-other")) == "AccessDeniedException"
    assert _code(lambda: catalog.delete_portfolio(Id="port-other")) == "AccessDeniedException"
