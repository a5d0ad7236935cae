"""`doctor --target aws` and `oidc-subject`: may only the protected branch obtain an environment's
apply role?

The apply role of `<env>` trusts GitHub's OIDC tokens whose subject names both the environment
and the protected branch, `repo:<owner>/<repo>:environment:<env>:ref:refs/heads/<branch>`
(modules/github-oidc). GitHub's default subject names only one of them; the repository's subject
template must give the claims `repo`, `context`, `ref` in that order, or no workflow can assume
the roles. IAM evaluates no other claim of GitHub's tokens, so the trust holds the branch itself.

The environment's deployment branch policy is checked too: a missing environment is created
unprotected by the first job that names it, and its required reviewers gate every apply.
"""

from __future__ import annotations

import os
from typing import Any

from orchestrator.config.ci_roles import SUBJECT_CLAIM_KEYS, apply_role_name
from orchestrator.doctor import Check
from orchestrator.errors import ConfigError
from orchestrator.github.api import GitHubApiError, GitHubContext, github_request

SUBJECT_TEMPLATE: dict[str, Any] = {"use_default": False, "include_claim_keys": list(SUBJECT_CLAIM_KEYS)}


def _subject_path(repository: str) -> str:
    return f"/repos/{repository}/actions/oidc/customization/sub"


def _describe_template(found: dict[str, Any]) -> str:
    keys = found.get("include_claim_keys")
    if found.get("use_default", True):
        return "GitHub's default (repo, context: environment or branch, never both)"
    if not keys:
        return "its organization's template"
    return "the claims " + ", ".join(str(k) for k in keys)


def subject_template_check(context: GitHubContext) -> Check:
    """Do the repository's OIDC tokens carry the subject the trusts expect?"""
    name = "github oidc sub"
    try:
        found: dict[str, Any] = github_request(context, "GET", _subject_path(context.repository)) or {}
    except GitHubApiError as error:
        return Check(
            name,
            False,
            f"cannot read {context.repository}'s OIDC subject template ({error}): the token needs read access to the repository",
        )
    if not found.get("use_default", True) and list(found.get("include_claim_keys") or []) == list(SUBJECT_CLAIM_KEYS):
        return Check(
            name,
            True,
            f"{context.repository}'s tokens name the environment and the branch (claims {', '.join(SUBJECT_CLAIM_KEYS)})",
        )
    return Check(
        name,
        False,
        f"{context.repository}'s OIDC subject template is {_describe_template(found)}; the CI roles trust only the claims "
        f"{', '.join(SUBJECT_CLAIM_KEYS)} (repo:{context.repository}:environment:<env>:ref:refs/heads/<branch>), so no workflow "
        "can assume them. Set it with `python -m orchestrator oidc-subject --apply` (a repository administrator's GITHUB_TOKEN)",
    )


def set_subject_template(context: GitHubContext) -> None:
    """Give the repository's OIDC tokens the subject the trusts expect (PUT, repository administration)."""
    github_request(context, "PUT", _subject_path(context.repository), SUBJECT_TEMPLATE)


def _environment_check(context: GitHubContext, environment: str, branch: str, role: str) -> Check:
    name = f"github env {environment}"
    base = f"/repos/{context.repository}/environments/{environment}"
    try:
        found: dict[str, Any] = github_request(context, "GET", base) or {}
    except GitHubApiError as error:
        if error.status == 404:
            return Check(
                name,
                False,
                f"{context.repository} has no environment '{environment}': the first job naming it creates it "
                f"unprotected, without reviewers for {role}. Create it with deployment branches "
                f"limited to '{branch}'",
            )
        return Check(
            name, False, f"cannot read it ({error}): the token needs read access to the repository's environments"
        )
    policy = found.get("deployment_branch_policy")
    if not policy:
        return Check(
            name,
            False,
            f"any branch may deploy to '{environment}' (the trust of {role} still refuses all but '{branch}'): limit its deployment branches to '{branch}'",
        )
    if policy.get("protected_branches"):
        return Check(name, True, f"only protected branches may deploy (keep '{branch}' the only protected one)")
    try:
        listed = github_request(context, "GET", f"{base}/deployment-branch-policies?per_page=100") or {}
    except GitHubApiError as error:
        return Check(name, False, f"cannot read its deployment branches ({error})")
    names = sorted(
        {str(p.get("name")) for p in listed.get("branch_policies", []) if p.get("type", "branch") == "branch"}
    )
    tags = sorted({str(p.get("name")) for p in listed.get("branch_policies", []) if p.get("type") == "tag"})
    if names == [branch] and not tags:
        return Check(name, True, f"only '{branch}' may deploy")
    return Check(
        name,
        False,
        f"deployment branches of '{environment}' are {names + [f'tag {t}' for t in tags]}: only '{branch}' may assume {role}",
    )


def _api_url() -> str:
    return os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")


def repositories(envs: list[Any]) -> list[str]:
    """The platform repositories of `envs`, each once, in order."""
    return list(dict.fromkeys(env.github.repository for env in envs))


def apply_branch_checks(envs: list[Any]) -> list[Check]:
    """The subject template of each repository, then one check per environment; without
    $GITHUB_TOKEN a warning says they were not run."""
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        return [
            Check(
                "github envs",
                False,
                "not checked: set GITHUB_TOKEN (repository read access) to check the OIDC subject template and each environment's deployment branches",
                required=False,
            )
        ]
    checks = [subject_template_check(GitHubContext(_api_url(), repository, token)) for repository in repositories(envs)]
    for env in envs:
        context = GitHubContext(_api_url(), env.github.repository, token)
        role = apply_role_name(env)
        checks.append(_environment_check(context, env.name, env.github.plan_branch, role))
    return checks


def subject_contexts(envs: list[Any]) -> list[GitHubContext]:
    """One API context per repository of `envs`; $GITHUB_TOKEN is required (exit 2 before any call)."""
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        raise ConfigError(
            [
                "GITHUB_TOKEN: not set (reading the template needs repository read access, --apply a repository administrator)"
            ]
        )
    return [GitHubContext(_api_url(), repository, token) for repository in repositories(envs)]
