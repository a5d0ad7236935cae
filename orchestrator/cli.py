"""`python -m orchestrator`: the command line.

Exit codes: 0 success; 1 failure (Terraform/AWS error, state lock held); 2 bad input or
configuration (nothing was run); 3 `plan --detailed-exitcode` found changes, or `drift` found drift;
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator import completion
from orchestrator.accounts import command as targets_command
from orchestrator.accounts.needed import resolve_for_run, use_recorded
from orchestrator.accounts.per_account import for_account
from orchestrator.accounts.resolution import resolve_all
from orchestrator.changes import affected_stacks, changed_files_since
from orchestrator.cli_arguments import (
    AppendOnce,
    account_id,
    duration,
    emulator_url,
    env_list,
    env_name,
    git_ref,
    input_path,
    lock_id,
    one_of,
    output_dir,
    output_file,
    role_name,
    whole_number,
)
from orchestrator.commands import run_bootstrap, run_stacks
from orchestrator.config import EnvConfig, known_envs, load_envs
from orchestrator.doctor import run_checks
from orchestrator.emulator.process import read_handle, stop_by_handle
from orchestrator.engine import Engine
from orchestrator.errors import EXIT_FAILURE, EXIT_OK, ConfigError, OrchestratorError
from orchestrator.github import actions as github_actions
from orchestrator.github import pr_comment
from orchestrator.github.api import GitHubContext
from orchestrator.github.environments import (
    apply_branch_checks,
    set_subject_template,
    subject_contexts,
    subject_template_check,
)
from orchestrator.graph import DEFAULT_MAX_STACKS, StackGraph, build_graph, check_size
from orchestrator.outcome import StackOutcome
from orchestrator.policy.scan import scan_repository
from orchestrator.progress import Progress
from orchestrator.report import markdown as markdown_report
from orchestrator.report.merge import load_reports, merge, missing_reports
from orchestrator.report.run_report import RunReport
from orchestrator.settings import PlatformSettings, load_settings
from orchestrator.signals import forwarding_signals
from orchestrator.stacks import BOOTSTRAP_STACK, STACKS, StackSpec, stacks_for
from orchestrator.stateful import FLAG, Consent, consent, held, refusal
from orchestrator.studio.leftovers import env_leftovers, remove
from orchestrator.targets import make_target
from orchestrator.targets.base import Target
from orchestrator.targets.local import local_dir, state_file
from orchestrator.terraform.errored_state import recovery_question

# Stacks at the same time. On the emulator too: it serves one request at a time and plays back
# the answer to a retried call (orchestrator/emulator/retries.py), and most of a local apply is
# the provider waiting (e.g. ~55 s after each S3 lifecycle configuration), which parallel stacks
# overlap: the three environments applied in 359 s at 3 against ~880 s of stack time.
DEFAULT_PARALLELISM = 3


_positive = whole_number(1, 32)
ENV_HELP = "environment (repeatable, each once; default: every env under envs/)"


def _env_option(parser: argparse.ArgumentParser, help_text: str = ENV_HELP) -> None:
    parser.add_argument("--env", action=AppendOnce, dest="envs", metavar="ENV", type=env_name, help=help_text)


def _stack_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stack",
        action=AppendOnce,
        dest="stacks",
        metavar="STACK",
        type=one_of(tuple(STACKS), "stack"),
        help="only this stack (repeatable, each once)",
    )


def _allow_destroy_option(parser: argparse.ArgumentParser, where: str) -> None:
    parser.add_argument(
        "--allow-destroy",
        action=AppendOnce,
        dest="allow_destroy",
        metavar="ENV/STACK:ADDRESS",
        type=consent,
        help=f"allow the plan to delete or replace this resource that holds data (a Studio domain, KMS key, bucket, table, log group...; repeatable); {where}",
    )


DISTRIBUTION = "mlops-platform-orchestrator"


def installed_version() -> str:
    """The installed distribution's version (pyproject.toml's), or why there is none."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - only for --version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return f"(not installed: {DISTRIBUTION}; run scripts/setup.sh)"


def _prog() -> str:
    """How the person called it: `python -m orchestrator`, or the console script's name."""
    called = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "python -m orchestrator" if called in ("", "__main__.py", "-c") else called


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_prog(),
        usage="%(prog)s [-h] [--version] COMMAND ...",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    common = argparse.ArgumentParser(add_help=False)
    _env_option(common)
    common.add_argument(
        "--target", choices=("local", "aws"), default="local", help="local emulator (default) or real AWS accounts"
    )
    common.add_argument("--json", action="store_true", help="print a machine-readable report on stdout")
    common.add_argument(
        "--emulator-url", type=emulator_url, help="local target: use this running emulator instead of starting one"
    )
    common.add_argument(
        "--keep-emulator", action="store_true", help="local target: leave the emulator running afterwards"
    )
    common.add_argument(
        "--account",
        type=account_id,
        metavar="ACCOUNT_ID",
        help="target environments: apply to this account of the stage (listed, or an ACTIVE account of its OU) instead of account_id",
    )
    stack_opts = argparse.ArgumentParser(add_help=False)
    _stack_option(stack_opts)
    stack_opts.add_argument(
        "--lock-timeout",
        default="0s",
        type=duration,
        help="how long to wait for a held state lock, e.g. 90s, 5m (default 0s: fail at once; at most 24h)",
    )
    stack_opts.add_argument(
        "--parallelism",
        type=_positive,
        default=None,
        metavar="N",
        help="stacks run at the same time, across environments, once what they need is done (default 3)",
    )
    stack_opts.add_argument(
        "--changed-since",
        type=git_ref,
        metavar="GIT_REF",
        help="only the stacks that files changed since GIT_REF (committed or not) can affect: their roots, the modules they use, their env.yaml; documentation selects nothing",
    )
    stack_opts.add_argument(
        "--markdown",
        type=output_file,
        metavar="FILE",
        help="also write the run report as Markdown for a pull-request comment (bounded to GitHub's limit) and the full text beside it (FILE with .txt)",
    )
    stack_opts.add_argument(
        "--report-json",
        type=output_file,
        metavar="FILE",
        help="also write the run report as JSON to FILE (merged by `report --from-dir`)",
    )
    stack_opts.add_argument(
        "--step-summary",
        action="store_true",
        help="also append the Markdown run report to the file named by $GITHUB_STEP_SUMMARY (GitHub Actions)",
    )
    stack_opts.add_argument(
        "--keep-going",
        action="store_true",
        help="after a failure, still run every stack that does not depend on the failed one (default: start nothing new)",
    )
    stack_opts.add_argument(
        "--max-stacks",
        type=whole_number(1, 10_000),
        default=DEFAULT_MAX_STACKS,
        metavar="N",
        help=f"refuse (exit 2, before anything runs) a command that would touch more than N stacks (default {DEFAULT_MAX_STACKS})",
    )

    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "doctor",
        parents=[common],
        help="check terraform, providers, emulator and credentials (aws: and the repository's OIDC subject template and that only the protected branch may deploy each environment)",
    )
    sub.add_parser(
        "bootstrap", parents=[common], help="create or reconcile each account's state bucket, lock table and key"
    )
    plan = sub.add_parser("plan", parents=[common, stack_opts], help="show what apply would change")
    plan.add_argument("--detailed-exitcode", action="store_true", help="exit 3 when changes are present, 0 when none")
    plan.add_argument(
        "--github-output",
        type=output_file,
        metavar="FILE",
        help="also append changes=true|false to FILE ($GITHUB_OUTPUT): a workflow asks for an apply approval only when there is something to apply",
    )
    _allow_destroy_option(plan, "record the consent in the saved plan's summary (with --out-dir), for `apply --from`")
    plan.add_argument(
        "--out-dir",
        type=output_dir,
        help="also keep each stack's plan here: <env>.<stack>.plan.json (for review and policy checks), .tfplan and .summary.json (for apply --from; with an OU in target_accounts, .target-accounts.json: the accounts it was made for)",
    )
    apply = sub.add_parser("apply", parents=[common, stack_opts], help="plan, then apply exactly that plan")
    apply.add_argument(
        "--policy-gate",
        choices=("on", "off"),
        default=None,
        help="checkov on each plan before it is applied; a failed check stops that stack (default: on for aws, off on the local emulator)",
    )
    _allow_destroy_option(apply, "not with --from, which honours the consent recorded in the reviewed plan")
    apply.add_argument(
        "--from",
        dest="from_dir",
        type=output_dir,
        metavar="DIR",
        help="apply exactly the plans `plan --out-dir DIR` saved (reviewed), nothing else; a plan whose state changed since is refused",
    )
    destroy = sub.add_parser("destroy", parents=[common, stack_opts], help="destroy stacks in reverse order")
    destroy.add_argument("--yes", action="store_true", help="do not ask for confirmation (required without a terminal)")
    sub.add_parser("output", parents=[common, stack_opts], help="print stack outputs")
    unlock = sub.add_parser(
        "unlock", parents=[common], help="release a state lock left by a run that died (asks for confirmation)"
    )
    unlock.add_argument("lock_env", metavar="ENV", type=env_name, help="the environment whose stack is locked")
    unlock.add_argument(
        "lock_stack",
        metavar="STACK",
        type=one_of(tuple(STACKS), "stack"),
        help="the locked stack (the error of the blocked run names env, stack and lock ID)",
    )
    unlock.add_argument("lock_id", metavar="LOCK_ID", type=lock_id, help="the lock ID from that error")
    unlock.add_argument("--yes", action="store_true", help="do not ask for confirmation (required without a terminal)")
    recover = sub.add_parser(
        "recover-state",
        parents=[common],
        help="push back the state Terraform left in errored.tfstate when it could not save it (checks lineage and serial first; asks for confirmation)",
    )
    recover.add_argument(
        "state_env", metavar="ENV", type=env_name, help="the environment (the failed run's report names env and stack)"
    )
    recover.add_argument(
        "state_stack",
        metavar="STACK",
        type=one_of(tuple(STACKS), "stack"),
        help="the stack whose working folder holds errored.tfstate",
    )
    recover.add_argument("--yes", action="store_true", help="do not ask for confirmation (required without a terminal)")
    sub.add_parser(
        "drift",
        parents=[common, stack_opts],
        help="report, per stack, real resources that differ from the state (exit 3 if any; changes nothing)",
    )
    graph = sub.add_parser(
        "graph",
        parents=[common, stack_opts],
        help="print the stack graph: order and dependencies (no Terraform, no AWS)",
    )
    graph.add_argument("--destroy", action="store_true", help="the order destroy would use")
    cleanup = sub.add_parser(
        "cleanup-studio",
        parents=[common],
        help="remove the home EFS, mount targets and NFS security groups that deleted Studio domains left behind",
    )
    cleanup.add_argument("--yes", action="store_true", help="do not ask for confirmation (required without a terminal)")
    matrix = sub.add_parser(
        "matrix",
        parents=[common],
        help="the environments a run touches, in promotion order, with account, region and GitHub OIDC roles, as a GitHub Actions matrix (no Terraform, no AWS)",
    )
    _stack_option(matrix)
    matrix.add_argument(
        "--changed-since",
        type=git_ref,
        metavar="GIT_REF",
        help="only environments with stacks that files changed since GIT_REF can affect",
    )
    matrix.add_argument(
        "--github-output",
        type=output_file,
        metavar="FILE",
        help="also append matrix=, count=, envs= (and, for one env, its fields) to FILE ($GITHUB_OUTPUT)",
    )
    targets = sub.add_parser(
        "targets",
        parents=[common],
        help="a stage's target accounts (an OU's resolved through AWS Organizations) and its deployment waves, canary first, as text, JSON or GitHub Actions matrices",
    )
    targets.add_argument("--stage", required=True, type=env_name, help="the stage (a key of target_accounts)")
    targets.add_argument("--format", choices=targets_command.FORMATS, default="text", help="default: text")
    targets.add_argument(
        "--github-output",
        type=output_file,
        metavar="FILE",
        help="also append canary=, rest= (matrices), canary_account=, rest_count=, max_parallel= to FILE ($GITHUB_OUTPUT)",
    )
    report = sub.add_parser(
        "report", help="merge the run reports of several jobs (--report-json) into one Markdown pull-request comment"
    )
    report.add_argument(
        "--from-dir",
        type=output_dir,
        required=True,
        metavar="DIR",
        help="folder of run-report JSON files; missing or empty means no stack was affected",
    )
    report.add_argument(
        "--markdown",
        type=output_file,
        required=True,
        metavar="FILE",
        help="the comment body (bounded to GitHub's limit); the full text goes beside it (FILE with .txt)",
    )
    report.add_argument("--step-summary", action="store_true", help="also append the Markdown to $GITHUB_STEP_SUMMARY")
    report.add_argument(
        "--expected-envs",
        type=env_list,
        default=[],
        metavar="JSON",
        help='environments that should have a report, as a JSON list (e.g. \'["dev","prod"]\'); one without is shown as failed (its job died before the orchestrator ran)',
    )
    report.add_argument("--json", action="store_true", help="print the merged report as JSON")
    comment = sub.add_parser(
        "pr-comment",
        help="create or update in place the pull request's one plan-report comment ($GITHUB_TOKEN, $GITHUB_REPOSITORY, $GITHUB_API_URL)",
    )
    comment.add_argument(
        "--pr",
        type=whole_number(1, 2**31 - 1, "a pull request number"),
        required=True,
        metavar="NUMBER",
        help="the pull request number",
    )
    comment.add_argument(
        "--body-file",
        type=input_path,
        required=True,
        metavar="FILE",
        help="the Markdown body (from `report --markdown`)",
    )
    subject = sub.add_parser(
        "oidc-subject",
        help="check, or with --apply set, each platform repository's GitHub OIDC subject template (claims repo, context, ref: what the CI roles trust) ($GITHUB_TOKEN, $GITHUB_API_URL)",
    )
    _env_option(subject, "the repositories of this environment (repeatable, each once; default: every env under envs/)")
    subject.add_argument(
        "--apply",
        action="store_true",
        help="set the template where it differs (needs a repository administrator's token; asks for confirmation)",
    )
    subject.add_argument(
        "--yes", action="store_true", help="with --apply: do not ask for confirmation (required without a terminal)"
    )
    subject.add_argument("--json", action="store_true", help="print the checks as JSON")
    scan = sub.add_parser(
        "scan", help="checkov over modules/, envs/, bootstrap/ and templates/: exit 1 on any failed check"
    )
    scan.add_argument(
        "--sarif-dir",
        type=output_dir,
        metavar="DIR",
        help="also write one SARIF file per folder here (for code scanning)",
    )
    scan.add_argument("--json", action="store_true", help="print the result as JSON")
    emulator = sub.add_parser(
        "emulator",
        help="manage a long-running local emulator; `credentials` prints a shell's AWS variables for one role of an environment's account on it",
    )
    emulator.add_argument("action", choices=("start", "stop", "status", "reset", "credentials"))
    emulator.add_argument("--env", type=env_name, help="credentials: the environment whose account holds the role")
    emulator.add_argument("--role", type=role_name, help="credentials: the role's name, e.g. mlops-dev-team-lead")
    shell = sub.add_parser(
        "completion", help="print a shell completion script for this command line (source it in ~/.bashrc or ~/.zshrc)"
    )
    shell.add_argument("shell", choices=completion.SHELLS)
    sub.help = argparse.SUPPRESS  # the commands are listed by group in the epilog instead
    parser.epilog = command_groups_help(sub)
    return parser


# The commands as `--help` lists them, by who runs them (argparse has no groups of subcommands).
COMMAND_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "operator commands",
        (
            "plan",
            "apply",
            "destroy",
            "drift",
            "output",
            "graph",
            "bootstrap",
            "unlock",
            "recover-state",
            "cleanup-studio",
            "emulator",
            "doctor",
            "completion",
        ),
    ),
    ("review", ("report", "scan")),
    ("CI plumbing (GitHub Actions)", ("matrix", "targets", "pr-comment", "oidc-subject")),
)
_HELP_WIDTH = 100
_NAME_WIDTH = 16


def command_groups_help(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> str:
    """Each group of COMMAND_GROUPS with its commands' one-line help, wrapped as argparse wraps options."""
    helps = {action.dest: action.help or "" for action in sub._choices_actions}
    indent = " " * (_NAME_WIDTH + 4)
    blocks = [
        "\n".join(
            [f"{title}:"]
            + [
                textwrap.fill(
                    helps[name],
                    _HELP_WIDTH,
                    initial_indent=f"  {name:<{_NAME_WIDTH}}  ",
                    subsequent_indent=indent,
                    break_on_hyphens=False,
                )
                for name in names
            ]
        )
        for title, names in COMMAND_GROUPS
    ]
    return "\n\n".join(blocks) + "\n\nRun `%(prog)s COMMAND --help` for a command's options."


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps(data, indent=2, default=str))
    else:
        print(text)


def _confirmed(args: argparse.Namespace, what: str, question: str, word: str) -> bool:
    """--yes, or the person at the terminal types `word`; without a terminal and --yes: exit 2."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise ConfigError([f"--yes: {what} without a terminal needs --yes (nothing was done)"])
    return input(f"{question} Type {word!r} to confirm: ").strip() == word


def _confirm_destroy(args: argparse.Namespace, envs: list[str]) -> bool:
    return _confirmed(args, "destroy", f"Destroy {', '.join(envs)} on target {args.target}?", "destroy")


def _cleanup_studio(args: argparse.Namespace, target: Target, configs: list[EnvConfig], progress: Progress) -> int:
    found = {env.name: (env, env_leftovers(target, env)) for env in configs}
    remaining = {name: (env, leftovers) for name, (env, leftovers) in found.items() if leftovers}
    _emit(
        args,
        {name: [leftover.__dict__ for leftover in leftovers] for name, (_, leftovers) in found.items()},
        "\n".join(
            f"{name}: {leftover.describe()}" for name, (_, leftovers) in remaining.items() for leftover in leftovers
        )
        or "no Studio resources left behind",
    )
    if not remaining:
        return EXIT_OK
    question = "Delete these (the home EFS holds user data; this cannot be undone)?"
    if not _confirmed(args, "removing Studio leftovers", question, "/".join(remaining)):
        print("not confirmed; nothing was removed")
        return EXIT_FAILURE
    for name, (env, leftovers) in remaining.items():
        for leftover in leftovers:
            remove(
                leftover,
                target.client(env, "efs"),
                target.client(env, "ec2"),
                _studio_say(progress, name),
            )
    print(f"removed what {len(remaining)} environment(s) had left behind; run destroy again")
    return EXIT_OK


def _emulator_command(args: argparse.Namespace) -> int:
    handle_file = local_dir() / "emulator.json"
    if args.action == "credentials":
        return _role_credentials_command(args, handle_file)
    given = [flag for flag, value in (("--env", args.env), ("--role", args.role)) if value]
    if given:
        raise ConfigError(
            [f"{flag}: only with `emulator credentials` (value {getattr(args, flag[2:])!r})" for flag in given]
        )
    if args.action == "start":
        target = make_target("local", keep_emulator=True)
        target.open()
        print(f"emulator running at {target.url} (stop it with `python -m orchestrator emulator stop`)")  # type: ignore[attr-defined]
        print(f"export ORCHESTRATOR_EMULATOR_URL={target.url}")  # type: ignore[attr-defined]
        return EXIT_OK
    if args.action == "stop":
        print("stopped" if stop_by_handle(handle_file) else "no emulator started by `emulator start` is recorded")
        return EXIT_OK
    if args.action == "reset":
        state_file().unlink(missing_ok=True)
        print(f"removed {state_file()}: the next local run starts from an empty cloud")
        return EXIT_OK
    handle = read_handle(handle_file)
    print(json.dumps(handle) if handle else "no emulator recorded")
    return EXIT_OK


def _studio_say(progress: Progress, env_name: str) -> Callable[[str], None]:
    def say(text: str) -> None:
        progress.say(f"{env_name}/studio", text)

    return say


def _policy_gate(args: argparse.Namespace) -> bool:
    chosen = getattr(args, "policy_gate", None)
    return bool(args.target == "aws" if chosen is None else chosen == "on")


def _saved_plans(
    run_dir: Path, selection: list[tuple[EnvConfig, list[StackSpec]]]
) -> list[tuple[EnvConfig, list[StackSpec]]]:
    """The selected stacks that `plan --out-dir run_dir` saved a plan for; none at all is an error."""
    if not run_dir.is_dir():
        raise ConfigError([f"--from: {run_dir} is not a directory written by `plan --out-dir`"])
    saved = [
        (env, [s for s in stacks if (run_dir / f"{env.name}.{s.name}.summary.json").is_file()])
        for env, stacks in selection
    ]
    saved = [(env, stacks) for env, stacks in saved if stacks]
    if not saved:
        raise ConfigError(
            [f"--from: {run_dir} holds no saved plan of the selected stacks (run `plan --out-dir {run_dir}` first)"]
        )
    return saved


def _consents(args: argparse.Namespace) -> tuple[Consent, ...]:
    return tuple(getattr(args, "allow_destroy", None) or ())


def _check_consents(args: argparse.Namespace, selection: list[tuple[EnvConfig, list[StackSpec]]]) -> None:
    """--allow-destroy names a stack this run plans, and never goes with --from (exit 2, before anything runs)."""
    given = _consents(args)
    if given and getattr(args, "from_dir", None) is not None:
        raise ConfigError(
            [
                f"{FLAG}: not with --from: a reviewed plan is applied with exactly the consent recorded when it was made "
                f"(`plan --out-dir DIR {FLAG} ...`) (value {given[0]})"
            ]
        )
    planned = {f"{env.name}/{stack.name}" for env, stacks in selection for stack in stacks}
    problems = [
        f"{FLAG}: {c} names {c.label}, which this run does not plan (a stale consent; selected: {', '.join(sorted(planned)) or 'none'})"
        for c in given
        if c.label not in planned
    ]
    if problems:
        raise ConfigError(problems)


def _check_reviewed_consent(run_dir: Path, selection: list[tuple[EnvConfig, list[StackSpec]]]) -> None:
    """Every saved plan's stateful deletes and replaces allowed when it was reviewed; otherwise
    refused (exit 1) before any of them is applied."""
    refusals = []
    for env, stacks in selection:
        for stack in stacks:
            summary = run_dir / f"{env.name}.{stack.name}.summary.json"
            saved = StackOutcome.from_dict(json.loads(summary.read_text(encoding="utf-8")))
            if saved.result == "changes" and held(saved):
                refusals.append(refusal(saved))
    if refusals:
        raise OrchestratorError(
            "\n".join(refusals)
            + f"\nThe plans in {run_dir} were saved without that consent: nothing was applied; plan again with it."
        )


def _changed_only(
    ref: str, selection: list[tuple[EnvConfig, list[StackSpec]]], progress: Progress
) -> list[tuple[EnvConfig, list[StackSpec]]]:
    files = changed_files_since(ref)
    affected = affected_stacks(files, selection)
    for label, file in affected.reasons.items():
        progress.say(label, f"selected: {file} changed since {ref}")
    progress.say("orchestrator", f"{len(files)} file(s) changed since {ref}: {len(affected.reasons)} stack(s) affected")
    narrowed = [(env, [s for s in stacks if s.name in affected.stacks[env.name]]) for env, stacks in selection]
    return [(env, stacks) for env, stacks in narrowed if stacks]


def _markdown(report: RunReport, full_text_name: str, heading: str = "") -> str:
    limit = markdown_report.GITHUB_COMMENT_LIMIT - len(heading)
    return heading + markdown_report.render(
        report.command, report.target, report.outcomes, report.seconds, full_text_name, limit
    )


def _write_reports(args: argparse.Namespace, report: RunReport) -> None:
    """--report-json, --markdown and --step-summary: the same run report for files, PR comments and GitHub."""
    if getattr(args, "github_output", None) is not None:
        github_actions.append_lines(args.github_output, [f"changes={'true' if report.changes_present else 'false'}"])
    if getattr(args, "report_json", None) is not None:
        args.report_json.parent.mkdir(parents=True, exist_ok=True)
        args.report_json.write_text(json.dumps(report.to_dict(), indent=2, default=str) + "\n", encoding="utf-8")
    if getattr(args, "markdown", None) is not None:
        markdown_report.write(
            report.text(limit=None), _markdown(report, args.markdown.with_suffix(".txt").name), args.markdown
        )
    if getattr(args, "step_summary", False):
        github_actions.append_lines(github_actions.step_summary_file(), [_markdown(report, "this job's log"), ""])


def _report_command(args: argparse.Namespace) -> int:
    merged = merge(load_reports(args.from_dir))
    merged.outcomes += missing_reports(merged, args.expected_envs)
    heading = pr_comment.MARKER + "\n"
    if merged.outcomes:
        markdown = _markdown(merged, args.markdown.with_suffix(".txt").name, heading)
    else:
        markdown = heading + "### No stack is affected by this change: nothing to plan."
    full = markdown_report.write(
        merged.text(limit=None) if merged.outcomes else "No stack is affected.", markdown, args.markdown
    )
    if args.step_summary:
        github_actions.append_lines(github_actions.step_summary_file(), [markdown, ""])
    _emit(
        args,
        merged.to_dict(),
        f"wrote {args.markdown} ({len(markdown)} characters, {len(merged.outcomes)} stack(s)) and {full}",
    )
    return EXIT_FAILURE if merged.failed else EXIT_OK


def _pr_comment_command(args: argparse.Namespace) -> int:
    context = GitHubContext.from_environment()
    if not args.body_file.is_file():
        raise ConfigError([f"--body-file: {args.body_file} does not exist (write it with `report --markdown`)"])
    action, url = pr_comment.upsert(context, args.pr, args.body_file.read_text(encoding="utf-8"))
    print(f"{action} the plan comment of pull request #{args.pr}: {url}")
    return EXIT_OK


def _oidc_subject_command(args: argparse.Namespace) -> int:
    """Each repository's subject template; --apply sets the ones that differ, then reads them again."""
    contexts = subject_contexts(load_envs(args.envs))
    checks = [subject_template_check(context) for context in contexts]
    wrong = [context for context, check in zip(contexts, checks, strict=True) if not check.ok]
    question = (
        f"Set the OIDC subject template of {', '.join(c.repository for c in wrong)} to repo, context, ref? "
        "Every workflow's token changes: trusts of the default subject (other roles, other clouds) stop matching."
    )
    if args.apply and wrong and _confirmed(args, "oidc-subject --apply", question, "apply"):
        for context in wrong:
            set_subject_template(context)
        checks = [subject_template_check(context) for context in contexts]
    failed = [c for c in checks if not c.ok]
    text = "\n".join(f"{'ok ' if c.ok else 'FAIL'} {c.detail}" for c in checks)
    _emit(args, {"ok": not failed, "checks": [c.__dict__ for c in checks]}, text)
    return EXIT_FAILURE if failed else EXIT_OK


def _scan_command(args: argparse.Namespace) -> int:
    scans = scan_repository(args.sarif_dir)
    failed = [f for s in scans for f in s.failed]
    text = "\n".join(
        f"{s.folder + '/':<12} {s.passed:>4} passed {s.skipped:>3} skipped {len(s.failed):>3} failed" for s in scans
    )
    if failed:
        text += "\n\nfailed checks:\n" + "\n".join(f"  {f}" for f in failed)
    data = {"ok": not failed, "folders": [{**s.__dict__, "sarif": str(s.sarif) if s.sarif else None} for s in scans]}
    _emit(args, data, text)
    return EXIT_FAILURE if failed else EXIT_OK


def _role_credentials_command(args: argparse.Namespace, handle_file: Path) -> int:
    """`export` lines for one role's session on the running emulator (eval them in a shell)."""
    from orchestrator.targets.role_shell import exports, role_credentials  # noqa: PLC0415

    missing = [flag for flag, value in (("--env", args.env), ("--role", args.role)) if not value]
    if missing:
        raise ConfigError(
            [f"{flag}: `emulator credentials` needs it (e.g. --env dev --role mlops-dev-team-lead)" for flag in missing]
        )
    env = load_envs([args.env])[0]
    handle = read_handle(handle_file) or {}
    url = os.environ.get("ORCHESTRATOR_EMULATOR_URL") or str(handle.get("url") or "")
    if not url:
        raise ConfigError(["emulator: none is running; start it with `python -m orchestrator emulator start`"])
    try:
        emulator_url(url)
    except argparse.ArgumentTypeError as exc:
        raise ConfigError([f"ORCHESTRATOR_EMULATOR_URL: {exc}"]) from None
    print("\n".join(exports(url, env, role_credentials(url, env, args.role))))
    return EXIT_OK


def _check_target_options(args: argparse.Namespace) -> None:
    """Options of the local emulator only make sense with --target local; its URL from the environment is checked like the flag's."""
    if args.target != "local":
        given = [
            flag
            for flag, value in (("--emulator-url", args.emulator_url), ("--keep-emulator", args.keep_emulator))
            if value
        ]
        if given:
            raise ConfigError(
                [
                    f"{flag}: only with --target local (value {getattr(args, flag[2:].replace('-', '_'))!r})"
                    for flag in given
                ]
            )
        return
    from_environment = os.environ.get("ORCHESTRATOR_EMULATOR_URL")
    if args.emulator_url is None and from_environment:
        try:
            emulator_url(from_environment)
        except argparse.ArgumentTypeError as exc:
            raise ConfigError([f"ORCHESTRATOR_EMULATOR_URL: {exc}"]) from None


@dataclass
class _Selected:
    """What a command on a target works on, checked before Terraform or AWS is touched."""

    settings: PlatformSettings
    progress: Progress
    configs: list[EnvConfig]
    selection: list[tuple[EnvConfig, list[StackSpec]]]


def _checked(args: argparse.Namespace) -> tuple[PlatformSettings, Progress]:
    """The options every command on a target shares, then the platform's settings."""
    if getattr(args, "step_summary", False):
        github_actions.step_summary_file()  # unset: exit 2 before anything runs
    _check_target_options(args)
    return load_settings(), Progress()


def _selected(args: argparse.Namespace) -> _Selected:
    """The environments and their stacks (narrowed by --changed-since): everything a person can get
    wrong is checked here, before Terraform or AWS is touched."""
    settings, progress = _checked(args)
    configs = for_account(load_envs(args.envs), getattr(args, "account", None))
    selection = [(env, stacks_for(env, getattr(args, "stacks", None))) for env in configs]
    if getattr(args, "changed_since", None):
        selection = _changed_only(args.changed_since, selection, progress)
    return _Selected(settings, progress, configs, selection)


def _affected(args: argparse.Namespace, selected: _Selected) -> bool:
    """False (and says so) when --changed-since left no stack to run."""
    if getattr(args, "changed_since", None) and not selected.selection:
        _emit(
            args,
            RunReport(args.command, args.target).to_dict(),
            f"No stack is affected by the changes since {args.changed_since}: nothing to {args.command}.",
        )
        return False
    return True


def _graph_checked(args: argparse.Namespace) -> tuple[_Selected, StackGraph] | None:
    """The selection and its stack graph: a dependency cycle or more than --max-stacks stacks is
    refused (exit 2) by every command, before anything runs; None when no stack is affected."""
    selected = _selected(args)
    if not _affected(args, selected):
        return None
    if getattr(args, "from_dir", None) is not None:
        selected.selection = _saved_plans(args.from_dir, selected.selection)
    _check_consents(args, selected.selection)
    if getattr(args, "from_dir", None) is not None:
        _check_reviewed_consent(args.from_dir, selected.selection)
        use_recorded(selected.selection, args.from_dir, gated=_policy_gate(args))  # never the OU itself
    stack_graph = build_graph(selected.selection, with_bootstrap=args.command in ("plan", "apply"))
    stack_graph.order()
    check_size(stack_graph, args.max_stacks)
    return selected, stack_graph


@contextmanager
def _opened(args: argparse.Namespace, progress: Progress) -> Iterator[Target]:
    """The target, open, with Ctrl-C and SIGTERM forwarded to Terraform; closed afterwards."""
    target = make_target(args.target, args.emulator_url, args.keep_emulator)
    with forwarding_signals():
        try:
            target.open()
            progress.say("orchestrator", f"target {target.describe()}")
            yield target
        finally:
            target.close()


def _finished(args: argparse.Namespace, report: RunReport) -> int:
    _emit(args, report.to_dict(), report.text())
    _write_reports(args, report)
    return report.exit_code(detailed=getattr(args, "detailed_exitcode", False))


def _doctor_command(args: argparse.Namespace) -> int:
    settings, _ = _checked(args)
    checks = run_checks(settings, args.target)
    if args.target == "aws":
        checks += apply_branch_checks(load_envs(args.envs))
    failed = [c for c in checks if c.required and not c.ok]
    text = "\n".join(f"{'ok ' if c.ok else 'FAIL' if c.required else 'warn'} {c.name:<16} {c.detail}" for c in checks)
    _emit(args, {"ok": not failed, "checks": [c.__dict__ for c in checks]}, text)
    return EXIT_FAILURE if failed else EXIT_OK


def _bootstrap_command(args: argparse.Namespace) -> int:
    selected = _selected(args)
    with _opened(args, selected.progress) as target:
        bootstraps = [(env, [BOOTSTRAP_STACK]) for env in selected.configs]
        resolve_for_run(bootstraps, targets_command.organizations_of(target))
        report = run_bootstrap(target, selected.settings, selected.configs, selected.progress, DEFAULT_PARALLELISM)
    return _finished(args, report)


def _accounts_for_run(args: argparse.Namespace, selected: _Selected, target: Target) -> None:
    """The OU accounts the run needs (orchestrator/accounts/needed.py), listed only for what it
    runs; `apply --from` has those recorded with the reviewed plans already (`_graph_checked`)."""
    if getattr(args, "from_dir", None) is not None:
        return
    resolve_for_run(
        selected.selection,
        targets_command.organizations_of(target),
        saving=args.command == "plan" and getattr(args, "out_dir", None) is not None,
        gated=args.command == "apply" and _policy_gate(args),
    )


def _run_stacks(args: argparse.Namespace, selected: _Selected) -> int:
    saved = getattr(args, "from_dir", None)
    with _opened(args, selected.progress) as target:
        _accounts_for_run(args, selected, target)
        report = run_stacks(
            "apply-saved" if saved is not None else args.command,
            target,
            selected.settings,
            selected.selection,
            selected.progress,
            args.lock_timeout,
            saved if saved is not None else getattr(args, "out_dir", None),
            args.parallelism or DEFAULT_PARALLELISM,
            args.keep_going,
            _policy_gate(args),
            _consents(args),
        )
    return _finished(args, report)


def _stacks_command(args: argparse.Namespace) -> int:
    """plan, apply and drift: the selected stacks over the stack graph."""
    checked = _graph_checked(args)
    return EXIT_OK if checked is None else _run_stacks(args, checked[0])


def _destroy_command(args: argparse.Namespace) -> int:
    checked = _graph_checked(args)
    if checked is None:
        return EXIT_OK
    if not _confirm_destroy(args, [c.name for c in checked[0].configs]):
        print("not confirmed; nothing was destroyed")
        return EXIT_FAILURE
    return _run_stacks(args, checked[0])


def _graph_command(args: argparse.Namespace) -> int:
    checked = _graph_checked(args)
    if checked is not None:
        shown = checked[1].reversed() if args.destroy else checked[1]
        _emit(args, shown.to_dict(), shown.text())
    return EXIT_OK


def _output_command(args: argparse.Namespace) -> int:
    selected = _selected(args)
    if not _affected(args, selected):
        return EXIT_OK
    with _opened(args, selected.progress) as target:
        resolve_for_run(selected.selection, targets_command.organizations_of(target))
        engine = Engine(target, selected.settings, selected.progress)
        values = {f"{env.name}/{s.name}": engine.output(env, s) for env, stacks in selected.selection for s in stacks}
    _emit(args, values, json.dumps(values, indent=2, default=str))
    return EXIT_OK


def _one_stack(args: argparse.Namespace, env: str, stack: str) -> _Selected:
    args.envs, args.stacks = [env], [stack]
    return _selected(args)


def _unlock_command(args: argparse.Namespace) -> int:
    selected = _one_stack(args, args.lock_env, args.lock_stack)
    question = f"Release lock {args.lock_id} of {args.lock_env}/{args.lock_stack}? Only if the run holding it is dead."
    if not _confirmed(args, "unlock", question, "unlock"):
        print("not confirmed; the lock is kept")
        return EXIT_FAILURE
    [(env, [stack])] = selected.selection
    with _opened(args, selected.progress) as target:
        Engine(target, selected.settings, selected.progress).unlock(env, stack, args.lock_id)
    print(f"released lock {args.lock_id} of {env.name}/{stack.name}")
    return EXIT_OK


def _recover_state_command(args: argparse.Namespace) -> int:
    selected = _one_stack(args, args.state_env, args.state_stack)
    if not _confirmed(args, "recover-state", recovery_question(args.target, args.state_env, args.state_stack), "push"):
        print("not confirmed; nothing was pushed")
        return EXIT_FAILURE
    [(env, [stack])] = selected.selection
    with _opened(args, selected.progress) as target:
        print(Engine(target, selected.settings, selected.progress).recover_state(env, stack).text())
    return EXIT_OK


def _cleanup_studio_command(args: argparse.Namespace) -> int:
    selected = _selected(args)
    with _opened(args, selected.progress) as target:
        return _cleanup_studio(args, target, selected.configs, selected.progress)


def _matrix_command(args: argparse.Namespace) -> int:
    document = github_actions.matrix(_selected(args).selection)
    if args.github_output is not None:
        github_actions.append_lines(args.github_output, github_actions.github_output_lines(document))
    rows = document["include"]
    text = (
        "\n".join(f"{r['env']:<10} {r['account_id']} {r['region']:<14} {r['stacks']}" for r in rows)
        or "no environment is affected"
    )
    print(json.dumps(document, indent=2) if args.json else text)
    return EXIT_OK


def _targets_command(args: argparse.Namespace) -> int:
    """A stage's accounts and waves; an OU is resolved on the target (the only AWS call)."""
    if args.account is not None:
        raise ConfigError(
            [f"--account: not with targets, which lists every account of the stage (value {args.account!r})"]
        )
    _, progress = _checked(args)
    dev = targets_command.stage_source(load_envs(args.envs), args.stage)
    if dev.needs_resolution:
        with _opened(args, progress) as target:
            resolve_all([dev], targets_command.organizations_of(target))
    _, text = targets_command.render(dev, args.stage, "json" if args.json else args.format)
    if args.github_output is not None:
        matrix, _ = targets_command.render(dev, args.stage, "github-matrix")
        github_actions.append_lines(args.github_output, targets_command.github_output_lines(matrix))
    print(text)
    return EXIT_OK


def _completion_command(args: argparse.Namespace) -> int:
    print(completion.script(_parser(), args.shell, known_envs()), end="")
    return EXIT_OK


Handler = Callable[[argparse.Namespace], int]

# One handler per command; `_parser` names each command's group in the help (COMMAND_GROUPS).
HANDLERS: dict[str, Handler] = {
    "doctor": _doctor_command,
    "bootstrap": _bootstrap_command,
    "plan": _stacks_command,
    "apply": _stacks_command,
    "drift": _stacks_command,
    "destroy": _destroy_command,
    "output": _output_command,
    "graph": _graph_command,
    "unlock": _unlock_command,
    "recover-state": _recover_state_command,
    "cleanup-studio": _cleanup_studio_command,
    "emulator": _emulator_command,
    "completion": _completion_command,
    "report": _report_command,
    "scan": _scan_command,
    "matrix": _matrix_command,
    "targets": _targets_command,
    "pr-comment": _pr_comment_command,
    "oidc-subject": _oidc_subject_command,
}


def _run(args: argparse.Namespace) -> int:
    return HANDLERS[args.command](args)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # a bad flag or value: argparse prints it and exits 2
    try:
        return _run(args)
    except ConfigError as exc:
        print("Configuration error (nothing was run):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return exc.exit_code
    except OrchestratorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
