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

from typing import TYPE_CHECKING

import pytest

from orchestrator.policy.authorization import authorize
from orchestrator.policy.evaluator import Request
from tests.security.conftest import REGION, applied_role, client, decided_before, not_refused, refused, session
from tests.security.team_world import (
    PAIRS,
    PRICING,
    RISK,
    Team,
    buckets,
    contract,
    group,
    inside_vpc,
    inspector,
    package,
    team_objects,
)

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

SHARED_ROLE = "mlops-dev-sagemaker-execution"
__all__ = ["team_objects"]  # the module fixture, used by the tests below


def _attacks(world: World, other: Team) -> dict[str, Request]:
    """What one team's role must not do to the other team: read, list or write its data, read its
    models, read or register into its model package group."""
    dev = world.accounts["dev"]
    data, models = buckets(world)
    group_arn = f"arn:aws:sagemaker:{REGION}:{dev}:model-package-group/{group(other)}"
    in_region = {"aws:RequestedRegion": REGION}
    return {
        "read data": Request("s3:GetObject", f"arn:aws:s3:::{data}/{other.prefix}security-suite/probe.csv"),
        "list data": Request("s3:ListBucket", f"arn:aws:s3:::{data}", {"s3:prefix": other.prefix}),
        "write data": Request("s3:PutObject", f"arn:aws:s3:::{data}/{other.prefix}poisoned.csv"),
        "read models": Request(
            "s3:GetObject", f"arn:aws:s3:::{models}/{other.project}/security-suite/team-probe/model.tar.gz"
        ),
        "describe group": Request("sagemaker:DescribeModelPackageGroup", group_arn, in_region),
        "register": Request(
            "sagemaker:CreateModelPackage",
            group_arn,
            {"sagemaker:ModelApprovalStatus": "PendingManualApproval", **in_region},
        ),
    }


@pytest.mark.parametrize(("team", "other"), PAIRS, ids=("risk-vs-pricing", "pricing-vs-risk"))
def test_a_teams_role_reads_its_data_and_models_and_is_refused_the_other_teams(
    world: World, team_objects: None, team: Team, other: Team
) -> None:
    """ReadTeamObjects/ListTeamDataPrefixes/ListTeamProjectModels name the team's prefix and its
    project only; DenyOtherTeamsModelRegistries refuses the other team's group."""
    data, models = buckets(world)
    inside = inside_vpc(world)
    credentials = session(world.url, f"arn:aws:iam::{world.accounts['dev']}:role/{team.role}")
    s3, sagemaker = client(inside, credentials, "s3"), client(world.url, credentials, "sagemaker")

    assert s3.get_object(Bucket=data, Key=f"{team.prefix}security-suite/probe.csv")["Body"].read() == b"1,2,3\n"
    listed = s3.list_objects_v2(Bucket=data, Prefix=team.prefix)["Contents"]
    assert f"{team.prefix}security-suite/probe.csv" in [o["Key"] for o in listed]
    own_model = f"{team.project}/security-suite/team-probe/model.tar.gz"
    assert s3.get_object(Bucket=models, Key=own_model)["Body"].read() == b"1,2,3\n"
    not_refused(lambda: s3.list_objects_v2(Bucket=models, Prefix=f"{team.project}/"))
    assert sagemaker.describe_model_package_group(ModelPackageGroupName=group(team))["ModelPackageGroupName"]

    refused(lambda: s3.get_object(Bucket=data, Key=f"{other.prefix}security-suite/probe.csv"))
    refused(lambda: s3.list_objects_v2(Bucket=data, Prefix=other.prefix))
    refused(lambda: s3.put_object(Bucket=data, Key=f"{other.prefix}poisoned.csv", Body=b"x"))
    refused(lambda: s3.get_object(Bucket=models, Key=f"{other.project}/security-suite/team-probe/model.tar.gz"))
    refused(lambda: s3.list_objects_v2(Bucket=models, Prefix=f"{other.project}/"))
    # The team's own models are written by its projects' pipeline job roles, not by the team role.
    refused(lambda: s3.put_object(Bucket=models, Key=own_model, Body=b"swapped"))
    message = refused(lambda: sagemaker.describe_model_package_group(ModelPackageGroupName=group(other)))
    assert "explicit deny" in message, message
    message = refused(lambda: sagemaker.create_model_package(**package(world, other)))
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
    sagemaker = inspector(world, "sagemaker")
    domain = contract(world, "studio/domain-id")
    expected = {"carol": RISK.role, "dave": PRICING.role, "alice": SHARED_ROLE}
    for user, role in expected.items():
        profile = sagemaker.describe_user_profile(DomainId=domain, UserProfileName=user)
        assert profile["UserSettings"]["ExecutionRole"] == f"arn:aws:iam::{dev}:role/{role}", user
    for team in (RISK, PRICING):
        arn = sagemaker.describe_user_profile(DomainId=domain, UserProfileName=team.user)["UserProfileArn"]
        assert {"Key": "team", "Value": team.name} in sagemaker.list_tags(ResourceArn=arn)["Tags"]
        assert contract(world, f"identity/teams/{team.name}/users/{team.user}/execution-role-arn").endswith(team.role)

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
