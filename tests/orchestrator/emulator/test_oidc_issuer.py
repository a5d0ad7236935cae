"""The emulator's OIDC issuer: GitHub's subjects (default and customised templates), tokens signed
with the emulator's key and verified as STS verifies them (signature, expiry), its documents."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from orchestrator.emulator.oidc.github import ISSUER, InvalidJob, Job, job_from_request, token_claims
from orchestrator.emulator.oidc.issuer import NO_VERIFICATION_KEY, Issuer, OidcEndpoints, Rejected, unverified_claims
from orchestrator.emulator.oidc.web_identity import condition_keys

REPO = "example-org/mlops-platform"
NOW = 1_800_000_000


def _sub(**job: Any) -> str:
    return str(token_claims(Job(repository=REPO, **job), NOW)["sub"])


def test_default_subjects_name_the_environment_then_the_pull_request_then_the_ref() -> None:
    assert _sub(environment="dev", event_name="push") == f"repo:{REPO}:environment:dev"
    assert _sub(environment="dev", event_name="pull_request") == f"repo:{REPO}:environment:dev"
    assert _sub(event_name="pull_request", ref="refs/pull/7/merge") == f"repo:{REPO}:pull_request"
    assert _sub(ref="refs/heads/main") == f"repo:{REPO}:ref:refs/heads/main"
    assert _sub(ref="refs/tags/v1") == f"repo:{REPO}:ref:refs/tags/v1"


def test_customised_subjects_join_the_included_claims_in_order() -> None:
    keys = ("repo", "context", "ref")
    assert _sub(environment="dev", include_claim_keys=keys) == f"repo:{REPO}:environment:dev:ref:refs/heads/main"
    assert (
        _sub(event_name="pull_request", ref="refs/pull/7/merge", include_claim_keys=keys)
        == f"repo:{REPO}:pull_request:ref:refs/pull/7/merge"
    )
    assert (
        _sub(ref="refs/heads/main", include_claim_keys=keys) == f"repo:{REPO}:ref:refs/heads/main:ref:refs/heads/main"
    )
    assert (
        _sub(environment="prod", include_claim_keys=("repository_owner", "context"))
        == "repository_owner:example-org:environment:prod"
    )
    with pytest.raises(InvalidJob, match="environment"):
        _sub(include_claim_keys=("repo", "environment"))  # a job without an environment has no such claim


def test_a_token_carries_githubs_issuer_audience_and_times() -> None:
    claims = token_claims(Job(repository=REPO, environment="dev"), NOW)
    assert (claims["iss"], claims["aud"]) == (ISSUER, "sts.amazonaws.com")
    assert claims["iat"] == claims["nbf"] == NOW and claims["exp"] == NOW + 300
    assert (claims["repository"], claims["ref"], claims["environment"], claims["repository_owner"]) == (
        REPO,
        "refs/heads/main",
        "dev",
        "example-org",
    )


def test_bad_jobs_are_refused() -> None:
    for body in (
        {},
        {"repository": "no-slash"},
        {"repository": REPO, "ref": "main"},
        {"repository": REPO, "color": "red"},
        {"repository": REPO, "include_claim_keys": []},
        {"repository": REPO, "include_claim_keys": ["a:b"]},
    ):
        with pytest.raises(InvalidJob):
            job_from_request(body)


def test_a_token_verifies_with_its_issuer_only_and_until_it_expires() -> None:
    clock = [float(NOW)]
    issuer, other = Issuer(lambda: clock[0]), Issuer(lambda: clock[0])
    token = issuer.mint(token_claims(Job(repository=REPO), NOW))
    assert issuer.verify(token)["sub"] == f"repo:{REPO}:ref:refs/heads/main"
    with pytest.raises(Rejected) as foreign:
        issuer.verify(other.mint(token_claims(Job(repository=REPO), NOW)))
    assert (foreign.value.code, foreign.value.message) == ("InvalidIdentityToken", NO_VERIFICATION_KEY)
    header, payload, signature = token.split(".")
    with pytest.raises(Rejected) as tampered:
        issuer.verify(".".join([header, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature]))
    assert tampered.value.code == "InvalidIdentityToken"
    clock[0] = NOW + 300
    with pytest.raises(Rejected) as expired:
        issuer.verify(token)
    assert expired.value.code == "ExpiredTokenException"
    assert (
        expired.value.message
        == f"Token expired: current date/time {NOW + 300} must be before the expiration date/time {NOW + 300}"
    )
    with pytest.raises(Rejected):
        unverified_claims("not-a-token")


def test_the_condition_keys_of_a_token_are_its_sub_and_aud() -> None:
    claims = token_claims(Job(repository=REPO, environment="dev"), NOW)
    host = "token.actions.githubusercontent.com"
    assert condition_keys(ISSUER, claims, "sts.amazonaws.com") == {
        f"{host}:sub": f"repo:{REPO}:environment:dev",
        f"{host}:aud": "sts.amazonaws.com",
    }
    assert set(condition_keys("https://idp.example.com/", claims, "a")) == {
        "idp.example.com:sub",
        "idp.example.com:aud",
    }


def _serve(
    app: OidcEndpoints, method: str, path: str, body: dict[str, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    answered: list[str] = []
    data = json.dumps(body or {}).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "HTTP_HOST": "127.0.0.1:5000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "CONTENT_LENGTH": str(len(data)),
    }
    chunks = app(environ, lambda status, _headers: answered.append(status))
    return answered[0], json.loads(b"".join(chunks))


def test_the_endpoints_serve_discovery_jwks_and_tokens() -> None:
    issuer = Issuer(lambda: float(NOW))
    app = OidcEndpoints(lambda _environ, _start: [b"{}"], issuer)
    status, discovery = _serve(app, "GET", "/_platform/oidc/.well-known/openid-configuration")
    assert (
        status == "200 OK"
        and discovery["issuer"] == ISSUER
        and discovery["jwks_uri"] == "http://127.0.0.1:5000/_platform/oidc/jwks"
    )
    _, jwks = _serve(app, "GET", "/_platform/oidc/jwks")
    assert [k["kid"] for k in jwks["keys"]] == [issuer.key.kid] and "d" not in jwks["keys"][0]
    status, minted = _serve(
        app,
        "POST",
        "/_platform/oidc/token",
        {"repository": REPO, "event_name": "pull_request", "ref": "refs/pull/1/merge"},
    )
    assert status == "200 OK" and issuer.verify(minted["token"])["sub"] == f"repo:{REPO}:pull_request"
    assert _serve(app, "POST", "/_platform/oidc/token", {"repository": "bad"})[0] == "400 Bad Request"
    assert _serve(app, "GET", "/_platform/oidc/nothing")[0] == "404 Not Found"
