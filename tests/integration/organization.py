"""An AWS Organizations organization on an emulator for the tests of target accounts given as an
OU: its management account, an OU with two ACTIVE accounts and a closed one, the read role the dev
account may assume (organizations.read_role_arn) and a role without the permission to list; the
README's dev with prod given as that OU."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO_ROOT
from tests.integration.conftest import Account

MANAGEMENT = "101010101010"  # the organization's management account (no environment of the README's)
READER = f"arn:aws:iam::{MANAGEMENT}:role/organization-reader"
LISTER = f"arn:aws:iam::{MANAGEMENT}:role/organization-lister"  # may list child OUs only, not their accounts
READS = [
    "organizations:ListAccountsForParent",
    "organizations:ListChildren",
    "organizations:DescribeOrganizationalUnit",
]


def reader_role(iam: Any, name: str, actions: list[str]) -> None:
    """A role of the management account that the dev account may assume, allowed `actions` only."""
    trust = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}
    try:
        iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [trust]})
        )
    except iam.exceptions.EntityAlreadyExistsException:
        pass  # run again on the same emulator
    statement = {"Effect": "Allow", "Action": actions, "Resource": "*"}
    iam.put_role_policy(
        RoleName=name, PolicyName="read", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )


def join(organizations: Any, name: str, ou: str) -> str:
    """A new account of the organization, moved into `ou`."""
    created = organizations.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
    root = organizations.list_roots()["Roots"][0]["Id"]
    organizations.move_account(AccountId=created["AccountId"], SourceParentId=root, DestinationParentId=ou)
    return str(created["AccountId"])


def create_organization(url: str) -> tuple[Any, str, list[str]]:
    """The organization (its management account's administrator), an OU `prod-…` with two accounts
    and one closed, and the read roles: the organization's client, the OU and its ACTIVE accounts."""
    management = Account(url, MANAGEMENT, "organization-admin")
    organizations = management.client("organizations")
    try:
        organizations.create_organization(FeatureSet="ALL")
    except organizations.exceptions.AlreadyInOrganizationException:
        pass  # run again on the same emulator
    root = organizations.list_roots()["Roots"][0]["Id"]
    name = f"prod-{uuid.uuid4().hex[:8]}"
    ou = organizations.create_organizational_unit(ParentId=root, Name=name)["OrganizationalUnit"]["Id"]
    accounts = sorted(join(organizations, name, ou) for name in ("prod-eu", "prod-us"))
    organizations.close_account(AccountId=join(organizations, "prod-closed", ou))
    reader_role(management.client("iam"), "organization-reader", READS)
    reader_role(management.client("iam"), "organization-lister", ["organizations:ListChildren"])
    return organizations, ou, accounts


def envs_with_ou(tmp_path: Path, ou: str, reader: str = READER, others: tuple[str, ...] = ()) -> dict[str, str]:
    """The README's dev with prod given as the OU (canary: its first account, then one at a time),
    and the README's `others` as written: ORCHESTRATOR_ENVS_DIR for the orchestrator's runs."""
    envs = tmp_path / f"envs-{reader.rsplit('/', 1)[-1]}"
    for env in ("dev", *others):
        shutil.copytree(REPO_ROOT / "envs" / env, envs / env)
    config = yaml.safe_load((envs / "dev" / "env.yaml").read_text())
    config["target_accounts"]["prod"] = {"organizational_unit": ou, "waves": {"batch_size": 1}}
    config["organizations"] = {"read_role_arn": reader}
    (envs / "dev" / "env.yaml").write_text(yaml.safe_dump(config))
    return {"ORCHESTRATOR_ENVS_DIR": str(envs)}
