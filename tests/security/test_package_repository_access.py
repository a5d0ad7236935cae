"""The package repository's guardrails, attacked on the world: the environment's roles reach only its own
CodeArtifact domain, and only the platform administrator publishes to it.

1. Another domain of the same account (an unvetted mirror someone set up) whose permissions policy
   names the SageMaker execution role: without the packages policy that grant would be enough (a
   resource policy naming the role, the role's own bearer-token permission, the boundary's
   codeartifact:*); the packages policy's DenyOtherPackageDomains refuses it.
2. A data scientist may not publish to the curated repository (DenyPublishingExceptTheAdministrator,
   and the repository's DenyPublishingExceptThePlatformTeam), nor may the execution role, which
   reads it, publish through its token.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import urllib.error
import urllib.request

from orchestrator.policy.authorization import ResourcePolicy, authorize
from orchestrator.policy.evaluator import Request
from tests.security.conftest import REGION, applied_role, client, refused, session
from tests.wheels import build_wheel, upload_request
from tests.world import World

ROGUE = "rogue-mirror"
DOMAIN, REPOSITORY = "mlops-dev-packages", "curated"


def _role(world: World, name: str) -> str:
    return f"arn:aws:iam::{world.accounts['dev']}:role/mlops-dev-{name}"


def _grant(reader: str) -> dict[str, object]:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": reader},
        "Action": "codeartifact:GetAuthorizationToken",
        "Resource": "*",
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_a_role_of_the_environment_gets_no_token_for_another_domain(world: World) -> None:
    dev = world.accounts["dev"]
    execution = _role(world, "sagemaker-execution")
    owner = client(world.url, session(world.url, f"arn:aws:iam::{dev}:role/inspector"), "codeartifact")
    domain_arn = owner.create_domain(domain=ROGUE)["domain"]["arn"]
    try:
        owner.put_domain_permissions_policy(domain=ROGUE, policyDocument=json.dumps(_grant(execution)))
        ca = client(world.url, session(world.url, execution), "codeartifact")
        message = refused(lambda: ca.get_authorization_token(domain=ROGUE))
        assert "codeartifact:GetAuthorizationToken" in message and "explicit deny" in message
    finally:
        owner.delete_domain(domain=ROGUE)
    # Without the packages policy the same role would have got the token: the domain's own policy
    # names it, and its boundary allows CodeArtifact.
    caller = applied_role(world.url, dev, "mlops-dev-sagemaker-execution")
    without = tuple(p for p in caller.identity_policies if "DenyOtherPackageDomains" not in json.dumps(p))
    assert len(without) == len(caller.identity_policies) - 1
    context = {"aws:PrincipalArn": execution, "aws:PrincipalAccount": dev, "aws:RequestedRegion": REGION}
    earlier = authorize(
        dataclasses.replace(caller, identity_policies=without),
        Request("codeartifact:GetAuthorizationToken", domain_arn, context),
        dev,
        ResourcePolicy(_grant(execution), dev),
    )
    assert earlier.allowed, earlier.reason


def test_a_data_scientist_may_not_publish_to_the_curated_repository(world: World) -> None:
    scientist = client(world.url, session(world.url, _role(world, "data-scientist")), "codeartifact")
    message = refused(
        lambda: scientist.publish_package_version(
            domain=DOMAIN,
            repository=REPOSITORY,
            format="generic",
            namespace="team",
            package="unvetted",
            packageVersion="1.0.0",
            assetContent=b"x",
            assetName="unvetted.txt",
            assetSHA256="2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
        )
    )
    assert "codeartifact:PublishPackageVersion" in message and "explicit deny" in message


def test_the_execution_role_reads_but_may_not_publish_with_its_token(world: World) -> None:
    ca = client(world.url, session(world.url, _role(world, "sagemaker-execution")), "codeartifact")
    token = ca.get_authorization_token(domain=DOMAIN)["authorizationToken"]
    endpoint = ca.get_repository_endpoint(domain=DOMAIN, repository=REPOSITORY, format="pypi")["repositoryEndpoint"]
    with urllib.request.urlopen(
        urllib.request.Request(
            f"{endpoint}simple/",
            headers={"Authorization": "Basic " + base64.b64encode(f"aws:{token}".encode()).decode()},
        ),
        timeout=30,
    ) as index:
        assert index.status == 200
    try:
        urllib.request.urlopen(upload_request(endpoint, token, build_wheel("unvetted-lib", "0.1.0", "")), timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 403
        assert b"codeartifact:PublishPackageVersion" in error.read()
    else:
        raise AssertionError("the execution role published to the curated repository")
