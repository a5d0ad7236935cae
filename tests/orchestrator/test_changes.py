"""Change detection maps changed files to exactly the stacks they can affect."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from orchestrator.changes import affected_stacks, changed_files_since, footprint
from orchestrator.config import load_envs
from orchestrator.errors import ConfigError
from orchestrator.stacks import STACKS, stacks_for


@pytest.fixture(scope="module")
def selection() -> list:
    return [(env, stacks_for(env)) for env in load_envs(None)]


def _selected(files: list[str], selection: list) -> list[str]:
    return sorted(affected_stacks(files, selection).reasons)


def test_footprints_follow_module_sources_and_path_module_strings() -> None:
    assert footprint(STACKS["identity"].source.resolve()) == frozenset({"envs/stacks/identity", "modules/identity"})
    platform = footprint(STACKS["platform"].source.resolve())
    assert {
        "modules/sagemaker-studio",
        "modules/project-templates",
        "modules/s3-bucket",
        "templates/sagemaker-projects",
    } <= platform


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["modules/identity/main.tf"], ["dev/identity"]),
        (["modules/network/variables.tf"], ["dev/foundation", "prod/hosting", "staging/hosting"]),
        (
            ["modules/s3-bucket/main.tf"],
            ["dev/foundation", "dev/platform", "dev/projects", "prod/detective", "prod/hosting", "staging/hosting"],
        ),
        (["templates/sagemaker-projects/model-build.yaml"], ["dev/platform"]),
        (["envs/stacks/projects/main.tf"], ["dev/projects"]),
        (["envs/staging/env.yaml"], ["staging/hosting"]),
        (["modules/detective-controls/main.tf"], ["prod/detective"]),
        (
            ["orchestrator/engine.py"],
            [
                "dev/foundation",
                "dev/identity",
                "dev/platform",
                "dev/projects",
                "prod/detective",
                "prod/hosting",
                "staging/hosting",
            ],
        ),
    ],
)
def test_a_change_selects_the_stacks_built_from_it(selection: list, files: list[str], expected: list[str]) -> None:
    assert _selected(files, selection) == expected


def test_documentation_tests_and_seed_code_select_nothing(selection: list) -> None:
    files = [
        "README.md",
        "modules/identity/README.md",
        "envs/stacks/README.md",
        "tests/orchestrator/test_graph.py",
        "seed_code/model_build/pipelines/abalone_build/pipeline.py",
        ".ci/run",
        "benchmarks/README.md",
    ]
    assert _selected(files, selection) == []


def test_reasons_name_the_first_file_that_selected_a_stack(selection: list) -> None:
    affected = affected_stacks(["modules/kms/main.tf", "modules/network/main.tf"], selection)
    assert affected.reasons["dev/foundation"] == "modules/kms/main.tf"
    assert affected.stacks["dev"] == ["foundation"] and affected.stacks["staging"] == ["hosting"]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def test_changed_files_include_commits_edits_and_new_files_since_the_ref(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "base")
    (tmp_path / "committed.tf").write_text("# a\n")
    _git(tmp_path, "add", "committed.tf")
    _git(tmp_path, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "-m", "change")
    (tmp_path / "committed.tf").write_text("# b\n")
    (tmp_path / "new.tf").write_text("# new\n")
    assert changed_files_since("HEAD~1", tmp_path) == ["committed.tf", "new.tf"]
    with pytest.raises(ConfigError, match="--changed-since: git cannot compare with 'no-such-ref'"):
        changed_files_since("no-such-ref", tmp_path)
