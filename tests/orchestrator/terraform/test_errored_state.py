"""The state Terraform could not save: pushed back only over the same state at an equal or earlier
serial, never deleted, and explained in the run report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orchestrator.errors import ConfigError, OrchestratorError
from orchestrator.terraform.errored_state import (
    Recovery,
    StateRecord,
    left_behind_note,
    parse_state,
    pending_note,
    push_refusal,
    read_errored,
    recovery_command,
    recovery_question,
    refusal_advice,
    set_aside,
)

LINEAGE = "4f1c2f6e-0000-4000-8000-000000000001"


def _state(lineage: str = LINEAGE, serial: int = 7, resources: int = 2) -> str:
    return json.dumps({"version": 4, "lineage": lineage, "serial": serial, "resources": [{"type": "x"}] * resources})


def test_a_state_documents_record() -> None:
    assert parse_state(_state(), "f") == StateRecord(LINEAGE, 7, 2)
    assert parse_state("  \n", "backend") is None, "an empty `state pull`: the backend holds no state"


@pytest.mark.parametrize(
    "text", ["not json", "[]", json.dumps({"serial": 1}), json.dumps({"lineage": "x", "serial": "1"})]
)
def test_what_is_not_a_state_is_refused(text: str) -> None:
    with pytest.raises(OrchestratorError, match="is not a Terraform state"):
        parse_state(text, "errored.tfstate")


def test_read_errored(tmp_path: Path) -> None:
    path = tmp_path / "errored.tfstate"
    with pytest.raises(OrchestratorError, match="does not exist"):
        read_errored(path)
    path.write_text("")
    with pytest.raises(OrchestratorError, match="is empty"):
        read_errored(path)
    path.write_text(_state(serial=9))
    assert read_errored(path).serial == 9


def test_it_may_be_pushed_into_an_empty_backend_or_over_the_same_state_not_newer() -> None:
    errored = StateRecord(LINEAGE, 7, 2)
    assert push_refusal(errored, None) is None
    assert push_refusal(errored, StateRecord(LINEAGE, 5, 1)) is None
    assert push_refusal(errored, StateRecord(LINEAGE, 7, 1)) is None, (
        "an equal serial: the apply wrote no snapshot after it"
    )


def test_over_another_state_it_is_refused_with_both_lineages() -> None:
    refusal = push_refusal(StateRecord(LINEAGE, 7, 2), StateRecord("other", 1, 5))
    assert refusal is not None
    assert "another state (lineage other; the errored state's is " + LINEAGE in refusal
    assert "pushing would replace that state" in refusal


def test_over_a_newer_serial_it_is_refused_as_a_roll_back() -> None:
    refusal = push_refusal(StateRecord(LINEAGE, 7, 2), StateRecord(LINEAGE, 8, 2))
    assert refusal is not None and "newer (serial 8; the errored state's is 7)" in refusal and "roll it back" in refusal


def test_a_pushed_file_is_kept_beside_under_a_new_name(tmp_path: Path) -> None:
    path = tmp_path / "errored.tfstate"
    path.write_text(_state())
    aside = set_aside(path, datetime(2026, 12, 6, 10, 5, 3, tzinfo=UTC))
    assert aside.name == "errored.tfstate.pushed-20261206T100503Z"
    assert not path.exists() and aside.read_text() == _state()


def test_the_messages_name_the_file_and_the_command(tmp_path: Path) -> None:
    path = tmp_path / "errored.tfstate"
    assert (
        recovery_command("prod", "hosting", "aws") == "python -m orchestrator recover-state prod hosting --target aws"
    )
    assert recovery_command("staging", "hosting", "local") == "python -m orchestrator recover-state staging hosting"
    note = left_behind_note(path, "prod", "hosting", "aws")
    assert note.startswith(
        f"Terraform could not save the state to the backend and left it in {path}: it is the only record"
    )
    assert "`python -m orchestrator recover-state prod hosting --target aws`" in note and "emulator" not in note
    assert "died with" not in note and "gone with it" in left_behind_note(path, "staging", "hosting", "local")
    assert "Nothing was applied" in pending_note(path, "staging", "hosting", "local")
    assert f"{path} stays where it is" in refusal_advice(path)


def test_the_question_names_the_file_and_its_state_and_a_missing_file_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match=r"errored.tfstate does not exist.*nothing was run"):
        recovery_question("local", "staging", "hosting")
    path = tmp_path / "local" / "staging" / "hosting" / "errored.tfstate"
    path.parent.mkdir(parents=True)
    path.write_text(_state(serial=4, resources=68))
    question = recovery_question("local", "staging", "hosting")
    assert question.startswith(
        f"Push {path} (lineage {LINEAGE}, serial 4, 68 resource(s)) as the state of staging/hosting on local?"
    )


def test_what_a_recovery_says(tmp_path: Path) -> None:
    errored, backend = StateRecord(LINEAGE, 4, 68), StateRecord(LINEAGE, 2, 66)
    recovery = Recovery(
        "prod/hosting",
        errored,
        backend,
        StateRecord(LINEAGE, 5, 68),
        tmp_path / "kept",
        "aws",
        "`python -m orchestrator apply --env prod --target aws`",
    )
    text = recovery.text()
    assert text.startswith(
        f"prod/hosting: pushed the errored state ({errored.describe()}) over the backend's ({backend.describe()}); the backend's state is now serial 5."
    )
    assert f"kept as {tmp_path / 'kept'}" in text and text.endswith(
        "Next: `python -m orchestrator apply --env prod --target aws`"
    )
    assert "emulator" not in text
    local = Recovery("staging/hosting", errored, None, errored, tmp_path, "local", "x").text()
    assert "over the backend's (no state)" in local and "if the emulator died, what it had not saved" in local
