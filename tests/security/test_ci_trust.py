"""Only the protected branch obtains an environment's apply role, and the trust itself says so.

The repository's OIDC subject template gives the claims `repo`, `context`, `ref`
(`python -m orchestrator oidc-subject --apply`; `doctor --target aws` checks it), so a job's token
names its environment and its branch, and `mlops-dev-github-apply` trusts exactly
`repo:<org>/<repo>:environment:dev:ref:refs/heads/main`. The tokens are GitHub-shaped
(`orchestrator/emulator/oidc/github.py`), decided on the trust policies IAM holds in the applied
world with the emulator's evaluator, and presented to the emulator's STS as a job presents its own.
The earlier trust, `environment:dev` alone, let a job of any branch in that environment through.
"""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from orchestrator.config.ci_roles import SUBJECT_CLAIM_KEYS
from orchestrator.emulator.oidc.github import Job, token_claims
from orchestrator.policy.authorization import Caller, ResourcePolicy, ResourcePolicyKind, Verdict, authorize
from orchestrator.policy.evaluator import Decision, Request
from tests.security.conftest import REGION, client, decided_before, session

if TYPE_CHECKING:
    from tests.world import World

pytestmark = pytest.mark.emulator

REPOSITORY = "example-org/mlops-platform"  # envs/dev/env.yaml github.repository
GITHUB = "token.actions.githubusercontent.com"
ACTION = "sts:AssumeRoleWithWebIdentity"
KEYS = SUBJECT_CLAIM_KEYS

PROTECTED = Job(REPOSITORY, ref="refs/heads/main", environment="dev", include_claim_keys=KEYS)
OTHER_BRANCH = Job(REPOSITORY, ref="refs/heads/feature", environment="dev", include_claim_keys=KEYS)
TAG = Job(REPOSITORY, ref="refs/tags/v1", environment="dev", include_claim_keys=KEYS)
PULL_REQUEST = Job(REPOSITORY, ref="refs/pull/42/merge", event_name="pull_request", include_claim_keys=KEYS)
PULL_REQUEST_IN_DEV = Job(
    REPOSITORY, ref="refs/pull/42/merge", event_name="pull_request", environment="dev", include_claim_keys=KEYS
)


def _role_arn(world: World, role: str) -> str:
    return f"arn:aws:iam::{world.accounts['dev']}:role/{role}"


def _applied_trust(world: World, role: str) -> dict[str, Any]:
    iam = client(world.url, session(world.url, _role_arn(world, "inspector")), "iam")
    document = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    return dict(json.loads(document) if isinstance(document, str) else document)


def _token_request(account: str, role_arn: str, job: Job) -> tuple[Caller, Request]:
    """The web-identity caller and the request IAM decides for the job's token (sub and aud: the
    only claims of GitHub's tokens IAM turns into condition keys)."""
    provider = f"arn:aws:iam::{account}:oidc-provider/{GITHUB}"
    claims = token_claims(job, int(time.time()))
    context: dict[str, Any] = {
        f"{GITHUB}:sub": claims["sub"],
        f"{GITHUB}:aud": claims["aud"],
        "sts:RoleSessionName": "github-actions",
    }
    return Caller(account=account, arn=provider, federated=provider), Request(ACTION, role_arn, context)


def _decided(world: World, role: str, job: Job) -> Verdict:
    account = world.accounts["dev"]
    caller, request = _token_request(account, _role_arn(world, role), job)
    return authorize(
        caller, request, account, ResourcePolicy(_applied_trust(world, role), account, ResourcePolicyKind.TRUST)
    )


def test_only_the_protected_branch_in_environment_dev_obtains_the_dev_apply_role(world: World) -> None:
    """github-oidc GitHubActionsEnvironmentOnBranch: sub repo:<org>/<repo>:environment:dev:ref:refs/heads/main, exactly."""
    assert token_claims(PROTECTED, 0)["sub"] == f"repo:{REPOSITORY}:environment:dev:ref:refs/heads/main"
    assert _decided(world, "mlops-dev-github-apply", PROTECTED).allowed
    for job in (OTHER_BRANCH, TAG, PULL_REQUEST, PULL_REQUEST_IN_DEV):
        assert _decided(world, "mlops-dev-github-apply", job).decision is Decision.IMPLICIT_DENY, job
    # Before: the trust named environment:dev alone, and GitHub's default subject of a job of
    # another branch in that environment is exactly that.
    earlier = Job(**{**asdict(OTHER_BRANCH), "include_claim_keys": None})
    assert token_claims(earlier, 0)["sub"] == f"repo:{REPOSITORY}:environment:dev"
    caller, request = _token_request(world.accounts["dev"], _role_arn(world, "mlops-dev-github-apply"), earlier)
    assert decided_before(
        "mlops-dev-github-apply", request, world.accounts["dev"], trust_of="mlops-dev-github-apply", caller=caller
    ).allowed


def test_the_plan_role_still_takes_pull_requests_and_the_protected_branch_in_the_customised_subject(
    world: World,
) -> None:
    """github-oidc GitHubActionsPullRequests (any pull request's merge ref) and GitHubActionsPlanBranch."""
    main_branch = Job(REPOSITORY, ref="refs/heads/main", event_name="schedule", include_claim_keys=KEYS)
    for job in (PULL_REQUEST, main_branch):
        assert _decided(world, "mlops-dev-github-plan", job).allowed, job
    feature = Job(REPOSITORY, ref="refs/heads/feature", include_claim_keys=KEYS)
    for job in (feature, PROTECTED, PULL_REQUEST_IN_DEV):
        assert _decided(world, "mlops-dev-github-plan", job).decision is Decision.IMPLICIT_DENY, job


def _assumed(world: World, job: Job) -> str:
    """The job's token from the emulator's issuer, presented to STS for the dev apply role: the
    assumed role's ARN, or the error code."""
    body = json.dumps({k: v for k, v in asdict(job).items() if k != "extra"}).encode()
    request = urllib.request.Request(f"{world.url}/_platform/oidc/token", data=body, method="POST")
    with urllib.request.urlopen(request) as response:
        token = str(json.loads(response.read())["token"])
    sts = boto3.client("sts", endpoint_url=world.url, region_name=REGION, config=Config(signature_version=UNSIGNED))
    try:
        answer = sts.assume_role_with_web_identity(
            RoleArn=_role_arn(world, "mlops-dev-github-apply"), RoleSessionName="github-actions", WebIdentityToken=token
        )
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return str(answer["AssumedRoleUser"]["Arn"])


def test_through_the_emulators_sts_only_the_protected_branch_gets_credentials(world: World) -> None:
    assert _assumed(world, PROTECTED).startswith(
        f"arn:aws:sts::{world.accounts['dev']}:assumed-role/mlops-dev-github-apply/"
    )
    for job in (OTHER_BRANCH, PULL_REQUEST):
        assert _assumed(world, job) == "AccessDenied", job
