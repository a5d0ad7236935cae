"""CodeArtifact's resources as the emulator keeps them: domains, repositories, their policies, the
packages published to them and the authorization tokens handed out.

moto 5.2.5 has no CodeArtifact. This backend is a moto `BackendDict` of its own (one backend per
account and region, like moto's), saved and loaded with the others (persistence.py). Tokens are
kept by their SHA-256 only: the token itself is answered once, to the caller of
GetAuthorizationToken, and never stored or logged.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

# https://docs.aws.amazon.com/codeartifact/latest/APIReference/API_CreateDomain.html (domain)
# and API_CreateRepository.html (repository).
DOMAIN_NAME = re.compile(r"^[a-z][a-z0-9\-]{0,48}[a-z0-9]$")
REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{1,99}$")
EXTERNAL_CONNECTIONS = {"public:pypi": "pypi", "public:npmjs": "npm", "public:maven-central": "maven"}
# GetAuthorizationToken's durationSeconds: 0 (the caller's session) or 900 to 43,200; default 12 hours.
TOKEN_DEFAULT_SECONDS = 43_200
TOKEN_MIN_SECONDS, TOKEN_MAX_SECONDS = 900, 43_200
MAX_UPSTREAMS = 10


class CodeArtifactError(Exception):
    """A service error: its type (x-amzn-ErrorType), HTTP status and message."""

    def __init__(self, error_type: str, status: int, message: str) -> None:
        super().__init__(message)
        self.error_type, self.status, self.message = error_type, status, message


def not_found(message: str) -> CodeArtifactError:
    return CodeArtifactError("ResourceNotFoundException", 404, message)


def conflict(message: str) -> CodeArtifactError:
    return CodeArtifactError("ConflictException", 409, message)


def invalid(message: str) -> CodeArtifactError:
    return CodeArtifactError("ValidationException", 400, message)


def now() -> datetime:
    return datetime.now(UTC)


def normalized(project: str) -> str:
    """PEP 503's normalized project name."""
    return re.sub(r"[-_.]+", "-", project).lower()


@dataclass
class PolicyDocument:
    document: str
    revision: str = field(default_factory=lambda: secrets.token_hex(16))


@dataclass
class Asset:
    name: str
    content: bytes
    sha256: str


@dataclass
class Repository:
    name: str
    domain: str
    owner: str
    arn: str
    description: str = ""
    upstreams: list[str] = field(default_factory=list)
    external_connections: list[str] = field(default_factory=list)
    policy: PolicyDocument | None = None
    created: datetime = field(default_factory=now)
    # normalized project -> version -> asset name -> asset
    packages: dict[str, dict[str, dict[str, Asset]]] = field(default_factory=dict)
    display_names: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "administratorAccount": self.owner,
            "domainName": self.domain,
            "domainOwner": self.owner,
            "arn": self.arn,
            "description": self.description,
            "upstreams": [{"repositoryName": name} for name in self.upstreams],
            "externalConnections": [
                {"externalConnectionName": c, "packageFormat": EXTERNAL_CONNECTIONS[c], "status": "Available"}
                for c in self.external_connections
            ],
            "createdTime": self.created.timestamp(),
        }


@dataclass
class Domain:
    name: str
    owner: str
    arn: str
    encryption_key: str
    region: str
    policy: PolicyDocument | None = None
    created: datetime = field(default_factory=now)
    repositories: dict[str, Repository] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        size = sum(
            len(asset.content)
            for repository in self.repositories.values()
            for versions in repository.packages.values()
            for assets in versions.values()
            for asset in assets.values()
        )
        return {
            "name": self.name,
            "owner": self.owner,
            "arn": self.arn,
            "status": "Active",
            "createdTime": self.created.timestamp(),
            "encryptionKey": self.encryption_key,
            "repositoryCount": len(self.repositories),
            "assetSizeBytes": size,
            # Where CodeArtifact keeps the domain's assets on AWS (an AWS-owned bucket); not modelled.
            "s3BucketArn": f"arn:aws:s3:::assets-{self.owner}-{self.region}",
        }


@dataclass(frozen=True)
class Token:
    """Who asked for a token (the signing credentials, to decide each use as that principal), for
    which domain, until when."""

    domain: str
    owner: str
    region: str
    access_key: str
    session_token: str | None
    expires: datetime


class CodeArtifactBackend(BaseBackend):
    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.domains: dict[str, Domain] = {}
        self.tokens: dict[str, Token] = {}  # SHA-256 of the token -> what it stands for
        self.tags: dict[str, dict[str, str]] = {}  # resource ARN -> tags

    def _arn(self, resource: str) -> str:
        return f"arn:{self.partition}:codeartifact:{self.region_name}:{self.account_id}:{resource}"

    # --- domains --------------------------------------------------------------------------------

    def create_domain(self, name: str, encryption_key: str | None, tags: dict[str, str]) -> Domain:
        if not DOMAIN_NAME.match(name or ""):
            raise invalid(f"Domain name {name!r} is not valid: 2-50 of a-z, 0-9 and '-', starting with a letter.")
        if name in self.domains:
            raise conflict(f"Domain {name} already exists in account {self.account_id}.")
        key = encryption_key or f"arn:{self.partition}:kms:{self.region_name}:{self.account_id}:alias/aws/codeartifact"
        domain = Domain(name, self.account_id, self._arn(f"domain/{name}"), key, self.region_name)
        self.domains[name] = domain
        self.tags[domain.arn] = dict(tags)
        return domain

    def domain(self, name: str | None, owner: str | None = None) -> Domain:
        if owner not in (None, "", self.account_id) or name not in self.domains:
            raise not_found(f"Domain not found: {name} (owner {owner or self.account_id}).")
        return self.domains[str(name)]

    def delete_domain(self, name: str, owner: str | None) -> Domain:
        domain = self.domain(name, owner)
        if domain.repositories:
            raise conflict(f"Domain {name} cannot be deleted: it contains {len(domain.repositories)} repositories.")
        del self.domains[name]
        self.tags.pop(domain.arn, None)
        return domain

    # --- repositories ---------------------------------------------------------------------------

    def create_repository(
        self,
        domain_name: str,
        owner: str | None,
        name: str,
        description: str,
        upstreams: list[str],
        tags: dict[str, str],
    ) -> Repository:
        domain = self.domain(domain_name, owner)
        if not REPOSITORY_NAME.match(name or ""):
            raise invalid(f"Repository name {name!r} is not valid.")
        if name in domain.repositories:
            raise conflict(f"Repository {name} already exists in domain {domain_name}.")
        repository = Repository(name, domain.name, domain.owner, self._arn(f"repository/{domain.name}/{name}"))
        repository.description = description
        self._set_upstreams(domain, repository, upstreams)
        domain.repositories[name] = repository
        self.tags[repository.arn] = dict(tags)
        return repository

    def _set_upstreams(self, domain: Domain, repository: Repository, upstreams: list[str]) -> None:
        if len(upstreams) > MAX_UPSTREAMS:
            raise invalid(f"A repository has at most {MAX_UPSTREAMS} upstream repositories.")
        for upstream in upstreams:
            if upstream == repository.name or upstream not in domain.repositories:
                raise invalid(f"Upstream repository {upstream} is not a repository of domain {domain.name}.")
        repository.upstreams = list(upstreams)

    def repository(self, domain_name: str | None, owner: str | None, name: str | None) -> Repository:
        domain = self.domain(domain_name, owner)
        if name not in domain.repositories:
            raise not_found(f"Repository not found: {name} in domain {domain_name}.")
        return domain.repositories[str(name)]

    def update_repository(
        self, domain_name: str, owner: str | None, name: str, description: str | None, upstreams: list[str] | None
    ) -> Repository:
        domain = self.domain(domain_name, owner)
        repository = self.repository(domain_name, owner, name)
        if description is not None:
            repository.description = description
        if upstreams is not None:
            self._set_upstreams(domain, repository, upstreams)
        return repository

    def delete_repository(self, domain_name: str, owner: str | None, name: str) -> Repository:
        domain = self.domain(domain_name, owner)
        repository = self.repository(domain_name, owner, name)
        users = [r.name for r in domain.repositories.values() if name in r.upstreams]
        if users:
            raise conflict(f"Repository {name} is an upstream of {', '.join(users)}.")
        del domain.repositories[name]
        self.tags.pop(repository.arn, None)
        return repository

    def associate_external_connection(self, repository: Repository, connection: str) -> Repository:
        if connection not in EXTERNAL_CONNECTIONS:
            raise invalid(f"External connection {connection} is not one of {', '.join(sorted(EXTERNAL_CONNECTIONS))}.")
        if repository.external_connections:
            raise invalid("A repository has at most one external connection.")
        repository.external_connections.append(connection)
        return repository

    def disassociate_external_connection(self, repository: Repository, connection: str) -> Repository:
        if connection not in repository.external_connections:
            raise not_found(f"Repository {repository.name} has no external connection {connection}.")
        repository.external_connections.remove(connection)
        return repository

    # --- tags -----------------------------------------------------------------------------------

    def tags_of(self, arn: str) -> dict[str, str]:
        if arn not in self.tags:
            raise not_found(f"Resource not found: {arn}.")
        return self.tags[arn]

    # --- tokens ---------------------------------------------------------------------------------

    def issue_token(
        self, domain: Domain, access_key: str, session_token: str | None, seconds: int
    ) -> tuple[str, datetime]:
        """A new token for `domain`, valid `seconds` (0: as long as the caller's session, here one hour)."""
        if seconds != 0 and not TOKEN_MIN_SECONDS <= seconds <= TOKEN_MAX_SECONDS:
            raise invalid(f"durationSeconds must be 0 or {TOKEN_MIN_SECONDS} to {TOKEN_MAX_SECONDS}; got {seconds}.")
        expires = now() + timedelta(seconds=seconds or 3600)
        token = secrets.token_urlsafe(96)
        self._forget_expired()
        self.tokens[digest(token)] = Token(
            domain.name, domain.owner, self.region_name, access_key, session_token, expires
        )
        return token, expires

    def _forget_expired(self) -> None:
        moment = now()
        for key in [k for k, t in self.tokens.items() if t.expires <= moment]:
            del self.tokens[key]

    def token(self, token: str) -> Token | None:
        """What a presented token stands for; None when unknown or expired."""
        found = self.tokens.get(digest(token))
        return found if found is not None and found.expires > now() else None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


codeartifact_backends: BackendDict[CodeArtifactBackend] = BackendDict(CodeArtifactBackend, "codeartifact")
