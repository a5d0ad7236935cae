"""orchestrator/accounts/recorded.py: the accounts a saved plan was made for, written beside it by
`plan --out-dir` and read back by `apply --from`; a missing, bad or disagreeing record is named
with its file, field and value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from orchestrator.accounts.recorded import read_record, record_file, recorded_accounts, write_record
from orchestrator.config import EnvConfig, load_env
from orchestrator.errors import ConfigError
from orchestrator.stacks import STACKS
from tests.conftest import REPO_ROOT, write_env

RESOLVED = {"staging": ["222222222222"], "prod": ["444444444444", "555555555555"]}


def _dev(tmp_path: Path, prod: object) -> EnvConfig:
    data = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    data["target_accounts"]["prod"] = prod
    data["organizations"] = {"read_role_arn": "arn:aws:iam::444455556666:role/organization-reader"}
    write_env(tmp_path / "envs", "dev", data)
    return load_env("dev", tmp_path / "envs")


def test_a_resolved_environment_records_its_accounts_per_saved_plan(tmp_path: Path) -> None:
    dev = _dev(tmp_path, {"organizational_unit": "ou-ab12-cd34ef56"})
    dev.resolve_targets(RESOLVED)
    write_record(tmp_path, dev, STACKS["foundation"])
    document = json.loads((tmp_path / "dev.foundation.target-accounts.json").read_text())
    assert document == {"env": "dev", "stack": "foundation", "target_accounts": RESOLVED}
    assert read_record(tmp_path, dev, STACKS["foundation"]) == RESOLVED


def test_listed_stages_record_nothing_and_an_earlier_record_goes(tmp_path: Path) -> None:
    stale = record_file(tmp_path, _dev(tmp_path, "333333333333"), STACKS["foundation"])
    stale.write_text("{}")
    write_record(tmp_path, _dev(tmp_path, "333333333333"), STACKS["foundation"])
    assert not stale.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "is not the JSON `plan --out-dir` wrote"),
        (json.dumps({"target_accounts": ["444444444444"]}), "target_accounts: is not a mapping of stage"),
        (
            json.dumps({"target_accounts": {**RESOLVED, "prod": ["4444"]}}),
            "target_accounts.prod: is not a list of 12-digit account ids (value ['4444'])",
        ),
        (
            json.dumps({"target_accounts": {"prod": RESOLVED["prod"]}}),
            "target_accounts: names the stages prod, but envs/dev/env.yaml has prod, staging",
        ),
    ],
    ids=["json", "mapping", "ids", "stages"],
)
def test_a_bad_record_is_named_with_its_field(tmp_path: Path, content: str, reason: str) -> None:
    dev = _dev(tmp_path, {"organizational_unit": "ou-ab12-cd34ef56"})
    record_file(tmp_path, dev, STACKS["foundation"]).write_text(content)
    with pytest.raises(ConfigError) as caught:
        read_record(tmp_path, dev, STACKS["foundation"])
    assert any(reason in p and "dev.foundation.target-accounts.json" in p for p in caught.value.problems), (
        caught.value.problems
    )


def test_plans_made_for_different_accounts_are_not_applied_together(tmp_path: Path) -> None:
    dev = _dev(tmp_path, {"organizational_unit": "ou-ab12-cd34ef56"})
    dev.resolve_targets(RESOLVED)
    write_record(tmp_path, dev, STACKS["foundation"])
    dev.resolve_targets({**RESOLVED, "prod": ["444444444444"]})
    write_record(tmp_path, dev, STACKS["projects"])
    with pytest.raises(ConfigError, match="were made for different accounts of its target_accounts"):
        recorded_accounts(tmp_path, dev, [STACKS["foundation"], STACKS["projects"]])
    assert recorded_accounts(tmp_path, dev, [STACKS["projects"]]) == {**RESOLVED, "prod": ["444444444444"]}
