"""The report of one run: each stack's outcome, for the terminal, JSON (`--report-json`) and the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orchestrator.errors import EXIT_BAD_INPUT, EXIT_CHANGES_PRESENT, EXIT_FAILURE, EXIT_OK
from orchestrator.outcome import StackOutcome, readable_plan, summary_table
from orchestrator.stateful import section, stateful_changes


@dataclass
class RunReport:
    command: str
    target: str
    outcomes: list[StackOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return any(o.result == "failed" for o in self.outcomes)

    @property
    def changes_present(self) -> bool:
        return any(o.has_changes for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "target": self.target,
            "ok": not self.failed,
            "changes": self.changes_present,
            "seconds": round(self.seconds, 2),
            "stateful": [change.to_dict() for o in self.outcomes for change in stateful_changes(o)],
            "stacks": [o.to_dict() for o in self.outcomes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunReport:
        """The inverse of `to_dict` (a report written by `--report-json`)."""
        outcomes = [StackOutcome.from_dict(stack) for stack in data.get("stacks", [])]
        return cls(str(data["command"]), str(data["target"]), outcomes, float(data.get("seconds", 0.0)))

    def text(self, limit: int | None = 60) -> str:
        """The report for a terminal: stateful deletes and replaces first, then plans (at most `limit`
        changes each; None: all), failures, the table."""
        parts = [section(self.outcomes)] if section(self.outcomes) else []
        for o in self.outcomes:
            if o.changes and o.result != "failed":
                parts.append(readable_plan(o, limit=limit if limit is not None else len(o.changes)))
        failures = [o for o in self.outcomes if o.result == "failed"]
        for o in failures:
            parts.append(f"{o.label} FAILED:\n{o.error}")
        parts.append(summary_table(self.outcomes, self.seconds))
        if self.command == "apply" and not self.failed and not self.changes_present:
            parts.append("No changes: the infrastructure already matches the configuration (nothing was applied).")
        elif self.command == "plan" and not self.failed:
            parts.append("Changes present." if self.changes_present else "No changes.")
        elif self.command == "drift" and not self.failed:
            parts.append(
                "Drift: the real resources differ from the state (nothing was changed)."
                if self.changes_present
                else "No drift."
            )
        return "\n\n".join(parts)

    def exit_code(self, detailed: bool = False) -> int:
        if any(o.stale_consent for o in self.outcomes):
            return EXIT_BAD_INPUT
        if self.failed:
            return EXIT_FAILURE
        if (detailed or self.command == "drift") and self.changes_present:
            return EXIT_CHANGES_PRESENT
        return EXIT_OK
