"""`doctor --target aws` checks that only the protected branch may deploy each environment (and so
obtain its apply role), against a fake GitHub API on the loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest

from orchestrator.github_environments import apply_branch_checks

REPOSITORY = "example-org/mlops-platform"


class _Environments(BaseHTTPRequestHandler):
    answers: dict[str, Any] = {}

    def do_GET(self) -> None:  # noqa: N802 - the handler's interface
        path = self.path.split("?", 1)[0]
        found = self.answers.get(path)
        body = json.dumps(found if found is not None else {"message": "Not Found"}).encode()
        self.send_response(200 if found is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    answers: dict[str, Any] = {}
    handler = type("Handler", (_Environments,), {"answers": answers})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_fake")
    yield answers
    server.shutdown()


def _env(name: str) -> SimpleNamespace:
    return SimpleNamespace(name=name, name_prefix=f"mlops-{name}", github=SimpleNamespace(repository=REPOSITORY, plan_branch="main"))


def _base(env: str) -> str:
    return f"/repos/{REPOSITORY}/environments/{env}"


def test_only_the_plan_branch_may_deploy(github: dict[str, Any]) -> None:
    github[_base("dev")] = {"deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True}}
    github[f"{_base('dev')}/deployment-branch-policies"] = {"branch_policies": [{"name": "main", "type": "branch"}]}
    github[_base("prod")] = {"deployment_branch_policy": {"protected_branches": True, "custom_branch_policies": False}}
    checks = apply_branch_checks([_env("dev"), _env("prod")])
    assert [(c.name, c.ok) for c in checks] == [("github env dev", True), ("github env prod", True)]


def test_an_unprotected_missing_or_wider_environment_fails(github: dict[str, Any]) -> None:
    github[_base("dev")] = {"deployment_branch_policy": None}
    github[_base("staging")] = {"deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True}}
    github[f"{_base('staging')}/deployment-branch-policies"] = {"branch_policies": [{"name": "main", "type": "branch"}, {"name": "release/*", "type": "branch"}]}
    dev, staging, prod = apply_branch_checks([_env("dev"), _env("staging"), _env("prod")])
    assert not dev.ok and "any branch may deploy to 'dev' and assume mlops-dev-github-apply" in dev.detail
    assert not staging.ok and "release/*" in staging.detail
    assert not prod.ok and "no environment 'prod'" in prod.detail and prod.required


def test_an_unreadable_environment_is_a_failed_check_not_a_crash(github: dict[str, Any]) -> None:
    github[_base("dev")] = {"deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True}}
    [check] = apply_branch_checks([_env("dev")])  # its branch policies answer 404 here
    assert not check.ok and "cannot read its deployment branches" in check.detail


def test_without_a_token_it_says_so_and_does_not_fail_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    [check] = apply_branch_checks([_env("dev")])
    assert not check.ok and not check.required and "GITHUB_TOKEN" in check.detail
