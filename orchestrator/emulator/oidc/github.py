"""The claims of a GitHub Actions OIDC token, as GitHub writes them for a job.

The subject (`sub`) follows GitHub's templates:
- default: `repo:<owner>/<name>:` then the job's context: `environment:<env>` for a job that names
  an environment, `pull_request` for a pull-request event, `ref:<ref>` otherwise;
- customised (the repository's or organisation's `include_claim_keys`): each key in order, joined
  by `:`; `repo` gives `repo:<owner>/<name>`, `context` the context above, any other key
  `<key>:<claim value>` (a key the job has no claim for cannot be written: GitHub refuses the token).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

ISSUER = "https://token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"
LIFETIME_SECONDS = 300  # GitHub's job tokens are valid for minutes, not hours
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_CLAIM_KEY = re.compile(r"^[A-Za-z0-9_]+$")


class InvalidJob(ValueError):
    """A job GitHub would not issue a token for (no repository, a claim key it cannot write)."""


@dataclass(frozen=True)
class Job:
    """What a workflow job is: the claims GitHub derives its token from."""

    repository: str
    ref: str = "refs/heads/main"
    event_name: str = "push"
    environment: str | None = None
    actor: str = "octocat"
    workflow: str = "ci"
    include_claim_keys: tuple[str, ...] | None = None  # None: GitHub's default subject
    audience: str = AUDIENCE
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _REPOSITORY.match(self.repository):
            raise InvalidJob(f"repository '{self.repository}' is not 'owner/name'")
        if not self.ref.startswith("refs/"):
            raise InvalidJob(f"ref '{self.ref}' is not a full ref (refs/heads/..., refs/pull/.../merge, refs/tags/...)")
        if self.include_claim_keys is not None:
            if not self.include_claim_keys:
                raise InvalidJob("include_claim_keys is empty")
            for key in self.include_claim_keys:
                if not _CLAIM_KEY.match(key):
                    raise InvalidJob(f"claim key '{key}' has characters other than letters, digits and _")


def context(job: Job) -> str:
    """The part of the default subject after the repository."""
    if job.environment:
        return f"environment:{job.environment}"
    if job.event_name in PULL_REQUEST_EVENTS:
        return "pull_request"
    return f"ref:{job.ref}"


def _ref_type(ref: str) -> str:
    return "tag" if ref.startswith("refs/tags/") else "branch"


def job_claims(job: Job) -> dict[str, str]:
    """GitHub's custom claims of the job (no sub, aud, iss or times)."""
    owner = job.repository.split("/", 1)[0]
    claims = {
        "ref": job.ref,
        "ref_type": _ref_type(job.ref),
        "repository": job.repository,
        "repository_owner": owner,
        "event_name": job.event_name,
        "actor": job.actor,
        "workflow": job.workflow,
        "job_workflow_ref": f"{job.repository}/.github/workflows/{job.workflow}.yml@{job.ref}",
        "runner_environment": "github-hosted",
    }
    if job.environment:
        claims["environment"] = job.environment
    return {**claims, **job.extra}


def subject(job: Job, claims: dict[str, str]) -> str:
    """The `sub` claim GitHub writes for the job under its default or customised template."""
    if job.include_claim_keys is None:
        return f"repo:{job.repository}:{context(job)}"
    parts = []
    for key in job.include_claim_keys:
        if key == "repo":
            parts.append(f"repo:{job.repository}")
        elif key == "context":
            parts.append(context(job))
        elif key in claims:
            parts.append(f"{key}:{claims[key]}")
        else:
            raise InvalidJob(f"the job has no '{key}' claim to put in the subject")
    return ":".join(parts)


def token_claims(job: Job, issued_at: int, lifetime: int = LIFETIME_SECONDS) -> dict[str, Any]:
    """Every claim of the job's token, issued at `issued_at` (epoch seconds)."""
    claims: dict[str, Any] = job_claims(job)
    return {
        "jti": str(uuid.uuid4()),
        "sub": subject(job, claims),
        "aud": job.audience,
        **claims,
        "iss": ISSUER,
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + lifetime,
    }


def job_from_request(body: dict[str, Any]) -> Job:
    """A Job from the JSON body of a token request (unknown fields refused)."""
    known = {
        "repository",
        "ref",
        "event_name",
        "environment",
        "actor",
        "workflow",
        "include_claim_keys",
        "audience",
        "extra",
    }
    unknown = sorted(set(body) - known - {"issued_at"})
    if unknown:
        raise InvalidJob(f"unknown fields: {', '.join(unknown)}")
    if "repository" not in body:
        raise InvalidJob("repository is required")
    values = {k: v for k, v in body.items() if k in known}
    if values.get("include_claim_keys") is not None:
        values["include_claim_keys"] = tuple(str(k) for k in values["include_claim_keys"])
    if "extra" in values:
        values["extra"] = {str(k): str(v) for k, v in dict(values["extra"]).items()}
    return Job(**values)
