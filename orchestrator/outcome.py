"""What happened to each stack in a run, and the summary printed at the end."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from orchestrator.attribution import Attribution


@dataclass
class StackOutcome:
    env: str
    stack: str
    action: str
    result: str = "pending"  # no changes | changes | applied | destroyed | drifted | in sync | failed | skipped
    add: int = 0
    change: int = 0
    destroy: int = 0
    duration: float = 0.0
    changes: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    principal: str = ""  # who applied it, when the target chose (the local target's roles)
    # Stateful deletes/replaces allowed by name (orchestrator/stateful.py), and what each takes with it.
    allowed: list[str] = field(default_factory=list)
    at_stake: dict[str, str] = field(default_factory=dict)
    stale_consent: bool = False  # refused for a consent naming no planned change: bad input (exit 2)
    attributions: list[Attribution] = field(default_factory=list)  # drift: who changed each address (attribution.py)

    @property
    def label(self) -> str:
        return f"{self.env}/{self.stack}"

    @property
    def forgotten(self) -> int:
        """Resources the plan drops from the state without deleting them (`removed` blocks with
        `destroy = false`): Terraform's change summary does not count them."""
        return sum(1 for action, _ in self.changes if action == "remove")

    @property
    def has_changes(self) -> bool:
        return self.add + self.change + self.destroy + self.forgotten > 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"] = [{"action": a, "address": addr} for a, addr in self.changes]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StackOutcome:
        """The inverse of `to_dict` (a report written by `--report-json`)."""
        changes = [(str(c["action"]), str(c["address"])) for c in data.get("changes", [])]
        fields: dict[str, Any] = {
            k: data[k]
            for k in ("env", "stack", "action", "result", "add", "change", "destroy", "duration", "error", "principal")
            if k in data
        }
        fields["allowed"] = [str(a) for a in data.get("allowed", [])]
        fields["at_stake"] = {str(k): str(v) for k, v in dict(data.get("at_stake", {})).items()}
        fields["stale_consent"] = bool(data.get("stale_consent", False))
        fields["attributions"] = [Attribution.from_dict(a) for a in data.get("attributions", [])]
        return cls(**fields, changes=changes)


_SYMBOL = {
    "create": "+",
    "update": "~",
    "delete": "-",
    "replace": "-/+",
    "read": "<=",
    "move": "->",
    "import": "<-",
    "remove": "forget",
}


def readable_plan(outcome: StackOutcome, limit: int = 60) -> str:
    if outcome.action == "drift":
        lines = [
            f"{outcome.label}: differs from its configuration: {outcome.add} missing, {outcome.change} changed, {outcome.destroy} to remove"
        ]
    else:
        forget = f", {outcome.forgotten} to forget (kept, no longer managed)" if outcome.forgotten else ""
        lines = [
            f"{outcome.label}: {outcome.add} to add, {outcome.change} to change, {outcome.destroy} to destroy{forget}"
        ]
    who = {a.address: a.text() for a in outcome.attributions}
    for action, address in outcome.changes[:limit]:
        lines.append(f"  {_SYMBOL.get(action, action):>3} {address}")
        if address in who:
            lines.append(f"        {who[address]}")
    if len(outcome.changes) > limit:
        lines.append(f"  ... and {len(outcome.changes) - limit} more")
    return "\n".join(lines)


def summary_table(outcomes: list[StackOutcome], total_seconds: float) -> str:
    header = f"{'stack':<24} {'action':<10} {'add':>5} {'change':>7} {'destroy':>8} {'time':>8}  result"
    rows = [header, "-" * len(header)]
    for o in outcomes:
        rows.append(
            f"{o.label:<24} {o.action:<10} {o.add:>5} {o.change:>7} {o.destroy:>8} {o.duration:>7.1f}s  {o.result}"
            + (f": {o.error.splitlines()[0]}" if o.error else "")
        )
    add = sum(o.add for o in outcomes)
    change = sum(o.change for o in outcomes)
    destroy = sum(o.destroy for o in outcomes)
    rows.append(
        f"{len(outcomes)} stack(s): {add} to add/added, {change} changed, {destroy} destroyed in {total_seconds:.1f}s"
    )
    return "\n".join(rows)
