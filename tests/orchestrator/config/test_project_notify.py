"""env.yaml `projects.<name>.notify`: the emails subscribed to the project's pipeline-events topic reach
the projects stack, and every mistake is named with file, field and value before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.config import load_envs
from orchestrator.errors import ConfigError
from orchestrator.stacks import STACKS
from tests.conftest import REPO_ROOT, write_env


def _envs(tmp_path: Path, notify: Any) -> Path:
    data = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    data["projects"]["abalone"]["notify"] = notify
    write_env(tmp_path, "dev", data)
    return tmp_path


def test_emails_reach_the_projects_stack_and_default_to_none(tmp_path: Path) -> None:
    dev = load_envs(["dev"], _envs(tmp_path, ["ml-abalone@example.org", "oncall@example.org"]))[0]
    projects = STACKS["projects"].inputs(dev)["projects"]
    assert projects["abalone"]["notify"] == ["ml-abalone@example.org", "oncall@example.org"]
    assert projects["rings"]["notify"] == []


@pytest.mark.parametrize(
    ("notify", "field", "words"),
    [
        (["oncall"], "projects.abalone.notify[0]", "'oncall' is not an email address"),
        (["a@x.org", "A@x.org"], "projects.abalone.notify", "a@x.org more than once"),
        ("a@x.org", "projects.abalone.notify", "list"),
        ([f"u{i}@x.org" for i in range(11)], "projects.abalone.notify", "at most 10"),
    ],
)
def test_mistakes_are_named_with_file_field_and_value(tmp_path: Path, notify: Any, field: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_envs(["dev"], _envs(tmp_path, notify))
    problems = caught.value.problems
    assert any("dev/env.yaml" in p and f"{field}:" in p and words in p for p in problems), problems
