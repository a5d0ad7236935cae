"""The build workflow (``.github/workflows/build.yml``): what it may do, and that it can work.

Read as data: triggers, permissions per job, the GitHub environment that the CI role's OIDC subject
names, the concurrency group, pinned actions, no stored keys, no expression inside a script, the
role ARN built from repository variables, and a ``run-pipeline`` command line that the real
parser (``abalone_build.run_pipeline.build_parser``) accepts. In the platform's own repository the
names are also compared with the Terraform that creates the role (skipped elsewhere).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from abalone_build.pipeline import validate_project
from abalone_build.run_pipeline import build_parser

TESTS = Path(__file__).resolve().parent
# The seed keeps the workflow next to the package (model_build/.github); a project repository
# keeps it at its root, with this directory as model_build/.
WORKFLOW_CANDIDATES = (TESTS.parent / ".github/workflows/build.yml", TESTS.parents[1] / ".github/workflows/build.yml")
PLATFORM_ROOT = TESTS.parents[2]
CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials"
CI_ROLE_ARN = "arn:aws:iam::${{ vars.DEV_ACCOUNT_ID }}:role/${{ vars.PLATFORM_PREFIX }}-dev-${{ vars.PROJECT_NAME }}-ci"
# What each expression a script's environment may come from stands for in these tests.
SAMPLE_VALUES = {
    "${{ vars.DEV_ACCOUNT_ID }}": "111111111111",
    "${{ vars.PLATFORM_PREFIX }}": "mlops",
    "${{ vars.PROJECT_NAME }}": "abalone",
    "${{ vars.AWS_REGION }}": "eu-west-1",
}


# --- reading the workflow ---------------------------------------------------------------------


def workflow_path() -> Path:
    for path in WORKFLOW_CANDIDATES:
        if path.is_file():
            return path
    pytest.fail(f"build workflow not found; looked at {', '.join(map(str, WORKFLOW_CANDIDATES))}")


@pytest.fixture(scope="module")
def text() -> str:
    return workflow_path().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workflow(text: str) -> dict[str, Any]:
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, dict), "the workflow is not a YAML mapping"
    return loaded


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """YAML 1.1 reads the key ``on`` as the boolean True."""
    found = workflow.get("on", workflow.get(True))
    assert isinstance(found, dict), "`on:` must be a mapping of events"
    return found


def jobs(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return workflow["jobs"]


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def uses_action(job: dict[str, Any], action: str) -> bool:
    return any(str(step.get("uses", "")).startswith(f"{action}@") for step in steps(job))


def action_step(job: dict[str, Any], action: str) -> dict[str, Any]:
    found = [step for step in steps(job) if str(step.get("uses", "")).startswith(f"{action}@")]
    assert len(found) == 1, f"expected one {action} step, found {len(found)}"
    return found[0]


def scripts(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    for name, job in jobs(workflow).items():
        for step in steps(job):
            if "run" in step:
                yield name, step, str(step["run"])


def command_lines(script: str, program: str) -> list[list[str]]:
    """The shell words of each line of ``script`` that calls ``program`` (continuations joined)."""
    joined = re.sub(r"\\\n\s*", " ", script)
    return [
        words for line in joined.splitlines() if (words := shlex.split(line, comments=True)) and words[0] == program
    ]


def expand(words: list[str], environment: dict[str, str]) -> list[str]:
    """Replace ``$NAME`` / ``${NAME}`` by the value; a variable the step does not define fails."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        assert name in environment, f"${name} is used but not set in the step's env"
        return environment[name]

    return [re.sub(r"\$(?:\{(\w+)\}|(\w+))", value, word) for word in words]


def sample_environment(step: dict[str, Any]) -> dict[str, str]:
    """The step's ``env:`` with each expression replaced by its sample value."""
    environment = {}
    for name, expression in step.get("env", {}).items():
        assert expression in SAMPLE_VALUES, f"env {name}: {expression!r} is not a known source"
        environment[name] = SAMPLE_VALUES[expression]
    return environment


def strings_with_path(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings_with_path(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings_with_path(value, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


# --- triggers, permissions, environment, concurrency ----------------------------------------


def test_it_runs_on_pushes_to_main_and_by_hand_only(workflow: dict[str, Any]) -> None:
    on = triggers(workflow)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}


def test_nothing_is_granted_by_default_and_each_job_asks_for_the_least(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {}
    for name, job in jobs(workflow).items():
        assert "permissions" in job, f"job {name} must state its permissions"
        if uses_action(job, CREDENTIALS_ACTION):
            assert job["permissions"] == {"id-token": "write", "contents": "read"}, name
        else:
            assert job["permissions"] in ({}, {"contents": "read"}), f"job {name} assumes no role: no id-token"


def test_the_tests_run_first_and_offline(workflow: dict[str, Any]) -> None:
    test, build = jobs(workflow)["test"], jobs(workflow)["build"]
    assert build["needs"] in ("test", ["test"])
    assert not uses_action(test, CREDENTIALS_ACTION) and "environment" not in test
    assert action_step(test, "actions/setup-python")["with"]["python-version"] == "3.11"
    runs = [str(step["run"]).strip() for step in steps(test) if "run" in step]
    assert "python -m pip install -e '.[test]'" in runs
    assert any(run.startswith("python -m pytest") for run in runs)


def test_the_build_job_runs_in_the_environment_the_ci_role_trusts(workflow: dict[str, Any]) -> None:
    for name, job in jobs(workflow).items():
        if uses_action(job, CREDENTIALS_ACTION):
            assert job.get("environment") == "build", f"job {name}: the CI role's OIDC subject is environment:build"


def test_two_builds_never_run_the_pipeline_at_once(workflow: dict[str, Any]) -> None:
    concurrency = jobs(workflow)["build"]["concurrency"]
    assert concurrency["cancel-in-progress"] is False
    assert "${{" not in concurrency["group"], "the group must be the same for every run"


# --- credentials --------------------------------------------------------------------------------


def test_aws_credentials_come_from_oidc_only(workflow: dict[str, Any], text: str) -> None:
    assert "secrets." not in text, "no stored secrets: the role is assumed with GitHub's OIDC token"
    for name, job in jobs(workflow).items():
        for step in steps(job):
            keys = set(step.get("with", {})) | set(step.get("env", {}))
            assert not keys & {
                "aws-access-key-id",
                "aws-secret-access-key",
                "aws-session-token",
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
            }, name


def test_the_ci_role_is_built_from_repository_variables(workflow: dict[str, Any]) -> None:
    credentials = action_step(jobs(workflow)["build"], CREDENTIALS_ACTION)["with"]
    assert credentials["role-to-assume"] == CI_ROLE_ARN
    assert "${{ github.run_id }}" in credentials["role-session-name"]
    assert credentials["aws-region"] == "${{ vars.AWS_REGION }}"


def test_no_expression_is_pasted_into_a_script(workflow: dict[str, Any]) -> None:
    for name, step, script in scripts(workflow):
        assert "${{" not in script, f"job {name}, step {step.get('name')!r}: pass values through env:"
    event_uses = [path for path, value in strings_with_path(workflow) if "github.event" in value]
    assert event_uses == [], f"the build reads nothing from the event: {event_uses}"


def test_actions_are_pinned_to_a_commit_with_its_version(text: str, workflow: dict[str, Any]) -> None:
    uses = [line.strip() for line in text.splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert uses
    for line in uses:
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), line
    for name, job in jobs(workflow).items():
        for step in steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"job {name}: keep the token out of .git"


# --- the command --------------------------------------------------------------------------------


def test_run_pipeline_is_called_with_options_it_accepts(workflow: dict[str, Any]) -> None:
    calls = [
        (step, words) for name, step, script in scripts(workflow) for words in command_lines(script, "run-pipeline")
    ]
    assert len(calls) == 1, "one run-pipeline call"
    step, words = calls[0]
    args = build_parser().parse_args(expand(words, sample_environment(step))[1:])
    assert (args.prefix, args.env, args.project, args.region) == ("mlops", "dev", "abalone", "eu-west-1")
    assert args.dry_run is False and args.input_data is None and args.upload_data is None
    validate_project(args.project)


def test_a_missing_or_bad_variable_stops_the_build_before_aws(workflow: dict[str, Any]) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    build = jobs(workflow)["build"]
    check = next(step for step in steps(build) if step.get("name") == "Check the repository variables")
    assert steps(build).index(check) < steps(build).index(action_step(build, CREDENTIALS_ACTION))
    good = sample_environment(check)

    def run(**changes: str) -> int:
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **good, **changes}
        return subprocess.run([bash, "-c", check["run"]], env=environment, capture_output=True, check=False).returncode

    assert run() == 0
    for name in good:
        assert run(**{name: ""}) != 0, f"an empty {name} must stop the build"
    assert run(DEV_ACCOUNT_ID="11111111111x") != 0
    assert run(PROJECT_NAME="Abalone") != 0


# --- the platform side (only in the platform's repository) ----------------------------------------

requires_platform = pytest.mark.skipif(
    not (PLATFORM_ROOT / "modules/mlops-project/main.tf").is_file(),
    reason="the platform's Terraform is not in this repository",
)


def hcl_string(path: Path, name: str) -> str:
    """The quoted value of ``name = "..."`` in a Terraform file (first match)."""
    match = re.search(rf'^\s*{re.escape(name)}\s*=\s*"([^"\n]*)"', path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f'{name} = "..." not found in {path}'
    return match.group(1)


@requires_platform
def test_the_role_name_is_the_one_the_platform_creates(workflow: dict[str, Any]) -> None:
    # The platform's one naming rule for the GitHub Actions roles (modules/ci-role-names), which
    # mlops-project calls with its name_prefix and the project's name.
    rules = (PLATFORM_ROOT / "modules/ci-role-names/main.tf").read_text(encoding="utf-8")
    rule = re.search(
        r'project_ci_role_names\s*=\s*\{\s*for (\w+) in var\.project_names\s*:\s*\1\s*=>\s*"([^"]+)"', rules
    )
    assert rule, "the project CI role's naming rule is not in modules/ci-role-names/main.tf"
    module = (PLATFORM_ROOT / "modules/mlops-project/main.tf").read_text(encoding="utf-8")
    assert re.search(r"project_names\s*=\s*\[var\.project_name\]", module), "mlops-project names its own project"
    stack = PLATFORM_ROOT / "envs/stacks/projects/main.tf"
    name = rule.group(2).replace(f"${{{rule.group(1)}}}", "${var.project_name}")
    name = name.replace("${var.name_prefix}", hcl_string(stack, "name_prefix"))
    as_workflow = (
        name.replace("${var.prefix}", "${{ vars.PLATFORM_PREFIX }}")
        .replace("${var.environment}", "dev")
        .replace("${var.project_name}", "${{ vars.PROJECT_NAME }}")
    )
    assert CI_ROLE_ARN == f"arn:aws:iam::${{{{ vars.DEV_ACCOUNT_ID }}}}:role/{as_workflow}"


@requires_platform
def test_the_environment_is_the_one_the_ci_role_trusts(workflow: dict[str, Any]) -> None:
    module = PLATFORM_ROOT / "modules/mlops-project"
    assert hcl_string(module / "main.tf", "ci_subject").endswith(":environment:${var.github_environment_build}")
    variables = (module / "variables.tf").read_text(encoding="utf-8")
    block = variables[variables.index('variable "github_environment_build"') :]
    default = re.search(r'default\s*=\s*"([^"]+)"', block)
    assert default and jobs(workflow)["build"]["environment"] == default.group(1)
