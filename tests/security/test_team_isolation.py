"""One data-science team cannot read another team's data or models.

dev's env.yaml has two teams (`teams:`): risk (user carol, project abalone, prefix teams/risk/, one
role for the team: mlops-dev-team-risk-execution) and pricing (user dave, project rings, prefix
teams/pricing/, one role per user: mlops-dev-team-pricing-user-dave). Each user's Studio profile
runs as that role (modules/identity teams.tf), which reads and writes only its team's prefixes of
the data bucket and its projects' prefix, reads its projects' models, and is denied every model
package group but its projects' (DenyOtherTeamsModelRegistries) and every SageMaker resource tagged
with another team (DenyOtherTeamsTaggedResources). Before, every user profile ran as the shared
mlops-dev-sagemaker-execution role, which reads every prefix of both buckets and every group
(before/mlops-dev-sagemaker-execution.json, read back from a world applied without teams): there
each attack passes. The S3 attacks are tried from inside the dev VPC, where the buckets' endpoint
condition holds, so only the roles' own policies decide."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from orchestrator.policy.authorization import authorize
from orchestrator.policy.evaluator import Request
from tests.security.conftest import REGION, applied_role, client, decided_before, not_refused, refused, session

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

SHARED_ROLE = "mlops-dev-sagemaker-execution"
XGBOOST_IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"


@dataclass(frozen=True)
class Team:
    name: str
    user: str
    role: str
    project: str

    @property
    def prefix(self) -> str:
        return f"teams/{self.name}/"


RISK = Team("risk", "carol", "mlops-dev-team-risk-execution", "abalone")
PRICING = Team("pricing", "dave", "mlops-dev-team-pricing-user-dave", "rings")
PAIRS = ((RISK, PRICING), (PRICING, RISK))


def _inspector(world: World, service: str) -> Any:
    return client(world.url, session(world.url, f"arn:aws:iam::{world.accounts['dev']}:role/inspector"), service)


def _contract(world: World, name: str) -> str:
    return str(_inspector(world, "ssm").get_parameter(Name=f"/mlops/dev/{name}")["Parameter"]["Value"])


def _inside_vpc(world: World) -> str:
    vpc = _contract(world, "network/vpc-id")
    with urllib.request.urlopen(urllib.request.Request(f"{world.url}/_platform/vpcs/{vpc}", method="POST")) as answer:
        return str(json.loads(answer.read())["url"])


def _buckets(world: World) -> tuple[str, str]:
    dev = world.accounts["dev"]
    return f"mlops-dev-data-{dev}", f"mlops-dev-models-{dev}"


def _group(team: Team) -> str:
    return f"mlops-dev-{team.project}"


@pytest.fixture(scope="module")
def team_objects(world: World) -> Iterator[None]:
    """Each team's data and its project's model and group, put there by the administrator."""
    data, models = _buckets(world)
    s3, sagemaker = _inspector(world, "s3"), _inspector(world, "sagemaker")
    keys = [(data, f"{t.prefix}security-suite/probe.csv") for t in (RISK, PRICING)]
    keys += [(models, f"{t.project}/security-suite/team-probe/model.tar.gz") for t in (RISK, PRICING)]
    for bucket, key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"1,2,3\n")
    created = []
    for team in (RISK, PRICING):
        try:
            sagemaker.describe_model_package_group(ModelPackageGroupName=_group(team))
        except sagemaker.exceptions.ClientError:
            sagemaker.create_model_package_group(ModelPackageGroupName=_group(team))
            created.append(_group(team))
    yield
    for bucket, key in keys:
        s3.delete_object(Bucket=bucket, Key=key)
    for group in created:
        sagemaker.delete_model_package_group(ModelPackageGroupName=group)


def _package(world: World, team: Team) -> dict[str, Any]:
    _, models = _buckets(world)
    return {
        "ModelPackageGroupName": _group(team),
        "ModelApprovalStatus": "PendingManualApproval",
        "InferenceSpecification": {
            "Containers": [
                {"Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://{models}/{team.project}/security-suite/model.tar.gz"}
            ],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    }


def _attacks(world: World, other: Team) -> dict[str, Request]:
    """What one team's role must not do to the other team: read, list or write its data, read its
    models, read or register into its model package group."""
    dev = world.accounts["dev"]
    data, models = _buckets(world)
    group = f"arn:aws:sagemaker:{REGION}:{dev}:model-package-group/{_group(other)}"
    in_region = {"aws:RequestedRegion": REGION}
    return {
        "read data": Request("s3:GetObject", f"arn:aws:s3:::{data}/{other.prefix}security-suite/probe.csv"),
        "list data": Request("s3:ListBucket", f"arn:aws:s3:::{data}", {"s3:prefix": other.prefix}),
        "write data": Request("s3:PutObject", f"arn:aws:s3:::{data}/{other.prefix}poisoned.csv"),
        "read models": Request(
            "s3:GetObject", f"arn:aws:s3:::{models}/{other.project}/security-suite/team-probe/model.tar.gz"
        ),
        "describe group": Request("sagemaker:DescribeModelPackageGroup", group, in_region),
        "register": Request(
            "sagemaker:CreateModelPackage",
            group,
            {"sagemaker:ModelApprovalStatus": "PendingManualApproval", **in_region},
        ),
    }


@pytest.mark.parametrize(("team", "other"), PAIRS, ids=("risk-vs-pricing", "pricing-vs-risk"))
def test_a_teams_role_reads_its_data_and_models_and_is_refused_the_other_teams(
    world: World, team_objects: None, team: Team, other: Team
) -> None:
    """ReadTeamObjects/ListTeamDataPrefixes/ListTeamProjectModels name the team's prefix and its
    project only; DenyOtherTeamsModelRegistries refuses the other team's group."""
    data, models = _buckets(world)
    inside = _inside_vpc(world)
    credentials = session(world.url, f"arn:aws:iam::{world.accounts['dev']}:role/{team.role}")
    s3, sagemaker = client(inside, credentials, "s3"), client(world.url, credentials, "sagemaker")

    assert s3.get_object(Bucket=data, Key=f"{team.prefix}security-suite/probe.csv")["Body"].read() == b"1,2,3\n"
    listed = s3.list_objects_v2(Bucket=data, Prefix=team.prefix)["Contents"]
    assert f"{team.prefix}security-suite/probe.csv" in [o["Key"] for o in listed]
    own_model = f"{team.project}/security-suite/team-probe/model.tar.gz"
    assert s3.get_object(Bucket=models, Key=own_model)["Body"].read() == b"1,2,3\n"
    not_refused(lambda: s3.list_objects_v2(Bucket=models, Prefix=f"{team.project}/"))
    assert sagemaker.describe_model_package_group(ModelPackageGroupName=_group(team))["ModelPackageGroupName"]

    refused(lambda: s3.get_object(Bucket=data, Key=f"{other.prefix}security-suite/probe.csv"))
    refused(lambda: s3.list_objects_v2(Bucket=data, Prefix=other.prefix))
    refused(lambda: s3.put_object(Bucket=data, Key=f"{other.prefix}poisoned.csv", Body=b"x"))
    refused(lambda: s3.get_object(Bucket=models, Key=f"{other.project}/security-suite/team-probe/model.tar.gz"))
    refused(lambda: s3.list_objects_v2(Bucket=models, Prefix=f"{other.project}/"))
    # The team's own models are written by its projects' pipeline job roles, not by the team role.
    refused(lambda: s3.put_object(Bucket=models, Key=own_model, Body=b"swapped"))
    message = refused(lambda: sagemaker.describe_model_package_group(ModelPackageGroupName=_group(other)))
    assert "explicit deny" in message, message
    message = refused(lambda: sagemaker.create_model_package(**_package(world, other)))
    assert "sagemaker:CreateModelPackage" in message, message

    # The same requests on the applied documents, and on the shared role every profile ran as before.
    dev = world.accounts["dev"]
    caller = applied_role(world.url, dev, team.role)
    for what, request in _attacks(world, other).items():
        assert not authorize(caller, request, dev).allowed, what
        assert decided_before(SHARED_ROLE, request, dev).allowed, what


def test_each_user_profile_runs_as_its_teams_role_and_the_teams_roles_pass_only_themselves(world: World) -> None:
    """carol's profile runs as the risk team's role, dave's as his own role of the pricing team,
    alice (studio.users, no team) as the shared execution role; team profiles carry tag team. A
    team role may pass only itself (PassOwnRoleToSageMaker): not the shared execution roles, which
    reach every team's data, nor another team's role. It is refused the other team's profile
    (DenyOtherTeamsTaggedResources)."""
    dev = world.accounts["dev"]
    sagemaker = _inspector(world, "sagemaker")
    domain = _contract(world, "studio/domain-id")
    expected = {"carol": RISK.role, "dave": PRICING.role, "alice": SHARED_ROLE}
    for user, role in expected.items():
        profile = sagemaker.describe_user_profile(DomainId=domain, UserProfileName=user)
        assert profile["UserSettings"]["ExecutionRole"] == f"arn:aws:iam::{dev}:role/{role}", user
    for team in (RISK, PRICING):
        arn = sagemaker.describe_user_profile(DomainId=domain, UserProfileName=team.user)["UserProfileArn"]
        assert {"Key": "team", "Value": team.name} in sagemaker.list_tags(ResourceArn=arn)["Tags"]
        assert _contract(world, f"identity/teams/{team.name}/users/{team.user}/execution-role-arn").endswith(team.role)

    to_sagemaker = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    for team, other in PAIRS:
        caller = applied_role(world.url, dev, team.role)
        assert authorize(
            caller, Request("iam:PassRole", f"arn:aws:iam::{dev}:role/{team.role}", to_sagemaker), dev
        ).allowed
        for role in (SHARED_ROLE, "mlops-dev-pipeline-execution", other.role):
            request = Request("iam:PassRole", f"arn:aws:iam::{dev}:role/{role}", to_sagemaker)
            assert not authorize(caller, request, dev).allowed, (team.name, role)
        assert decided_before(
            SHARED_ROLE, Request("iam:PassRole", f"arn:aws:iam::{dev}:role/{SHARED_ROLE}", to_sagemaker), dev
        ).allowed

        own = client(world.url, session(world.url, f"arn:aws:iam::{dev}:role/{team.role}"), "sagemaker")
        not_refused(lambda: own.describe_user_profile(DomainId=domain, UserProfileName=team.user))
        message = refused(lambda: own.describe_user_profile(DomainId=domain, UserProfileName=other.user))
        assert "explicit deny" in message, message
