"""CodeArtifact, which moto lacks (orchestrator/emulator/extensions/codeartifact): the control-plane calls
the AWS provider makes, authorization tokens that expire, repository endpoints that pip and twine use,
each read and upload decided as IAM would for the token's principal, and the resources kept across
a save and load of the emulator's state."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from orchestrator.emulator.extensions.codeartifact.models import Token, codeartifact_backends, digest
from orchestrator.emulator.persistence import load_state, save_state
from tests.orchestrator.emulator.inprocess import REGION, serving, session
from tests.wheels import build_wheel, upload_request

ACCOUNT = "123456789012"  # the in-process emulator's own account
DOMAIN, CURATED, UPSTREAM = "acme-dev-packages", "curated", "public-pypi"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving() as served:
        codeartifact_backends.reset()
        yield served
        codeartifact_backends.reset()


def _admin(url: str, service: str) -> Any:
    return boto3.client(
        service, endpoint_url=url, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
    )


def _role(url: str, name: str, statements: list[dict[str, Any]]) -> boto3.Session:
    iam = _admin(url, "iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}],
    }
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName="permissions",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    return session(url, arn)


def _domain_arn() -> str:
    return f"arn:aws:codeartifact:{REGION}:{ACCOUNT}:domain/{DOMAIN}"


def _repository_arn(name: str) -> str:
    return f"arn:aws:codeartifact:{REGION}:{ACCOUNT}:repository/{DOMAIN}/{name}"


def _reader_statements(publish: bool = False) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": "codeartifact:GetAuthorizationToken", "Resource": _domain_arn()},
        {
            "Effect": "Allow",
            "Action": ["codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository"],
            "Resource": _repository_arn(CURATED),
        },
        {
            "Effect": "Allow",
            "Action": "sts:GetServiceBearerToken",
            "Resource": "*",
            "Condition": {"StringEquals": {"sts:AWSServiceName": "codeartifact.amazonaws.com"}},
        },
    ]
    if publish:
        package = f"arn:aws:codeartifact:{REGION}:{ACCOUNT}:package/{DOMAIN}/{CURATED}/*"
        statements.append({"Effect": "Allow", "Action": "codeartifact:PublishPackageVersion", "Resource": package})
    return statements


@pytest.fixture(scope="module")
def domain(url: str) -> dict[str, Any]:
    kms = _admin(url, "kms")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    ca = _admin(url, "codeartifact")
    described = ca.create_domain(domain=DOMAIN, encryptionKey=key, tags=[{"key": "owner", "value": "platform"}])[
        "domain"
    ]
    ca.create_repository(domain=DOMAIN, repository=UPSTREAM, description="public index")
    ca.associate_external_connection(domain=DOMAIN, repository=UPSTREAM, externalConnection="public:pypi")
    ca.create_repository(domain=DOMAIN, repository=CURATED, upstreams=[{"repositoryName": UPSTREAM}])
    return described


def _endpoint_and_token(client: Any) -> tuple[str, str]:
    token = client.get_authorization_token(domain=DOMAIN, domainOwner=ACCOUNT)["authorizationToken"]
    endpoint = client.get_repository_endpoint(domain=DOMAIN, repository=CURATED, format="pypi")["repositoryEndpoint"]
    return endpoint, token


def _get(url: str, token: str | None) -> tuple[int, bytes]:
    headers = {} if token is None else {"Authorization": "Basic " + base64.b64encode(f"aws:{token}".encode()).decode()}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _post(request: urllib.request.Request) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_domains_and_repositories_are_described_as_aws_does(url: str, domain: dict[str, Any]) -> None:
    ca = _admin(url, "codeartifact")
    assert domain["arn"] == _domain_arn() and domain["encryptionKey"].startswith("arn:aws:kms:")
    assert ca.describe_domain(domain=DOMAIN)["domain"]["repositoryCount"] == 2
    upstream = ca.describe_repository(domain=DOMAIN, repository=UPSTREAM)["repository"]
    assert upstream["externalConnections"] == [
        {"externalConnectionName": "public:pypi", "packageFormat": "pypi", "status": "Available"}
    ]
    curated = ca.describe_repository(domain=DOMAIN, repository=CURATED)["repository"]
    assert curated["upstreams"] == [{"repositoryName": UPSTREAM}] and curated["arn"] == _repository_arn(CURATED)
    assert ca.list_tags_for_resource(resourceArn=_domain_arn())["tags"] == [{"key": "owner", "value": "platform"}]
    ca.tag_resource(resourceArn=_repository_arn(CURATED), tags=[{"key": "purpose", "value": "vetted"}])
    assert ca.list_tags_for_resource(resourceArn=_repository_arn(CURATED))["tags"] == [
        {"key": "purpose", "value": "vetted"}
    ]
    ca.untag_resource(resourceArn=_repository_arn(CURATED), tagKeys=["purpose"])
    assert ca.list_tags_for_resource(resourceArn=_repository_arn(CURATED))["tags"] == []
    ca.update_repository(domain=DOMAIN, repository=CURATED, description="vetted packages")
    assert ca.describe_repository(domain=DOMAIN, repository=CURATED)["repository"]["description"] == "vetted packages"


def test_missing_and_conflicting_resources_are_refused(url: str, domain: dict[str, Any]) -> None:
    ca = _admin(url, "codeartifact")
    with pytest.raises(ClientError) as missing:
        ca.describe_repository(domain=DOMAIN, repository="nothing")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exists:
        ca.create_domain(domain=DOMAIN)
    assert exists.value.response["Error"]["Code"] == "ConflictException"
    with pytest.raises(ClientError) as in_use:
        ca.delete_repository(domain=DOMAIN, repository=UPSTREAM)  # the curated repository's upstream
    assert in_use.value.response["Error"]["Code"] == "ConflictException"
    with pytest.raises(ClientError) as not_empty:
        ca.delete_domain(domain=DOMAIN)
    assert not_empty.value.response["Error"]["Code"] == "ConflictException"


def test_permissions_policies_are_kept_with_their_revision(url: str, domain: dict[str, Any]) -> None:
    ca = _admin(url, "codeartifact")
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "codeartifact:DeleteDomain", "Resource": "*"}],
        }
    )
    put = ca.put_domain_permissions_policy(domain=DOMAIN, policyDocument=document)["policy"]
    assert ca.get_domain_permissions_policy(domain=DOMAIN)["policy"] == put
    with pytest.raises(ClientError) as stale:
        ca.put_domain_permissions_policy(domain=DOMAIN, policyDocument=document, policyRevision="stale")
    assert stale.value.response["Error"]["Code"] == "ConflictException"
    ca.delete_domain_permissions_policy(domain=DOMAIN)
    with pytest.raises(ClientError) as gone:
        ca.get_domain_permissions_policy(domain=DOMAIN)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_token_needs_both_codeartifact_and_the_bearer_token_permission(url: str, domain: dict[str, Any]) -> None:
    without_bearer = _role(url, "no-bearer", _reader_statements()[:2]).client("codeartifact", endpoint_url=url)
    with pytest.raises(ClientError) as refused:
        without_bearer.get_authorization_token(domain=DOMAIN)
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "sts:GetServiceBearerToken" in refused.value.response["Error"]["Message"]


def test_published_wheel_is_installable_only_with_a_valid_token(url: str, domain: dict[str, Any]) -> None:
    publisher = _role(url, "publisher", _reader_statements(publish=True)).client("codeartifact", endpoint_url=url)
    endpoint, token = _endpoint_and_token(publisher)
    assert endpoint == f"{url}/_platform/codeartifact/{REGION}/{DOMAIN}-{ACCOUNT}/pypi/{CURATED}/"
    wheel = build_wheel("vetted-lib", "1.0.0", "ANSWER = 42\n")
    assert _post(upload_request(endpoint, token, wheel))[0] == 200
    assert _post(upload_request(endpoint, token, wheel))[0] == 409  # published assets are immutable

    reader = _role(url, "reader", _reader_statements()).client("codeartifact", endpoint_url=url)
    endpoint, token = _endpoint_and_token(reader)
    status, page = _get(f"{endpoint}simple/vetted-lib/", token)
    assert status == 200 and f"1.0.0/{wheel.filename}#sha256={wheel.sha256}".encode() in page
    assert _get(f"{endpoint}simple/", token) == (200, _get(f"{endpoint}simple/", token)[1])
    assert _get(f"{endpoint}simple/vetted-lib/1.0.0/{wheel.filename}", token) == (200, wheel.content)
    assert _get(f"{endpoint}simple/vetted-lib/", None)[0] == 401
    assert _get(f"{endpoint}simple/vetted-lib/", "not-a-token")[0] == 401
    # A reader may not publish: the upload is decided as the token's principal.
    status, text = _post(upload_request(endpoint, token, build_wheel("vetted-lib", "2.0.0", "")))
    assert status == 403 and b"codeartifact:PublishPackageVersion" in text


def test_an_expired_token_is_refused(url: str, domain: dict[str, Any]) -> None:
    reader = _role(url, "expiring", _reader_statements()).client("codeartifact", endpoint_url=url)
    endpoint, token = _endpoint_and_token(reader)
    assert _get(f"{endpoint}simple/", token)[0] == 200
    tokens = codeartifact_backends[ACCOUNT][REGION].tokens
    held: Token = tokens[digest(token)]
    tokens[digest(token)] = Token(**{**held.__dict__, "expires": held.expires - timedelta(hours=13)})
    assert _get(f"{endpoint}simple/", token)[0] == 401


def test_a_role_without_read_permission_gets_no_files(url: str, domain: dict[str, Any]) -> None:
    # It may ask for a token (domain) but not read the repository: 403 naming the action.
    tokens_only = _role(url, "tokens-only", [_reader_statements()[0], _reader_statements()[2]])
    token = tokens_only.client("codeartifact", endpoint_url=url).get_authorization_token(domain=DOMAIN)[
        "authorizationToken"
    ]
    endpoint = _endpoint_and_token(_admin(url, "codeartifact"))[0]
    status, text = _get(f"{endpoint}simple/", token)
    assert status == 403 and b"codeartifact:ReadFromRepository" in text


def test_resources_and_tokens_survive_save_and_load(url: str, domain: dict[str, Any], tmp_path: Path) -> None:
    state = tmp_path / "state.pickle"
    save_state(state)
    codeartifact_backends.reset()
    assert DOMAIN not in codeartifact_backends[ACCOUNT][REGION].domains
    load_state(state)
    repository = codeartifact_backends[ACCOUNT][REGION].domains[DOMAIN].repositories[CURATED]
    assert repository.upstreams == [UPSTREAM]
    assert "vetted-lib" in repository.packages
