"""The GitHub Actions roles of an account (bootstrap's modules/github-oidc) and the token subject they trust."""

from __future__ import annotations

from orchestrator.config import EnvConfig

# The claim keys of the subject the trusts expect, in order: modules/github-oidc's
# local.subject_claim_keys (a test compares the two).
SUBJECT_CLAIM_KEYS: tuple[str, ...] = ("repo", "context", "ref")


def plan_role_arn(env: EnvConfig) -> str:
    """The read-only role GitHub pull requests and the main branch assume (bootstrap's github-oidc module)."""
    return f"arn:{env.partition}:iam::{env.account_id}:role/{env.name_prefix}-github-plan"


def apply_role_arn(env: EnvConfig) -> str:
    """The role only jobs of GitHub environment `<env>` may assume."""
    return f"arn:{env.partition}:iam::{env.account_id}:role/{env.name_prefix}-github-apply"
