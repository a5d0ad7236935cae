"""Planned deletes and replacements of resources that hold data, held until each is allowed by name.

A Studio domain replaced takes its users' home directories (EFS) with it; a KMS key deleted makes
what it encrypted unreadable; a bucket, table, log group or model package group deleted takes its
contents. Terraform's `prevent_destroy` is all-or-nothing and fixed in the configuration, so the
orchestrator holds such a change instead: `apply` refuses a plan that deletes or replaces one of
STATEFUL_TYPES unless each address is allowed (`--allow-destroy ENV/STACK:ADDRESS`, or the consent
recorded in a reviewed plan). `destroy` is consent by nature (and asks for its own confirmation).
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from orchestrator.errors import quoted
from orchestrator.outcome import StackOutcome

# The one table of what counts: resource type -> what goes with it. Every bucket counts as holding
# objects (whether it is empty is not checked: a list call would need the plan's own credentials
# at the moment of the apply, and an empty bucket is one upload away from not being empty).
STATEFUL_TYPES: dict[str, str] = {
    "aws_sagemaker_domain": "Studio domain: its users' home directories (EFS) go with it",
    "aws_sagemaker_user_profile": "Studio user profile: the user's home directory and apps",
    "aws_sagemaker_space": "Studio space: its storage volume",
    "aws_efs_file_system": "EFS file system: its files",
    "aws_kms_key": "KMS key: what it encrypted can no longer be read",
    "aws_s3_bucket": "S3 bucket: its objects",
    "aws_sagemaker_model_package_group": "model package group: its registered model versions",
    "aws_dynamodb_table": "DynamoDB table: its items",
    "aws_cloudwatch_log_group": "log group: its log events",
}
STATE_BACKEND_STACK = "bootstrap"
"""The stack whose bucket, table and key are the state backend: every stack's state goes with them."""

FLAG = "--allow-destroy"
_REMOVING = ("delete", "replace")
_INDEX = re.compile(r"\[[^\]]*\]")
_CONSENT = re.compile(r"(?P<env>[a-z][a-z0-9]{1,9})/(?P<stack>[a-z][a-z0-9-]{0,30}):(?P<address>\S{3,1000})", re.ASCII)


@dataclass(frozen=True, repr=False)
class Consent:
    """`--allow-destroy ENV/STACK:ADDRESS`: one resource of one stack of one environment."""

    env: str
    stack: str
    address: str

    @property
    def label(self) -> str:
        return f"{self.env}/{self.stack}"

    def __str__(self) -> str:
        return f"{self.label}:{self.address}"

    def __repr__(self) -> str:  # as the command line quotes the value it refuses
        return repr(str(self))


def consent(text: str) -> Consent:
    """The command line's type of `--allow-destroy` (exit 2 on a value that names no resource)."""
    match = _CONSENT.fullmatch(text)
    if match is None or "." not in match["address"]:
        raise argparse.ArgumentTypeError(
            "must be ENV/STACK:ADDRESS, e.g. dev/platform:module.stack.module.studio.aws_sagemaker_domain.this "
            f"(the address as the plan prints it) (value {quoted(text)})"
        )
    return Consent(match["env"], match["stack"], match["address"])


def resource_type(address: str) -> str:
    """`module.a.aws_x.name["key"]` -> `aws_x`."""
    parts = _INDEX.sub("", address).split(".")
    return parts[-2] if len(parts) >= 2 else ""


@dataclass(frozen=True)
class StatefulChange:
    """A planned delete or replace of a resource that holds data, and whether it is allowed."""

    env: str
    stack: str
    address: str
    action: str  # delete | replace
    holds: str
    consent: str  # allowed | held | destroy
    at_stake: str = ""

    @property
    def flag(self) -> str:
        """The flag as a shell takes it (an address with `["key"]` quoted)."""
        return f"{FLAG} {shlex.quote(f'{self.env}/{self.stack}:{self.address}')}"

    @property
    def status(self) -> str:
        return {
            "allowed": "allowed",
            "destroy": "allowed by destroy",
            "held": f"held: pass {self.flag}",
        }[self.consent]

    def to_dict(self) -> dict[str, str]:
        return {
            "stack": f"{self.env}/{self.stack}",
            "address": self.address,
            "action": self.action,
            "holds": self.holds,
            "consent": self.consent,
            "at_stake": self.at_stake,
        }


def _holds(stack: str, address: str) -> str | None:
    what = STATEFUL_TYPES.get(resource_type(address))
    if what is None:
        return None
    return f"the state backend's {what}: every stack's state" if stack == STATE_BACKEND_STACK else what


def stateful_addresses(stack: str, changes: list[tuple[str, str]]) -> dict[str, str]:
    """The planned deletes and replaces of stateful resources: address -> action."""
    return {
        address: action for action, address in changes if action in _REMOVING and _holds(stack, address) is not None
    }


def stateful_changes(outcome: StackOutcome) -> list[StatefulChange]:
    """The stack's planned deletes and replaces of stateful resources, with their consent."""
    allowed = set(outcome.allowed)
    return [
        StatefulChange(
            outcome.env,
            outcome.stack,
            address,
            action,
            _holds(outcome.stack, address) or "",
            "destroy" if outcome.action == "destroy" else "allowed" if address in allowed else "held",
            outcome.at_stake.get(address, ""),
        )
        for address, action in stateful_addresses(outcome.stack, outcome.changes).items()
    ]


def stale(outcome: StackOutcome, given: list[Consent]) -> list[Consent]:
    """The consents for this stack that name no planned delete or replace of a stateful resource."""
    planned = stateful_addresses(outcome.stack, outcome.changes)
    return [c for c in given if c.label == outcome.label and c.address not in planned]


def held(outcome: StackOutcome) -> list[StatefulChange]:
    return [change for change in stateful_changes(outcome) if change.consent == "held"]


def refusal(outcome: StackOutcome) -> str:
    """Why the stack's plan is not applied: each held change, its action and the flag that allows it."""
    changes = held(outcome)
    lines = [
        f"the plan of {outcome.label} deletes or replaces {len(changes)} resource(s) that hold data; nothing was applied.",
        *(f"  {c.action} {c.address} ({c.holds}){_stake(c)}: allow it with {c.flag}" for c in changes),
        "Review the plan, then apply again with the flag(s), or record them with `plan --out-dir DIR "
        f"{FLAG} ...` and apply that reviewed plan with `apply --from DIR`.",
    ]
    return "\n".join(lines)


def stale_refusal(label: str, consents: list[Consent]) -> str:
    return "\n".join(
        [
            f"{FLAG} names what the plan of {label} does not delete or replace (a stale consent); nothing was applied:",
            *(f"  {c}" for c in consents),
            "Plan again, review it, and allow exactly what it deletes or replaces.",
        ]
    )


def backend_kept(env: str, removed: dict[str, str]) -> str:
    """Why `bootstrap` does not apply a plan that deletes or replaces part of the state backend."""
    return "\n".join(
        [
            f"the bootstrap plan of {env} deletes or replaces the state backend, which holds every stack's state; nothing was applied:",
            *(f"  {action} {address}" for address, action in removed.items()),
            "bootstrap never applies that: move the states elsewhere first, then change the backend by hand.",
        ]
    )


def _stake(change: StatefulChange) -> str:
    return f"; at stake: {change.at_stake}" if change.at_stake else ""


def section(outcomes: list[StackOutcome]) -> str:
    """The report's first section: every stateful delete or replace, with its consent ("" if none)."""
    changes = [change for o in outcomes for change in stateful_changes(o)]
    if not changes:
        return ""
    lines = [f"Stateful changes ({len(changes)}): data goes with them"]
    for c in changes:
        lines.append(f"  {c.action:<7} {c.env}/{c.stack}: {c.address}")
        lines.append(f"          holds: {c.holds}")
        if c.at_stake:
            lines.append(f"          at stake: {c.at_stake}")
        lines.append(f"          consent: {c.status}")
    return "\n".join(lines)


# ---- what a Studio domain's replacement takes: from the plan's prior state ------------------------


def _resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _resources(child)


def homes_at_stake(plan: dict[str, Any], addresses: list[str]) -> dict[str, str]:
    """For each Studio domain among `addresses`: its home EFS and user profiles, as the plan's prior
    state (`terraform show -json`) records them."""
    prior = list(_resources(plan.get("prior_state", {}).get("values", {}).get("root_module", {})))
    found: dict[str, str] = {}
    for resource in prior:
        if resource.get("address") not in addresses or resource.get("type") != "aws_sagemaker_domain":
            continue
        values = resource.get("values") or {}
        users = sorted(
            str((r.get("values") or {}).get("user_profile_name"))
            for r in prior
            if r.get("type") == "aws_sagemaker_user_profile"
            and (r.get("values") or {}).get("domain_id") == values.get("id")
        )
        found[str(resource["address"])] = (
            f"home directories on EFS {values.get('home_efs_file_system_id') or '(unknown)'} of domain {values.get('id')}"
            + (f", user profiles {', '.join(users)}" if users else "")
        )
    return found
