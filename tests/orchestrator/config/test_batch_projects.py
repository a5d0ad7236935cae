"""env.yaml `projects.<name>.serving` and `batch`: the values the model-hosting rules would refuse
are refused before any Terraform call (the twins of tests/orchestrator/config/test_module_rule_twins.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from orchestrator.config.schema import ProjectConfig


def test_serving_defaults_to_realtime_and_batch_to_a_nightly_schedule() -> None:
    project = ProjectConfig(repository="example-org/abalone-model")
    assert project.serving == "realtime" and project.batch.schedule_expression == "cron(0 2 * * ? *)"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"serving": "nightly"}, "Input should be 'realtime' or 'batch'"),
        ({"serving": "batch", "batch": {"schedule_expression": "every night"}}, "String should match pattern"),
        ({"serving": "batch", "batch": {"schedule_expression": "rate(0 hours)"}}, "String should match pattern"),
        ({"serving": "batch", "batch": {"schedule": "cron(0 2 * * ? *)"}}, "Extra inputs are not permitted"),
    ],
)
def test_bad_serving_and_schedules_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        ProjectConfig(repository="example-org/abalone-model", **fields)
