"""The deploy workflow (``.github/workflows/deploy.yml``): what it may do, and that it can work.

Read as data: the dispatch event the dev account sends, permissions per job, the staging and prod
environments that the deploy roles' OIDC subjects name, prod after staging, one concurrency group
per stage, pinned actions, no stored keys, the event's values reaching scripts only through
``env:``, role ARNs built from repository variables, and ``handle-approval-event`` command lines
that the real parser (``abalone_deploy.approval_event.build_parser``) and input checks accept. The
event job's shell check is run with bash on good and hostile payloads. In the platform's own
repository the names are also compared with the Terraform that creates the roles and sends the
event (skipped elsewhere).
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
from abalone_deploy.approval_event import build_parser
from abalone_deploy.names import make_target, parse_package_arn

TESTS = Path(__file__).resolve().parent
# The seed keeps the workflow next to the package (model_deploy/.github); a project repository
# keeps it at its root, with this directory as model_deploy/.
WORKFLOW_CANDIDATES = (TESTS.parent / ".github/workflows/deploy.yml", TESTS.parents[1] / ".github/workflows/deploy.yml")
PLATFORM_ROOT = TESTS.parents[2]
CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials"
EVENT_TYPE = "model-approval"
STAGES = ("staging", "prod")
# The deploy roles' sessions last at most one hour (modules/model-hosting, max_session_duration).
SESSION_SECONDS = 3600

DEV, STAGING, PROD = "111111111111", "222222222222", "333333333333"
PACKAGE_ARN = f"arn:aws:sagemaker:eu-west-1:{DEV}:model-package/mlops-dev-abalone/7"
# What each expression a script's environment may come from stands for in these tests.
SAMPLE_VALUES = {
    "${{ vars.DEV_ACCOUNT_ID }}": DEV,
    "${{ vars.STAGING_ACCOUNT_ID }}": STAGING,
    "${{ vars.PROD_ACCOUNT_ID }}": PROD,
    "${{ vars.PLATFORM_PREFIX }}": "mlops",
    "${{ vars.PROJECT_NAME }}": "abalone",
    "${{ vars.AWS_REGION }}": "eu-west-1",
    "${{ github.event_name }}": "repository_dispatch",
    "${{ github.event.client_payload.model_package_arn || inputs.model_package_arn }}": PACKAGE_ARN,
    "${{ github.event.client_payload.status || inputs.status }}": "Rejected",
    "${{ github.event.client_payload.group }}": "mlops-dev-abalone",
    "${{ needs.event.outputs.model_package_arn }}": PACKAGE_ARN,
    "${{ needs.event.outputs.status }}": "Rejected",
}


def role_arn(stage: str) -> str:
    account = f"${{{{ vars.{stage.upper()}_ACCOUNT_ID }}}}"
    return f"arn:aws:iam::{account}:role/${{{{ vars.PLATFORM_PREFIX }}}}-{stage}-${{{{ vars.PROJECT_NAME }}}}-deploy"


# --- reading the workflow ---------------------------------------------------------------------


def workflow_path() -> Path:
    for path in WORKFLOW_CANDIDATES:
        if path.is_file():
            return path
    pytest.fail(f"deploy workflow not found; looked at {', '.join(map(str, WORKFLOW_CANDIDATES))}")


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


def needs(job: dict[str, Any]) -> set[str]:
    value = job.get("needs", [])
    return {value} if isinstance(value, str) else set(value)


def uses_action(job: dict[str, Any], action: str) -> bool:
    return any(str(step.get("uses", "")).startswith(f"{action}@") for step in steps(job))


def action_step(job: dict[str, Any], action: str) -> dict[str, Any]:
    found = [step for step in steps(job) if str(step.get("uses", "")).startswith(f"{action}@")]
    assert len(found) == 1, f"expected one {action} step, found {len(found)}"
    return found[0]


def scripts(job: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    for step in steps(job):
        if "run" in step:
            yield step, str(step["run"])


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


def stage_call(workflow: dict[str, Any], stage: str) -> tuple[dict[str, Any], list[str]]:
    calls = [
        (step, words)
        for step, script in scripts(jobs(workflow)[stage])
        for words in command_lines(script, "handle-approval-event")
    ]
    assert len(calls) == 1, f"job {stage}: one handle-approval-event call"
    return calls[0]


# --- triggers ---------------------------------------------------------------------------------


def test_it_runs_on_the_approval_event_and_by_hand(workflow: dict[str, Any]) -> None:
    on = triggers(workflow)
    assert set(on) == {"repository_dispatch", "workflow_dispatch"}
    assert on["repository_dispatch"] == {"types": [EVENT_TYPE]}
    inputs = on["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"model_package_arn", "status"}
    assert inputs["model_package_arn"]["required"] is True and inputs["model_package_arn"]["type"] == "string"
    assert inputs["status"]["required"] is True and inputs["status"]["type"] == "choice"
    assert inputs["status"]["options"] == ["Approved", "Rejected"]


# --- permissions, environments, order, concurrency ----------------------------------------------


def test_nothing_is_granted_by_default_and_each_job_asks_for_the_least(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {}
    for name, job in jobs(workflow).items():
        assert "permissions" in job, f"job {name} must state its permissions"
        if uses_action(job, CREDENTIALS_ACTION):
            assert job["permissions"] == {"id-token": "write", "contents": "read"}, name
        else:
            assert job["permissions"] in ({}, {"contents": "read"}), f"job {name} assumes no role: no id-token"
    assert jobs(workflow)["event"]["permissions"] == {}, "the event check needs nothing, not even the code"


def test_only_the_stage_jobs_assume_a_role_each_in_its_environment(workflow: dict[str, Any]) -> None:
    assuming = {name for name, job in jobs(workflow).items() if uses_action(job, CREDENTIALS_ACTION)}
    assert assuming == set(STAGES)
    for stage in STAGES:
        assert jobs(workflow)[stage]["environment"] == stage, "the deploy role's OIDC subject is environment:<stage>"


def test_prod_follows_staging_which_follows_the_checks(workflow: dict[str, Any]) -> None:
    staging, prod = jobs(workflow)["staging"], jobs(workflow)["prod"]
    assert needs(staging) == {"event", "test"}
    assert {"event", "staging"} <= needs(prod)
    assert "if" not in staging and "if" not in prod, "a stage runs only when everything before it succeeded"


def test_each_stage_deploys_one_event_at_a_time_and_never_cancels(workflow: dict[str, Any]) -> None:
    groups = []
    for stage in STAGES:
        concurrency = jobs(workflow)[stage]["concurrency"]
        assert concurrency["cancel-in-progress"] is False
        assert stage in concurrency["group"] and "${{" not in concurrency["group"]
        groups.append(concurrency["group"])
    assert len(set(groups)) == len(STAGES), "one group per stage"


def test_the_tests_run_offline_before_any_stage(workflow: dict[str, Any]) -> None:
    test = jobs(workflow)["test"]
    assert not uses_action(test, CREDENTIALS_ACTION) and "environment" not in test
    assert action_step(test, "actions/setup-python")["with"]["python-version"] == "3.11"
    runs = [str(step["run"]).strip() for step in steps(test) if "run" in step]
    assert "python -m pip install -e '.[test]'" in runs
    assert any(run.startswith("python -m pytest") for run in runs)


# --- credentials and the event's values ---------------------------------------------------------


def test_aws_credentials_come_from_oidc_only(workflow: dict[str, Any], text: str) -> None:
    assert "secrets." not in text, "no stored secrets: the roles are assumed with GitHub's OIDC token"
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


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_assumes_its_deploy_role_built_from_repository_variables(
    workflow: dict[str, Any], stage: str
) -> None:
    credentials = action_step(jobs(workflow)[stage], CREDENTIALS_ACTION)["with"]
    assert credentials["role-to-assume"] == role_arn(stage)
    assert "${{ github.run_id }}" in credentials["role-session-name"]
    assert credentials["aws-region"] == "${{ vars.AWS_REGION }}"
    assert int(credentials.get("role-duration-seconds", SESSION_SECONDS)) <= SESSION_SECONDS


def test_no_expression_is_pasted_into_a_script(workflow: dict[str, Any]) -> None:
    for name, job in jobs(workflow).items():
        for step, script in scripts(job):
            assert "${{" not in script, f"job {name}, step {step.get('name')!r}: pass values through env:"


def test_the_events_values_reach_only_the_event_checks_environment(workflow: dict[str, Any]) -> None:
    """Untrusted input (the dispatch payload, the manual inputs) enters one step, as env variables."""
    untrusted = re.compile(r"github\.event\.|inputs\.")
    places = {path for path, value in strings_with_path(jobs(workflow)) if untrusted.search(value)}
    assert places, "the workflow must read the event somewhere"
    assert all(re.fullmatch(r"\.event\.steps\[\d+\]\.env\.\w+", path) for path in places), sorted(places)


@pytest.mark.parametrize("stage", STAGES)
def test_the_stages_use_the_checked_values_only(workflow: dict[str, Any], stage: str) -> None:
    event = jobs(workflow)["event"]
    assert [step.get("id") for step in steps(event)].count("check") == 1
    assert event["outputs"] == {
        "model_package_arn": "${{ steps.check.outputs.model_package_arn }}",
        "status": "${{ steps.check.outputs.status }}",
    }
    step, _ = stage_call(workflow, stage)
    assert step["env"]["MODEL_PACKAGE_ARN"] == "${{ needs.event.outputs.model_package_arn }}"
    assert step["env"]["APPROVAL_STATUS"] == "${{ needs.event.outputs.status }}"


def test_actions_are_pinned_to_a_commit_with_its_version(text: str, workflow: dict[str, Any]) -> None:
    uses = [line.strip() for line in text.splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert uses
    for line in uses:
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), line
    for name, job in jobs(workflow).items():
        for step in steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"job {name}: keep the token out of .git"


# --- the commands -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_calls_handle_approval_event_with_options_it_accepts(workflow: dict[str, Any], stage: str) -> None:
    step, words = stage_call(workflow, stage)
    args = build_parser().parse_args(expand(words, sample_environment(step))[1:])
    assert args.stage == stage
    assert (args.status, args.model_package_arn) == ("Rejected", PACKAGE_ARN)
    assert (args.prefix, args.project, args.dev_account, args.region) == ("mlops", "abalone", DEV, "eu-west-1")
    target = make_target(args.prefix, args.stage, args.project, args.dev_account, args.region)
    parse_package_arn(target, args.model_package_arn)


@pytest.mark.parametrize("stage", STAGES)
def test_the_endpoint_wait_ends_within_the_roles_session(workflow: dict[str, Any], stage: str) -> None:
    step, words = stage_call(workflow, stage)
    args = build_parser().parse_args(expand(words, sample_environment(step))[1:])
    waited = args.wait_delay * args.wait_max_attempts
    assert waited <= SESSION_SECONDS - 15 * 60, f"{waited:.0f} s of waiting leaves too little of the one-hour session"
    assert jobs(workflow)[stage]["timeout-minutes"] <= SESSION_SECONDS // 60


# --- the event check, run ----------------------------------------------------------------------

GOOD_EVENT = {
    "EVENT_NAME": "repository_dispatch",
    "MODEL_PACKAGE_ARN": PACKAGE_ARN,
    "APPROVAL_STATUS": "Approved",
    "MODEL_PACKAGE_GROUP": "mlops-dev-abalone",
    "DEV_ACCOUNT_ID": DEV,
    "STAGING_ACCOUNT_ID": STAGING,
    "PROD_ACCOUNT_ID": PROD,
    "PLATFORM_PREFIX": "mlops",
    "PROJECT_NAME": "abalone",
    "AWS_REGION": "eu-west-1",
}


def run_event_check(workflow: dict[str, Any], tmp_path: Path, **changes: str) -> tuple[int, str, str]:
    """Run the event job's script with bash; return its exit code, its outputs and its stderr."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    check = next(step for step in steps(jobs(workflow)["event"]) if step.get("id") == "check")
    assert set(check["env"]) == set(GOOD_EVENT), "the test's event must set what the step sets"
    outputs = tmp_path / "outputs"
    outputs.write_text("")
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GITHUB_OUTPUT": str(outputs),
        **GOOD_EVENT,
        **changes,
    }
    done = subprocess.run(
        [bash, "-e", "-c", check["run"]], env=environment, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    return done.returncode, outputs.read_text(), done.stderr


@pytest.mark.parametrize(
    "changes",
    [{}, {"APPROVAL_STATUS": "Rejected"}, {"EVENT_NAME": "workflow_dispatch", "MODEL_PACKAGE_GROUP": ""}],
    ids=["approved", "rejected", "by-hand"],
)
def test_the_event_check_passes_the_platforms_event_on(
    workflow: dict[str, Any], tmp_path: Path, changes: dict[str, str]
) -> None:
    code, outputs, _ = run_event_check(workflow, tmp_path, **changes)
    status = changes.get("APPROVAL_STATUS", "Approved")
    assert code == 0
    assert outputs.splitlines() == [f"model_package_arn={PACKAGE_ARN}", f"status={status}"]


@pytest.mark.parametrize(
    "changes",
    [
        {"APPROVAL_STATUS": "PendingManualApproval"},
        {"APPROVAL_STATUS": "approved"},
        {"MODEL_PACKAGE_ARN": PACKAGE_ARN.replace("mlops-dev-abalone", "mlops-dev-other")},
        {"MODEL_PACKAGE_ARN": PACKAGE_ARN.replace(DEV, STAGING)},
        {"MODEL_PACKAGE_ARN": PACKAGE_ARN.replace("eu-west-1", "us-east-1")},
        {"MODEL_PACKAGE_ARN": PACKAGE_ARN.replace("/7", "")},
        {"MODEL_PACKAGE_ARN": f"{PACKAGE_ARN}\n::add-mask::x"},
        {"MODEL_PACKAGE_ARN": "$(touch pwned)"},
        {"MODEL_PACKAGE_GROUP": "mlops-dev-other"},
        {"MODEL_PACKAGE_GROUP": ""},
        {"PROD_ACCOUNT_ID": ""},
        {"PLATFORM_PREFIX": "mlops-x"},
    ],
    ids=[
        "pending",
        "lower-case-status",
        "other-group",
        "other-account",
        "other-region",
        "unversioned",
        "newline",
        "substitution",
        "payload-group",
        "no-group",
        "no-prod-account",
        "bad-prefix",
    ],
)
def test_the_event_check_stops_anything_else(workflow: dict[str, Any], tmp_path: Path, changes: dict[str, str]) -> None:
    code, outputs, stderr = run_event_check(workflow, tmp_path, **changes)
    assert code != 0 and outputs == ""
    assert not (tmp_path / "pwned").exists()
    assert not any(line.startswith("::") for line in stderr.splitlines()), "no workflow command from the event"


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
def test_the_event_is_the_one_the_dev_account_sends(workflow: dict[str, Any]) -> None:
    module = PLATFORM_ROOT / "modules/mlops-project/main.tf"
    assert triggers(workflow)["repository_dispatch"]["types"] == [hcl_string(module, "dispatch_event_type")]
    body = module.read_text(encoding="utf-8")
    paths = re.search(r"dispatch_input_paths\s*=\s*\{(.*?)\}", body, re.DOTALL)
    assert paths, "dispatch_input_paths not found"
    sent = set(re.findall(r"^\s*(\w+)\s*=", paths.group(1), re.MULTILINE))
    read = {field for _, value in strings_with_path(workflow) for field in re.findall(r"client_payload\.(\w+)", value)}
    assert read <= sent, f"the workflow reads client_payload fields the platform does not send: {read - sent}"
    assert {"model_package_arn", "status", "group"} <= read


@requires_platform
@pytest.mark.parametrize("stage", STAGES)
def test_the_roles_and_subjects_are_the_ones_the_platform_creates(workflow: dict[str, Any], stage: str) -> None:
    module = PLATFORM_ROOT / "modules/model-hosting/main.tf"
    stack = PLATFORM_ROOT / "envs/stacks/hosting/main.tf"
    names = re.search(r'deploy_role_names\s*=\s*\{[^}]*=>\s*"([^"]+)"', module.read_text(encoding="utf-8"))
    assert names, "deploy_role_names not found"
    name = names.group(1).replace("${var.name_prefix}", hcl_string(stack, "name_prefix"))
    as_workflow = (
        name.replace("${var.prefix}", "${{ vars.PLATFORM_PREFIX }}")
        .replace("${var.environment}", stage)
        .replace("${project}", "${{ vars.PROJECT_NAME }}")
    )
    account = f"${{{{ vars.{stage.upper()}_ACCOUNT_ID }}}}"
    assert role_arn(stage) == f"arn:aws:iam::{account}:role/{as_workflow}"
    assert ':environment:${var.stage}"' in module.read_text(encoding="utf-8")
    assert re.search(r"^\s*stage\s*=\s*var\.environment\s*$", stack.read_text(encoding="utf-8"), re.MULTILINE)
