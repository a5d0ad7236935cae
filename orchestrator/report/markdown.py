"""The run report as Markdown for a pull-request comment, bounded to what GitHub accepts.

GitHub refuses comments over 65,536 characters. The table of stacks always fits; the plans are
added stack by stack (failures first) while they fit, and the rest is summarised with a pointer to
the full text, which is written next to the Markdown file.
"""

from __future__ import annotations

from pathlib import Path

from orchestrator.outcome import StackOutcome, readable_plan
from orchestrator.stateful import stateful_changes

GITHUB_COMMENT_LIMIT = 65_536
_MARGIN = 1_024  # room for the closing note


def _reason(outcome: StackOutcome) -> str:
    first = outcome.error.strip().splitlines()[0] if outcome.error.strip() else ""
    return _cell(first)[:200]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _stateful(outcomes: list[StackOutcome]) -> list[str]:
    """Every planned delete or replace of a resource that holds data, with its consent (first, always shown)."""
    changes = [change for o in outcomes for change in stateful_changes(o)]
    if not changes:
        return []
    return [
        f"#### Stateful changes ({len(changes)}): data goes with them",
        "",
        "| stack | action | resource | holds | at stake | consent |",
        "|---|---|---|---|---|---|",
        *(
            f"| `{c.env}/{c.stack}` | **{c.action}** | `{_cell(c.address)}` | {_cell(c.holds)} | {_cell(c.at_stake)} | "
            + (c.status if c.consent != "held" else f"**held**: `{_cell(c.flag)}`")
            + " |"
            for c in changes
        ),
        "",
    ]


def _table(command: str, target: str, outcomes: list[StackOutcome], seconds: float) -> list[str]:
    failed = [o for o in outcomes if o.result == "failed"]
    verdict = "failed" if failed else "succeeded"
    lines = [
        f"### `{command}` on `{target}`: {verdict} ({len(outcomes)} stack(s), {seconds:.0f} s)",
        "",
        *_stateful(outcomes),
        "| stack | action | add | change | destroy | time | result | reason |",
        "|---|---|--:|--:|--:|--:|---|---|",
    ]
    lines += [
        f"| `{o.label}` | {o.action} | {o.add} | {o.change} | {o.destroy} | {o.duration:.0f} s | {o.result} | {_reason(o)} |"
        for o in outcomes
    ]
    return lines


def _section(outcome: StackOutcome) -> str:
    if outcome.result == "failed":
        body, title = outcome.error, f"{outcome.label}: failed"
    else:
        body, title = (
            readable_plan(outcome, limit=10_000),
            f"{outcome.label}: {outcome.add} to add, {outcome.change} to change, {outcome.destroy} to destroy",
        )
    return f"<details><summary>{title}</summary>\n\n```\n{body.replace('```', '` ` `')}\n```\n</details>"


def render(
    command: str,
    target: str,
    outcomes: list[StackOutcome],
    seconds: float,
    full_text_name: str,
    limit: int = GITHUB_COMMENT_LIMIT,
) -> str:
    """Markdown of the run: the stateful deletes and replaces, the table, then each stack's plan or error while the comment stays under `limit`."""
    parts = ["\n".join(_table(command, target, outcomes, seconds))]
    used = len(parts[0])
    noteworthy = [o for o in outcomes if o.result == "failed"] + [
        o for o in outcomes if o.result != "failed" and o.has_changes
    ]
    left_out: list[str] = []
    for outcome in noteworthy:
        section = _section(outcome)
        if used + len(section) + 2 > limit - _MARGIN:
            left_out.append(outcome.label)
            continue
        parts.append(section)
        used += len(section) + 2
    if left_out:
        parts.append(
            f"Not shown here to stay within GitHub's comment size: {', '.join(f'`{s}`' for s in left_out)}; the full report is `{full_text_name}`."
        )
    return "\n\n".join(parts)


def write(report_text: str, markdown: str, path: Path) -> Path:
    """The Markdown at `path` and the full text report beside it (`<name>.txt`); returns the latter."""
    path.parent.mkdir(parents=True, exist_ok=True)
    full = path.with_suffix(".txt")
    full.write_text(report_text + "\n", encoding="utf-8")
    path.write_text(markdown + "\n", encoding="utf-8")
    return full
