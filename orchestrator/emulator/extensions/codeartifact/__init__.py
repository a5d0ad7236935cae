"""CodeArtifact, which moto 5.2.5 does not have: domains, repositories, their permissions policies,
external connections, tags, authorization tokens, repository endpoints and the repositories'
PyPI endpoint itself (pip installs from it, twine publishes to it).

`CodeArtifactApp` sits between the authorizing middleware and moto's application: a signed call
to the `codeartifact` service (already decided as IAM would) is answered here (api.py), a request
to a repository endpoint (`/_platform/codeartifact/...`, authorized by its token) is served by
repository.py, everything else goes on to moto. The resources are a moto backend of their own
(models.py), saved and loaded with the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from orchestrator.emulator.extensions.codeartifact import api, repository
from orchestrator.emulator.extensions.codeartifact.models import CodeArtifactError, codeartifact_backends

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
SERVICE = "codeartifact"


def _error(start_response: Callable[..., Any], error: CodeArtifactError) -> list[bytes]:
    status = {400: "400 Bad Request", 404: "404 Not Found", 409: "409 Conflict"}.get(
        error.status, f"{error.status} Error"
    )
    start_response(status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", error.error_type)])
    return [json.dumps({"message": error.message}).encode()]


class CodeArtifactApp:
    """Serves CodeArtifact's calls and repository endpoints; passes every other request to `app`."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith(repository.PREFIX):
            return repository.respond(environ, start_response)
        from orchestrator.emulator.authorization.principals import signature_of  # noqa: PLC0415 - imports the extensions

        signature = signature_of(environ)
        if signature is None or signature.service != SERVICE:
            return self._app(environ, start_response)
        return self._api(environ, start_response, signature)

    def _api(self, environ: dict[str, Any], start_response: Callable[..., Any], signature: Any) -> Iterable[bytes]:
        from orchestrator.emulator.authorization.calls import identify, read_body  # noqa: PLC0415
        from orchestrator.emulator.authorization.principals import principal_of  # noqa: PLC0415

        call = identify(environ, read_body(environ), SERVICE, signature.region)
        operation = api.OPERATIONS.get(call.operation) if call is not None else None
        if call is None or operation is None:
            name = call.operation if call is not None else environ.get("PATH_INFO")
            return _error(start_response, CodeArtifactError("ValidationException", 400, f"{name} is not emulated."))
        account = principal_of(signature).caller.account
        owner = call.params.get("domainOwner") or account
        caller = api.Caller(signature.access_key, signature.session_token, f"http://{environ.get('HTTP_HOST', '')}")
        try:
            body = operation(codeartifact_backends[str(owner)][signature.region], call.params, caller)
        except CodeArtifactError as error:
            return _error(start_response, error)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]
