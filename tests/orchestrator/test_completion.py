"""`completion bash|zsh`: the script, generated from the parser, completes commands, options and
their values in a real bash (COMP_WORDS as bash sets them when Tab is pressed)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from orchestrator.cli import main

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


@pytest.fixture
def script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["completion", "bash"]) == 0
    path = tmp_path / "orchestrator.bash"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    return path


def _complete(script: Path, *words: str) -> list[str]:
    """What bash offers for the last of `words` (the word being typed) after `mlops-orchestrator`."""
    line = " ".join(shlex.quote(w) for w in ("mlops-orchestrator", *words))
    program = (
        f"source {shlex.quote(str(script))}; COMP_WORDS=({line}); COMP_CWORD={len(words)}; "
        '_mlops_orchestrator; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True, timeout=30, check=True)
    return [w for w in done.stdout.splitlines() if w]


def test_a_command_prefix_completes_to_the_command(script: Path) -> None:
    assert _complete(script, "ap") == ["apply"]
    assert _complete(script, "d") == ["doctor", "destroy", "drift"]


def test_a_command_s_options(script: Path) -> None:
    assert _complete(script, "apply", "--pol") == ["--policy-gate"]
    assert "--detailed-exitcode" in _complete(script, "plan", "--")
    assert "--detailed-exitcode" not in _complete(script, "apply", "--")


def test_option_values_with_a_fixed_set(script: Path) -> None:
    assert _complete(script, "plan", "--target", "") == ["local", "aws"]
    assert _complete(script, "apply", "--stack", "ide") == ["identity"]
    assert _complete(script, "destroy", "--env", "st") == ["staging"]
    assert _complete(script, "apply", "--policy-gate", "o") == ["on", "off"]


def test_arguments_with_a_fixed_set(script: Path) -> None:
    assert _complete(script, "emulator", "st") == ["start", "stop", "status"]
    assert _complete(script, "completion", "") == ["bash", "zsh"]


def test_a_path_option_completes_file_names(script: Path, tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    assert _complete(script, "apply", "--from", f"{tmp_path}/pl") == [f"{tmp_path}/plans"]


def test_zsh_runs_the_same_function_through_bashcompinit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "zsh"]) == 0
    text = capsys.readouterr().out
    assert "autoload -U +X bashcompinit && bashcompinit" in text
    assert "complete -F _mlops_orchestrator mlops-orchestrator" in text


def test_an_unknown_shell_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["completion", "fish"])
    assert exited.value.code == 2 and "invalid choice: 'fish'" in capsys.readouterr().err
