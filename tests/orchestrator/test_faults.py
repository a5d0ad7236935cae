"""Faults said as what happened, the log to read and the command that recovers; the target's death
before the symptoms Terraform printed after it."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from orchestrator.emulator.process import exited
from orchestrator.faults import Failure, Gone, classify, exit_status, explain

LOG = Path("/work/local/staging/hosting/apply.log")
RERUN = "`python -m orchestrator apply --env staging`"
ASSUME = "Cannot assume IAM Role: IAM Role (arn:aws:iam::222222222222:role/mlops-staging-deploy) cannot be assumed."


def _failure(error: str, returncode: int = 1, gone: Gone | None = None, output: str = "") -> Failure:
    return Failure(
        error, output or error, returncode, LOG, RERUN, Path("/work"), gone, "the local emulator at http://127.0.0.1:1"
    )


def test_the_emulators_death_is_the_story_not_the_role_that_could_not_be_assumed() -> None:
    gone = exited(-signal.SIGKILL, Path("/work/local/emulator.log"))
    fault = classify(_failure(ASSUME, gone=gone))
    assert fault is not None
    assert (
        fault.what
        == "the local emulator exited during the run (killed by signal SIGKILL); Terraform's errors below are the consequence"
    )
    assert fault.lost.startswith("what it created since it last stopped cleanly")
    assert "/work/local/emulator.log" in fault.log and str(LOG) in fault.log
    assert fault.recover == RERUN
    text = explain(_failure(ASSUME, gone=gone))
    assert text.splitlines()[0] == fault.what, "the report's one-line reason is what happened"
    assert text.splitlines()[1] == f"  lost: {fault.lost}"
    assert ASSUME in text, "Terraform's own words stay below, as the consequence"


def test_an_emulator_that_ended_by_itself_gives_its_exit_code() -> None:
    assert "(exit code 3)" in exited(3, None).what


def test_the_emulators_death_comes_before_every_other_symptom() -> None:
    fault = classify(
        _failure("dial tcp 127.0.0.1:1: connect: connection refused", returncode=-9, gone=exited(-15, None))
    )
    assert fault is not None and "killed by signal SIGTERM" in fault.what and fault.log == str(LOG)


def test_an_attached_emulator_that_stopped_is_started_again_before_the_rerun() -> None:
    gone = Gone("the emulator at http://127.0.0.1:1 stopped answering", restart="start one, then: ")
    fault = classify(_failure("x", gone=gone))
    assert fault is not None and fault.recover == f"start one, then: {RERUN}"


def test_a_killed_terraform_is_named_by_its_signal() -> None:
    fault = classify(_failure("", returncode=-signal.SIGKILL))
    assert fault is not None
    assert fault.what.startswith("Terraform was killed by signal SIGKILL") and "out-of-memory" in fault.what
    assert fault.recover.startswith(RERUN) and "unlock" in fault.recover
    assert "SIGTERM" in classify(_failure("", returncode=-signal.SIGTERM)).what  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "error",
    [
        "Error: saving state: write errored.tfstate: no space left on device",
        "Failed to write plan file: open tfplan: ENOSPC",
    ],
)
def test_a_full_disk(error: str) -> None:
    fault = classify(_failure(error))
    assert fault is not None and fault.what.startswith("the disk is full") and "df -h /work" in fault.recover


@pytest.mark.parametrize(
    "error",
    [
        "operation error STS: AssumeRole, https response error StatusCode: 403, api error ExpiredToken: The security token included in the request is expired",
        "api error ExpiredTokenException: token expired",
        "The security token included in the request is expired",
    ],
)
def test_an_expired_credential(error: str) -> None:
    fault = classify(_failure(error))
    assert fault is not None and fault.what.startswith("the credentials expired during the run")
    assert "aws sso login" in fault.recover and fault.recover.endswith(RERUN)


def test_a_lost_connection_names_what_was_lost() -> None:
    fault = classify(_failure("Error: reading S3 Bucket: dial tcp 127.0.0.1:1: connect: connection refused"))
    assert fault is not None
    assert (
        fault.what
        == "the connection to the local emulator at http://127.0.0.1:1 was lost during the run (connection refused)"
    )


def test_the_cause_is_found_in_everything_terraform_printed() -> None:
    fault = classify(
        _failure("Error: Failed to save state", output="Error: Failed to save state\nwrite: no space left on device")
    )
    assert fault is not None and fault.what.startswith("the disk is full")


def test_an_ordinary_error_is_reported_as_terraform_said_it() -> None:
    error = "Error: creating IAM Role: AccessDenied: not authorized to perform iam:CreateRole"
    assert classify(_failure(error)) is None
    assert explain(_failure(error)) == error
    assert explain(_failure(error), "a note") == f"{error}\na note"


def test_exit_status() -> None:
    assert exit_status(2) == "exit code 2"
    assert exit_status(-9) == "killed by signal SIGKILL"
    assert exit_status(-77) == "killed by signal 77"


def test_a_full_disk_met_by_the_orchestrators_own_write() -> None:
    import errno

    from orchestrator.faults import disk_full, is_disk_full

    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device")) and not is_disk_full(
        OSError(errno.EACCES, "denied")
    )
    fault = disk_full(Path("/work"), str(LOG), RERUN)
    assert (
        fault.what.startswith("the disk is full") and fault.recover == f"free space there (`df -h /work`), then {RERUN}"
    )


def test_the_rerun_command_names_the_target_unless_it_is_the_default() -> None:
    from orchestrator.faults import rerun_command

    assert rerun_command("apply", "staging", "local") == "`python -m orchestrator apply --env staging`"
    assert rerun_command("destroy", "prod", "aws") == "`python -m orchestrator destroy --env prod --target aws`"
