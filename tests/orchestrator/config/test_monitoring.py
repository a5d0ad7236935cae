"""monitoring: of a target env.yaml: defaults, what the hosting stack receives, and every mistake named
with file, field and value before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.config import load_envs
from orchestrator.config.monitoring import MonitoringConfig
from orchestrator.errors import ConfigError
from orchestrator.stacks import STACKS
from tests.conftest import REPO_ROOT, write_env


def _envs(tmp_path: Path, staging: dict[str, Any] | None = None, dev: dict[str, Any] | None = None) -> Path:
    for name, changes in (("dev", dev or {}), ("staging", staging or {})):
        data = yaml.safe_load((REPO_ROOT / "envs" / name / "env.yaml").read_text())
        write_env(tmp_path, name, data | changes)
    return tmp_path


def _problems(envs: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_envs(["dev", "staging"], envs)
    return caught.value.problems


def test_defaults_reach_the_hosting_stack(tmp_path: Path) -> None:
    staging = next(e for e in load_envs(["dev", "staging"], _envs(tmp_path)) if e.name == "staging")
    inputs = STACKS["hosting"].inputs(staging)["monitoring"]
    assert inputs == {"settings": MonitoringConfig().settings(), "notification_emails": []}
    assert inputs["settings"]["scaling"] == {
        "min_instances": 1,
        "max_instances": 2,
        "target_invocations_per_instance": 100,
    }


def test_given_values_reach_the_hosting_stack(tmp_path: Path) -> None:
    monitoring = {
        "schedule_expression": "cron(0 */6 ? * * *)",
        "alarms": {"max_model_latency_ms": 250},
        "scaling": {"min_instances": 2, "max_instances": 4},
        "notification_emails": ["ml-oncall@example.org"],
    }
    staging = next(
        e for e in load_envs(["dev", "staging"], _envs(tmp_path, {"monitoring": monitoring})) if e.name == "staging"
    )
    inputs = STACKS["hosting"].inputs(staging)["monitoring"]
    assert inputs["notification_emails"] == ["ml-oncall@example.org"]
    assert inputs["settings"]["schedule_expression"] == "cron(0 */6 ? * * *)"
    assert inputs["settings"]["alarms"] == {"max_5xx_errors": 5, "max_model_latency_ms": 250, "max_feature_drift": 0.2}


@pytest.mark.parametrize(
    ("monitoring", "field", "words"),
    [
        ({"schedule_expression": "rate(1 hour)"}, "monitoring.schedule_expression", "is not a Model Monitor schedule"),
        ({"schedule_expression": "cron(30 * ? * * *)"}, "monitoring.schedule_expression", "cron(0 * ? * * *)"),
        ({"scaling": {"min_instances": 3, "max_instances": 2}}, "monitoring.scaling", "below min_instances 3"),
        ({"scaling": {"max_instances": 21}}, "monitoring.scaling.max_instances", "20"),
        ({"alarms": {"max_feature_drift": 1.5}}, "monitoring.alarms.max_feature_drift", "1"),
        ({"notification_emails": ["oncall"]}, "monitoring.notification_emails[0]", "is not an email address"),
        ({"notification_emails": ["a@x.org", "A@x.org"]}, "monitoring.notification_emails", "a@x.org more than once"),
        ({"alarm": {}}, "monitoring.alarm", "unknown field"),
    ],
)
def test_mistakes_are_named_with_file_field_and_value(
    tmp_path: Path, monitoring: dict[str, Any], field: str, words: str
) -> None:
    problems = _problems(_envs(tmp_path, {"monitoring": monitoring}))
    assert any("envs/staging/env.yaml" in p or "staging/env.yaml" in p for p in problems), problems
    assert any(f"{field}:" in p and words in p for p in problems), problems


def test_a_dev_environment_has_no_monitoring(tmp_path: Path) -> None:
    problems = _problems(_envs(tmp_path, dev={"monitoring": {}}))
    assert any("dev/env.yaml: monitoring:" in p and "kind 'target'" in p for p in problems), problems
