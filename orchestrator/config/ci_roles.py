"""The GitHub Actions roles of an account (bootstrap's modules/github-oidc, the projects' CI roles)
and the token subject they trust.

The naming rule is Terraform's modules/ci-role-names (every stack and module takes the names from
it); these functions follow it for the orchestrator, and tests/orchestrator/config/test_ci_roles.py
evaluates the module to show both give the same ARNs.
"""

from __future__ import annotations

from orchestrator.config import EnvConfig

# The claim keys of the subject the trusts expect, in order: modules/github-oidc's
# local.subject_claim_keys (a test compares the two).
SUBJECT_CLAIM_KEYS: tuple[str, ...] = ("repo", "context", "ref")


def _role_arn(env: EnvConfig, name: str) -> str:
    return f"arn:{env.partition}:iam::{env.account_id}:role/{name}"


def plan_role_arn(env: EnvConfig) -> str:
    """The read-only role GitHub pull requests and the main branch assume (bootstrap's github-oidc module)."""
    return _role_arn(env, f"{env.name_prefix}-github-plan")


def apply_role_arn(env: EnvConfig) -> str:
    """The role only jobs of GitHub environment `<env>` may assume."""
    return _role_arn(env, f"{env.name_prefix}-github-apply")


def project_ci_role_arn(env: EnvConfig, project: str) -> str:
    """A project's CI role (the projects stack's modules/mlops-project): its repository's workflows assume it."""
    return _role_arn(env, f"{env.name_prefix}-{project}-ci")
