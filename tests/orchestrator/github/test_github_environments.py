"""`doctor --target aws` checks the repository's OIDC subject template (the apply roles trust the
environment and the branch in it) and that only the protected branch may deploy each environment;
`oidc-subject --apply` sets the template. Against a fake GitHub API on the loopback."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

from orchestrator import cli
from orchestrator.cli import main
from orchestrator.config.ci_roles import SUBJECT_CLAIM_KEYS
from orchestrator.github.environments import apply_branch_checks

REPOSITORY = "example-org/mlops-platform"
SUBJECT = f"/repos/{REPOSITORY}/actions/oidc/customization/sub"
CUSTOMISED = {"use_default": False, "include_claim_keys": ["repo", "context", "ref"]}
MODULE = Path(__file__).resolve().parents[3] / "modules" / "github-oidc" / "trust.tf"


class _Environments(BaseHTTPRequestHandler):
    """GET answers what `answers` holds for the path (404 otherwise); PUT stores its body there
    (GitHub answers 201 with an empty object) and is recorded in `answers["PUT"]`."""

    answers: ClassVar[dict[str, Any]] = {}

    def _send(self, status: int, found: Any) -> None:
        body = json.dumps(found).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        found = self.answers.get(self.path.split("?", 1)[0])
        self._send(200 if found is not None else 404, found if found is not None else {"message": "Not Found"})

    def do_PUT(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self.answers.setdefault("PUT", []).append((self.path, payload))
        self.answers[self.path] = payload
        self._send(201, {})

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
    return SimpleNamespace(
        name=name, name_prefix=f"mlops-{name}", github=SimpleNamespace(repository=REPOSITORY, plan_branch="main")
    )


def _base(env: str) -> str:
    return f"/repos/{REPOSITORY}/environments/{env}"


def test_only_the_plan_branch_may_deploy(github: dict[str, Any]) -> None:
    github[SUBJECT] = CUSTOMISED
    github[_base("dev")] = {"deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True}}
    github[f"{_base('dev')}/deployment-branch-policies"] = {"branch_policies": [{"name": "main", "type": "branch"}]}
    github[_base("prod")] = {"deployment_branch_policy": {"protected_branches": True, "custom_branch_policies": False}}
    checks = apply_branch_checks([_env("dev"), _env("prod")])
    assert [(c.name, c.ok) for c in checks] == [
        ("github oidc sub", True),
        ("github env dev", True),
        ("github env prod", True),
    ]


def test_an_unprotected_missing_or_wider_environment_fails(github: dict[str, Any]) -> None:
    github[_base("dev")] = {"deployment_branch_policy": None}
    github[_base("staging")] = {
        "deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True}
    }
    github[f"{_base('staging')}/deployment-branch-policies"] = {
        "branch_policies": [{"name": "main", "type": "branch"}, {"name": "release/*", "type": "branch"}]
    }
    github[SUBJECT] = CUSTOMISED
    _, dev, staging, prod = apply_branch_checks([_env("dev"), _env("staging"), _env("prod")])
    assert (
        not dev.ok
        and "any branch may deploy to 'dev' (the trust of mlops-dev-github-apply still refuses all but 'main')"
        in dev.detail
    )
    assert not staging.ok and "release/*" in staging.detail
    assert not prod.ok and "no environment 'prod'" in prod.detail and prod.required


def test_an_unreadable_environment_is_a_failed_check_not_a_crash(github: dict[str, Any]) -> None:
    github[_base("dev")] = {"deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True}}
    github[SUBJECT] = CUSTOMISED
    _, check = apply_branch_checks([_env("dev")])  # its branch policies answer 404 here
    assert not check.ok and "cannot read its deployment branches" in check.detail


def test_without_a_token_it_says_so_and_does_not_fail_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    [check] = apply_branch_checks([_env("dev")])
    assert not check.ok and not check.required and "GITHUB_TOKEN" in check.detail


# --- the OIDC subject template ------------------------------------------------------------------


def test_the_keys_are_the_modules() -> None:
    """The one list of claim keys on each side: modules/github-oidc's local and the orchestrator's."""
    found = re.search(r"^\s*subject_claim_keys\s*=\s*\[([^\]]*)\]", MODULE.read_text(encoding="utf-8"), re.MULTILINE)
    assert found is not None, f"{MODULE} has no local subject_claim_keys"
    assert tuple(json.loads(f"[{found.group(1)}]")) == SUBJECT_CLAIM_KEYS == ("repo", "context", "ref")


@pytest.mark.parametrize(
    ("template", "said"),
    [
        ({"use_default": True}, "GitHub's default"),
        ({"use_default": False}, "its organization's template"),
        ({"use_default": False, "include_claim_keys": ["repo", "ref", "context"]}, "the claims repo, ref, context"),
        ({"use_default": False, "include_claim_keys": ["repo", "context"]}, "the claims repo, context;"),
    ],
)
def test_a_template_without_the_branch_fails_the_doctor(
    github: dict[str, Any], template: dict[str, Any], said: str
) -> None:
    github[SUBJECT] = template
    check = apply_branch_checks([_env("dev")])[0]
    assert check.name == "github oidc sub" and not check.ok and check.required
    assert said in check.detail and "oidc-subject --apply" in check.detail


def test_one_subject_check_per_repository(github: dict[str, Any]) -> None:
    checks = apply_branch_checks([_env("dev"), _env("staging")])
    assert [c.name for c in checks].count("github oidc sub") == 1
    assert not checks[0].ok and "cannot read example-org/mlops-platform's OIDC subject template" in checks[0].detail


@pytest.fixture
def no_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command talks to GitHub only: starting Terraform or the emulator is a failure."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"make_target{args} was called")

    monkeypatch.setattr(cli, "make_target", refuse)
    monkeypatch.delenv("ORCHESTRATOR_ENVS_DIR", raising=False)


def test_oidc_subject_reports_and_changes_nothing_without_apply(
    github: dict[str, Any], no_target: None, capsys: pytest.CaptureFixture[str]
) -> None:
    github[SUBJECT] = {"use_default": True}
    assert main(["oidc-subject"]) == 1
    assert "FAIL" in capsys.readouterr().out and "PUT" not in github


def test_oidc_subject_apply_sets_the_template_once_per_repository(
    github: dict[str, Any], no_target: None, capsys: pytest.CaptureFixture[str]
) -> None:
    github[SUBJECT] = {"use_default": True}
    assert main(["oidc-subject", "--apply", "--yes", "--json"]) == 0
    assert github["PUT"] == [(SUBJECT, CUSTOMISED)]  # dev, staging and prod share the repository
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_oidc_subject_apply_leaves_a_right_template_alone(github: dict[str, Any], no_target: None) -> None:
    github[SUBJECT] = CUSTOMISED
    assert main(["oidc-subject", "--apply", "--yes"]) == 0
    assert "PUT" not in github


def test_oidc_subject_apply_without_a_terminal_needs_yes(
    github: dict[str, Any], no_target: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    github[SUBJECT] = {"use_default": True}
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["oidc-subject", "--apply"]) == 2
    assert "PUT" not in github


def test_oidc_subject_without_a_token_is_bad_input(no_target: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert main(["oidc-subject"]) == 2
