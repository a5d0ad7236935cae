"""AssumeRoleWithWebIdentity on the emulator is decided as STS decides it: the token must be signed
by the emulator's issuer and unexpired, the account must hold the issuer's OIDC provider with the
token's audience, and the role's trust policy must allow the provider with the token's claims.
The session it opens is decided by the role's policies like any other."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from orchestrator.emulator.oidc.github import Job, token_claims
from orchestrator.emulator.oidc.issuer import Issuer
from orchestrator.emulator.process import Emulator, start_emulator

REGION = "eu-west-1"
DEV, OTHER = "111111111111", "333333333333"
REPO = "example-org/mlops-platform"
GITHUB = "token.actions.githubusercontent.com"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    running = start_emulator(tmp_path_factory.mktemp("web-identity") / "emulator.log")
    yield running
    running.stop()


def _admin(url: str, account: str, service: str) -> Any:
    sts = boto3.client(
        "sts", endpoint_url=url, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
    )
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/emulator-admin", RoleSessionName="admin")[
        "Credentials"
    ]
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def _trust(account: str, sub: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": f"arn:aws:iam::{account}:oidc-provider/{GITHUB}"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com", f"{GITHUB}:sub": sub}},
                }
            ],
        }
    )


@pytest.fixture(scope="module")
def roles(emulator: Emulator) -> dict[str, str]:
    iam = _admin(emulator.url, DEV, "iam")
    iam.create_open_id_connect_provider(
        Url=f"https://{GITHUB}",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
    )
    apply_arn = iam.create_role(
        RoleName="ci-apply", AssumeRolePolicyDocument=_trust(DEV, f"repo:{REPO}:environment:dev")
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="ci-apply",
        PolicyName="read",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]}
        ),
    )
    plan_arn = iam.create_role(RoleName="ci-plan", AssumeRolePolicyDocument=_trust(DEV, f"repo:{REPO}:pull_request"))[
        "Role"
    ]["Arn"]
    other = _admin(emulator.url, OTHER, "iam")  # an account without the provider
    other_arn = other.create_role(
        RoleName="ci-apply", AssumeRolePolicyDocument=_trust(OTHER, f"repo:{REPO}:environment:dev")
    )["Role"]["Arn"]
    return {"apply": apply_arn, "plan": plan_arn, "no-provider": other_arn}


def _token(url: str, **job: Any) -> str:
    request = urllib.request.Request(
        f"{url}/_platform/oidc/token", data=json.dumps({"repository": REPO, **job}).encode(), method="POST"
    )
    with urllib.request.urlopen(request) as response:
        return str(json.loads(response.read())["token"])


def _assume(url: str, role_arn: str, token: str) -> dict[str, Any]:
    sts = boto3.client("sts", endpoint_url=url, region_name=REGION, config=Config(signature_version=UNSIGNED))
    return dict(sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="ci", WebIdentityToken=token))


def _error(url: str, role_arn: str, token: str) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as refused:
        _assume(url, role_arn, token)
    error = refused.value.response["Error"]
    return str(error["Code"]), str(error["Message"]), int(refused.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_the_issuer_publishes_discovery_and_keys(emulator: Emulator) -> None:
    with urllib.request.urlopen(f"{emulator.url}/_platform/oidc/.well-known/openid-configuration") as response:
        discovery = json.loads(response.read())
    assert discovery["issuer"] == f"https://{GITHUB}"
    with urllib.request.urlopen(discovery["jwks_uri"]) as response:
        assert json.loads(response.read())["keys"][0]["kty"] == "RSA"


def test_a_token_whose_sub_the_trust_names_opens_a_session_decided_by_the_roles_policies(
    emulator: Emulator, roles: dict[str, str]
) -> None:
    answer = _assume(emulator.url, roles["apply"], _token(emulator.url, environment="dev"))
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{DEV}:assumed-role/ci-apply/ci"
    creds = answer["Credentials"]
    session = {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }
    iam = boto3.client("iam", endpoint_url=emulator.url, region_name=REGION, **session)
    iam.list_roles()  # its policy allows it
    with pytest.raises(ClientError) as denied:
        iam.create_role(RoleName="escalate", AssumeRolePolicyDocument=_trust(DEV, "x"))
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_a_sub_the_trust_does_not_name_is_access_denied(emulator: Emulator, roles: dict[str, str]) -> None:
    pull_request = _token(emulator.url, event_name="pull_request", ref="refs/pull/3/merge")
    assert _error(emulator.url, roles["apply"], pull_request) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        403,
    )
    _assume(emulator.url, roles["plan"], pull_request)
    assert _error(emulator.url, roles["apply"], _token(emulator.url, environment="prod"))[0] == "AccessDenied"
    assert (
        _error(emulator.url, roles["apply"], _token(emulator.url, repository="someone/fork", environment="dev"))[0]
        == "AccessDenied"
    )
    assert _error(
        emulator.url, roles["apply"], _token(emulator.url, environment="dev", audience="https://github.com/example-org")
    ) == ("InvalidIdentityToken", "Incorrect token audience", 400)
    assert (
        _error(emulator.url, f"arn:aws:iam::{DEV}:role/no-such-role", _token(emulator.url, environment="dev"))[0]
        == "AccessDenied"
    )


def test_a_token_not_signed_by_the_emulators_issuer_is_invalid(emulator: Emulator, roles: dict[str, str]) -> None:
    forged = Issuer().mint(token_claims(Job(repository=REPO, environment="dev"), int(time.time())))
    code, message, status = _error(emulator.url, roles["apply"], forged)
    assert (code, status) == ("InvalidIdentityToken", 400) and "verification key" in message
    assert _error(emulator.url, roles["apply"], "not.a.token")[0] == "InvalidIdentityToken"


def test_an_expired_token_is_refused(emulator: Emulator, roles: dict[str, str]) -> None:
    expired = _token(emulator.url, environment="dev", issued_at=int(time.time()) - 3600)
    code, message, status = _error(emulator.url, roles["apply"], expired)
    assert (code, status) == ("ExpiredTokenException", 400) and message.startswith("Token expired: current date/time ")


def test_an_account_without_the_provider_refuses_every_token(emulator: Emulator, roles: dict[str, str]) -> None:
    assert _error(emulator.url, roles["no-provider"], _token(emulator.url, environment="dev")) == (
        "InvalidIdentityToken",
        f"No OpenIDConnect provider found in your account for https://{GITHUB}",
        400,
    )


def test_web_identity_decisions_are_counted(emulator: Emulator, roles: dict[str, str]) -> None:
    with urllib.request.urlopen(f"{emulator.url}/_platform/authorization") as response:
        counts = json.loads(response.read())
    assert counts["denied_actions"].get("sts:AssumeRoleWithWebIdentity", 0) >= 5
