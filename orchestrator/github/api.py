"""GitHub's REST API as the orchestrator calls it: the repository and token from the job's
environment ($GITHUB_API_URL, $GITHUB_REPOSITORY, $GITHUB_TOKEN), checked before any call; the
token is never printed.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from orchestrator.errors import ConfigError, OrchestratorError

_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
TIMEOUT_SECONDS = 30
USER_AGENT = "mlops-platform-orchestrator"


@dataclass(frozen=True)
class GitHubContext:
    api_url: str
    repository: str
    token: str

    @classmethod
    def from_environment(cls) -> GitHubContext:
        """$GITHUB_API_URL (default https://api.github.com), $GITHUB_REPOSITORY, $GITHUB_TOKEN; checked before any call."""
        api_url = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
        repository = os.environ.get("GITHUB_REPOSITORY", "")
        token = os.environ.get("GITHUB_TOKEN", "")
        problems = []
        parsed = urllib.parse.urlparse(api_url)
        local = parsed.hostname in ("127.0.0.1", "localhost")
        if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
            problems.append(f"GITHUB_API_URL: {api_url!r} must be an https:// URL (http only for 127.0.0.1/localhost)")
        if not _REPOSITORY.match(repository):
            problems.append(f"GITHUB_REPOSITORY: {repository!r} is not <owner>/<repo>")
        if not token:
            problems.append(
                "GITHUB_TOKEN: not set (the job needs `pull-requests: write` and env GITHUB_TOKEN: ${{ github.token }})"
            )
        if problems:
            raise ConfigError(problems)
        return cls(api_url, repository, token)


class GitHubApiError(OrchestratorError):
    """GitHub answered an API call with an HTTP error (`status`)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def github_request(context: GitHubContext, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
    """One call of GitHub's REST API with the context's token; an HTTP error is a GitHubApiError."""
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        f"{context.api_url}{path}",
        data=data,
        method=method,
        headers={
            "Authorization": f"Bearer {context.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked above)
            text = response.read().decode()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:300]
        raise GitHubApiError(f"GitHub API {method} {path}: HTTP {exc.code}: {detail}", exc.code) from None
    except urllib.error.URLError as exc:
        raise OrchestratorError(f"GitHub API {method} {path}: {exc.reason}") from None
    return json.loads(text) if text else None
