"""CodeArtifact's control-plane calls (signed, REST-JSON): what the AWS provider and pip's login need.

Each function takes the backend of the caller's account and region and the call's parameters as
botocore's model names them, and answers the response body. The authorizing middleware has already
decided the call as IAM would (authorization/actions.py `codeartifact`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from orchestrator.emulator.extensions.codeartifact.models import (
    TOKEN_DEFAULT_SECONDS,
    CodeArtifactBackend,
    Domain,
    PolicyDocument,
    Repository,
    conflict,
    invalid,
    not_found,
)


class Caller:
    """The signing credentials of the call (a token is decided at each use as their principal)."""

    def __init__(self, access_key: str, session_token: str | None, endpoint_base: str) -> None:
        self.access_key, self.session_token = access_key, session_token
        self.endpoint_base = endpoint_base  # the address the call came in on: http://<host>


Params = dict[str, Any]
Operation = Callable[[CodeArtifactBackend, Params, Caller], dict[str, Any]]


def _tags(params: Params) -> dict[str, str]:
    return {str(t["key"]): str(t.get("value", "")) for t in params.get("tags") or [] if isinstance(t, dict)}


def _repository(backend: CodeArtifactBackend, params: Params) -> Repository:
    return backend.repository(params.get("domain"), params.get("domainOwner"), params.get("repository"))


def _policy(resource_arn: str, policy: PolicyDocument | None) -> dict[str, Any]:
    if policy is None:
        raise not_found(f"No resource policy on {resource_arn}.")
    return {"policy": {"resourceArn": resource_arn, "revision": policy.revision, "document": policy.document}}


def _new_policy(current: PolicyDocument | None, params: Params) -> PolicyDocument:
    revision = params.get("policyRevision")
    if revision is not None and (current is None or current.revision != revision):
        raise conflict("The policy revision does not match the current one.")
    document = params.get("policyDocument")
    try:
        parsed = json.loads(document or "")
    except ValueError:
        raise invalid("policyDocument is not a JSON policy document.") from None
    if not isinstance(parsed, dict) or "Statement" not in parsed:
        raise invalid("policyDocument is not a JSON policy document.")
    return PolicyDocument(str(document))


# --- domains ------------------------------------------------------------------------------------


def create_domain(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    domain = backend.create_domain(params.get("domain", ""), params.get("encryptionKey"), _tags(params))
    return {"domain": domain.describe()}


def describe_domain(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    return {"domain": backend.domain(params.get("domain"), params.get("domainOwner")).describe()}


def delete_domain(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    return {"domain": backend.delete_domain(params.get("domain", ""), params.get("domainOwner")).describe()}


def _domain(backend: CodeArtifactBackend, params: Params) -> Domain:
    return backend.domain(params.get("domain"), params.get("domainOwner"))


# --- repositories -------------------------------------------------------------------------------


def _upstream_names(params: Params) -> list[str] | None:
    upstreams = params.get("upstreams")
    if upstreams is None:
        return None
    return [str(u["repositoryName"]) for u in upstreams if isinstance(u, dict)]


def create_repository(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    repository = backend.create_repository(
        params.get("domain", ""),
        params.get("domainOwner"),
        params.get("repository", ""),
        params.get("description", ""),
        _upstream_names(params) or [],
        _tags(params),
    )
    return {"repository": repository.describe()}


def describe_repository(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    return {"repository": _repository(backend, params).describe()}


def update_repository(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    repository = backend.update_repository(
        params.get("domain", ""),
        params.get("domainOwner"),
        params.get("repository", ""),
        params.get("description"),
        _upstream_names(params),
    )
    return {"repository": repository.describe()}


def delete_repository(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    repository = backend.delete_repository(
        params.get("domain", ""), params.get("domainOwner"), params.get("repository", "")
    )
    return {"repository": repository.describe()}


def _policy_operations(holder: Callable[[CodeArtifactBackend, Params], Domain | Repository]) -> tuple[Operation, ...]:
    """Put, Get and Delete of the permissions policy of what `holder` finds (a domain or a repository)."""

    def put(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
        found = holder(backend, params)
        found.policy = _new_policy(found.policy, params)
        return _policy(found.arn, found.policy)

    def get(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
        found = holder(backend, params)
        return _policy(found.arn, found.policy)

    def delete(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
        found = holder(backend, params)
        answer = _policy(found.arn, found.policy)
        found.policy = None
        return answer

    return put, get, delete


def associate_external_connection(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    repository = _repository(backend, params)
    return {
        "repository": backend.associate_external_connection(
            repository, str(params.get("externalConnection"))
        ).describe()
    }


def disassociate_external_connection(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    repository = _repository(backend, params)
    connection = str(params.get("externalConnection"))
    return {"repository": backend.disassociate_external_connection(repository, connection).describe()}


# --- tags ---------------------------------------------------------------------------------------


def list_tags(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    tags = backend.tags_of(str(params.get("resourceArn")))
    return {"tags": [{"key": k, "value": v} for k, v in sorted(tags.items())]}


def tag_resource(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    backend.tags_of(str(params.get("resourceArn"))).update(_tags(params))
    return {}


def untag_resource(backend: CodeArtifactBackend, params: Params, _caller: Caller) -> dict[str, Any]:
    tags = backend.tags_of(str(params.get("resourceArn")))
    for key in params.get("tagKeys") or []:
        tags.pop(key, None)
    return {}


# --- reading packages ---------------------------------------------------------------------------


def get_authorization_token(backend: CodeArtifactBackend, params: Params, caller: Caller) -> dict[str, Any]:
    domain = _domain(backend, params)
    seconds = params.get("durationSeconds")
    token, expires = backend.issue_token(
        domain, caller.access_key, caller.session_token, TOKEN_DEFAULT_SECONDS if seconds is None else int(seconds)
    )
    return {"authorizationToken": token, "expiration": expires.timestamp()}


def repository_path(domain: str, owner: str, region: str, repository: str, package_format: str) -> str:
    """The path of a repository's endpoint on the emulator (repository.py serves it)."""
    return f"/_platform/codeartifact/{region}/{domain}-{owner}/{package_format}/{repository}/"


def get_repository_endpoint(backend: CodeArtifactBackend, params: Params, caller: Caller) -> dict[str, Any]:
    repository = _repository(backend, params)
    package_format = params.get("format")
    if package_format != "pypi":
        raise invalid(f"The emulator serves repositories in the pypi format only; got {package_format!r}.")
    path = repository_path(repository.domain, repository.owner, backend.region_name, repository.name, package_format)
    return {"repositoryEndpoint": f"{caller.endpoint_base}{path}"}


def _named_policy_operations(
    kind: str, holder: Callable[[CodeArtifactBackend, Params], Domain | Repository]
) -> dict[str, Operation]:
    """Put<kind>PermissionsPolicy, Get… and Delete… of `holder`'s policy, by operation name."""
    names = tuple(f"{verb}{kind}PermissionsPolicy" for verb in ("Put", "Get", "Delete"))
    return dict(zip(names, _policy_operations(holder), strict=True))


OPERATIONS: dict[str, Operation] = {
    "CreateDomain": create_domain,
    "DescribeDomain": describe_domain,
    "DeleteDomain": delete_domain,
    **_named_policy_operations("Domain", _domain),
    "CreateRepository": create_repository,
    "DescribeRepository": describe_repository,
    "UpdateRepository": update_repository,
    "DeleteRepository": delete_repository,
    **_named_policy_operations("Repository", _repository),
    "AssociateExternalConnection": associate_external_connection,
    "DisassociateExternalConnection": disassociate_external_connection,
    "ListTagsForResource": list_tags,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "GetAuthorizationToken": get_authorization_token,
    "GetRepositoryEndpoint": get_repository_endpoint,
}
