"""Waves: the canary alone, then the rest in batches; the GitHub Actions matrices made from them."""

from __future__ import annotations

import json

from orchestrator.accounts.waves import Wave, deployment_plan, github_matrix, github_output_lines, waves
from orchestrator.config.stage_targets import WavesConfig

ACCOUNTS = ["100000000001", "100000000002", "100000000003", "100000000004", "100000000005"]


def test_the_first_account_is_the_canary_and_the_rest_one_wave_by_default() -> None:
    assert waves(ACCOUNTS, WavesConfig()) == [Wave(0, (ACCOUNTS[0],)), Wave(1, tuple(ACCOUNTS[1:]))]


def test_a_named_canary_and_batches() -> None:
    planned = waves(ACCOUNTS, WavesConfig(canary=ACCOUNTS[2], batch_size=2))
    assert [(w.name, w.accounts) for w in planned] == [
        ("canary", (ACCOUNTS[2],)),
        ("wave-1", (ACCOUNTS[0], ACCOUNTS[1])),
        ("wave-2", (ACCOUNTS[3], ACCOUNTS[4])),
    ]


def test_one_account_is_only_a_canary() -> None:
    assert waves(ACCOUNTS[:1], WavesConfig(batch_size=3)) == [Wave(0, (ACCOUNTS[0],))]
    assert waves([], WavesConfig()) == []


def test_plan_and_matrices() -> None:
    planned = waves(ACCOUNTS[:3], WavesConfig(batch_size=1))
    plan = deployment_plan("prod", "eu-west-1", "dev", planned)
    assert plan["accounts"] == ACCOUNTS[:3]
    assert [w["name"] for w in plan["waves"]] == ["canary", "wave-1", "wave-2"]
    matrix = github_matrix("prod", "eu-west-1", planned, 1)
    assert matrix["canary"] == {
        "include": [
            {"stage": "prod", "account_id": ACCOUNTS[0], "region": "eu-west-1", "wave": 0, "wave_name": "canary"}
        ]
    }
    assert [r["account_id"] for r in matrix["rest"]["include"]] == ACCOUNTS[1:3]
    assert (matrix["canary_account"], matrix["rest_count"], matrix["max_parallel"]) == (ACCOUNTS[0], 2, 1)
    lines = dict(line.split("=", 1) for line in github_output_lines(matrix))
    assert json.loads(lines["rest"]) == matrix["rest"] and lines["max_parallel"] == "1"
    assert all("\n" not in value for value in lines.values())


def test_without_a_batch_size_the_rest_run_at_once() -> None:
    assert github_matrix("prod", "eu-west-1", waves(ACCOUNTS, WavesConfig()), None)["max_parallel"] == 4
    assert github_matrix("prod", "eu-west-1", waves(ACCOUNTS[:1], WavesConfig()), None)["rest"] == {"include": []}
