"""The GitHub Actions roles of an account (bootstrap's modules/github-oidc, the projects' CI roles)
and the token subject they trust.

The naming rule is Terraform's modules/ci-role-names (every stack and module takes the names from
it); these functions follow it for the orchestrator, and tests/orchestrator/config/test_ci_roles.py
evaluates the module to show both give the same ARNs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orchestrator.config.schema import EnvConfig

# The two roles bootstrap creates in every account, named <name_prefix>-<role> (modules/ci-role-names'
# plan_role_name and apply_role_name); the apply role's inline policies are <its name>-read-state and
# <its name>-manage (modules/github-oidc).
PLAN_ROLE = "github-plan"
APPLY_ROLE = "github-apply"
CI_ROLES = (PLAN_ROLE, APPLY_ROLE)

# The claim keys of the subject the trusts expect, in order: modules/github-oidc's
# local.subject_claim_keys (a test compares the two).
SUBJECT_CLAIM_KEYS: tuple[str, ...] = ("repo", "context", "ref")


def _role_arn(env: EnvConfig, name: str) -> str:
    return f"arn:{env.partition}:iam::{env.account_id}:role/{name}"


def plan_role_name(env: EnvConfig) -> str:
    return f"{env.name_prefix}-{PLAN_ROLE}"


def apply_role_name(env: EnvConfig) -> str:
    return f"{env.name_prefix}-{APPLY_ROLE}"


def plan_role_arn(env: EnvConfig) -> str:
    """The read-only role GitHub pull requests and the main branch assume (bootstrap's github-oidc module)."""
    return _role_arn(env, plan_role_name(env))


def apply_role_arn(env: EnvConfig) -> str:
    """The role only jobs of GitHub environment `<env>` may assume."""
    return _role_arn(env, apply_role_name(env))


def project_ci_role_arn(env: EnvConfig, project: str) -> str:
    """A project's CI role (the projects stack's modules/mlops-project): its repository's workflows assume it."""
    return _role_arn(env, f"{env.name_prefix}-{project}-ci")
