"""One pull-request comment per workflow, updated in place: the plan report of the latest push
replaces the previous one instead of piling up comments.

The comment is found by a hidden marker line among the pull request's comments, then updated, or
created when there is none. GitHub's REST API is called through PyGithub with the job's token
($GITHUB_TOKEN, which needs `pull-requests: write`); the token is never printed.
"""

from __future__ import annotations

import itertools

from github import Auth, Github, GithubException
from github.Issue import Issue
from github.IssueComment import IssueComment
from requests.exceptions import RequestException

from orchestrator.errors import ConfigError, OrchestratorError
from orchestrator.github.api import TIMEOUT_SECONDS, USER_AGENT, GitHubApiError, GitHubContext
from orchestrator.report.markdown import GITHUB_COMMENT_LIMIT

MARKER = "<!-- mlops-platform: plan report (updated in place by `python -m orchestrator pr-comment`) -->"
_PAGE_SIZE = 100
_MAX_PAGES = 50


def with_marker(body: str) -> str:
    return body if MARKER in body else f"{MARKER}\n{body}"


def _client(context: GitHubContext) -> Github:
    """A client of the context's API that makes no request before it is needed and never retries."""
    return Github(
        auth=Auth.Token(context.token),
        base_url=context.api_url,
        timeout=TIMEOUT_SECONDS,
        user_agent=USER_AGENT,
        per_page=_PAGE_SIZE,
        retry=None,
        lazy=True,
    )


def _find_marked(issue: Issue) -> IssueComment | None:
    """The pull request's marked comment, within its first _MAX_PAGES pages of comments."""
    for comment in itertools.islice(issue.get_comments(), _PAGE_SIZE * _MAX_PAGES):
        if MARKER in (comment.body or ""):
            return comment
    return None


def _checked_size(body: str) -> str:
    if len(body) > GITHUB_COMMENT_LIMIT:
        raise ConfigError(
            [
                f"--body-file: {len(body)} characters, over GitHub's {GITHUB_COMMENT_LIMIT} (render it with `report --markdown`, which stays under)"
            ]
        )
    return body


def upsert(context: GitHubContext, pr: int, body: str) -> tuple[str, str]:
    """Update the marked comment of pull request `pr`, or create it; returns (created|updated, its URL)."""
    body = _checked_size(with_marker(body))
    step = f"reading the comments of pull request #{pr}"
    try:
        with _client(context) as github:
            issue = github.get_repo(context.repository).get_issue(pr)
            existing = _find_marked(issue)
            if existing is None:
                step = f"creating the comment of pull request #{pr}"
                return "created", issue.create_comment(body).html_url
            step = f"updating comment {existing.id} of pull request #{pr}"
            existing.edit(body)
            return "updated", existing.html_url
    except GithubException as exc:
        message = exc.message or str(exc.data)[:300]
        raise GitHubApiError(f"GitHub API, {step}: HTTP {exc.status}: {message}", exc.status) from None
    except RequestException as exc:
        raise OrchestratorError(f"GitHub API, {step}: {type(exc).__name__}: no answer from {context.api_url}") from None
