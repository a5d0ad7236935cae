"""`doctor --target aws`: may only the protected branch obtain an environment's apply role?

The apply role of `<env>` trusts GitHub's OIDC tokens of jobs that name environment `<env>`
(`repo:<owner>/<repo>:environment:<env>`). GitHub's default token does not say which branch such a
job runs on, so the trust cannot pin the branch itself; the environment's deployment branch policy
does: it must exist and let only the protected `plan_branch` deploy. A missing environment is
created unprotected by the first job that names it.
"""

from __future__ import annotations

import os
from typing import Any

from orchestrator.doctor import Check
from orchestrator.pr_comment import GitHubApiError, GitHubContext, github_request


def _environment_check(context: GitHubContext, environment: str, branch: str, role: str) -> Check:
    name = f"github env {environment}"
    base = f"/repos/{context.repository}/environments/{environment}"
    try:
        found: dict[str, Any] = github_request(context, "GET", base) or {}
    except GitHubApiError as error:
        if error.status == 404:
            return Check(name, False, f"{context.repository} has no environment '{environment}': the first job naming it creates it "
                                      f"unprotected, and a job of any branch could assume {role}. Create it with deployment branches "
                                      f"limited to '{branch}'")
        return Check(name, False, f"cannot read it ({error}): the token needs read access to the repository's environments")
    policy = found.get("deployment_branch_policy")
    if not policy:
        return Check(name, False, f"any branch may deploy to '{environment}' and assume {role}: limit its deployment branches to '{branch}'")
    if policy.get("protected_branches"):
        return Check(name, True, f"only protected branches may deploy (keep '{branch}' the only protected one)")
    try:
        listed = github_request(context, "GET", f"{base}/deployment-branch-policies?per_page=100") or {}
    except GitHubApiError as error:
        return Check(name, False, f"cannot read its deployment branches ({error})")
    names = sorted({str(p.get("name")) for p in listed.get("branch_policies", []) if p.get("type", "branch") == "branch"})
    tags = sorted({str(p.get("name")) for p in listed.get("branch_policies", []) if p.get("type") == "tag"})
    if names == [branch] and not tags:
        return Check(name, True, f"only '{branch}' may deploy")
    return Check(name, False, f"deployment branches of '{environment}' are {names + [f'tag {t}' for t in tags]}: only '{branch}' may assume {role}")


def apply_branch_checks(envs: list[Any]) -> list[Check]:
    """One check per environment; without $GITHUB_TOKEN a warning says they were not run."""
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        return [Check("github envs", False, "not checked: set GITHUB_TOKEN (repository read access) to check each environment's deployment branches", required=False)]
    api_url = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    checks = []
    for env in envs:
        context = GitHubContext(api_url, env.github.repository, token)
        role = f"{env.name_prefix}-github-apply"
        checks.append(_environment_check(context, env.name, env.github.plan_branch, role))
    return checks
