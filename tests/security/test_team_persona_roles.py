"""A team's humans reach only their team's data and models, even outside Studio.

The execution roles of dev's teams (test_team_isolation.py) are what Studio and the jobs run as;
the humans assume persona roles. Each team's data scientist and team lead assume the team's
persona role (modules/identity team_personas.tf): mlops-dev-team-<team>-data-scientist or
-team-lead, assumed only by the persona's identity-provider role with the session tagged
studio-user-profile = one of the team's users of that persona, their own tag. Its policy is the
persona's with the team's S3, registry and tag statements instead of the environment-wide ones,
PassRole of the team's execution role only and, for the lead, approval of its projects' packages
only. The environment's data scientist and team lead roles refuse every team user (DenyTeamUsers).

Before, carol (risk) assumed mlops-dev-data-scientist, which reads every prefix of the data and
models buckets, every model package group, passes the shared execution roles, and erin (risk's
lead) mlops-dev-team-lead, which approves every model package (before/*.json): there each attack
passes. The S3 attacks are tried from inside the dev VPC, where only the roles' policies decide."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from orchestrator.policy.authorization import Caller, authorize
from orchestrator.policy.evaluator import Request
from tests.security.conftest import REGION, applied_role, client, decided_before, not_refused, refused, session
from tests.security.team_world import PRICING, RISK, buckets, group, inside_vpc, inspector, package, team_objects

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator
__all__ = ["team_objects"]  # the module fixture, used by the tests below

# envs/dev/env.yaml identity.persona_principals: the identity provider's role of each persona.
IDP_ROLES = {
    "data_scientist": "arn:aws:iam::999999999999:role/sso-data-scientists",
    "team_lead": "arn:aws:iam::999999999999:role/sso-ml-team-leads",
}
TAG = "studio-user-profile"
TO_SAGEMAKER = {"iam:PassedToService": "sagemaker.amazonaws.com"}


def _role_arn(world: World, name: str) -> str:
    return f"arn:aws:iam::{world.accounts['dev']}:role/{name}"


def _idp(world: World, persona: str, user: str | None) -> dict[str, str]:
    """The identity provider's session of `user` (tagged with its profile; None: untagged)."""
    return session(world.url, IDP_ROLES[persona], tags={TAG: user} if user else None)


def _assume(world: World, role: str, persona: str, user: str | None, tag: str | None = None) -> dict[str, str]:
    """`user` assumes `role` through its persona's identity-provider role, tagging the session with
    `tag` (default: its own profile; "" for no tag)."""
    tag = user if tag is None else tag
    return session(world.url, _role_arn(world, role), via=_idp(world, persona, user), tags={TAG: tag} if tag else None)


def _idp_caller(persona: str) -> Caller:
    """The identity provider's role of `persona`, for the evaluator (the trust policy decides)."""
    return Caller(
        account="999999999999",
        arn=IDP_ROLES[persona],
        identity_policies=({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},),
    )


def _tagged(user: str) -> dict[str, Any]:
    return {f"aws:PrincipalTag/{TAG}": user}


def test_a_team_data_scientist_reads_its_team_only(world: World, team_objects: None) -> None:
    """carol assumes mlops-dev-team-risk-data-scientist: she reads teams/risk/ and abalone's
    models, and is refused teams/pricing/, rings' models and model package group, and passing any
    role but the risk team's execution role."""
    dev = world.accounts["dev"]
    data, models = buckets(world)
    carol = _assume(world, "mlops-dev-team-risk-data-scientist", "data_scientist", "carol")
    s3, sagemaker = client(inside_vpc(world), carol, "s3"), client(world.url, carol, "sagemaker")

    assert s3.get_object(Bucket=data, Key=f"{RISK.prefix}security-suite/probe.csv")["Body"].read() == b"1,2,3\n"
    not_refused(lambda: s3.list_objects_v2(Bucket=data, Prefix=RISK.prefix))
    not_refused(lambda: s3.get_object(Bucket=models, Key=f"{RISK.project}/security-suite/team-probe/model.tar.gz"))
    not_refused(lambda: sagemaker.describe_model_package_group(ModelPackageGroupName=group(RISK)))

    refused(lambda: s3.get_object(Bucket=data, Key=f"{PRICING.prefix}security-suite/probe.csv"))
    refused(lambda: s3.list_objects_v2(Bucket=data, Prefix=PRICING.prefix))
    refused(lambda: s3.put_object(Bucket=data, Key=f"{PRICING.prefix}poisoned.csv", Body=b"x"))
    refused(lambda: s3.get_object(Bucket=models, Key=f"{PRICING.project}/security-suite/team-probe/model.tar.gz"))
    message = refused(lambda: sagemaker.describe_model_package_group(ModelPackageGroupName=group(PRICING)))
    assert "explicit deny" in message, message
    refused(lambda: sagemaker.create_model_package(**package(world, PRICING)))

    # The same requests on the applied documents, and on the environment's persona carol assumed before.
    rings_group = f"arn:aws:sagemaker:{REGION}:{dev}:model-package-group/{group(PRICING)}"
    attacks = {
        "read pricing's data": Request("s3:GetObject", f"arn:aws:s3:::{data}/{PRICING.prefix}security-suite/probe.csv"),
        "list pricing's data": Request("s3:ListBucket", f"arn:aws:s3:::{data}", {"s3:prefix": PRICING.prefix}),
        "read rings' models": Request(
            "s3:GetObject", f"arn:aws:s3:::{models}/{PRICING.project}/security-suite/team-probe/model.tar.gz"
        ),
        "describe rings' group": Request(
            "sagemaker:DescribeModelPackageGroup", rings_group, {"aws:RequestedRegion": REGION}
        ),
        "pass the shared execution role": Request(
            "iam:PassRole", _role_arn(world, "mlops-dev-sagemaker-execution"), TO_SAGEMAKER
        ),
    }
    applied = applied_role(world.url, dev, "mlops-dev-team-risk-data-scientist")
    for what, request in attacks.items():
        tagged = Request(request.action, request.resource, {**request.context, **_tagged("carol")})
        assert not authorize(applied, tagged, dev).allowed, what
        assert decided_before("mlops-dev-data-scientist", tagged, dev).allowed, what
    own = Request("iam:PassRole", _role_arn(world, RISK.role), {**TO_SAGEMAKER, **_tagged("carol")})
    assert authorize(applied, own, dev).allowed
    pricing = Request("iam:PassRole", _role_arn(world, PRICING.role), {**TO_SAGEMAKER, **_tagged("carol")})
    assert not authorize(applied, pricing, dev).allowed


def test_a_per_user_teams_persona_passes_only_the_callers_own_role(world: World) -> None:
    """pricing runs one execution role per user: its data scientist passes
    mlops-dev-team-pricing-user-${aws:PrincipalTag/studio-user-profile}, dave's own, and no other."""
    dev = world.accounts["dev"]
    applied = applied_role(world.url, dev, "mlops-dev-team-pricing-data-scientist")
    for role, allowed in ((PRICING.role, True), ("mlops-dev-team-pricing-user-erin", False), (RISK.role, False)):
        request = Request("iam:PassRole", _role_arn(world, role), {**TO_SAGEMAKER, **_tagged("dave")})
        assert authorize(applied, request, dev).allowed is allowed, role


def test_only_the_teams_users_of_the_persona_assume_its_role(world: World) -> None:
    """AssumedByTheTeamsUsersOfThePersona: dave's tag, an untagged session, carol naming another
    profile or the other persona's role are refused; DenyTeamUsers: carol is refused the
    environment's data scientist role, tagged or not, while alice (no team) still assumes it."""
    risk_ds = "mlops-dev-team-risk-data-scientist"
    refused(lambda: _assume(world, risk_ds, "data_scientist", "dave"))
    refused(lambda: _assume(world, risk_ds, "data_scientist", "dave", tag="carol"))
    refused(lambda: _assume(world, risk_ds, "data_scientist", "carol", tag=""))
    refused(lambda: _assume(world, risk_ds, "data_scientist", None, tag=""))
    refused(lambda: _assume(world, "mlops-dev-team-risk-team-lead", "data_scientist", "carol"))
    refused(lambda: _assume(world, "mlops-dev-team-risk-team-lead", "team_lead", "carol"))
    message = refused(lambda: _assume(world, "mlops-dev-data-scientist", "data_scientist", "carol"))
    assert "sts:" in message, message
    refused(lambda: _assume(world, "mlops-dev-data-scientist", "data_scientist", "carol", tag=""))
    refused(lambda: _assume(world, "mlops-dev-team-lead", "team_lead", "erin"))
    not_refused(lambda: _assume(world, "mlops-dev-data-scientist", "data_scientist", "alice"))
    not_refused(lambda: _assume(world, risk_ds, "data_scientist", "carol"))

    # Before: the environment's persona took carol, tagged or not (its trust had no DenyTeamUsers).
    persona = _role_arn(world, "mlops-dev-data-scientist")
    untagged = Request("sts:AssumeRole", persona, _tagged("carol"))
    assert decided_before(
        "mlops-dev-data-scientist",
        untagged,
        world.accounts["dev"],
        trust_of="mlops-dev-data-scientist",
        caller=_idp_caller("data_scientist"),
    ).allowed


@pytest.fixture
def pending_packages(world: World, team_objects: None) -> Iterator[dict[str, str]]:
    """A package pending approval in abalone's and in rings' group, registered by the administrator."""
    sagemaker = inspector(world, "sagemaker")
    arns = {
        team.name: sagemaker.create_model_package(**package(world, team))["ModelPackageArn"] for team in (RISK, PRICING)
    }
    yield arns
    for arn in arns.values():
        sagemaker.delete_model_package(ModelPackageName=arn)


def test_a_team_lead_approves_only_its_teams_packages(world: World, pending_packages: dict[str, str]) -> None:
    """erin assumes mlops-dev-team-risk-team-lead: ModelApprovalOfTeamProjects lets her decide on
    abalone's package; rings' is refused. Before, mlops-dev-team-lead decided on every package. The
    decision made is a rejection: the same call (sagemaker:UpdateModelPackage on the package) as an
    approval, and an Approved package in abalone's group would be what the journey's deployment,
    running beside this test on the shared world, takes as the newest approved model."""
    erin = _assume(world, "mlops-dev-team-risk-team-lead", "team_lead", "erin")
    sagemaker = client(world.url, erin, "sagemaker")
    decide = {"ModelApprovalStatus": "Rejected", "ApprovalDescription": "reviewed: not for deployment"}
    not_refused(lambda: sagemaker.update_model_package(ModelPackageArn=pending_packages["risk"], **decide))
    message = refused(lambda: sagemaker.update_model_package(ModelPackageArn=pending_packages["pricing"], **decide))
    assert "sagemaker:UpdateModelPackage" in message, message
    administrator = inspector(world, "sagemaker")
    status = {
        t: administrator.describe_model_package(ModelPackageName=a)["ModelApprovalStatus"]
        for t, a in pending_packages.items()
    }
    assert status == {"risk": "Rejected", "pricing": "PendingManualApproval"}

    request = Request(
        "sagemaker:UpdateModelPackage", pending_packages["pricing"], {"aws:RequestedRegion": REGION, **_tagged("erin")}
    )
    assert decided_before("mlops-dev-team-lead", request, world.accounts["dev"]).allowed
