"""A plan that changes the boundaries or the guardrails is refused before anything is applied when
the credentials at hand cannot change them (a GitHub CI role's session on AWS)."""

from __future__ import annotations

from orchestrator.commands import _not_administrable
from orchestrator.config import EnvConfig, load_env
from orchestrator.outcome import StackOutcome
from orchestrator.stacks import STACKS
from tests.orchestrator.terraform.test_workspace import FakeTarget


class CiSession(FakeTarget):
    def can_administer(self, env: EnvConfig) -> bool:
        return False


def _planned(address: str) -> StackOutcome:
    return StackOutcome("dev", "identity", "plan", result="changes", change=1, changes=[("update", address)])


def test_a_ci_session_is_refused_a_plan_that_changes_the_guardrails_naming_them_and_the_way_out() -> None:
    refused = _not_administrable(
        CiSession(),
        load_env("dev"),
        STACKS["identity"],
        _planned("module.stack.module.identity.aws_iam_policy.guardrails"),
    )
    assert refused is not None and refused.result == "failed"
    assert "module.stack.module.identity.aws_iam_policy.guardrails" in refused.error
    assert "arn:aws:iam::111111111111:role/mlops-dev-deploy" in refused.error and "Nothing was applied" in refused.error


def test_other_plans_and_targets_that_can_administer_go_on() -> None:
    env, stack = load_env("dev"), STACKS["identity"]
    assert (
        _not_administrable(CiSession(), env, stack, _planned("module.stack.module.identity.aws_iam_role.persona"))
        is None
    )
    assert (
        _not_administrable(FakeTarget(), env, stack, _planned("module.stack.module.identity.aws_iam_policy.guardrails"))
        is None
    )
