"""Safety invariants of the platform's GitHub Actions workflows, checked on the parsed YAML.

Every check is a pure function of a workflow set (file name -> parsed YAML, as `load_workflows`
returns it) and returns a list of violations (empty: the invariant holds), so that a test can
break a copy of the real workflows and see the check report it.

Local reusable workflows (`uses: ./.github/workflows/x.yml`) are followed: `flatten` expands each
calling job into the called workflow's jobs, with the caller's `with:` values substituted for
`${{ inputs.x }}`, the caller's `needs` inherited, and the caller's job kept in `callers` (its
permissions and concurrency apply to the called jobs).

PyYAML (YAML 1.1) reads the key `on` as the boolean True: `triggers` reads either.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS_DIR = REPO_ROOT / ".github" / "workflows"

PROMOTION_ORDER = ("dev", "staging", "prod")
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})
CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials"
SARIF_ACTION = "github/codeql-action/upload-sarif"
UPLOAD_ACTION = "actions/upload-artifact"
DOWNLOAD_ACTION = "actions/download-artifact"

# A remote action or reusable workflow pinned to a full commit: owner/repo[/path]@<40 hex>.
PINNED_USES = re.compile(r"[\w.-]+/[\w.-]+(?:/[^@\s]+)?@[0-9a-f]{40}")
PINNED_IMAGE = re.compile(r"docker://[^@\s]+@sha256:[0-9a-f]{64}")
INPUT_EXPRESSION = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")
ORCHESTRATOR_CALL = re.compile(r"^(?:\S*/)?python3?\s+-m\s+orchestrator(?:\s|$)")
SHELL_VARIABLE = re.compile(r'"\$\{?(\w+)\}?"|\$\{(\w+)\}|\$(\w+)')
# What a shell variable whose value is only known on the runner (a matrix value, a SHA, a PR
# number) stands for when a command line is parsed: valid as a name, a number, a path and a ref.
PLACEHOLDER = "1"
JSON_LIST_PLACEHOLDER = '["dev"]'
# Variables that hold an environment or stage name (a matrix value or a workflow input): a name
# starts with a letter, so they stand for one of the README's environments.
ENVIRONMENT_VARIABLES = frozenset({"ENV", "ENVIRONMENT", "STAGE"})
ENVIRONMENT_PLACEHOLDER = "dev"
# Variables that hold an account id (a workflow input or a matrix value): 12 digits.
ACCOUNT_VARIABLES = frozenset({"ACCOUNT"})
ACCOUNT_PLACEHOLDER = "111111111111"
# `${VAR:+words}`: the words when VAR is set and not empty, else nothing (an optional option).
SHELL_ALTERNATE = re.compile(r"\$\{(\w+):\+([^}]*)\}")
# A concurrency group's expression that is the same in every run: an input, a matrix value or an
# earlier job's output (an account id); github.run_id and the like make a new group per run.
STABLE_EXPRESSION = re.compile(r"\$\{\{\s*(?:inputs|matrix|needs)\.[\w.-]+\s*\}\}")

Workflows = dict[str, dict[Any, Any]]  # YAML reads the key `on:` as True


# --- reading --------------------------------------------------------------------------------------


def load_workflows(directory: Path = WORKFLOWS_DIR) -> Workflows:
    """Every `*.yml` / `*.yaml` file of `directory`, parsed, by file name."""
    loaded: Workflows = {}
    for path in sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")]):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise ValueError(f"{path}: not a YAML mapping")
        loaded[path.name] = document
    return loaded


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The workflow's events as a mapping (`on:` may be a string, a list or a mapping)."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {str(event): None for event in on}
    return dict(on or {})


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for step in job.get("steps") or [] if isinstance(step, dict)]


def action_name(uses: Any) -> str:
    """`owner/repo[/path]` of a `uses:` value (without `@ref`)."""
    return str(uses).split("@", 1)[0]


def action_steps(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in steps(job) if action_name(step.get("uses", "")) == action]


def environment_name(job: dict[str, Any]) -> str | None:
    environment = job.get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    return None if environment is None else str(environment)


def run_lines(step: dict[str, Any]) -> list[str]:
    """The command lines of a `run:` script (continuations joined; blank lines and comments dropped)."""
    if "run" not in step:
        return []
    joined = re.sub(r"\\\n\s*", " ", str(step["run"]))
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def words_of(line: str) -> list[str]:
    try:
        return shlex.split(line, comments=True)
    except ValueError:
        return line.split()


def local_workflow(uses: Any) -> str | None:
    """The file name of a local reusable workflow (`./.github/workflows/x.yml`), else None."""
    text = str(uses or "")
    if text.startswith("./.github/workflows/"):
        return text.rsplit("/", 1)[-1]
    return None


def substitute(node: Any, inputs: dict[str, Any]) -> Any:
    """`node` with every `${{ inputs.x }}` that `inputs` has replaced by its value."""
    if isinstance(node, dict):
        return {key: substitute(value, inputs) for key, value in node.items()}
    if isinstance(node, list):
        return [substitute(value, inputs) for value in node]
    if isinstance(node, str):
        whole = INPUT_EXPRESSION.fullmatch(node.strip())
        if whole and whole.group(1) in inputs:
            return inputs[whole.group(1)]
        return INPUT_EXPRESSION.sub(lambda m: str(inputs[m.group(1)]) if m.group(1) in inputs else m.group(0), node)
    return node


def call_inputs(called: dict[str, Any], given: dict[str, Any] | None) -> dict[str, Any]:
    """The inputs a reusable workflow runs with: its `workflow_call` defaults, then the caller's `with:`."""
    call = triggers(called).get("workflow_call") or {}
    declared = (call.get("inputs") or {}) if isinstance(call, dict) else {}
    values = {name: spec["default"] for name, spec in declared.items() if isinstance(spec, dict) and "default" in spec}
    values.update(given or {})
    return values


# --- the flattened job graph ----------------------------------------------------------------------


@dataclass(frozen=True)
class FlatJob:
    """One job as it runs: in a triggered workflow, or in a reusable workflow that one calls."""

    id: str  # e.g. "deploy.yml:staging > env-deploy.yml:apply"
    root: str  # the triggered workflow
    workflow: str  # the file that defines the job
    document: dict[str, Any]  # that workflow, with the caller's inputs substituted
    job_id: str
    job: dict[str, Any]  # the job, with the caller's inputs substituted
    callers: tuple[tuple[str, str, dict[str, Any]], ...]  # (workflow, job id, job), outermost first
    needs: frozenset[str]  # ids of the flat jobs that must finish first


def is_triggered(workflow: dict[str, Any]) -> bool:
    """Runs on some event of its own (not only when another workflow calls it)."""
    return any(event != "workflow_call" for event in triggers(workflow))


def flatten(workflows: Workflows) -> list[FlatJob]:
    """Every job of every triggered workflow, with local reusable workflows expanded."""
    flat: list[FlatJob] = []
    for name, workflow in workflows.items():
        if is_triggered(workflow):
            _expand(workflows, name, name, {}, (), frozenset(), flat)
    return flat


def _expand(
    workflows: Workflows,
    root: str,
    name: str,
    inputs: dict[str, Any],
    callers: tuple[tuple[str, str, dict[str, Any]], ...],
    inherited: frozenset[str],
    out: list[FlatJob],
) -> list[str]:
    document = substitute(workflows[name], inputs)
    jobs: dict[str, dict[str, Any]] = document.get("jobs") or {}
    done: dict[str, list[str]] = {}
    prefix = "".join(f"{workflow}:{job_id} > " for workflow, job_id, _ in callers)

    def visit(job_id: str, path: tuple[str, ...]) -> list[str]:
        if job_id in done:
            return done[job_id]
        if job_id in path:  # a cycle: GitHub refuses it; nothing more to follow here
            return []
        job = jobs[job_id] or {}
        needs = set(inherited)
        for need in as_list(job.get("needs")):
            if need in jobs:
                needs.update(visit(need, (*path, job_id)))
        called = local_workflow(job.get("uses"))
        if called is not None and called in workflows and all(called != w for w, _, _ in callers) and called != name:
            ids = _expand(
                workflows,
                root,
                called,
                call_inputs(workflows[called], job.get("with")),
                (*callers, (name, job_id, job)),
                frozenset(needs),
                out,
            )
        else:
            ids = [f"{prefix}{name}:{job_id}"]
            out.append(FlatJob(ids[0], root, name, document, job_id, job, callers, frozenset(needs)))
        done[job_id] = ids
        return ids

    every: list[str] = []
    for job_id in jobs:
        every.extend(visit(job_id, ()))
    return every


def ancestors(job: FlatJob, by_id: dict[str, FlatJob]) -> set[str]:
    """Every flat job that must finish before `job` starts (following `needs` transitively)."""
    seen: set[str] = set()
    todo = list(job.needs)
    while todo:
        current = todo.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        todo.extend(by_id[current].needs)
    return seen


def step_environment(flat: FlatJob, step: dict[str, Any]) -> dict[str, Any]:
    """The variables a step's script sees from the workflow: workflow, job, then step `env:`."""
    environment: dict[str, Any] = {}
    for level in (flat.document.get("env"), flat.job.get("env"), step.get("env")):
        if isinstance(level, dict):
            environment.update(level)
    return environment


def expand_variables(line: str, environment: dict[str, Any], placeholder: str | None = PLACEHOLDER) -> str:
    """`line` with `"$VAR"`, `${VAR}` and `$VAR` replaced: by the variable's literal value when
    the workflow gives one, else (a value only the runner knows) by `placeholder`. With
    `placeholder=None`, such variables are left as they are."""

    def value(match: re.Match[str]) -> str:
        variable = match.group(1) or match.group(2) or match.group(3)
        known = environment.get(variable)
        if known is not None and "${{" not in str(known):
            return shlex.quote(str(known))
        if placeholder is None:
            return match.group(0)
        if known is not None and "outputs.envs" in str(known):
            return shlex.quote(JSON_LIST_PLACEHOLDER)  # `matrix --github-output` writes envs= as a JSON list
        if variable in ACCOUNT_VARIABLES:
            return ACCOUNT_PLACEHOLDER
        return ENVIRONMENT_PLACEHOLDER if variable in ENVIRONMENT_VARIABLES else placeholder

    def alternate(match: re.Match[str]) -> str:
        """`${VAR:+words}`: nothing when the workflow sets VAR to "" literally, else the words (a
        value only the runner knows may be set)."""
        known = environment.get(match.group(1))
        if known is not None and "${{" not in str(known) and not str(known):
            return ""
        return match.group(2)

    return SHELL_VARIABLE.sub(value, SHELL_ALTERNATE.sub(alternate, line))


def orchestrator_calls(flat: FlatJob) -> Iterator[tuple[dict[str, Any], str, list[str]]]:
    """(step, line, arguments after `python -m orchestrator`) of each orchestrator call in the job;
    variables the workflow sets literally are expanded, the others left as `$VAR`."""
    for step in steps(flat.job):
        environment = step_environment(flat, step)
        for line in run_lines(step):
            if ORCHESTRATOR_CALL.match(line):
                yield step, line, words_of(expand_variables(line, environment, placeholder=None))[3:]


def option(arguments: list[str], name: str) -> str | None:
    """The value of `--name VALUE` / `--name=VALUE` (the last one), else None."""
    found = None
    for index, word in enumerate(arguments):
        if word == name and index + 1 < len(arguments):
            found = arguments[index + 1]
        elif word.startswith(f"{name}="):
            found = word.split("=", 1)[1]
    return found


def subcommand(arguments: list[str]) -> str | None:
    return arguments[0] if arguments else None


def runs(flat: FlatJob, command: str) -> list[list[str]]:
    """The arguments of each `python -m orchestrator <command> ...` call in the job."""
    return [arguments for _, _, arguments in orchestrator_calls(flat) if subcommand(arguments) == command]


def assumed_roles(flat: FlatJob) -> list[str]:
    return [
        str((step.get("with") or {}).get("role-to-assume", "")) for step in action_steps(flat.job, CREDENTIALS_ACTION)
    ]


def role_kind(role: str) -> str | None:
    """ "plan" or "apply" for the platform's GitHub roles (an ARN or the matrix/step field naming one)."""
    if "plan_role_arn" in role or re.search(r"-github-plan$", role):
        return "plan"
    if "apply_role_arn" in role or re.search(r"-github-apply$", role):
        return "apply"
    return None


def mutating(line: str) -> bool:
    """A command line that changes infrastructure: apply (orchestrator, terraform) or any destroy."""
    words = words_of(line)
    if any(word in ("destroy", "-destroy", "--destroy") for word in words):
        return True
    tool = any(re.search(r"(^|/)(terraform|tofu)$", word) or word == "orchestrator" for word in words)
    return tool and ("apply" in words or "-auto-approve" in words)


def _all_jobs(workflows: Workflows) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name, workflow in workflows.items():
        for job_id, job in (workflow.get("jobs") or {}).items():
            yield name, job_id, job or {}


# --- (a) nothing applied from a pull request --------------------------------------------------------


def pull_request_applies(workflows: Workflows) -> list[str]:
    """No apply or destroy is reachable from a pull request, and pull_request_target is never used.

    zizmor's `dangerous-triggers` (tests/gates/test_linters.py) also reports pull_request_target;
    which jobs can apply is the platform's own rule."""
    violations = [
        f"{name}: uses pull_request_target (runs with a write token and secrets on untrusted code)"
        for name, workflow in workflows.items()
        if "pull_request_target" in triggers(workflow)
    ]
    for flat in flatten(workflows):
        if not PULL_REQUEST_EVENTS & set(triggers(workflows[flat.root])):
            continue
        for step in steps(flat.job):
            for line in run_lines(step):
                if mutating(line):
                    violations.append(
                        f"{flat.id}: step {step.get('name')!r} changes infrastructure on a pull request: {line}"
                    )
    return violations


# --- (b) applies: reviewed plan, own environment, promotion order ------------------------------------


def apply_promotion(workflows: Workflows, order: tuple[str, ...] = PROMOTION_ORDER) -> list[str]:
    """Every apply is `orchestrator apply --from <reviewed plans>` in a job whose environment is
    the applied env, after a plan of that env saved with `--out-dir`; in each workflow, an env is
    applied only after the previous env of `order` was applied (following `needs` through callers)."""
    violations: list[str] = []
    flat_jobs = flatten(workflows)
    by_id = {flat.id: flat for flat in flat_jobs}
    applied: dict[tuple[str, str], list[FlatJob]] = {}
    for flat in flat_jobs:
        for step in steps(flat.job):
            for line in run_lines(step):
                words = words_of(line)
                if re.search(r"(^|/)(terraform|tofu)$", words[0] if words else "") and "apply" in words:
                    violations.append(
                        f"{flat.id}: runs terraform apply directly (apply only `orchestrator apply --from`): {line}"
                    )
        for arguments in runs(flat, "apply"):
            env = option(arguments, "--env")
            if env is None or "$" in env:
                violations.append(
                    f"{flat.id}: apply without one literal --env (which environment, and which reviewers?): {arguments}"
                )
                continue
            if option(arguments, "--from") is None:
                violations.append(
                    f"{flat.id}: apply --env {env} without --from: it would apply a fresh, unreviewed plan"
                )
            if environment_name(flat.job) != env:
                violations.append(
                    f"{flat.id}: applies {env} in GitHub environment {environment_name(flat.job)!r}; it must be {env!r} "
                    "(the apply role trusts that environment, whose reviewers approve)"
                )
            planned = [
                by_id[other].id
                for other in ancestors(flat, by_id)
                for plan in runs(by_id[other], "plan")
                if option(plan, "--env") == env and option(plan, "--out-dir") is not None
            ]
            if not planned:
                violations.append(
                    f"{flat.id}: applies {env} without a job before it that saved a plan of {env} (plan --out-dir)"
                )
            applied.setdefault((flat.root, env), []).append(flat)
    for (root, env), jobs in applied.items():
        if env not in order:
            violations.append(f"{root}: applies {env!r}, which is not in the promotion order {order}")
            continue
        position = order.index(env)
        if position == 0:
            continue
        previous = order[position - 1]
        before = {flat.id for flat in applied.get((root, previous), [])}
        for flat in jobs:
            if not before & ancestors(flat, by_id):
                violations.append(f"{flat.id}: applies {env} without {previous} applied before it in {root} (needs)")
    return violations


# --- (c) pinned actions -------------------------------------------------------------------------------


def unpinned_actions(workflows: Workflows) -> list[str]:
    """Every remote action and reusable workflow is pinned to a full 40-hex commit SHA.

    zizmor's `unpinned-uses` (tests/gates/test_linters.py) reports the same (tags, branches, short SHAs)."""
    violations: list[str] = []
    for name, job_id, job in _all_jobs(workflows):
        uses = [("job", job.get("uses"))] if job.get("uses") else []
        uses += [(f"step {step.get('name')!r}", step.get("uses")) for step in steps(job) if step.get("uses")]
        for where, value in uses:
            text = str(value)
            if text.startswith("./"):
                continue
            if text.startswith("docker://"):
                if not PINNED_IMAGE.fullmatch(text):
                    violations.append(f"{name}:{job_id} {where}: image {text} is not pinned by sha256 digest")
            elif not PINNED_USES.fullmatch(text):
                violations.append(f"{name}:{job_id} {where}: {text} is not pinned to a full commit SHA")
    return violations


# --- (d) permissions ---------------------------------------------------------------------------------


def _assumes_role(workflows: Workflows, job: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
    return _does(workflows, job, lambda j: bool(action_steps(j, CREDENTIALS_ACTION)), seen)


def _comments(workflows: Workflows, job: dict[str, Any]) -> bool:
    def posts(j: dict[str, Any]) -> bool:
        return any(
            ORCHESTRATOR_CALL.match(line) and subcommand(words_of(line)[3:]) == "pr-comment"
            for step in steps(j)
            for line in run_lines(step)
        )

    return _does(workflows, job, posts)


def _uploads_sarif(workflows: Workflows, job: dict[str, Any]) -> bool:
    return _does(workflows, job, lambda j: bool(action_steps(j, SARIF_ACTION)))


def _does(
    workflows: Workflows,
    job: dict[str, Any],
    test: Callable[[dict[str, Any]], bool],
    seen: frozenset[str] = frozenset(),
) -> bool:
    """`test` holds for the job, or for a job of the local reusable workflow it calls."""
    if test(job):
        return True
    called = local_workflow(job.get("uses"))
    if called is None or called not in workflows or called in seen:
        return False
    return any(
        _does(workflows, inner or {}, test, seen | {called}) for inner in (workflows[called].get("jobs") or {}).values()
    )


def excess_permissions(workflows: Workflows) -> list[str]:
    """`permissions: {}` at the top of every workflow; per job only what it needs: id-token: write
    only where a role is assumed (there it is required), pull-requests: write only for the PR
    comment, security-events: write only for SARIF uploads, no other write, no read-all/write-all.

    zizmor's `excessive-permissions` (tests/gates/test_linters.py) covers only the broad grants
    (write-all, a workflow without a permissions block); which job needs which scope is the platform's rule."""
    violations: list[str] = []
    for name, workflow in workflows.items():
        if workflow.get("permissions", None) != {}:
            violations.append(
                f"{name}: top-level permissions must be {{}} (got {workflow.get('permissions', 'nothing: the repository default')!r})"
            )
    for name, job_id, job in _all_jobs(workflows):
        where = f"{name}:{job_id}"
        permissions = job.get("permissions")
        if isinstance(permissions, str):
            violations.append(f"{where}: permissions {permissions!r}: list each scope it needs instead")
            continue
        permissions = permissions or {}
        assumes = _assumes_role(workflows, job)
        for scope, level in permissions.items():
            if level not in ("read", "write", "none"):
                violations.append(f"{where}: permission {scope}: {level!r} is not read, write or none")
            if level != "write":
                continue
            if scope == "id-token":
                if not assumes:
                    violations.append(f"{where}: id-token: write, but the job assumes no AWS role")
            elif scope == "pull-requests":
                if not _comments(workflows, job):
                    violations.append(f"{where}: pull-requests: write, but the job does not post the PR comment")
            elif scope == "security-events":
                if not _uploads_sarif(workflows, job):
                    violations.append(f"{where}: security-events: write, but the job uploads no SARIF")
            else:
                violations.append(f"{where}: {scope}: write is never needed")
        if assumes and permissions.get("id-token") != "write":
            violations.append(f"{where}: assumes an AWS role (OIDC) without id-token: write")
    return violations


# --- (e) deployment concurrency -------------------------------------------------------------------


def _concurrency(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"group": value} if isinstance(value, str) else dict(value)


def _stable(group: str) -> bool:
    """The group is the same in every run: its only expressions are inputs, matrix values or
    earlier jobs' outputs."""
    return "${{" not in STABLE_EXPRESSION.sub("", group)


def _names_account(group: str) -> bool:
    return any("account" in expression for expression in STABLE_EXPRESSION.findall(group))


def deploy_concurrency(workflows: Workflows) -> list[str]:
    """Each environment's apply runs under a concurrency group of its own (named after the env,
    the same in every run) that never cancels a deployment in progress; an apply to one account of
    a stage (`--account`) under a group of that environment and account."""
    violations: list[str] = []
    groups: dict[str, set[str]] = {}
    for flat in flatten(workflows):
        for arguments in runs(flat, "apply"):
            env = option(arguments, "--env")
            if env is None:
                continue  # apply_promotion reports it
            per_account = "--account" in arguments
            chain = [(f"{workflow}:{job_id}", job) for workflow, job_id, job in flat.callers] + [
                (f"{flat.workflow}:{flat.job_id}", flat.job)
            ]
            levels = [(where, _concurrency(job.get("concurrency"))) for where, job in chain]
            levels += [
                (f"{name} (workflow)", _concurrency(workflows[name].get("concurrency")))
                for name in {flat.root, flat.workflow}
            ]
            for where, concurrency in levels:
                if concurrency is not None and concurrency.get("cancel-in-progress", False) is not False:
                    violations.append(
                        f"{flat.id}: {where} may cancel a deployment of {env} halfway (cancel-in-progress must be false)"
                    )
            own = [
                str(concurrency["group"])
                for _, concurrency in levels[: len(chain)]
                if concurrency is not None
                and concurrency.get("cancel-in-progress") is False
                and _stable(str(concurrency.get("group", "${{")))
                and re.search(rf"(^|[^a-z0-9]){re.escape(env)}([^a-z0-9]|$)", str(concurrency["group"]))
            ]
            if not own:
                violations.append(
                    f"{flat.id}: applies {env} without a job concurrency group named after {env} "
                    "(fixed across runs) with cancel-in-progress: false"
                )
            elif per_account and not any(_names_account(group) for group in own):
                violations.append(
                    f"{flat.id}: applies {env} to one account (--account) under {own}, which does not name the account: "
                    "two accounts' deployments would wait for each other, or one run's canary for another's"
                )
            groups.setdefault(env, set()).update(own)
    envs = sorted(groups)
    for index, env in enumerate(envs):
        for other in envs[index + 1 :]:
            shared = groups[env] & groups[other]
            if shared:
                violations.append(f"{env} and {other} share the concurrency group(s) {sorted(shared)}")
    return violations


# --- (f) no expression pasted into a script ----------------------------------------------------------


def expressions_in_scripts(workflows: Workflows) -> list[str]:
    """No `${{ }}` inside any `run:`: values reach scripts through `env:` only.

    Stricter than zizmor's `template-injection` (tests/gates/test_linters.py), which reports only the
    expressions it judges attacker-controlled."""
    return [
        f"{name}:{job_id} step {step.get('name')!r}: ${{{{ }}}} inside run: (pass the value through env:)"
        for name, job_id, job in _all_jobs(workflows)
        for step in steps(job)
        if "${{" in str(step.get("run", ""))
    ]


# --- (g) orchestrator command lines parse -----------------------------------------------------------


def unparsable_orchestrator_calls(workflows: Workflows) -> list[str]:
    """Every `python -m orchestrator ...` line is accepted by the real CLI parser."""
    from orchestrator.cli import _parser

    violations: list[str] = []
    for name, job_id, job in _all_jobs(workflows):
        for step in steps(job):
            for line in run_lines(step):
                if not ORCHESTRATOR_CALL.match(line):
                    continue
                arguments = words_of(expand_variables(line, step.get("env") or {}))[3:]
                errors = io.StringIO()
                try:
                    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
                        _parser().parse_args(arguments)
                except SystemExit as exc:
                    message = errors.getvalue().strip().splitlines()
                    violations.append(
                        f"{name}:{job_id} step {step.get('name')!r}: the CLI refuses `{line}` (exit {exc.code}): {message[-1] if message else ''}"
                    )
    return violations


# --- (h) which role, which environment ---------------------------------------------------------------


def role_environments(workflows: Workflows) -> list[str]:
    """Jobs on the plan role declare no GitHub environment (the plan role trusts the
    pull_request and main-branch subjects, which such a job loses); jobs on the apply role declare
    one; plan and drift run on the plan role, apply on the apply role."""
    violations: list[str] = []
    for flat in flatten(workflows):
        roles = assumed_roles(flat)
        kinds = {role_kind(role) for role in roles}
        environment = environment_name(flat.job)
        for role in roles:
            if role_kind(role) is None:
                violations.append(f"{flat.id}: assumes {role!r}, which is neither a plan nor an apply role")
        if "plan" in kinds and environment is not None:
            violations.append(
                f"{flat.id}: assumes the plan role in GitHub environment {environment!r}: the plan role does not trust that subject"
            )
        if "apply" in kinds and environment is None:
            violations.append(
                f"{flat.id}: assumes the apply role without a GitHub environment: the apply role trusts only environment subjects"
            )
        if runs(flat, "apply") and kinds != {"apply"}:
            violations.append(
                f"{flat.id}: applies with roles {sorted(map(str, kinds))}: apply only with the apply role"
            )
        read_only = runs(flat, "plan") + runs(flat, "drift")
        if read_only and not runs(flat, "apply") and kinds != {"plan"}:
            violations.append(
                f"{flat.id}: plans or checks drift with roles {sorted(map(str, kinds))}: use the read-only plan role only"
            )
    return violations


# --- (i) a stage's canary first, then the rest in bounded, fail-fast waves -----------------------------


def _applied_account(flat: FlatJob) -> list[tuple[str, str]]:
    """(env, where the account comes from: the value of the step's ACCOUNT, "" for env.yaml's) of
    each apply in the job."""
    return [
        (
            str(option(arguments, "--env")),
            str(step_environment(flat, step).get("ACCOUNT", "")) if "--account" in arguments else "",
        )
        for step, _, arguments in orchestrator_calls(flat)
        if subcommand(arguments) == "apply"
    ]


def canary_first(workflows: Workflows) -> list[str]:
    """An apply to the accounts of a matrix (a stage's rest) runs only after an apply of the same
    environment to its canary account, in a matrix that stops the accounts not yet started when one
    fails (fail-fast) and runs a bounded number at once (max-parallel)."""
    violations: list[str] = []
    flat_jobs = flatten(workflows)
    by_id = {flat.id: flat for flat in flat_jobs}
    for flat in flat_jobs:
        for env, account in _applied_account(flat):
            if "matrix." not in account:
                continue
            canaries = [
                other
                for other in ancestors(flat, by_id)
                for other_env, other_account in _applied_account(by_id[other])
                if other_env == env and "canary" in other_account
            ]
            if not canaries:
                violations.append(
                    f"{flat.id}: applies {env} to a matrix of accounts without its canary applied before it (needs)"
                )
            strategies = [job.get("strategy") or {} for _, _, job in flat.callers] + [flat.job.get("strategy") or {}]
            strategy = next((st for st in strategies if "matrix" in st), {})
            if strategy.get("fail-fast", True) is not True:
                violations.append(f"{flat.id}: applies {env} to a matrix of accounts without fail-fast")
            if "max-parallel" not in strategy:
                violations.append(
                    f"{flat.id}: applies {env} to a matrix of accounts without max-parallel (the waves' batch size)"
                )
    return violations


INVARIANTS: dict[str, Callable[[Workflows], list[str]]] = {
    "a_no_apply_from_pull_requests": pull_request_applies,
    "b_apply_reviewed_plan_in_order": apply_promotion,
    "c_actions_pinned": unpinned_actions,
    "d_least_permissions": excess_permissions,
    "e_deploy_concurrency": deploy_concurrency,
    "f_no_expressions_in_scripts": expressions_in_scripts,
    "g_orchestrator_calls_parse": unparsable_orchestrator_calls,
    "h_roles_and_environments": role_environments,
    "i_canary_first": canary_first,
}


def copy_of(workflows: Workflows) -> Workflows:
    return copy.deepcopy(workflows)
