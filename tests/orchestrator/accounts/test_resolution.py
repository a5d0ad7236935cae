"""A stage's OU resolved through Organizations (moto in process): only ACTIVE accounts, sorted, child
OUs only when recursive, an unknown OU or an empty one named with its field, and the checks only
the resolved accounts allow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from moto import mock_aws

from orchestrator.accounts.resolution import ou_accounts, resolve, resolve_all, target_env_problems
from orchestrator.config import EnvConfig, load_env, load_envs
from orchestrator.errors import ConfigError
from tests.conftest import REPO_ROOT, write_env

READ_ROLE = "arn:aws:iam::444455556666:role/organization-reader"


@pytest.fixture
def organizations() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("organizations", region_name="us-east-1")
        client.create_organization(FeatureSet="ALL")
        yield client


def _ou(client: Any, name: str, parent: str | None = None) -> str:
    parent = parent or client.list_roots()["Roots"][0]["Id"]
    return client.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]


def _account(client: Any, name: str, ou: str) -> str:
    account = client.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
    root = client.list_roots()["Roots"][0]["Id"]
    client.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
    return account


def _dev(tmp_path: Path, prod: Any, **changes: Any) -> EnvConfig:
    data = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text())
    data.update(
        target_accounts={"staging": "222222222222", "prod": prod}, organizations={"read_role_arn": READ_ROLE}, **changes
    )
    write_env(tmp_path, "dev", data)
    return load_env("dev", tmp_path)


def test_only_active_accounts_sorted_children_only_when_recursive(organizations: Any) -> None:
    prod = _ou(organizations, "prod")
    child = _ou(organizations, "prod-eu", prod)
    direct = sorted(_account(organizations, name, prod) for name in ("a", "b"))
    closed = _account(organizations, "closed", prod)
    organizations.close_account(AccountId=closed)
    nested = _account(organizations, "nested", child)
    assert ou_accounts(organizations, prod, recursive=False) == direct
    assert ou_accounts(organizations, prod, recursive=True) == sorted([*direct, nested])


def test_resolve_records_each_stage_and_leaves_lists_as_written(organizations: Any, tmp_path: Path) -> None:
    prod = _ou(organizations, "prod")
    accounts = sorted(_account(organizations, name, prod) for name in ("a", "b", "c"))
    dev = _dev(tmp_path, {"organizational_unit": prod, "waves": {"canary": accounts[1]}})
    asked: list[str] = []

    def client(env: EnvConfig) -> Any:
        asked.append(env.name)
        return organizations

    assert resolve(dev, client) == {"staging": ["222222222222"], "prod": accounts}
    assert dev.target_account_ids["prod"] == accounts and asked == ["dev"]


def test_a_list_only_stage_asks_organizations_nothing(tmp_path: Path) -> None:
    dev = _dev(tmp_path, ["333333333333"])

    def client(env: EnvConfig) -> Any:
        raise AssertionError("no stage has an OU")

    assert resolve(dev, client)["prod"] == ["333333333333"]


@pytest.mark.parametrize(
    ("prod", "reason"),
    [
        (
            {"organizational_unit": "ou-abcd-zzzzzzzz"},
            "target_accounts.prod.organizational_unit: is not an OU of the organization as " + READ_ROLE,
        ),
        ("empty", "target_accounts.prod.organizational_unit: has no ACTIVE account"),
        ("canary", "target_accounts.prod.waves.canary: is not an ACTIVE account of"),
    ],
)
def test_what_only_the_organization_shows_is_named_with_its_field(
    organizations: Any, tmp_path: Path, prod: Any, reason: str
) -> None:
    ou = _ou(organizations, "prod")
    if prod == "empty":
        prod = {"organizational_unit": ou}
    elif prod == "canary":
        _account(organizations, "a", ou)
        prod = {"organizational_unit": ou, "waves": {"canary": "999999999999"}}
    dev = _dev(tmp_path, prod)
    with pytest.raises(ConfigError) as caught:
        resolve(dev, lambda env: organizations)
    assert any(reason in p for p in caught.value.problems), caught.value.problems


def test_a_target_env_must_be_an_account_of_its_resolved_stage(organizations: Any, tmp_path: Path) -> None:
    ou = _ou(organizations, "prod")
    account = _account(organizations, "a", ou)
    _dev(tmp_path, {"organizational_unit": ou})
    write_env(tmp_path, "prod", yaml.safe_load((REPO_ROOT / "envs" / "prod" / "env.yaml").read_text()))
    [prod] = load_envs(["prod"], tmp_path)
    with pytest.raises(ConfigError) as caught:
        resolve_all([prod], lambda env: organizations)
    assert caught.value.problems == [
        f"envs/prod/env.yaml: account_id: is not an ACTIVE account of dev's target_accounts.prod ({account}) (value '333333333333')"
    ]
    prod.source.resolve_targets({"staging": ["222222222222"], "prod": [account, "333333333333"]})
    assert target_env_problems([prod]) == []
