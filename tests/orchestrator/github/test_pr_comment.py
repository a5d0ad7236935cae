"""The pull request's one plan comment: created once, then updated in place, through GitHub's REST
API (a fake one on 127.0.0.1, which PyGithub's own requests reach through its base URL) with the
job's token, which no message ever shows."""

from __future__ import annotations

import socket

import pytest

from orchestrator.errors import ConfigError, OrchestratorError
from orchestrator.github import pr_comment
from orchestrator.github.api import GitHubContext
from orchestrator.github.pr_comment import MARKER
from orchestrator.report.markdown import GITHUB_COMMENT_LIMIT
from tests.orchestrator.github.fake_github import REPOSITORY, TOKEN, FakeGitHub, fake_github  # noqa: F401 (the fixture)

PR = 42


def _context(fake: FakeGitHub) -> GitHubContext:
    return GitHubContext(fake.url, REPOSITORY, TOKEN)


def test_the_first_upsert_creates_the_marked_comment(fake_github: FakeGitHub) -> None:
    fake_github.add_comment(PR, "LGTM")
    action, url = pr_comment.upsert(_context(fake_github), PR, "### plan: 1 to add")
    assert action == "created" and url.startswith(f"https://github.com/{REPOSITORY}/pull/{PR}#issuecomment-")
    assert fake_github.bodies(PR) == ["LGTM", f"{MARKER}\n### plan: 1 to add"]
    assert fake_github.methods() == ["GET", "POST"]


def test_the_second_upsert_updates_the_same_comment(fake_github: FakeGitHub) -> None:
    context = _context(fake_github)
    pr_comment.upsert(context, PR, "first push")
    fake_github.add_comment(PR, "a reviewer's question")
    [marked_id] = [c["id"] for c in fake_github.comments[PR] if MARKER in c["body"]]
    action, url = pr_comment.upsert(context, PR, "second push")
    assert action == "updated" and url.endswith(f"#issuecomment-{marked_id}")
    assert fake_github.bodies(PR) == [f"{MARKER}\nsecond push", "a reviewer's question"]
    assert fake_github.requests[-1].path == f"/repos/{REPOSITORY}/issues/comments/{marked_id}"
    assert fake_github.comments.get(PR + 1) is None, "other pull requests are untouched"


def test_a_body_with_the_marker_is_not_marked_twice(fake_github: FakeGitHub) -> None:
    pr_comment.upsert(_context(fake_github), PR, f"{MARKER}\nbody")
    assert fake_github.bodies(PR) == [f"{MARKER}\nbody"]


def test_the_marked_comment_is_found_on_the_second_page(fake_github: FakeGitHub) -> None:
    for i in range(100):
        fake_github.add_comment(PR, f"comment {i}")
    fake_github.add_comment(PR, f"{MARKER}\nold plan", user="github-actions[bot]")
    assert pr_comment.upsert(_context(fake_github), PR, "new plan")[0] == "updated"
    assert len(fake_github.comments[PR]) == 101 and fake_github.bodies(PR)[-1] == f"{MARKER}\nnew plan"
    pages = [r.path for r in fake_github.requests if r.method == "GET"]
    listed = f"/repos/{REPOSITORY}/issues/{PR}/comments"
    assert pages == [f"{listed}?per_page=100", f"{listed}?page=2&per_page=100"], "the next page that the Link names"


def test_every_page_without_the_marker_is_read_then_the_comment_created(fake_github: FakeGitHub) -> None:
    for i in range(150):
        fake_github.add_comment(PR, f"comment {i}")
    assert pr_comment.upsert(_context(fake_github), PR, "plan")[0] == "created"
    assert fake_github.methods() == ["GET", "GET", "POST"] and len(fake_github.comments[PR]) == 151


def test_a_full_last_page_is_the_last_read(fake_github: FakeGitHub) -> None:
    for i in range(100):
        fake_github.add_comment(PR, f"comment {i}")
    assert pr_comment.upsert(_context(fake_github), PR, "plan")[0] == "created"
    assert fake_github.methods() == ["GET", "POST"], "no Link to a next page: nothing more is asked"


def test_the_token_is_sent_in_the_authorization_header(fake_github: FakeGitHub) -> None:
    pr_comment.upsert(_context(fake_github), PR, "plan")
    for request in fake_github.requests:
        assert request.headers["authorization"] == f"token {TOKEN}"
        assert request.headers["user-agent"] == "mlops-platform-orchestrator"
    assert fake_github.requests[-1].body == {"body": f"{MARKER}\nplan"}


def test_an_http_error_names_status_and_message_but_not_the_token(fake_github: FakeGitHub) -> None:
    fake_github.failure = (403, "Resource not accessible by integration")
    with pytest.raises(OrchestratorError) as raised:
        pr_comment.upsert(_context(fake_github), PR, "plan")
    message = str(raised.value)
    assert (
        "HTTP 403: Resource not accessible by integration" in message
        and f"reading the comments of pull request #{PR}" in message
    )
    assert TOKEN not in message and not isinstance(raised.value, ConfigError)
    assert fake_github.methods() == ["GET"], "nothing is posted after a failed read"


def test_an_unreachable_api_is_an_error_without_the_token() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free, and nothing listens on it once closed
    with pytest.raises(OrchestratorError) as raised:
        pr_comment.upsert(GitHubContext(f"http://127.0.0.1:{port}", REPOSITORY, TOKEN), PR, "plan")
    assert "GitHub API, reading the comments" in str(raised.value) and TOKEN not in str(raised.value)


def test_a_body_over_the_limit_is_refused_before_any_request(fake_github: FakeGitHub) -> None:
    with pytest.raises(ConfigError, match=f"over GitHub's {GITHUB_COMMENT_LIMIT}"):
        pr_comment.upsert(_context(fake_github), PR, "x" * (GITHUB_COMMENT_LIMIT - len(MARKER)))
    assert fake_github.requests == []


def test_a_body_at_the_limit_is_sent(fake_github: FakeGitHub) -> None:
    pr_comment.upsert(_context(fake_github), PR, "x" * (GITHUB_COMMENT_LIMIT - len(MARKER) - 1))
    assert [len(body) for body in fake_github.bodies(PR)] == [GITHUB_COMMENT_LIMIT]


def _set(monkeypatch: pytest.MonkeyPatch, **values: str | None) -> None:
    for name, value in values.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def test_the_context_defaults_to_api_github_com(monkeypatch: pytest.MonkeyPatch) -> None:
    _set(monkeypatch, GITHUB_API_URL=None, GITHUB_REPOSITORY=REPOSITORY, GITHUB_TOKEN=TOKEN)
    assert GitHubContext.from_environment() == GitHubContext("https://api.github.com", REPOSITORY, TOKEN)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/", "http://localhost:9000", "https://github.example.com/api/v3/"]
)
def test_the_context_accepts_https_and_local_http(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    _set(monkeypatch, GITHUB_API_URL=url, GITHUB_REPOSITORY=REPOSITORY, GITHUB_TOKEN=TOKEN)
    assert GitHubContext.from_environment().api_url == url.rstrip("/")


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"GITHUB_TOKEN": None}, "GITHUB_TOKEN: not set"),
        ({"GITHUB_TOKEN": ""}, "GITHUB_TOKEN: not set"),
        ({"GITHUB_REPOSITORY": None}, "GITHUB_REPOSITORY: '' is not <owner>/<repo>"),
        ({"GITHUB_REPOSITORY": "example-org"}, "GITHUB_REPOSITORY: 'example-org' is not <owner>/<repo>"),
        ({"GITHUB_REPOSITORY": "a/b/c"}, "is not <owner>/<repo>"),
        ({"GITHUB_REPOSITORY": "a/b?x=1"}, "is not <owner>/<repo>"),
        ({"GITHUB_API_URL": "http://api.github.com"}, "must be an https:// URL"),
        ({"GITHUB_API_URL": "http://127.0.0.1.evil.example"}, "must be an https:// URL"),
        ({"GITHUB_API_URL": "file:///etc/passwd"}, "must be an https:// URL"),
    ],
)
def test_the_context_refuses_bad_variables(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str | None], problem: str
) -> None:
    _set(
        monkeypatch,
        **{
            "GITHUB_API_URL": "https://api.github.com",
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_TOKEN": TOKEN,
            **variables,
        },
    )
    with pytest.raises(ConfigError) as raised:
        GitHubContext.from_environment()
    [found] = raised.value.problems
    assert problem in found and TOKEN not in found
