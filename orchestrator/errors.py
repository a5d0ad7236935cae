"""Errors the orchestrator reports to a person, each mapped to a documented exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_CHANGES_PRESENT = 3
EXIT_INTERRUPTED = 130

# A value quoted in a message is cut here: a message never repeats a whole (maybe huge) input.
QUOTE_LIMIT = 200


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`repr(value)`, cut to `limit` characters (the cut marked with its full length)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


class OrchestratorError(Exception):
    """A failure while running (Terraform error, AWS error, emulator did not start): exit 1."""

    exit_code = EXIT_FAILURE


class ConfigError(OrchestratorError):
    """Bad input or configuration, found before any Terraform or AWS call: exit 2."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class StateLockedError(OrchestratorError):
    """Terraform could not take the state lock of a stack: another run holds it, or the lock
    could not be written at all."""

    def __init__(self, stack: str, lock_id: str, who: str, created: str, path: str, detail: str = "") -> None:
        self.stack = stack
        self.lock_id = lock_id
        self.who = who
        self.created = created
        self.path = path
        if lock_id:
            message = (
                f"{stack}: the state is locked by another run (lock ID {lock_id}, held by {who or 'unknown'} "
                f"since {created or 'unknown'}, lock {path or 'unknown'}). Nothing was changed. Wait for that run "
                "to finish and try again (or pass --lock-timeout); if it died, release the lock with "
                f"`python -m orchestrator unlock {stack.replace('/', ' ')} {lock_id}`."
            )
        else:
            message = f"{stack}: Terraform could not take the state lock, nothing was changed: {detail.strip()}"
        super().__init__(message)


class Interrupted(OrchestratorError):
    """SIGINT/SIGTERM received; Terraform was allowed to release its lock first."""

    exit_code = EXIT_INTERRUPTED
