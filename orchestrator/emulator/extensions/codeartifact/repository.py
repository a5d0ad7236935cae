"""A repository's endpoint, as pip and twine use it: the PyPI simple index (PEP 503), file downloads
and uploads (twine's `:action=file_upload`).

`GetRepositoryEndpoint` answers `http://<the address the call came in on>/_platform/codeartifact/
<region>/<domain>-<owner>/pypi/<repository>/`; the client sends the authorization token as HTTP
basic authentication (user `aws`), as with CodeArtifact. Every request is decided at its use:
an unknown or expired token is answered 401; otherwise the token's principal (the credentials that
asked for it) needs `codeartifact:ReadFromRepository` on the repository (an upload:
`codeartifact:PublishPackageVersion` on the package), decided as IAM would with the repository's
resource policy, and a request from inside a VPC goes through the VPC's
`codeartifact.repositories` endpoint (its policy applies; without one the VPC cannot reach it).
A repository also serves what its upstream repositories of the same domain hold. External
connections (`public:pypi`) are recorded but not followed: the emulator has no internet.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from orchestrator.emulator.extensions.codeartifact.models import (
    Asset,
    CodeArtifactBackend,
    Repository,
    Token,
    codeartifact_backends,
    normalized,
)

PATH = re.compile(
    r"^/_platform/codeartifact/(?P<region>[a-z0-9-]+)/(?P<domain>[a-z][a-z0-9-]*)-(?P<owner>\d{12})/pypi/"
    r"(?P<repository>[A-Za-z0-9][A-Za-z0-9._-]*)/(?P<rest>.*)$"
)
PREFIX = "/_platform/codeartifact/"
# What the endpoint is reached through from inside a VPC (authorization/network.py).
REPOSITORY_ENDPOINT_SERVICE = "codeartifact-repositories"
_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*\.(whl|tar\.gz|zip)$")


@dataclass(frozen=True)
class Answer:
    status: str
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def _text(status: str, text: str, *headers: tuple[str, str]) -> Answer:
    return Answer(status, text.encode(), headers=headers)


def _unauthorized(text: str) -> Answer:
    return _text("401 Unauthorized", text, ("WWW-Authenticate", 'Basic realm="CodeArtifact"'))


def _token_of(environ: dict[str, Any]) -> str | None:
    header = str(environ.get("HTTP_AUTHORIZATION", ""))
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip() or None
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return password if user == "aws" and password else None


def _refusal(token: Token, action: str, resource: str, region: str, environ: dict[str, Any]) -> str | None:
    """Why IAM refuses the token's principal `action` on `resource` (None: allowed)."""
    from orchestrator.emulator.authorization.actions import Check  # noqa: PLC0415
    from orchestrator.emulator.authorization.calls import Call  # noqa: PLC0415 - the middleware imports the extensions
    from orchestrator.emulator.authorization.denials import message  # noqa: PLC0415
    from orchestrator.emulator.authorization.middleware import decide  # noqa: PLC0415
    from orchestrator.emulator.authorization.network import SOURCE_VPC, endpoint_for  # noqa: PLC0415
    from orchestrator.emulator.authorization.principals import InvalidToken, Signature, principal_of  # noqa: PLC0415

    try:
        principal = principal_of(Signature(token.access_key, region, "codeartifact", token.session_token))
    except InvalidToken:
        return "the credentials the token was issued to are no longer valid"
    endpoint = None
    if environ.get(SOURCE_VPC):
        endpoint = endpoint_for(str(environ[SOURCE_VPC]), region, REPOSITORY_ENDPOINT_SERVICE)
        if endpoint is None:
            return f"no route from {environ[SOURCE_VPC]} to codeartifact.repositories: the VPC has no endpoint for it"
    call = Call(
        "codeartifact", action.split(":")[1], {}, region, "rest-json", str(environ.get("REQUEST_METHOD", "GET"))
    )
    refusal, _ = decide(principal, call, [Check(action, resource)], endpoint)
    if refusal is None:
        return None
    return message(principal.describe, action, resource, refusal.verdict.decision, refusal.verdict.reason)


def _reachable(backend: CodeArtifactBackend, repository: Repository) -> list[Repository]:
    """The repository, then its upstreams in order, each once (CodeArtifact's search order)."""
    domain = backend.domains[repository.domain]
    seen: list[Repository] = []
    pending = [repository]
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.append(current)
        pending.extend(domain.repositories[name] for name in current.upstreams if name in domain.repositories)
    return seen


def _index(repositories: list[Repository]) -> Answer:
    projects = sorted({(key, r.display_names.get(key, key)) for r in repositories for key in r.packages})
    links = "".join(f'<a href="{html.escape(key)}/">{html.escape(name)}</a><br/>\n' for key, name in projects)
    return Answer("200 OK", f"<!DOCTYPE html><html><body>\n{links}</body></html>\n".encode(), "text/html")


def _files(repositories: list[Repository], project: str) -> dict[str, tuple[str, Asset]]:
    found: dict[str, tuple[str, Asset]] = {}
    for repository in repositories:
        for version, assets in repository.packages.get(normalized(project), {}).items():
            for name, asset in assets.items():
                found.setdefault(name, (version, asset))
    return found


def _project_page(repositories: list[Repository], project: str) -> Answer:
    files = _files(repositories, project)
    if not files:
        return _text("404 Not Found", f"No project {project} in this repository.")
    links = "".join(
        f'<a href="{html.escape(version)}/{html.escape(name)}#sha256={asset.sha256}">{html.escape(name)}</a><br/>\n'
        for name, (version, asset) in sorted(files.items())
    )
    return Answer("200 OK", f"<!DOCTYPE html><html><body>\n{links}</body></html>\n".encode(), "text/html")


def _download(repositories: list[Repository], project: str, filename: str) -> Answer:
    found = _files(repositories, project).get(filename)
    if found is None:
        return _text("404 Not Found", f"No file {filename} of project {project}.")
    return Answer("200 OK", found[1].content, "application/octet-stream")


def _form(environ: dict[str, Any]) -> tuple[dict[str, str], Any]:
    from werkzeug.formparser import parse_form_data  # noqa: PLC0415 - the emulator's WSGI toolkit

    _, form, files = parse_form_data(environ)
    return {k: str(v) for k, v in form.items()}, files.get("content")


def _upload(repository: Repository, environ: dict[str, Any], publish: Callable[[str], str | None]) -> Answer:
    fields, content = _form(environ)
    if fields.get(":action") != "file_upload" or content is None:
        return _text("400 Bad Request", "Expected a twine upload: :action=file_upload with a content file.")
    name, version, filename = fields.get("name", ""), fields.get("version", ""), str(content.filename or "")
    if not name or not version or not _FILENAME.match(filename):
        return _text("400 Bad Request", "An upload needs name, version and a wheel or sdist file name.")
    if not normalized(filename).startswith(normalized(name)):
        return _text("400 Bad Request", f"File {filename} does not belong to project {name}.")
    refused = publish(normalized(name))
    if refused is not None:
        return _text("403 Forbidden", refused)
    data = content.read()
    sha256 = hashlib.sha256(data).hexdigest()
    if fields.get("sha256_digest") not in (None, "", sha256):
        return _text("400 Bad Request", "The file's SHA-256 does not match sha256_digest.")
    assets = repository.packages.setdefault(normalized(name), {}).setdefault(version, {})
    if filename in assets:
        return _text("409 Conflict", f"{filename} was already published; a published asset cannot be replaced.")
    assets[filename] = Asset(filename, data, sha256)
    repository.display_names[normalized(name)] = name
    return _text("200 OK", f"Published {filename} to {repository.name}.")


def serve(environ: dict[str, Any]) -> Answer:
    """Answer one request to a repository endpoint."""
    match = PATH.match(str(environ.get("PATH_INFO", "")))
    if match is None:
        return _text("404 Not Found", "Not a repository endpoint.")
    region, owner = match["region"], match["owner"]
    backend = codeartifact_backends[owner][region]
    domain = backend.domains.get(match["domain"])
    repository = domain.repositories.get(match["repository"]) if domain is not None else None
    presented = _token_of(environ)
    token = backend.token(presented) if presented is not None else None
    if token is None or domain is None or token.domain != domain.name:
        return _unauthorized("The authorization token is missing, expired or not valid for this domain.")
    if repository is None:
        return _text("404 Not Found", f"No repository {match['repository']} in domain {domain.name}.")
    method, rest = str(environ.get("REQUEST_METHOD", "GET")), unquote(match["rest"])
    if method == "POST" and rest in ("", "legacy/"):
        package_arn = repository.arn.replace(":repository/", ":package/", 1) + "/pypi//{}"
        return _upload(
            repository,
            environ,
            lambda project: _refusal(
                token, "codeartifact:PublishPackageVersion", package_arn.format(project), region, environ
            ),
        )
    if method not in ("GET", "HEAD"):
        return _text("405 Method Not Allowed", f"{method} is not served here.")
    refused = _refusal(token, "codeartifact:ReadFromRepository", repository.arn, region, environ)
    if refused is not None:
        return _text("403 Forbidden", refused)
    return _read(_reachable(backend, repository), rest.strip("/").split("/") if rest.strip("/") else [])


def _read(repositories: list[Repository], parts: list[str]) -> Answer:
    if parts[:1] != ["simple"]:
        return _text("404 Not Found", "Only the simple index (simple/) is served.")
    if len(parts) == 1:
        return _index(repositories)
    if len(parts) == 2:
        return _project_page(repositories, parts[1])
    if len(parts) == 4:
        return _download(repositories, parts[1], parts[3])
    return _text("404 Not Found", "No such page.")


def respond(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    answer = serve(environ)
    body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else answer.body
    start_response(
        answer.status,
        [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body))), *answer.headers],
    )
    return [body]
