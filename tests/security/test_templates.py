"""The SageMaker project templates and the launch role that provisions them.

The launch role (Service Catalog's, `<prefix>-<env>-launch`) creates no IAM role and attaches no
policy (IAM has no condition key on a trust policy's content, so a role it could create might trust
anyone), and it sets a project bucket's public access block only through CloudFormation, from the
platform's templates: with its own credentials it can neither weaken nor remove one. The published
template versions: one version per product visible in Studio (S3-based templates), no account root as
a principal, no account id and no ARN typed in by the launching user."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from orchestrator.emulator.extensions.servicecatalog import _parse_template
from orchestrator.policy.authorization import authorize
from orchestrator.policy.evaluator import ContextValue, Request
from tests.conftest import REPO_ROOT
from tests.security.conftest import REGION, applied_role, client, decided_before, refused, session

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

LAUNCH = "mlops-dev-launch"
TEMPLATES = REPO_ROOT / "templates" / "sagemaker-projects"
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
OUTSIDER = "arn:aws:iam::999999999999:root"

# "arn:...:iam::<account>:root" in any spelling a template may use (literal, ${Sub} or {{resolve}}).
ACCOUNT_ROOT = re.compile(r"iam::[^:\s\"']*:root\b")
# A parameter that takes an account id: named so, or constrained to exactly twelve digits.
ACCOUNT_ID_PATTERN = re.compile(r"\^?(\[0-9\]|\\d)\{12\}\$?")
VISIBLE = "sagemaker:studio-visibility"


def template_findings(body: str) -> list[str]:
    """What a published template must not contain: account-root principals, account-id parameters."""
    template = _parse_template(body.encode())
    findings = [
        f"account root principal {m.group(0)}" for m in ACCOUNT_ROOT.finditer(json.dumps(template.get("Resources", {})))
    ]
    for name, parameter in template.get("Parameters", {}).items():
        if "accountid" in name.lower() or ACCOUNT_ID_PATTERN.fullmatch(str(parameter.get("AllowedPattern", ""))):
            findings.append(f"account id parameter {name}")
        # An ARN the user must type in (a delivery target, a role): the platform publishes those.
        if name.lower().endswith("arn") or str(parameter.get("AllowedPattern", "")).lstrip("^").startswith("arn"):
            findings.append(f"ARN parameter {name}")
    return findings


def _template_of(url: str) -> Path:
    """The repository file a version was published from (its object key holds 16 hex digits of its sha256)."""
    digest = url.rsplit("/", 1)[-1].removesuffix(".yaml")
    [path] = [p for p in TEMPLATES.glob("*.yaml") if hashlib.sha256(p.read_bytes()).hexdigest().startswith(digest)]
    return path


def _launch(world: World) -> dict[str, str]:
    return session(world.url, f"arn:aws:iam::{world.accounts['dev']}:role/{LAUNCH}")


# ---------------------------------------------------------------------------------------------
# The launch role creates no role and attaches no policy
# ---------------------------------------------------------------------------------------------


def test_the_launch_role_creates_no_role_and_attaches_no_policy(world: World) -> None:
    """Launch role DenyIamChanges (the templates use the platform's roles); boundary DenyRoleWithoutBoundary."""
    dev = world.accounts["dev"]
    boundary = f"arn:aws:iam::{dev}:policy/mlops-dev-permission-boundary"
    iam = client(world.url, _launch(world), "iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": OUTSIDER}, "Action": "sts:AssumeRole"}],
        }
    )
    role = "mlops-dev-project-escalation"
    assert "explicit deny" in refused(lambda: iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust))
    assert "explicit deny" in refused(
        lambda: iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust, PermissionsBoundary=boundary)
    )
    for target in (role, "mlops-dev-pipeline-execution"):
        assert "explicit deny" in refused(
            lambda: iam.attach_role_policy(RoleName=target, PolicyArn=ADMINISTRATOR_ACCESS)
        )
    refused(
        lambda: iam.put_role_policy(
            RoleName=role,
            PolicyName="escalation",
            PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            ),
        )
    )
    refused(lambda: iam.update_assume_role_policy(RoleName="mlops-dev-pipeline-execution", PolicyDocument=trust))

    # Before: a project role with the boundary and any trust (an outside account), and any managed
    # policy on it, AWS's AdministratorAccess included. A role without the boundary was refused then too.
    role_arn = f"arn:aws:iam::{dev}:role/{role}"
    with_boundary: dict[str, str | bool | int | list[str]] = {"iam:PermissionsBoundary": boundary}
    assert decided_before(LAUNCH, Request("iam:CreateRole", role_arn, with_boundary), dev).allowed
    assert decided_before(
        LAUNCH, Request("iam:AttachRolePolicy", role_arn, {**with_boundary, "iam:PolicyARN": ADMINISTRATOR_ACCESS}), dev
    ).allowed
    assert not decided_before(LAUNCH, Request("iam:CreateRole", role_arn), dev).allowed


# ---------------------------------------------------------------------------------------------
# The launch role could turn off a project bucket's public access block
# ---------------------------------------------------------------------------------------------


def test_the_launch_role_cannot_weaken_or_remove_a_project_buckets_public_access_block(world: World) -> None:
    """Launch role ProjectBucketPublicAccessBlockFromTemplates: s3:PutBucketPublicAccessBlock only via CloudFormation."""
    dev = world.accounts["dev"]
    bucket = f"mlops-dev-project-pab-probe-{dev}"
    s3 = client(world.url, _launch(world), "s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    try:
        open_block = {
            "BlockPublicAcls": False,
            "IgnorePublicAcls": False,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        }
        refused(lambda: s3.delete_public_access_block(Bucket=bucket))
        refused(lambda: s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=open_block))
    finally:
        s3.delete_bucket(Bucket=bucket)
    # Before: ProjectBuckets allowed s3:PutBucketPublicAccessBlock (which DeletePublicAccessBlock is
    # authorized as) on every project bucket, whatever the block said.
    assert decided_before(LAUNCH, Request("s3:PutBucketPublicAccessBlock", f"arn:aws:s3:::{bucket}"), dev).allowed


def test_the_launch_role_still_provisions_the_deploy_template_through_cloudformation(world: World) -> None:
    """What CloudFormation asks for model-deploy-v3.yaml with the launch role (its calls carry
    aws:CalledVia = cloudformation.amazonaws.com), decided on the applied role: all allowed."""
    dev = world.accounts["dev"]
    launch = applied_role(world.url, dev, LAUNCH)
    bucket = f"arn:aws:s3:::mlops-dev-project-p-abc123def456-{dev}"
    group = f"arn:aws:sagemaker:{REGION}:{dev}:model-package-group/mlops-dev-abalone-p-abc123def456"
    via: dict[str, ContextValue] = {"aws:CalledVia": ["cloudformation.amazonaws.com"], "aws:RequestedRegion": REGION}
    calls = [
        Request("cloudformation:CreateStack", f"arn:aws:cloudformation:{REGION}:{dev}:stack/SC-{dev}-pp-abc/1"),
        Request("ssm:GetParameters", f"arn:aws:ssm:{REGION}:{dev}:parameter/mlops/dev/accounts/staging", via),
        *(
            Request(action, bucket, via)
            for action in (
                "s3:CreateBucket",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutEncryptionConfiguration",
                "s3:PutBucketVersioning",
                "s3:PutBucketOwnershipControls",
                "s3:PutBucketLogging",
                "s3:PutLifecycleConfiguration",
                "s3:PutBucketTagging",
                "s3:PutBucketPolicy",
            )
        ),
        *(
            Request(action, group, via)
            for action in (
                "sagemaker:CreateModelPackageGroup",
                "sagemaker:PutModelPackageGroupPolicy",
                "sagemaker:AddTags",
            )
        ),
        *(
            Request(action, f"arn:aws:events:{REGION}:{dev}:rule/mlops-dev-p-abc123def456-model-approval", via)
            for action in ("events:PutRule", "events:PutTargets")
        ),
        Request(
            "iam:PassRole",
            f"arn:aws:iam::{dev}:role/mlops-dev-deploy-events",
            {**via, "iam:PassedToService": "events.amazonaws.com"},
        ),
    ]
    assert [c.action for c in calls if not authorize(launch, c, dev).allowed] == []


# ---------------------------------------------------------------------------------------------
# The published template versions
# ---------------------------------------------------------------------------------------------


def test_studio_sees_one_version_per_template_without_account_roots_or_typed_in_ids(world: World) -> None:
    """project-templates (S3): under the domain's template location only each product's current version
    is tagged visible; none names an account root or asks for an account id or an ARN."""
    dev = world.accounts["dev"]
    inspector = session(world.url, f"arn:aws:iam::{dev}:role/inspector")
    location = client(world.url, inspector, "ssm").get_parameter(Name="/mlops/dev/project-templates/location")[
        "Parameter"
    ]["Value"]
    [domain] = client(world.url, inspector, "sagemaker").list_domains()["Domains"]
    tags = client(world.url, inspector, "sagemaker").list_tags(ResourceArn=domain["DomainArn"])["Tags"]
    assert {"Key": "sagemaker:projectS3TemplatesLocation", "Value": location} in tags
    bucket, _, prefix = location.removeprefix("s3://").partition("/")
    s3 = client(world.url, inspector, "s3")
    visible = [
        item["Key"]
        for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]
        if {"Key": VISIBLE, "Value": "true"} in s3.get_object_tagging(Bucket=bucket, Key=item["Key"])["TagSet"]
    ]
    assert sorted(key.removeprefix(prefix).split("/")[0] for key in visible) == ["model-build", "model-deploy-2"]
    for key in visible:
        assert template_findings(_template_of(key).read_text(encoding="utf-8")) == [], key

    # The deploy role ARNs are built from the platform's contract, per stage.
    body = (TEMPLATES / "model-deploy-v4.yaml").read_text(encoding="utf-8")
    for stage in ("staging", "prod"):
        assert (
            f"{{{{resolve:ssm:/${{PlatformPrefix}}/${{Environment}}/accounts/{stage}}}}}:role/${{PlatformPrefix}}-{stage}-${{SageMakerProjectName}}-deploy"
            in body
        )


def test_the_earlier_deploy_template_versions_are_what_the_check_refuses() -> None:
    """v1 took the account ids from the user; v1 and v2 granted the whole staging and prod accounts; v3
    asked for the event target and its role."""
    v3 = template_findings((TEMPLATES / "model-deploy-v3.yaml").read_text(encoding="utf-8"))
    assert v3 == [
        "ARN parameter DeployEventTargetArn",
        "ARN parameter DeployEventTargetRoleArn",
    ]  # v3 asked for the event target
    v1 = template_findings((TEMPLATES / "model-deploy.yaml").read_text(encoding="utf-8"))
    v2 = template_findings((TEMPLATES / "model-deploy-v2.yaml").read_text(encoding="utf-8"))
    assert {"account id parameter StagingAccountId", "account id parameter ProdAccountId"} <= set(v1)
    assert any(f.startswith("account root principal") for f in v1)
    assert any(f.startswith("account root principal") for f in v2)
