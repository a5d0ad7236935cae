"""Who obtains the CI roles is decided by the token: GitHub-shaped tokens from the emulator's issuer
are presented to STS for the applied plan and apply roles, as a workflow job presents its own.

Before the emulator verified web identity, every one of these calls got credentials: the token was
not read at all. Now the signature, the expiry, the account's OIDC provider and the role's trust
policy decide; where a refusal rests on the signature alone, the test shows with the evaluator that
the trust policy itself would have let the token's claims through.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from orchestrator.config.ci_roles import SUBJECT_CLAIM_KEYS
from orchestrator.emulator.oidc.github import Job, token_claims
from orchestrator.emulator.oidc.issuer import Issuer
from orchestrator.policy.authorization import Caller, ResourcePolicy, ResourcePolicyKind, authorize
from orchestrator.policy.evaluator import Request
from tests.security.conftest import REGION, client, session

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

REPOSITORY = "example-org/mlops-platform"  # envs/<env>/env.yaml github.repository
BRANCH = "refs/heads/main"  # the protected branch (github.plan_branch)
GITHUB = "token.actions.githubusercontent.com"


def _role(world: World, env: str, kind: str) -> str:
    return f"arn:aws:iam::{world.accounts[env]}:role/mlops-{env}-github-{kind}"


def _job(**job: Any) -> dict[str, Any]:
    return {"repository": REPOSITORY, "ref": BRANCH, "include_claim_keys": list(SUBJECT_CLAIM_KEYS), **job}


def _token(world: World, **job: Any) -> str:
    body = json.dumps(_job(**job)).encode()
    request = urllib.request.Request(f"{world.url}/_platform/oidc/token", data=body, method="POST")
    with urllib.request.urlopen(request) as response:
        return str(json.loads(response.read())["token"])


def _pull_request(world: World, repository: str = REPOSITORY) -> str:
    return _token(world, repository=repository, event_name="pull_request", ref="refs/pull/42/merge")


def _assume(world: World, role_arn: str, token: str) -> dict[str, Any]:
    sts = boto3.client("sts", endpoint_url=world.url, region_name=REGION, config=Config(signature_version=UNSIGNED))
    return dict(
        sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="github-actions", WebIdentityToken=token)
    )


def _refusal(world: World, role_arn: str, token: str) -> str:
    with pytest.raises(ClientError) as refused:
        _assume(world, role_arn, token)
    return str(refused.value.response["Error"]["Code"])


def _credentials(answer: dict[str, Any]) -> dict[str, str]:
    creds = answer["Credentials"]
    return {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


def test_a_pull_request_obtains_the_plan_role_and_not_the_apply_role(world: World) -> None:
    token = _pull_request(world)
    answer = _assume(world, _role(world, "dev", "plan"), token)
    assert answer["AssumedRoleUser"]["Arn"].startswith(
        f"arn:aws:sts::{world.accounts['dev']}:assumed-role/mlops-dev-github-plan/"
    )
    caller = client(world.url, _credentials(answer), "sts").get_caller_identity()
    assert caller["Arn"] == answer["AssumedRoleUser"]["Arn"]
    for env in world.envs:
        assert _refusal(world, _role(world, env, "apply"), token) == "AccessDenied", env


def test_the_plan_session_is_decided_by_the_plan_roles_policies(world: World) -> None:
    """The session is an ordinary session of the role: it reads, and may not write IAM."""
    iam = client(world.url, _credentials(_assume(world, _role(world, "dev", "plan"), _pull_request(world))), "iam")
    iam.get_role(RoleName="mlops-dev-github-plan")
    with pytest.raises(ClientError) as denied:
        iam.create_role(
            RoleName="mlops-dev-from-a-pull-request",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_the_dev_environment_on_the_protected_branch_obtains_the_dev_apply_role_only(world: World) -> None:
    token = _token(world, environment="dev")
    answer = _assume(world, _role(world, "dev", "apply"), token)
    assert answer["AssumedRoleUser"]["Arn"].startswith(
        f"arn:aws:sts::{world.accounts['dev']}:assumed-role/mlops-dev-github-apply/"
    )
    for env in ("staging", "prod"):
        assert _refusal(world, _role(world, env, "apply"), token) == "AccessDenied", env
    # The dev environment on another branch: its subject names that branch, which the trust does not.
    assert (
        _refusal(world, _role(world, "dev", "apply"), _token(world, environment="dev", ref="refs/heads/feature"))
        == "AccessDenied"
    )


def test_another_repository_obtains_nothing(world: World) -> None:
    for token in (
        _pull_request(world, "someone/mlops-platform"),
        _token(world, repository="example-org/other", environment="prod"),
    ):
        for env in world.envs:
            for kind in ("plan", "apply"):
                assert _refusal(world, _role(world, env, kind), token) == "AccessDenied", (env, kind)


def test_a_token_not_signed_by_the_issuer_is_refused_though_its_claims_match_the_trust(world: World) -> None:
    forged = Issuer().mint(token_claims(Job(**_job(environment="dev")), int(time.time())))
    assert _refusal(world, _role(world, "dev", "apply"), forged) == "InvalidIdentityToken"
    # The trust policy alone would have let the claims through: only the signature stops it.
    account = world.accounts["dev"]
    inspector = client(world.url, session(world.url, f"arn:aws:iam::{account}:role/inspector"), "iam")
    trust = inspector.get_role(RoleName="mlops-dev-github-apply")["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    provider = f"arn:aws:iam::{account}:oidc-provider/{GITHUB}"
    claims = token_claims(Job(**_job(environment="dev")), int(time.time()))
    context = {f"{GITHUB}:sub": claims["sub"], f"{GITHUB}:aud": claims["aud"]}
    verdict = authorize(
        Caller(account=account, arn=provider, federated=provider),
        Request("sts:AssumeRoleWithWebIdentity", _role(world, "dev", "apply"), context),
        account,
        ResourcePolicy(trust, account, ResourcePolicyKind.TRUST),
    )
    assert verdict.allowed, verdict


def test_an_expired_token_is_refused(world: World) -> None:
    expired = _token(world, environment="dev", issued_at=int(time.time()) - 3600)
    assert _refusal(world, _role(world, "dev", "apply"), expired) == "ExpiredTokenException"
