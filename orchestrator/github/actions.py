"""What the GitHub Actions workflows need from the orchestrator, so that each of their steps is one
command a person can run locally too:

- `matrix`: the environments a run touches, in promotion order, with their account, region and
  the GitHub OIDC roles to assume (no Terraform, no AWS) — as JSON and as `$GITHUB_OUTPUT` lines;
- the Markdown run report appended to `$GITHUB_STEP_SUMMARY` (`--step-summary`).

The run reports of several jobs are merged by `orchestrator/report/merge.py` (`report --from-dir`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from orchestrator.config import EnvConfig
from orchestrator.config.ci_roles import apply_role_arn, plan_role_arn
from orchestrator.errors import ConfigError
from orchestrator.stacks import StackSpec

STEP_SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"


def promotion_order(configs: list[EnvConfig]) -> list[EnvConfig]:
    """dev environments first, then each target in the order its dev env deploys to (target_accounts)."""
    by_name = {env.name: env for env in configs}
    stages: list[str] = [stage for env in configs if env.kind == "dev" for stage in env.target_accounts]
    known = {name: len(configs) + index for index, name in enumerate(stages)}

    def rank(env: EnvConfig) -> tuple[int, str]:
        return (0 if env.kind == "dev" else known.get(env.name, 10 * len(configs)), env.name)

    return sorted(by_name.values(), key=rank)


def matrix(selection: list[tuple[EnvConfig, list[StackSpec]]]) -> dict[str, Any]:
    """A GitHub Actions matrix (`include`) of the environments in `selection` that have stacks."""
    stacks = {env.name: [s.name for s in env_stacks] for env, env_stacks in selection}
    ordered = promotion_order([env for env, env_stacks in selection if env_stacks])
    return {
        "include": [
            {
                "env": env.name,
                "account_id": env.account_id,
                "region": env.region,
                "plan_role_arn": plan_role_arn(env),
                "apply_role_arn": apply_role_arn(env),
                "stacks": " ".join(stacks[env.name]),
            }
            for env in ordered
        ]
    }


def github_output_lines(matrix_document: dict[str, Any]) -> list[str]:
    """`name=value` lines for `$GITHUB_OUTPUT`: matrix, count, envs — and, for a single environment,
    its fields one by one (a workflow that deploys one env reads its role ARNs from these)."""
    rows = matrix_document["include"]
    lines = [
        f"matrix={json.dumps(matrix_document, separators=(',', ':'))}",
        f"count={len(rows)}",
        f"envs={json.dumps([row['env'] for row in rows], separators=(',', ':'))}",
    ]
    if len(rows) == 1:
        lines += [f"{key}={value}" for key, value in rows[0].items()]
    for line in lines:
        if "\n" in line or "\r" in line:  # a value may not end the line early (values come from validated config)
            raise ConfigError([f"--github-output: refusing a multi-line value: {line[:80]!r}"])
    return lines


def append_lines(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n" for line in lines))


def step_summary_file() -> Path:
    """The file GitHub shows as the job's summary; named by $GITHUB_STEP_SUMMARY."""
    value = os.environ.get(STEP_SUMMARY_VARIABLE, "")
    if not value:
        raise ConfigError(
            [
                f"--step-summary: ${STEP_SUMMARY_VARIABLE} is not set (it is on GitHub Actions runners; locally use --markdown FILE)"
            ]
        )
    return Path(value)
