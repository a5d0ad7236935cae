"""Where a project's deploy workflow rolls a model out: each stage's canary account, the rest and
how many of them at once, from the same waves as the platform's own deployment (waves.py). The
projects stack sends it to the project repository with every approval decision
(client_payload.targets of the model-approval dispatch, modules/mlops-project)."""

from __future__ import annotations

from typing import Any

from orchestrator.accounts.waves import github_matrix, waves
from orchestrator.config import EnvConfig
from orchestrator.config.stage_targets import WavesConfig


def stage_plan(accounts: list[str], plan: WavesConfig) -> dict[str, Any]:
    """One stage: `canary` (deployed alone first), `rest` (in order) and `max_parallel`."""
    matrix = github_matrix("", "", waves(accounts, plan), plan.batch_size)
    return {
        "canary": matrix["canary_account"],
        "rest": [row["account_id"] for row in matrix["rest"]["include"]],
        "max_parallel": matrix["max_parallel"],
    }


def target_waves(env: EnvConfig) -> dict[str, dict[str, Any]]:
    """Every stage of the dev environment's target_accounts (an OU as resolved at plan time)."""
    accounts = env.target_account_ids
    return {stage: stage_plan(accounts[stage], targets.waves) for stage, targets in env.stage_targets.items()}
