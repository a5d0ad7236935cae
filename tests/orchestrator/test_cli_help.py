"""The top-level help lists every command once, under the group of the people who run it; each
command has its handler."""

from __future__ import annotations

import argparse

import pytest

from orchestrator import cli
from orchestrator.cli import COMMAND_GROUPS, HANDLERS, main


def _commands() -> list[str]:
    [sub] = [a for a in cli._parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


def _help(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_every_command_is_in_exactly_one_group() -> None:
    grouped = [name for _, names in COMMAND_GROUPS for name in names]
    assert sorted(grouped) == sorted(_commands()) and len(set(grouped)) == len(grouped)


def test_every_command_has_a_handler() -> None:
    assert sorted(HANDLERS) == sorted(_commands())


def test_the_help_shows_the_groups_in_order_each_with_its_commands(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)
    titles = ["operator commands:", "review:", "CI plumbing (GitHub Actions):"]
    positions = [text.index(f"\n{title}\n") for title in titles]
    assert positions == sorted(positions)
    sections = dict(zip(titles, [text[p:] for p in positions], strict=True))
    for (title, names), following in zip(COMMAND_GROUPS, [*titles[1:], None], strict=True):
        section = sections[f"{title}:"]
        section = section[: section.index(f"\n{following}\n")] if following else section
        listed = [line.split()[0] for line in section.splitlines()[2:] if line.startswith("  ") and line[2] != " "]
        assert listed == list(names), title


def test_the_help_names_each_command_once_and_no_choices_list(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)
    assert text.startswith("usage: ") and "COMMAND ..." in text.splitlines()[0]
    assert "{" not in text.splitlines()[0], "the usage line does not spell out every command"
    for name in _commands():
        assert sum(line.startswith(f"  {name} ") for line in text.splitlines()) == 1, name
    assert "apply             plan, then apply exactly that plan" in text


def test_an_unknown_command_still_names_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["aply"])
    assert exited.value.code == 2 and "invalid choice: 'aply'" in capsys.readouterr().err
