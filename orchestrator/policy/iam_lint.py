"""The IAM linter gate: parliament over every identity policy the platform renders, where each
finding is either fixed or explained in `iam_lint_accepted.toml` (issue, policies, actions,
reason). A finding that no entry explains fails the gate, and so does an entry that no longer
explains any finding, so the list of accepted risks cannot silently go stale.

Trust policies are not linted here: they are resource policies without a Resource element, which
parliament reports as malformed; their rules (OIDC `sub`/`aud`) are checked by plan_lint.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

ACCEPTED_FILE = Path(__file__).with_name("iam_lint_accepted.toml")


@dataclass(frozen=True)
class Finding:
    policy: str
    issue: str
    severity: str
    detail: str
    actions: tuple[str, ...] = ()

    def __str__(self) -> str:
        subject = ", ".join(self.actions) if self.actions else self.detail
        return f"{self.policy}: {self.issue} ({self.severity}): {subject[:400]}"


@dataclass(frozen=True)
class Accepted:
    issue: str
    policies: tuple[str, ...]
    reason: str
    actions: tuple[str, ...] = ()
    detail: str = "*"

    def explains(self, finding: Finding) -> bool:
        if finding.issue != self.issue or not any(fnmatchcase(finding.policy, p) for p in self.policies):
            return False
        if self.actions:
            # Every action of the finding must be one this entry accepts.
            if not finding.actions or not all(any(fnmatchcase(a, p) for p in self.actions) for a in finding.actions):
                return False
        return fnmatchcase(finding.detail, self.detail)


@dataclass
class Verdict:
    unexplained: list[Finding] = field(default_factory=list)
    explained: list[tuple[Finding, Accepted]] = field(default_factory=list)
    stale: list[Accepted] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unexplained and not self.stale


def _actions_of(detail: Any) -> tuple[str, ...]:
    if isinstance(detail, list):
        names = [item["action"] if isinstance(item, dict) and "action" in item else item for item in detail]
        if all(isinstance(name, str) for name in names):
            return tuple(sorted(set(names)))
    return ()


def lint(policies: dict[str, dict[str, Any]]) -> list[Finding]:
    """Parliament's findings for each named identity policy document."""
    from parliament import analyze_policy_string, config  # noqa: PLC0415  (test-only dependency)

    findings: list[Finding] = []
    for name, document in sorted(policies.items()):
        analysed = analyze_policy_string(json.dumps(document))
        for found in analysed.findings:
            severity = config[found.issue]["severity"]
            actions = _actions_of(found.detail)
            if actions:
                # One finding per action, so that each is explained (or not) on its own.
                findings.extend(Finding(name, found.issue, severity, "", (action,)) for action in actions)
                continue
            location = found.location if isinstance(found.location, dict) else {}
            detail = " ".join(str(part) for part in (found.detail, location.get("string")) if part)
            findings.append(Finding(name, found.issue, severity, detail))
    return findings


def load_accepted(path: Path = ACCEPTED_FILE) -> list[Accepted]:
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("accepted", [])
    accepted = []
    for number, entry in enumerate(entries, start=1):
        if not entry.get("reason", "").strip():
            raise ValueError(f"{path}: accepted entry {number} ({entry.get('issue')}) has no reason")
        accepted.append(
            Accepted(
                issue=entry["issue"],
                policies=tuple(entry["policies"]),
                reason=entry["reason"].strip(),
                actions=tuple(entry.get("actions", ())),
                detail=entry.get("detail", "*"),
            )
        )
    return accepted


def judge(findings: list[Finding], accepted: list[Accepted]) -> Verdict:
    verdict = Verdict()
    used: set[int] = set()
    for finding in findings:
        match = next((i for i, entry in enumerate(accepted) if entry.explains(finding)), None)
        if match is None:
            verdict.unexplained.append(finding)
        else:
            used.add(match)
            verdict.explained.append((finding, accepted[match]))
    verdict.stale = [entry for i, entry in enumerate(accepted) if i not in used]
    return verdict
