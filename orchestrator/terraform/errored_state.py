"""The state Terraform could not save: `errored.tfstate` in a stack's working root.

When Terraform cannot write the state to the backend at the end of an apply (the backend stopped
answering, the credentials expired, the disk filled up), it writes the state it holds to
`errored.tfstate` in its working directory. On AWS that file is the only record of what the apply
just created: the backend's state does not know those resources, and the next apply would try to
create them again. It is put back with `terraform state push`, which is safe only over the same
state (equal lineage) that it does not roll back (a serial at least the backend's); anything else
is refused and explained, and the file is never deleted: once pushed, it is kept beside, renamed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orchestrator.errors import ConfigError, OrchestratorError
from orchestrator.terraform.workspace import root_dir

ERRORED_STATE = "errored.tfstate"


@dataclass(frozen=True)
class StateRecord:
    """What decides whether one state may replace another."""

    lineage: str
    serial: int
    resources: int

    def describe(self) -> str:
        return f"lineage {self.lineage}, serial {self.serial}, {self.resources} resource(s)"


def parse_state(text: str, source: str) -> StateRecord | None:
    """The record of a state document; None when there is no state at all (an empty `state pull`)."""
    if not text.strip():
        return None
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise OrchestratorError(f"{source} is not a Terraform state (not JSON)") from None
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("lineage"), str)
        or not isinstance(document.get("serial"), int)
    ):
        raise OrchestratorError(f"{source} is not a Terraform state (no lineage or serial)")
    resources = document.get("resources", [])
    return StateRecord(document["lineage"], document["serial"], len(resources) if isinstance(resources, list) else 0)


def read_errored(path: Path) -> StateRecord:
    if not path.is_file():
        raise OrchestratorError(f"{path} does not exist: Terraform left no state to recover there")
    record = parse_state(path.read_text(encoding="utf-8"), str(path))
    if record is None:
        raise OrchestratorError(f"{path} is empty: there is no state in it to recover")
    return record


def recovery_question(target: str, env: str, stack: str) -> str:
    """The confirmation question of `recover-state`; a missing or unreadable file is bad input (exit 2)."""
    path = root_dir(target, env, stack) / ERRORED_STATE
    try:
        record = read_errored(path)
    except OrchestratorError as exc:
        raise ConfigError([f"recover-state: {exc} (nothing was run)"]) from None
    return (
        f"Push {path} ({record.describe()}) as the state of {env}/{stack} on {target}? "
        "It is compared with the backend's state first (same lineage, serial not older)."
    )


def push_refusal(errored: StateRecord, backend: StateRecord | None) -> str | None:
    """Why pushing `errored` over the backend's state would lose something; None when it is safe
    (no state in the backend yet, or the same state at an equal or earlier serial)."""
    if backend is None:
        return None
    if backend.lineage != errored.lineage:
        return (
            f"the backend holds another state (lineage {backend.lineage}; the errored state's is {errored.lineage}): "
            "the stack's state was started anew since (the stack was destroyed and applied again, or the local "
            "emulator lost its state and a later apply began from nothing); pushing would replace that state"
        )
    if errored.serial < backend.serial:
        return (
            f"the backend's state is newer (serial {backend.serial}; the errored state's is {errored.serial}): "
            "a later run has written it since; pushing would roll it back"
        )
    return None


def refusal_advice(path: Path) -> str:
    return (
        f"Nothing was pushed; {path} stays where it is. Compare it with the backend's state (`terraform state pull` "
        "in that folder): resources it records that still exist and the backend's state lacks must be imported "
        "(`terraform import`) or removed by hand; if they no longer exist (on the local target: they died with the "
        "emulator), move the file aside."
    )


def set_aside(path: Path, now: datetime) -> Path:
    """Rename a pushed errored state (kept as a record, never deleted); the new path."""
    aside = path.with_name(f"{path.name}.pushed-{now:%Y%m%dT%H%M%SZ}")
    path.rename(aside)
    return aside


def recovery_command(env: str, stack: str, target: str) -> str:
    flag = "" if target == "local" else f" --target {target}"
    return f"python -m orchestrator recover-state {env} {stack}{flag}"


def left_behind_note(path: Path, env: str, stack: str, target: str) -> str:
    """What the run report says when Terraform left its state in `path`."""
    lines = [
        f"Terraform could not save the state to the backend and left it in {path}: it is the only record of what "
        "this run created or changed.",
        f"  push it back before the next apply: `{recovery_command(env, stack, target)}` (it checks lineage and serial first)",
    ]
    if target == "local":
        lines.append(
            "  (local target: after an emulator death the resources it records since the emulator's last clean stop "
            "are gone with it; the next apply finds them missing and creates them again)"
        )
    return "\n".join(lines)


def pending_note(path: Path, env: str, stack: str, target: str) -> str:
    """Why a stack whose root still holds an errored state is not applied."""
    return (
        f"{path} from an earlier run is not recovered yet: applying now would work from a state that lacks what that "
        f"run created. Nothing was applied. Run `{recovery_command(env, stack, target)}` first."
    )


@dataclass(frozen=True)
class Recovery:
    """A pushed errored state: what it was, what the backend held, what it holds now, where the file is kept."""

    label: str
    errored: StateRecord
    backend: StateRecord | None
    pushed: StateRecord
    kept: Path
    target: str
    rerun: str

    def text(self) -> str:
        before = self.backend.describe() if self.backend is not None else "no state"
        lines = [
            f"{self.label}: pushed the errored state ({self.errored.describe()}) over the backend's ({before}); "
            f"the backend's state is now serial {self.pushed.serial}.",
            f"The file is kept as {self.kept}.",
        ]
        if self.target == "local":
            lines.append(
                "Local target: if the emulator died, what it had not saved (it saves only when it stops) is gone; "
                "the next apply finds that missing and makes it again."
            )
        lines.append(f"Next: {self.rerun}")
        return "\n".join(lines)
