"""The emulator's own OIDC issuer: it stands for GitHub's (`https://token.actions.githubusercontent.com`).

One RSA key per emulator process, made on first use and never written anywhere: a token is valid
only for the emulator that minted it (a restarted emulator has a new key, as after a rotation).
Served under the emulator's URL:
- `GET /_platform/oidc/.well-known/openid-configuration`: the discovery document (its `issuer` is
  GitHub's, its `jwks_uri` this emulator's);
- `GET /_platform/oidc/jwks`: the public key;
- `POST /_platform/oidc/token` with a JSON job (github.py: repository, ref, event_name,
  environment, include_claim_keys, audience, …; `issued_at` to date it): a GitHub-shaped token
  signed with the key, answered as `{"token": ..., "claims": ...}`.
`verify` checks a token as STS checks one against its provider's keys: the signature, then the times.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from orchestrator.emulator.oidc.github import ISSUER, InvalidJob, job_from_request, token_claims

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
OIDC_PATH = "/_platform/oidc"
ALGORITHM = "RS256"
NOT_VALIDATED = (
    "The web identity token that was passed could not be validated by Amazon Web Services. "
    "Get a new identity token from the identity provider and then retry the request."
)
NO_VERIFICATION_KEY = (
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements"
)


@dataclass(frozen=True)
class Rejected(Exception):
    """STS refuses the token: its error code and message."""

    code: str
    message: str


class Issuer:
    """The signing key and what is made with it."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._key: Any = None
        self._lock = threading.Lock()
        self.clock = clock

    @property
    def key(self) -> Any:
        from joserfc.jwk import RSAKey  # noqa: PLC0415 - only an emulator that issues tokens needs it

        with self._lock:
            if self._key is None:
                self._key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": ALGORITHM}, auto_kid=True)
            return self._key

    def jwks(self) -> dict[str, Any]:
        from joserfc.jwk import KeySet  # noqa: PLC0415

        return dict(KeySet([self.key]).as_dict(private=False))

    def discovery(self, base_url: str) -> dict[str, Any]:
        return {
            "issuer": ISSUER,
            "jwks_uri": f"{base_url}{OIDC_PATH}/jwks",
            "subject_types_supported": ["public", "pairwise"],
            "response_types_supported": ["id_token"],
            "claims_supported": [
                "sub",
                "aud",
                "exp",
                "iat",
                "iss",
                "jti",
                "nbf",
                "ref",
                "ref_type",
                "repository",
                "repository_owner",
                "event_name",
                "environment",
                "actor",
                "workflow",
                "job_workflow_ref",
            ],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "scopes_supported": ["openid"],
        }

    def mint(self, claims: dict[str, Any]) -> str:
        from joserfc import jwt  # noqa: PLC0415

        key = self.key
        return str(jwt.encode({"alg": ALGORITHM, "typ": "JWT", "kid": key.kid}, claims, key, algorithms=[ALGORITHM]))

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this issuer signed and that is valid now; Rejected otherwise."""
        from joserfc import errors, jwt  # noqa: PLC0415
        from joserfc.jwk import KeySet  # noqa: PLC0415

        try:
            claims = dict(jwt.decode(token, KeySet([self.key]), algorithms=[ALGORITHM]).claims)
        except errors.InvalidKeyIdError as exc:
            raise Rejected("InvalidIdentityToken", NO_VERIFICATION_KEY) from exc
        except (errors.JoseError, ValueError, TypeError) as exc:
            raise Rejected("InvalidIdentityToken", NOT_VALIDATED) from exc
        self._check_times(claims)
        return claims

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = int(self.clock())
        try:
            expires, not_before = int(claims["exp"]), int(claims.get("nbf", claims.get("iat", 0)))
        except (KeyError, TypeError, ValueError) as exc:
            raise Rejected("InvalidIdentityToken", NOT_VALIDATED) from exc
        if now >= expires:
            raise Rejected(
                "ExpiredTokenException",
                f"Token expired: current date/time {now} must be before the expiration date/time {expires}",
            )
        if now < not_before:
            raise Rejected("InvalidIdentityToken", NOT_VALIDATED)


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a token, not verified (STS reads `iss` to find the provider whose keys verify it)."""
    from joserfc.jws import extract_compact  # noqa: PLC0415

    try:
        claims = json.loads(extract_compact(token.encode()).payload)
    except Exception as exc:
        raise Rejected("InvalidIdentityToken", NOT_VALIDATED) from exc
    if not isinstance(claims, dict):
        raise Rejected("InvalidIdentityToken", NOT_VALIDATED)
    return claims


def _json(start_response: Callable[..., Any], status: str, body: Any) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


def _base_url(environ: dict[str, Any]) -> str:
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


class OidcEndpoints:
    """Serves the issuer's documents and tokens under /_platform/oidc, passes anything else to `app`."""

    def __init__(self, app: WsgiApp, issuer: Issuer) -> None:
        self._app, self.issuer = app, issuer

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if not path.startswith(f"{OIDC_PATH}/"):
            return self._app(environ, start_response)
        method, route = environ.get("REQUEST_METHOD"), path.removeprefix(OIDC_PATH)
        if method == "GET" and route == "/.well-known/openid-configuration":
            return _json(start_response, "200 OK", self.issuer.discovery(_base_url(environ)))
        if method == "GET" and route == "/jwks":
            return _json(start_response, "200 OK", self.issuer.jwks())
        if method == "POST" and route == "/token":
            return self._token(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": f"no {method} {path} in the emulator's OIDC issuer"})

    def _token(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            if not isinstance(body, dict):
                raise InvalidJob("the body is not a JSON object")
            job = job_from_request(body)
            claims = token_claims(job, int(body.get("issued_at", self.issuer.clock())))
        except (InvalidJob, ValueError, TypeError) as exc:
            return _json(start_response, "400 Bad Request", {"error": str(exc)})
        return _json(start_response, "200 OK", {"token": self.issuer.mint(claims), "claims": claims})
