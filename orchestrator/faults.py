"""Failures that do not come from the configuration, each said as what happened, the log to read
and the command that recovers.

A Terraform command that fails is classified from its output, its exit status and whether the
target still answers (local: whether the emulator process is alive). The target's death comes
first: when the emulator is gone, every error Terraform printed after it (a role that "cannot be
assumed", a refused connection, a state that could not be saved) is its consequence, not the story.
"""

from __future__ import annotations

import errno
import signal
from dataclasses import dataclass
from pathlib import Path

EXPIRED_MARKERS = (
    "expiredtoken",
    "security token included in the request is expired",
    "the provided token has expired",
    "requestexpired",
)
DISK_FULL_MARKERS = ("no space left on device", "enospc")
CONNECTION_MARKERS = (
    "connection refused",
    "connection reset by peer",
    "broken pipe",
    "no such host",
    "i/o timeout",
    "network is unreachable",
    "tls handshake timeout",
    "server closed idle connection",
    "unexpected eof",
    "could not connect to the endpoint url",
)
ORIGINAL_ERROR_LINES = 8

# What Terraform's output says, what happened, and what recovers ({marker}, {endpoint}, {work_dir}, {rerun}); first match wins.
SYMPTOMS = (
    (
        DISK_FULL_MARKERS,
        "the disk is full (no space left on device) where the orchestrator writes plans, state and logs ({work_dir})",
        "free space there (`df -h {work_dir}`), then {rerun}",
    ),
    (
        EXPIRED_MARKERS,
        "the credentials expired during the run ({marker}): the calls after that were refused",
        "renew them (`aws sso login`, or run the workflow job again for a fresh OIDC token), then {rerun}",
    ),
    (
        CONNECTION_MARKERS,
        "the connection to {endpoint} was lost during the run ({marker})",
        "check the network (and that {endpoint} answers), then {rerun}",
    ),
)


@dataclass(frozen=True)
class Fault:
    """One failure explained: `what` happened (first line of the report), the `log` to read, the
    command that `recover`s."""

    what: str
    log: str
    recover: str
    lost: str = ""  # what is gone with it, when something is

    def text(self, original: str = "") -> str:
        lines = [
            self.what,
            *([f"  lost: {self.lost}"] if self.lost else []),
            f"  log: {self.log}",
            f"  recover: {self.recover}",
        ]
        shown = [line for line in original.strip().splitlines() if line.strip()][:ORIGINAL_ERROR_LINES]
        if shown:
            lines.append("  Terraform reported:")
            lines += [f"    {line}" for line in shown]
        return "\n".join(lines)


@dataclass(frozen=True)
class Gone:
    """The target stopped answering during the run: `what` happened, its `log`, what to do before
    running the command again (`restart`, '' when the rerun itself starts a new one)."""

    what: str
    log: Path | None = None
    restart: str = ""
    lost: str = ""


@dataclass(frozen=True)
class Failure:
    """What is known about one failed Terraform command."""

    error: str  # what Terraform reported as the error
    output: str  # everything it printed (searched for the cause)
    returncode: int  # negative: killed by that signal (subprocess's convention)
    terraform_log: Path
    rerun: str  # what runs it again: `python -m orchestrator apply --env dev`, quoted as shown
    work_dir: Path
    gone: Gone | None = None  # the target stopped answering (the emulator exited), None while it answers
    endpoint: str = "AWS"  # what Terraform talks to: "AWS" or "the emulator at <url>"


def rerun_command(command: str, env: str, target: str) -> str:
    """The orchestrator command that runs a stack's command again, quoted as a report shows it."""
    flag = "" if target == "local" else f" --target {target}"
    return f"`python -m orchestrator {command} --env {env}{flag}`"


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def exit_status(returncode: int) -> str:
    """`exit code 3`, or `killed by signal SIGKILL` for a negative return code."""
    return f"killed by signal {signal_name(-returncode)}" if returncode < 0 else f"exit code {returncode}"


def _has(output: str, markers: tuple[str, ...]) -> str | None:
    lowered = output.lower()
    return next((marker for marker in markers if marker in lowered), None)


def classify(failure: Failure) -> Fault | None:
    """The fault behind a failed command, None when it is an ordinary error (configuration, AWS API)."""
    log = str(failure.terraform_log)
    rerun = failure.rerun
    if failure.gone is not None:
        logs = f"{failure.gone.log} (the emulator), {log} (Terraform)" if failure.gone.log else log
        return Fault(failure.gone.what, logs, f"{failure.gone.restart}{rerun}", failure.gone.lost)
    if failure.returncode < 0:
        return terraform_killed(failure.returncode, log, rerun)
    facts = {"rerun": rerun, "endpoint": failure.endpoint, "work_dir": failure.work_dir}
    for markers, what, recover in SYMPTOMS:
        marker = _has(failure.output, markers)
        if marker:
            return Fault(what.format(marker=marker, **facts), log, recover.format(**facts))
    return None


def explain(failure: Failure, note: str = "") -> str:
    """The error of a failed command as the report shows it: the fault (what happened, log,
    recovery) over Terraform's own error, or that error alone; then `note` (a state left behind)."""
    fault = classify(failure)
    text = fault.text(failure.error) if fault is not None else failure.error
    return f"{text}\n{note}" if note else text


def terraform_killed(returncode: int, log: str, rerun: str) -> Fault:
    cause = " (the kernel's out-of-memory killer sends it, as does `kill -9`)" if -returncode == signal.SIGKILL else ""
    return Fault(
        f"Terraform was {exit_status(returncode)}{cause}, not stopped by the orchestrator: it wrote nothing after that",
        log,
        f"{rerun}; if it reports the state lock held, release it with the `unlock` command it prints",
    )


def disk_full(work_dir: Path, log: str, rerun: str) -> Fault:
    """The fault of a write of the orchestrator's own that found the disk full."""
    _, what, recover = SYMPTOMS[0]
    return Fault(what.format(work_dir=work_dir), log, recover.format(work_dir=work_dir, rerun=rerun))


def is_disk_full(exc: OSError) -> bool:
    return exc.errno == errno.ENOSPC
