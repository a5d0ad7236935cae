"""target_accounts.<stage>: one id as before, a list, or accounts / organizational_unit with waves;
every mistake named with file, field and value before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.config import load_env, load_envs
from orchestrator.errors import ConfigError
from tests.conftest import REPO_ROOT, write_env

READ_ROLE = "arn:aws:iam::444455556666:role/organization-reader"
OU = "ou-ab12-cdefgh34"


def _dev(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    data.update(changes)
    return data


def _problems(envs_dir: Path, data: dict[str, Any]) -> list[str]:
    write_env(envs_dir, "dev", data)
    with pytest.raises(ConfigError) as caught:
        load_env("dev", envs_dir)
    return caught.value.problems


def test_one_id_per_stage_reads_as_before() -> None:
    dev = load_env("dev")
    assert dev.target_accounts == {"staging": "222222222222", "prod": "333333333333"}
    assert dev.target_account_ids == {"staging": ["222222222222"], "prod": ["333333333333"]}
    assert not dev.needs_resolution


def test_lists_and_mappings(tmp_path: Path) -> None:
    targets = {
        "staging": ["222222222222", "444444444444"],
        "prod": {"accounts": ["333333333333", "555555555555"], "waves": {"canary": "555555555555", "batch_size": 1}},
    }
    write_env(tmp_path, "dev", _dev(target_accounts=targets))
    dev = load_env("dev", tmp_path)
    assert dev.target_account_ids == {
        "staging": ["222222222222", "444444444444"],
        "prod": ["333333333333", "555555555555"],
    }
    assert dev.stage_targets["prod"].waves.batch_size == 1


def test_an_organizational_unit_is_resolved_before_its_accounts_are_read(tmp_path: Path) -> None:
    targets = {"staging": "222222222222", "prod": {"organizational_unit": OU, "recursive": True}}
    write_env(tmp_path, "dev", _dev(target_accounts=targets, organizations={"read_role_arn": READ_ROLE}))
    dev = load_env("dev", tmp_path)
    assert dev.needs_resolution
    with pytest.raises(RuntimeError, match="resolve them first"):
        _ = dev.target_account_ids
    dev.resolve_targets({"staging": ["222222222222"], "prod": ["333333333333"]})
    assert dev.target_account_ids["prod"] == ["333333333333"]


@pytest.mark.parametrize(
    ("targets", "field", "value"),
    [
        ({"prod": ["333333333333", "3333"]}, "target_accounts.prod[1]:", "'3333'"),
        (
            {"prod": ["333333333333", "333333333333"]},
            "target_accounts.prod[1]: is listed more than once",
            "'333333333333'",
        ),
        ({"prod": []}, "target_accounts.prod: names no account", "[]"),
        ({"prod": ["111111111111"]}, "target_accounts.prod[0]: is the environment's own account", "'111111111111'"),
        (
            {"prod": {"organizational_unit": "ou-AB12"}},
            "target_accounts.prod.organizational_unit: is not an AWS Organizations",
            "'ou-AB12'",
        ),
        (
            {"prod": {"accounts": ["333333333333"], "organizational_unit": OU}},
            "target_accounts.prod.organizational_unit: give either accounts or organizational_unit",
            repr(OU),
        ),
        (
            {"prod": {"accounts": ["333333333333"], "recursive": True}},
            "target_accounts.prod.recursive: applies only",
            "True",
        ),
        (
            {"prod": {"accounts": ["333333333333"], "waves": {"canary": "555555555555"}}},
            "target_accounts.prod.waves.canary: is not one of",
            "'555555555555'",
        ),
        (
            {"prod": {"accounts": ["333333333333"], "waves": {"canary": "last"}}},
            "target_accounts.prod.waves.canary: is neither",
            "'last'",
        ),
        (
            {"prod": {"accounts": ["333333333333"], "waves": {"batch_size": 0}}},
            "target_accounts.prod.waves.batch_size:",
            "0",
        ),
        ({"prod": {"accounts": ["333333333333"], "wave": {}}}, "target_accounts.prod.wave: unknown field", "{}"),
        ({"prod": {"organizational_unit": OU}}, "organizations: is required when a stage", "None"),
        ({"prod": 333333333333}, "target_accounts.prod: Input should be a valid string", "333333333333"),
    ],
)
def test_mistakes_name_file_field_and_value(tmp_path: Path, targets: dict[str, Any], field: str, value: str) -> None:
    problems = _problems(tmp_path, _dev(target_accounts={"staging": "222222222222", **targets}))
    assert any(
        p.startswith(f"{tmp_path}/dev/env.yaml: {field}") and p.endswith(f"(value {value})") for p in problems
    ), problems


def test_organizations_belongs_to_the_dev_environment(tmp_path: Path) -> None:
    write_env(tmp_path, "dev", _dev())
    staging = yaml.safe_load((REPO_ROOT / "envs" / "staging" / "env.yaml").read_text())
    write_env(tmp_path, "staging", {**staging, "organizations": {"read_role_arn": READ_ROLE}})
    with pytest.raises(ConfigError) as caught:
        load_envs(["staging"], tmp_path)
    assert any("staging/env.yaml: organizations: belongs to the dev environment" in p for p in caught.value.problems)


def test_a_target_env_in_a_listed_stage_must_be_one_of_its_accounts(tmp_path: Path) -> None:
    write_env(
        tmp_path, "dev", _dev(target_accounts={"staging": ["444444444444", "555555555555"], "prod": "333333333333"})
    )
    staging = yaml.safe_load((REPO_ROOT / "envs" / "staging" / "env.yaml").read_text())
    write_env(tmp_path, "staging", staging)
    with pytest.raises(ConfigError) as caught:
        load_envs(["staging"], tmp_path)
    assert any("staging/env.yaml: account_id:" in p and "'222222222222'" in p for p in caught.value.problems)
    write_env(tmp_path, "staging", {**staging, "account_id": "555555555555"})
    assert load_envs(["staging"], tmp_path)[0].account_id == "555555555555"
