"""The deploy workflow (``.github/workflows/deploy.yml``): what it may do, and that it can work.

Read as data: the dispatch event the dev account sends, permissions per job, the staging and prod
environments that the deploy roles' OIDC subjects name, the waves (staging canary, staging rest,
prod canary, prod rest; a skipped rest does not stop prod), one concurrency group per stage and
account, pinned actions, no stored keys, the event's values reaching scripts only through
``env:``, role ARNs built from the checked accounts and repository variables, and
``handle-approval-event`` command lines that the real parser
(``abalone_deploy.approval_event.build_parser``) and input checks accept. The event job's shell
check is run with bash (and jq) on good and hostile payloads and targets. In the platform's own
repository the names are also compared with the Terraform that creates the roles and sends the
event (skipped elsewhere).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
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
MATRIX_ACCOUNT = "${{ matrix.account }}"
# Deploy job -> its stage and the account it deploys to: a canary's from the event job, a rest's
# from its matrix (made of the event job's output).
DEPLOY_JOBS = {
    "staging-canary": ("staging", "${{ needs.event.outputs.staging_canary }}"),
    "staging-rest": ("staging", MATRIX_ACCOUNT),
    "prod-canary": ("prod", "${{ needs.event.outputs.prod_canary }}"),
    "prod-rest": ("prod", MATRIX_ACCOUNT),
}
REST_JOBS = ("staging-rest", "prod-rest")
TARGET_OUTPUTS = tuple(f"{stage}_{name}" for stage in STAGES for name in ("canary", "rest", "max_parallel"))
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


def role_arn(stage: str, account: str) -> str:
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


def stage_call(workflow: dict[str, Any], job: str) -> tuple[dict[str, Any], list[str]]:
    calls = [
        (step, words)
        for step, script in scripts(jobs(workflow)[job])
        for words in command_lines(script, "handle-approval-event")
    ]
    assert len(calls) == 1, f"job {job}: one handle-approval-event call"
    return calls[0]


# --- triggers ---------------------------------------------------------------------------------


def test_it_runs_on_the_approval_event_and_by_hand(workflow: dict[str, Any]) -> None:
    on = triggers(workflow)
    assert set(on) == {"repository_dispatch", "workflow_dispatch"}
    assert on["repository_dispatch"] == {"types": [EVENT_TYPE]}
    inputs = on["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"model_package_arn", "status", "targets"}
    assert inputs["targets"]["required"] is False and inputs["targets"]["default"] == ""
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


def test_only_the_deploy_jobs_assume_a_role_each_in_its_stages_environment(workflow: dict[str, Any]) -> None:
    assuming = {name for name, job in jobs(workflow).items() if uses_action(job, CREDENTIALS_ACTION)}
    assert assuming == set(DEPLOY_JOBS)
    for name, (stage, _) in DEPLOY_JOBS.items():
        assert jobs(workflow)[name]["environment"] == stage, "the deploy role's OIDC subject is environment:<stage>"


def test_the_waves_follow_each_other_and_the_checks(workflow: dict[str, Any]) -> None:
    graph = {name: needs(job) for name, job in jobs(workflow).items()}
    assert graph == {
        "event": set(),
        "test": set(),
        "staging-canary": {"event", "test"},
        "staging-rest": {"event", "staging-canary"},
        "prod-canary": {"event", "staging-canary", "staging-rest"},
        "prod-rest": {"event", "prod-canary"},
    }
    assert "if" not in jobs(workflow)["staging-canary"], "the staging canary runs only when the checks succeeded"


def test_a_rest_runs_its_matrix_of_checked_accounts_fail_fast(workflow: dict[str, Any]) -> None:
    for name in REST_JOBS:
        stage = DEPLOY_JOBS[name][0]
        assert jobs(workflow)[name]["strategy"] == {
            "fail-fast": True,
            "max-parallel": f"${{{{ fromJSON(needs.event.outputs.{stage}_max_parallel) }}}}",
            "matrix": {"account": f"${{{{ fromJSON(needs.event.outputs.{stage}_rest) }}}}"},
        }
        assert f"needs.event.outputs.{stage}_rest != '[]'" in jobs(workflow)[name]["if"], "an empty matrix is skipped"


def test_each_account_deploys_one_event_at_a_time_and_never_cancels(workflow: dict[str, Any]) -> None:
    for name, (stage, account) in DEPLOY_JOBS.items():
        concurrency = jobs(workflow)[name]["concurrency"]
        assert concurrency == {"group": f"model-deploy-{stage}-{account}", "cancel-in-progress": False}, name


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


@pytest.mark.parametrize("job", DEPLOY_JOBS)
def test_each_job_assumes_the_deploy_role_of_its_checked_account(workflow: dict[str, Any], job: str) -> None:
    credentials = action_step(jobs(workflow)[job], CREDENTIALS_ACTION)["with"]
    assert credentials["role-to-assume"] == role_arn(*DEPLOY_JOBS[job])
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


@pytest.mark.parametrize("job", DEPLOY_JOBS)
def test_the_stages_use_the_checked_values_only(workflow: dict[str, Any], job: str) -> None:
    event = jobs(workflow)["event"]
    assert [step.get("id") for step in steps(event)].count("check") == 1
    assert event["outputs"] == {
        name: f"${{{{ steps.check.outputs.{name} }}}}" for name in ("model_package_arn", "status", *TARGET_OUTPUTS)
    }
    step, _ = stage_call(workflow, job)
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


@pytest.mark.parametrize("job", DEPLOY_JOBS)
def test_each_job_calls_handle_approval_event_with_options_it_accepts(workflow: dict[str, Any], job: str) -> None:
    step, words = stage_call(workflow, job)
    args = build_parser().parse_args(expand(words, sample_environment(step))[1:])
    assert args.stage == DEPLOY_JOBS[job][0]
    assert (args.status, args.model_package_arn) == ("Rejected", PACKAGE_ARN)
    assert (args.prefix, args.project, args.dev_account, args.region) == ("mlops", "abalone", DEV, "eu-west-1")
    target = make_target(args.prefix, args.stage, args.project, args.dev_account, args.region)
    parse_package_arn(target, args.model_package_arn)


@pytest.mark.parametrize("job", DEPLOY_JOBS)
def test_the_endpoint_wait_ends_within_the_roles_session(workflow: dict[str, Any], job: str) -> None:
    step, words = stage_call(workflow, job)
    args = build_parser().parse_args(expand(words, sample_environment(step))[1:])
    waited = args.wait_delay * args.wait_max_attempts
    assert waited <= SESSION_SECONDS - 15 * 60, f"{waited:.0f} s of waiting leaves too little of the one-hour session"
    assert jobs(workflow)[job]["timeout-minutes"] <= SESSION_SECONDS // 60


# --- the event check, run ----------------------------------------------------------------------

GOOD_EVENT = {
    "EVENT_NAME": "repository_dispatch",
    "MODEL_PACKAGE_ARN": PACKAGE_ARN,
    "APPROVAL_STATUS": "Approved",
    "MODEL_PACKAGE_GROUP": "mlops-dev-abalone",
    # toJSON of a payload without targets (an older platform, or a manual run).
    "PAYLOAD_TARGETS": "null",
    "INPUT_TARGETS": "",
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
    if bash is None or shutil.which("jq") is None:
        pytest.skip("bash or jq is not installed (GitHub's ubuntu runners have both)")
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
    assert outputs.splitlines() == [
        f"model_package_arn={PACKAGE_ARN}",
        f"status={status}",
        *target_lines(staging=(STAGING, [], 1), prod=(PROD, [], 1)),
    ], "without targets: the repository variables' one account per stage"


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


# --- the targets: where each stage deploys, checked like every other event value ----------------

ACCOUNTS = [f"4000000000{n:02d}" for n in range(1, 6)]


def targets(**stages: tuple[str, list[str], Any]) -> str:
    """client_payload.targets as the platform sends it (``toJSON`` of it, as the step receives it)."""
    plan = {
        stage: {"canary": canary, "rest": rest, "max_parallel": most} for stage, (canary, rest, most) in stages.items()
    }
    return json.dumps(plan, indent=2)


def target_lines(**stages: tuple[str, list[str], int]) -> list[str]:
    """The event job's outputs for the given plan, in the order it writes them."""
    return [
        line
        for stage in STAGES
        for line in (
            f"{stage}_canary={stages[stage][0]}",
            f"{stage}_rest={json.dumps(stages[stage][1], separators=(',', ':'))}",
            f"{stage}_max_parallel={stages[stage][2]}",
        )
    ]


GOOD_TARGETS = {"staging": (ACCOUNTS[0], ACCOUNTS[1:3], 2), "prod": (ACCOUNTS[3], [ACCOUNTS[4], ACCOUNTS[2]], 1)}


@pytest.mark.parametrize(
    "changes",
    [
        {"PAYLOAD_TARGETS": targets(**GOOD_TARGETS), "STAGING_ACCOUNT_ID": "", "PROD_ACCOUNT_ID": ""},
        {"EVENT_NAME": "workflow_dispatch", "MODEL_PACKAGE_GROUP": "", "INPUT_TARGETS": targets(**GOOD_TARGETS)},
    ],
    ids=["payload", "by-hand"],
)
def test_the_targets_reach_the_waves_as_checked(
    workflow: dict[str, Any], tmp_path: Path, changes: dict[str, str]
) -> None:
    """The platform's plan replaces the repository variables (which then need no value)."""
    code, outputs, stderr = run_event_check(workflow, tmp_path, **changes)
    assert code == 0, stderr
    assert outputs.splitlines()[2:] == target_lines(**GOOD_TARGETS)


def test_a_dispatch_reads_the_payloads_targets_not_the_manual_input(workflow: dict[str, Any], tmp_path: Path) -> None:
    other = targets(staging=(ACCOUNTS[0], [], 1), prod=(ACCOUNTS[1], [], 1))
    _, outputs, _ = run_event_check(workflow, tmp_path, INPUT_TARGETS=other)
    assert outputs.splitlines()[2:] == target_lines(staging=(STAGING, [], 1), prod=(PROD, [], 1))


def _bad(**stages: Any) -> str:
    plan = {
        "staging": {"canary": STAGING, "rest": [], "max_parallel": 1},
        "prod": {"canary": PROD, "rest": [], "max_parallel": 1},
    }
    for stage, value in stages.items():
        plan[stage] = value if not isinstance(value, dict) else {**plan.get(stage, {}), **value}
    return json.dumps(plan)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("[]", "not an object"),
        ("{", "not JSON"),
        ('{"staging": {}} {"prod": {}}', "not one JSON value"),
        (_bad(qa={"canary": ACCOUNTS[0], "rest": [], "max_parallel": 1}), "exactly the stages"),
        (json.dumps({"staging": {"canary": STAGING, "rest": [], "max_parallel": 1}}), "exactly the stages"),
        (_bad(prod={"canary": "33333333333"}), "prod.canary is not a 12-digit"),
        (_bad(prod={"canary": 333333333333}), "prod.canary is not a 12-digit"),
        (_bad(prod={"canary": f"{PROD}\n::add-mask::x"}), "prod.canary is not a 12-digit"),
        (_bad(staging={"rest": [ACCOUNTS[0], "$(touch pwned)"]}), "staging.rest holds something other"),
        (_bad(staging={"rest": ACCOUNTS[0]}), "staging.rest is not a list"),
        (_bad(staging={"rest": [ACCOUNTS[0], ACCOUNTS[0]]}), "names an account twice"),
        (_bad(staging={"rest": [ACCOUNTS[0], STAGING]}), "staging.rest holds the canary"),
        (_bad(staging={"rest": [f"5{n:011d}" for n in range(256)]}), "more than 255"),
        (_bad(prod={"max_parallel": 0}), "prod.max_parallel"),
        (_bad(prod={"max_parallel": 1.5}), "prod.max_parallel"),
        (_bad(prod={"max_parallel": "2"}), "prod.max_parallel"),
        (_bad(prod={"max_parallel": 257}), "prod.max_parallel"),
        (_bad(prod={"extra": "x"}), "prod must hold exactly canary, rest and max_parallel"),
    ],
    ids=[
        "list",
        "not-json",
        "two-documents",
        "unknown-stage",
        "no-prod",
        "short-id",
        "number-id",
        "newline",
        "substitution",
        "rest-not-a-list",
        "duplicate",
        "canary-in-rest",
        "too-many",
        "no-parallelism",
        "fraction",
        "string-number",
        "too-parallel",
        "unknown-field",
    ],
)
def test_the_event_check_stops_bad_targets(workflow: dict[str, Any], tmp_path: Path, payload: str, reason: str) -> None:
    code, outputs, stderr = run_event_check(workflow, tmp_path, PAYLOAD_TARGETS=payload)
    assert code != 0 and outputs == ""
    assert reason in stderr
    assert not (tmp_path / "pwned").exists()
    assert not any(line.startswith("::") for line in stderr.splitlines()), "no workflow command from the event"


# --- the job graph, as GitHub runs it ------------------------------------------------------------
# A job's `if` without a status function is `success() && (<if>)`, and success() requires every
# earlier job of the chain (not only those in `needs`) to have succeeded: a skipped job skips
# everything after it unless an `if` names the results it accepts.

_TOKEN = re.compile(r"\s*(\$\{\{|\}\}|&&|\|\||==|!=|!|\(|\)|'[^']*'|[A-Za-z_][\w.-]*)")


def _tokens(expression: str) -> list[str]:
    found, position = [], 0
    while position < len(expression.rstrip()):
        match = _TOKEN.match(expression, position)
        assert match, f"cannot read {expression[position:]!r}"
        found.append(match.group(1))
        position = match.end()
    return [token for token in found if token not in ("${{", "}}")]


class _Condition:
    """A job's `if:`, evaluated: ``!``, ``&&``, ``||``, ``==``, ``!=``, strings, contexts, status functions."""

    def __init__(self, expression: str, values: dict[str, Any]) -> None:
        self.tokens, self.values = _tokens(expression), values

    def take(self, expected: str | None = None) -> str:
        token = self.tokens.pop(0)
        assert expected is None or token == expected, f"expected {expected}, read {token}"
        return token

    def either(self) -> Any:
        return self.chain("||", self.both, lambda left, right: left or right)

    def both(self) -> Any:
        return self.chain("&&", self.unary, lambda left, right: left and right)

    def chain(self, operator: str, operand: Callable[[], Any], combine: Callable[[Any, Any], Any]) -> Any:
        """Every operand is evaluated (no short circuit), then combined left to right."""
        value = operand()
        while self.tokens[:1] == [operator]:
            self.take()
            value = combine(value, operand())
        return value

    def unary(self) -> Any:
        if self.tokens[:1] == ["!"]:
            self.take()
            return not self.unary()
        value = self.atom()
        if self.tokens[:1] in (["=="], ["!="]):
            equal = self.take() == "=="
            return (value == self.atom()) is equal
        return value

    def atom(self) -> Any:
        token = self.take()
        if token == "(":
            value = self.either()
            self.take(")")
            return value
        if token.startswith("'"):
            return token[1:-1]
        if self.tokens[:1] == ["("]:
            self.take("(")
            self.take(")")
            return self.values[f"{token}()"]
        return self.values[token]


def run_graph(workflow: dict[str, Any], outcomes: dict[str, str], outputs: dict[str, str]) -> dict[str, str]:
    """Each job's result: `skipped` when its `if` is false, else its outcome (success by default)."""
    graph = {name: needs(job) for name, job in jobs(workflow).items()}
    results: dict[str, str] = {}

    def ancestors(name: str) -> set[str]:
        return set().union(*({parent} | ancestors(parent) for parent in graph[name]))

    while len(results) < len(graph):
        name = next(n for n in graph if n not in results and graph[n] <= set(results))
        expression = str(jobs(workflow)[name].get("if", "success()"))
        if not re.search(r"\b(success|failure|cancelled|always)\(", expression):
            expression = f"success() && ({expression.removeprefix('${{').removesuffix('}}')})"
        values: dict[str, Any] = {
            "success()": all(results[a] == "success" for a in ancestors(name)),
            "failure()": any(results[a] == "failure" for a in ancestors(name)),
            "cancelled()": False,
            "always()": True,
        }
        values |= {f"needs.{n}.result": results[n] for n in graph[name]}
        values |= {f"needs.event.outputs.{k}": v for k, v in outputs.items()}
        parser = _Condition(expression, values)
        runs = parser.either()
        assert not parser.tokens, f"{name}: unread {parser.tokens}"
        results[name] = outcomes.get(name, "success") if runs else "skipped"
    return results


ONE_EACH = {"staging_rest": "[]", "prod_rest": "[]"}
SEVERAL = {"staging_rest": '["400000000002"]', "prod_rest": '["400000000005"]'}


WAVE_JOBS = ("staging-canary", "staging-rest", "prod-canary", "prod-rest")


@pytest.mark.parametrize(
    ("outputs", "outcomes", "expected"),
    [
        (SEVERAL, {}, "success success success success"),
        (ONE_EACH, {}, "success skipped success skipped"),
        ({**SEVERAL, "staging_rest": "[]"}, {}, "success skipped success success"),
        (SEVERAL, {"staging-rest": "failure"}, "success failure skipped skipped"),
        (SEVERAL, {"staging-canary": "failure"}, "failure skipped skipped skipped"),
        (SEVERAL, {"prod-canary": "failure"}, "success success failure skipped"),
        (SEVERAL, {"test": "failure"}, "skipped skipped skipped skipped"),
        (SEVERAL, {"event": "failure"}, "skipped skipped skipped skipped"),
    ],
    ids=[
        "several-accounts",
        "one-account-each",
        "staging-one-prod-several",
        "staging-rest-fails",
        "staging-canary-fails",
        "prod-canary-fails",
        "tests-fail",
        "bad-event",
    ],
)
def test_a_skipped_rest_does_not_skip_prod_and_a_failure_stops_the_rest(
    workflow: dict[str, Any], outputs: dict[str, str], outcomes: dict[str, str], expected: str
) -> None:
    results = run_graph(workflow, outcomes, outputs)
    assert " ".join(results[name] for name in WAVE_JOBS) == expected


def test_the_graph_check_sees_a_skipped_rest_skip_prod_without_the_named_results(workflow: dict[str, Any]) -> None:
    """The check can fail: with a plain `if` on the prod canary, a stage of one account skips prod."""
    plain_if = {**jobs(workflow)["prod-canary"], "if": "${{ needs.event.result == 'success' }}"}
    plain = {**workflow, "jobs": {**jobs(workflow), "prod-canary": plain_if}}
    assert run_graph(plain, {}, ONE_EACH)["prod-canary"] == "skipped"
    assert run_graph(workflow, {}, ONE_EACH)["prod-canary"] == "success"


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
    template = re.search(r'^\s*dispatch_input_template\s*=\s*"(.*)"\s*$', body, re.MULTILINE)
    assert template, "dispatch_input_template not found"
    targets = re.search(r"^\s*dispatch_targets\s*=\s*(.*)$", body, re.MULTILINE)
    assert targets and "${local.dispatch_targets}" in template.group(1), "dispatch_targets not found in the template"
    # Every key of client_payload: those with a placeholder, and targets (target_waves).
    payload = template.group(1).split('client_payload\\":', 1)[1] + targets.group(1)
    sent = set(re.findall(r'\\"(\w+)\\":', payload))
    read = {field for _, value in strings_with_path(workflow) for field in re.findall(r"client_payload\.(\w+)", value)}
    assert read <= sent, f"the workflow reads client_payload fields the platform does not send: {read - sent}"
    assert read == {"model_package_arn", "status", "group", "targets"}
    assert '\\"targets\\":${jsonencode(var.target_waves)}' in targets.group(1)


@requires_platform
@pytest.mark.parametrize("job", DEPLOY_JOBS)
def test_the_roles_and_subjects_are_the_ones_the_platform_creates(workflow: dict[str, Any], job: str) -> None:
    stage, account = DEPLOY_JOBS[job]
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
    assert role_arn(stage, account) == f"arn:aws:iam::{account}:role/{as_workflow}"
    assert ':environment:${var.stage}"' in module.read_text(encoding="utf-8")
    assert re.search(r"^\s*stage\s*=\s*var\.environment\s*$", stack.read_text(encoding="utf-8"), re.MULTILINE)
