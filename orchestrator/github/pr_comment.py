"""One pull-request comment per workflow, updated in place: the plan report of the latest push
replaces the previous one instead of piling up comments.

The comment is found by a hidden marker line. GitHub's REST API is called with the job's token
($GITHUB_TOKEN, which needs `pull-requests: write`); the token is never printed.
"""

from __future__ import annotations

from orchestrator.errors import ConfigError
from orchestrator.github.api import GitHubContext, github_request
from orchestrator.report.markdown import GITHUB_COMMENT_LIMIT

MARKER = "<!-- mlops-platform: plan report (updated in place by `python -m orchestrator pr-comment`) -->"
_PAGE_SIZE = 100
_MAX_PAGES = 50


def with_marker(body: str) -> str:
    return body if MARKER in body else f"{MARKER}\n{body}"


def _find_marked(context: GitHubContext, pr: int) -> int | None:
    for page in range(1, _MAX_PAGES + 1):
        comments = github_request(
            context, "GET", f"/repos/{context.repository}/issues/{pr}/comments?per_page={_PAGE_SIZE}&page={page}"
        )
        for comment in comments:
            if MARKER in (comment.get("body") or ""):
                return int(comment["id"])
        if len(comments) < _PAGE_SIZE:
            return None
    return None


def upsert(context: GitHubContext, pr: int, body: str) -> tuple[str, str]:
    """Update the marked comment of pull request `pr`, or create it; returns (created|updated, its URL)."""
    body = with_marker(body)
    if len(body) > GITHUB_COMMENT_LIMIT:
        raise ConfigError(
            [
                f"--body-file: {len(body)} characters, over GitHub's {GITHUB_COMMENT_LIMIT} (render it with `report --markdown`, which stays under)"
            ]
        )
    existing = _find_marked(context, pr)
    if existing is None:
        created = github_request(context, "POST", f"/repos/{context.repository}/issues/{pr}/comments", {"body": body})
        return "created", str(created.get("html_url", ""))
    updated = github_request(
        context, "PATCH", f"/repos/{context.repository}/issues/comments/{existing}", {"body": body}
    )
    return "updated", str(updated.get("html_url", ""))
