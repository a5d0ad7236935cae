"""dev's data-science teams in the applied world (envs/dev/env.yaml `teams:`), for the team tests.

risk: users carol (data scientist) and erin (team lead), project abalone, prefix teams/risk/, one
execution role for the team; pricing: user dave (data scientist), project rings, prefix
teams/pricing/, one execution role per user. The module fixture `team_objects` puts a probe in each
team's prefix and project models prefix, and each project's model package group, as the account's
administrator."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests.security.conftest import client, session

if TYPE_CHECKING:
    from tests.world import World

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


def inspector(world: World, service: str) -> Any:
    """A client of the dev account's administrator."""
    return client(world.url, session(world.url, f"arn:aws:iam::{world.accounts['dev']}:role/inspector"), service)


def contract(world: World, name: str) -> str:
    return str(inspector(world, "ssm").get_parameter(Name=f"/mlops/dev/{name}")["Parameter"]["Value"])


def inside_vpc(world: World) -> str:
    """The emulator's URL as seen from inside the dev VPC (the buckets' endpoint condition holds)."""
    vpc = contract(world, "network/vpc-id")
    with urllib.request.urlopen(urllib.request.Request(f"{world.url}/_platform/vpcs/{vpc}", method="POST")) as answer:
        return str(json.loads(answer.read())["url"])


def buckets(world: World) -> tuple[str, str]:
    dev = world.accounts["dev"]
    return f"mlops-dev-data-{dev}", f"mlops-dev-models-{dev}"


def group(team: Team) -> str:
    return f"mlops-dev-{team.project}"


@pytest.fixture(scope="module")
def team_objects(world: World) -> Iterator[None]:
    """Each team's data and its project's model and group, put there by the administrator."""
    data, models = buckets(world)
    s3, sagemaker = inspector(world, "s3"), inspector(world, "sagemaker")
    keys = [(data, f"{t.prefix}security-suite/probe.csv") for t in (RISK, PRICING)]
    keys += [(models, f"{t.project}/security-suite/team-probe/model.tar.gz") for t in (RISK, PRICING)]
    for bucket, key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"1,2,3\n")
    created = []
    for team in (RISK, PRICING):
        try:
            sagemaker.describe_model_package_group(ModelPackageGroupName=group(team))
        except sagemaker.exceptions.ClientError:
            sagemaker.create_model_package_group(ModelPackageGroupName=group(team))
            created.append(group(team))
    yield
    for bucket, key in keys:
        s3.delete_object(Bucket=bucket, Key=key)
    for name in created:
        sagemaker.delete_model_package_group(ModelPackageGroupName=name)


def package(world: World, team: Team) -> dict[str, Any]:
    """CreateModelPackage's arguments for a package pending approval in the team's project's group."""
    _, models = buckets(world)
    return {
        "ModelPackageGroupName": group(team),
        "ModelApprovalStatus": "PendingManualApproval",
        "InferenceSpecification": {
            "Containers": [
                {"Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://{models}/{team.project}/security-suite/model.tar.gz"}
            ],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    }
