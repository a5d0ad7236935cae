"""A fake GitHub for the workflow commands' tests: the REST API of pull-request comments on
127.0.0.1, and the run reports (`--report-json`) the plan jobs upload.

Import the `fake_github` fixture into a test module to use the API (no conftest: the fixture is
named where it is used).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from orchestrator.outcome import StackOutcome
from orchestrator.report.run_report import RunReport

TOKEN = "ghs_fake-token-0123456789"
REPOSITORY = "example-org/mlops-platform"

_LIST_OR_CREATE = re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$")
_UPDATE = re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$")


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case (HTTP header names are case-insensitive)
    body: dict[str, Any] | None


@dataclass
class FakeGitHub:
    """Comments per pull request, every request received, and an optional forced failure."""

    url: str = ""
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    failure: tuple[int, str] | None = None  # (status, GitHub's message) answered to every request
    next_id: int = 1000
    link: str = ""  # the Link header of the answer being served
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_comment(self, pr: int, body: str, user: str = "someone") -> dict[str, Any]:
        with self.lock:
            self.next_id += 1
            comment = {
                "id": self.next_id,
                "body": body,
                "user": {"login": user},
                "html_url": f"https://github.com/{REPOSITORY}/pull/{pr}#issuecomment-{self.next_id}",
                "url": f"{self.url}/repos/{REPOSITORY}/issues/comments/{self.next_id}",
            }
            self.comments.setdefault(pr, []).append(comment)
            return comment

    def bodies(self, pr: int) -> list[str]:
        return [str(c["body"]) for c in self.comments.get(pr, [])]

    def methods(self) -> list[str]:
        return [r.method for r in self.requests]

    def answer(self, method: str, target: str, payload: dict[str, Any] | None) -> tuple[int, Any]:
        if self.failure is not None:
            status, message = self.failure
            return status, {"message": message, "documentation_url": "https://docs.github.com/rest"}
        parts = urlsplit(target)
        listed = _LIST_OR_CREATE.match(parts.path)
        if listed and listed.group(1) == REPOSITORY and method == "GET":
            query = parse_qs(parts.query)
            per_page, page = int(query.get("per_page", ["30"])[0]), int(query.get("page", ["1"])[0])
            thread = self.comments.get(int(listed.group(2)), [])
            self.link = (
                f'<{self.url}{parts.path}?per_page={per_page}&page={page + 1}>; rel="next"'
                if page * per_page < len(thread)
                else ""
            )
            return 200, thread[(page - 1) * per_page : page * per_page]
        if listed and listed.group(1) == REPOSITORY and method == "POST" and payload is not None:
            return 201, self.add_comment(int(listed.group(2)), str(payload["body"]), user="github-actions[bot]")
        updated = _UPDATE.match(parts.path)
        if updated and updated.group(1) == REPOSITORY and method == "PATCH" and payload is not None:
            for comment in (c for thread in self.comments.values() for c in thread):
                if comment["id"] == int(updated.group(2)):
                    comment["body"] = str(payload["body"])
                    return 200, comment
        return 404, {"message": "Not Found"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length)) if length else None
        fake = self.server.fake
        fake.requests.append(
            Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, payload)
        )
        fake.link = ""
        status, answer = fake.answer(self.command, self.path, payload)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if fake.link:  # as GitHub pages a list: the next page's URL, while there is one
            self.send_header("Link", fake.link)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class names it so)
        return None


class _Server(ThreadingHTTPServer):
    fake: FakeGitHub


@pytest.fixture
def fake_github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """The fake API on 127.0.0.1 (a free port), with $GITHUB_API_URL, $GITHUB_REPOSITORY and $GITHUB_TOKEN pointing at it."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeGitHub(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("GITHUB_API_URL", server.fake.url)
    monkeypatch.setenv("GITHUB_REPOSITORY", REPOSITORY)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    try:
        yield server.fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def planned(env: str, stack: str, changes: int, result: str = "changes", duration: float = 3.0) -> StackOutcome:
    """A stack's plan with `changes` resources to create, each with its own address."""
    outcome = StackOutcome(env, stack, "plan", result=result, add=changes, duration=duration)
    outcome.changes = [("create", f"module.stack.aws_ssm_parameter.{env}_{stack}[{i}]") for i in range(changes)]
    return outcome


def failed(env: str, stack: str, error: str = "Error: creating IAM Role: AccessDenied") -> StackOutcome:
    return StackOutcome(env, stack, "plan", result="failed", error=error, duration=1.0)


def write_report(
    path: Path, outcomes: list[StackOutcome], seconds: float, command: str = "plan", target: str = "aws"
) -> RunReport:
    """A run report as a plan job writes it with `--report-json`."""
    report = RunReport(command, target, outcomes, seconds)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    return report
