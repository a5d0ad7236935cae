"""A stage's deployment plan: the canary account alone first, then the others in waves of at most
`batch_size` (all of them in one wave by default); and that plan as GitHub Actions matrices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orchestrator.config.fields import CANARY_FIRST
from orchestrator.config.stage_targets import WavesConfig

CANARY = "canary"


@dataclass(frozen=True)
class Wave:
    number: int  # 0: the canary
    accounts: tuple[str, ...]

    @property
    def name(self) -> str:
        return CANARY if self.number == 0 else f"wave-{self.number}"


def waves(accounts: list[str], plan: WavesConfig) -> list[Wave]:
    """The canary's wave, then the rest in order, `plan.batch_size` at a time."""
    if not accounts:
        return []
    canary = accounts[0] if plan.canary == CANARY_FIRST else plan.canary
    rest = [account for account in accounts if account != canary]
    size = plan.batch_size or max(len(rest), 1)
    batches = [tuple(rest[start : start + size]) for start in range(0, len(rest), size)]
    return [Wave(0, (canary,)), *(Wave(number, batch) for number, batch in enumerate(batches, start=1))]


def _row(stage: str, region: str, wave: Wave, account: str) -> dict[str, Any]:
    return {"stage": stage, "account_id": account, "region": region, "wave": wave.number, "wave_name": wave.name}


def deployment_plan(stage: str, region: str, source: str, stage_waves: list[Wave]) -> dict[str, Any]:
    """The plan as JSON: every wave with its accounts."""
    return {
        "stage": stage,
        "region": region,
        "source": source,
        "accounts": [account for wave in stage_waves for account in wave.accounts],
        "waves": [{"wave": w.number, "name": w.name, "accounts": list(w.accounts)} for w in stage_waves],
    }


def github_matrix(stage: str, region: str, stage_waves: list[Wave], batch_size: int | None) -> dict[str, Any]:
    """Two matrices for GitHub Actions: `canary` (one row) for a first job, `rest` for a job that
    `needs:` it, run at most `max_parallel` at a time (the batch size; every other account at once
    by default) with fail-fast, so a failing account stops the accounts not yet started."""
    canary = [_row(stage, region, w, a) for w in stage_waves[:1] for a in w.accounts]
    rest = [_row(stage, region, w, a) for w in stage_waves[1:] for a in w.accounts]
    return {
        "canary": {"include": canary},
        "rest": {"include": rest},
        "canary_account": canary[0]["account_id"] if canary else "",
        "rest_count": len(rest),
        "max_parallel": batch_size or max(len(rest), 1),
    }


def github_output_lines(matrix: dict[str, Any]) -> list[str]:
    """`name=value` lines for $GITHUB_OUTPUT (the matrices as one-line JSON)."""
    import json  # noqa: PLC0415

    return [
        f"canary={json.dumps(matrix['canary'], separators=(',', ':'))}",
        f"rest={json.dumps(matrix['rest'], separators=(',', ':'))}",
        f"canary_account={matrix['canary_account']}",
        f"rest_count={matrix['rest_count']}",
        f"max_parallel={matrix['max_parallel']}",
    ]
