"""env.yaml detective_controls: the switch's default per environment, when the stack runs, and the
values refused before any Terraform call."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from orchestrator.config.detective import DetectiveControlsConfig
from orchestrator.config.loader import load_envs
from orchestrator.stacks import stacks_for


def test_on_by_default_for_the_prod_target_only() -> None:
    default = DetectiveControlsConfig()
    assert default.is_enabled("target", "prod")
    assert not default.is_enabled("target", "staging")
    assert not default.is_enabled("dev", "prod")
    assert not default.runs_stack("target", "staging")


def test_switched_off_by_hand_still_runs_the_stack_to_destroy_what_it_made() -> None:
    off = DetectiveControlsConfig(enabled=False)
    assert not off.is_enabled("target", "prod")
    assert off.runs_stack("target", "prod") and off.runs_stack("dev", "dev")


def test_the_shipped_environments() -> None:
    stacks = {env.name: [s.name for s in stacks_for(env)] for env in load_envs(None)}
    assert "detective" in stacks["prod"]
    assert "detective" not in stacks["dev"] and "detective" not in stacks["staging"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"minimum_severity": "SEVERE"}, "minimum_severity"),
        ({"log_retention_days": 30}, "log_retention_days"),
        ({"enabled": "yes"}, "enabled"),
        ({"subscriptions": [{"protocol": "email", "endpoint": "https://example.org"}]}, "subscriptions"),
        ({"subscriptions": [{"protocol": "http", "endpoint": "http://example.org"}]}, "protocol"),
        ({"subscriptions": [{"protocol": "email", "endpoint": "a@example.org"}] * 2}, "subscriptions"),
        ({"log_readers": ["arn:aws:iam::333333333333:role/*"]}, "log_readers"),
        ({"trail": True}, "trail"),
    ],
)
def test_bad_values_are_refused(values: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        DetectiveControlsConfig.model_validate(values)
