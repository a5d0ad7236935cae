"""orchestrator/accounts/needed.py and the CLI's use of it: a run lists an OU only for what it runs
(dev's stacks whose inputs name the target accounts, saved plans, the policy gate); a target
environment's run and dev's platform stack ask Organizations nothing; `apply --from` takes the
accounts recorded with the reviewed plans and never lists the OU."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator import cli
from orchestrator.accounts.needed import needing, reads_target_accounts, resolve_for_run, use_recorded
from orchestrator.accounts.recorded import write_record
from orchestrator.config import EnvConfig, load_envs
from orchestrator.errors import ConfigError
from orchestrator.outcome import StackOutcome
from orchestrator.stacks import BOOTSTRAP_STACK, STACKS, stacks_for
from tests.conftest import REPO_ROOT, write_env

READ_ROLE = "arn:aws:iam::444455556666:role/organization-reader"
OU = "ou-ab12-cd34ef56"
OU_ACCOUNTS = ["444444444444", "555555555555"]
RESOLVED = {"staging": ["222222222222"], "prod": OU_ACCOUNTS}


class Organizations:
    """An Organizations client of the read role that lists OU_ACCOUNTS, counting who asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, env: EnvConfig) -> Any:
        self.asked.append(env.name)
        return self

    def get_paginator(self, operation: str) -> Any:
        accounts = [{"Id": a, "State": "ACTIVE"} for a in OU_ACCOUNTS]
        pages = {"list_accounts_for_parent": [{"Accounts": accounts}], "list_children": [{"Children": []}]}
        return argparse.Namespace(paginate=lambda **_: pages[operation])


def _envs(tmp_path: Path, prod_account: str = OU_ACCOUNTS[0]) -> dict[str, EnvConfig]:
    """The README's dev with prod given as an OU, and prod (in one of the OU's accounts)."""
    dev = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    dev["target_accounts"]["prod"] = {"organizational_unit": OU}
    dev["organizations"] = {"read_role_arn": READ_ROLE}
    prod = yaml.safe_load((REPO_ROOT / "envs" / "prod" / "env.yaml").read_text())
    prod["account_id"] = prod_account
    write_env(tmp_path, "dev", dev)
    write_env(tmp_path, "prod", prod)
    return {env.name: env for env in load_envs(["dev", "prod"], tmp_path)}


def test_only_devs_stacks_that_grant_the_target_accounts_read_them(tmp_path: Path) -> None:
    envs = _envs(tmp_path)
    reading = {s.name for s in stacks_for(envs["dev"]) if reads_target_accounts(envs["dev"], s)}
    assert reading == {"foundation", "identity", "projects"}
    assert not reads_target_accounts(envs["dev"], BOOTSTRAP_STACK)
    assert not any(reads_target_accounts(envs["prod"], s) for s in [BOOTSTRAP_STACK, *stacks_for(envs["prod"])])


def test_saved_plans_and_the_gate_need_the_accounts_of_every_dev_stack(tmp_path: Path) -> None:
    envs = _envs(tmp_path)
    platform = [(envs["dev"], [STACKS["platform"]]), (envs["prod"], stacks_for(envs["prod"]))]
    assert needing(platform) == []
    assert needing(platform, saving=True) == [envs["dev"]]
    assert needing(platform, gated=True) == [envs["dev"]]


def test_a_target_environments_run_asks_organizations_nothing(tmp_path: Path) -> None:
    envs = _envs(tmp_path, prod_account="333333333333")  # not an account of the OU: nothing checks it
    organizations = Organizations()
    selection = [(envs["prod"], stacks_for(envs["prod"]))]
    assert resolve_for_run(selection, organizations, saving=True, gated=True) == []
    assert organizations.asked == []


def test_a_dev_stack_that_grants_them_lists_the_ou_and_checks_a_target_selected_with_it(tmp_path: Path) -> None:
    envs = _envs(tmp_path, prod_account="333333333333")
    organizations = Organizations()
    selection = [(envs["dev"], [STACKS["foundation"]]), (envs["prod"], stacks_for(envs["prod"]))]
    with pytest.raises(ConfigError) as caught:
        resolve_for_run(selection, organizations)
    assert organizations.asked == ["dev"]
    assert caught.value.problems == [
        "envs/prod/env.yaml: account_id: is not an ACTIVE account of dev's target_accounts.prod "
        f"({', '.join(OU_ACCOUNTS)}) (value '333333333333')"
    ]


def test_apply_from_uses_the_accounts_recorded_with_the_reviewed_plan(tmp_path: Path) -> None:
    plan_dir = tmp_path / "plans"
    plan_dir.mkdir()
    planned = _envs(tmp_path)["dev"]
    planned.resolve_targets(RESOLVED)
    for stack in ("foundation", "platform"):
        write_record(plan_dir, planned, STACKS[stack])
    dev = _envs(tmp_path)["dev"]  # a new run: the OU is not listed again
    selection = [(dev, [STACKS["foundation"], STACKS["platform"]])]
    assert use_recorded(selection, plan_dir, gated=True) == [dev]
    assert dev.target_account_ids == RESOLVED
    assert STACKS["foundation"].inputs(dev)["target_accounts"] == RESOLVED


def test_apply_from_a_plan_saved_without_the_record_says_what_to_do(tmp_path: Path) -> None:
    dev = _envs(tmp_path)["dev"]
    with pytest.raises(ConfigError) as caught:
        use_recorded([(dev, [STACKS["foundation"]])], tmp_path)
    [problem] = caught.value.problems
    assert f"{tmp_path}/dev.foundation.target-accounts.json is missing" in problem
    assert f"plan again with `plan --out-dir {tmp_path}`" in problem


def _args(command: str, **given: Any) -> argparse.Namespace:
    return argparse.Namespace(**{"command": command, "target": "aws", "from_dir": None, "out_dir": None, **given})


class NoOrganizations:
    """A target whose credentials may not assume the organization's read role."""

    @staticmethod
    def refuse(*args: object) -> None:
        raise AssertionError(f"a target was made: {args}")

    def role_client(self, env: EnvConfig, role_arn: str, service: str) -> Any:
        raise AssertionError(f"{env.name} asked {service} as {role_arn}")


@pytest.mark.parametrize("command", ["plan", "apply", "drift", "destroy"])
def test_the_cli_runs_prods_jobs_without_organizations(tmp_path: Path, command: str) -> None:
    envs = _envs(tmp_path)
    selected = cli._Selected(Any, Any, [envs["prod"]], [(envs["prod"], stacks_for(envs["prod"]))])  # type: ignore[arg-type]
    cli._accounts_for_run(_args(command, out_dir=tmp_path), selected, NoOrganizations())  # type: ignore[arg-type]


def _reviewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: bool) -> Path:
    """A plan directory of dev's foundation as `plan --out-dir` saves it (with the accounts' record
    or, as an earlier version saved it, without); the orchestrator pointed at these envs, unable
    to make a target."""
    plans = tmp_path / "plans"
    plans.mkdir()
    planned = _envs(tmp_path / "envs")["dev"]
    summary = StackOutcome("dev", "foundation", "plan", result="no changes").to_dict()
    (plans / "dev.foundation.summary.json").write_text(json.dumps(summary))
    if record:
        planned.resolve_targets(RESOLVED)
        write_record(plans, planned, STACKS["foundation"])
    monkeypatch.setenv("ORCHESTRATOR_ENVS_DIR", str(tmp_path / "envs"))
    monkeypatch.setattr(cli, "make_target", NoOrganizations.refuse)
    return plans


def test_the_cli_applies_devs_reviewed_plan_with_the_recorded_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = _reviewed(tmp_path, monkeypatch, record=True)
    args = cli._parser().parse_args(["apply", "--env", "dev", "--stack", "foundation", "--from", str(plans)])
    checked = cli._graph_checked(args)
    assert checked is not None
    [(dev, _)] = checked[0].selection
    assert dev.target_account_ids == RESOLVED
    cli._accounts_for_run(args, checked[0], NoOrganizations())  # type: ignore[arg-type]


def test_the_cli_refuses_a_reviewed_plan_without_the_record_before_any_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = _reviewed(tmp_path, monkeypatch, record=False)
    assert cli.main(["apply", "--env", "dev", "--stack", "foundation", "--from", str(plans)]) == 2
    error = capsys.readouterr().err
    assert f"--from: {plans}/dev.foundation.target-accounts.json is missing" in error, error
