"""Every configuration mistake is reported with file, field and value, before anything runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orchestrator.config import load_env, load_envs
from orchestrator.errors import ConfigError
from tests.conftest import write_env


def _problems(envs_dir: Path, data: dict, name: str = "dev") -> list[str]:
    write_env(envs_dir, name, data)
    with pytest.raises(ConfigError) as caught:
        load_env(name, envs_dir)
    return caught.value.problems


def test_the_committed_dev_env_is_valid() -> None:
    config = load_env("dev")
    assert config.name_prefix == "mlops-dev"
    assert config.effective_deploy_role_arn == "arn:aws:iam::111111111111:role/mlops-dev-deploy"
    assert config.ssm_prefix == "/mlops/dev"


@pytest.mark.parametrize(
    ("mutate", "field", "value"),
    [
        (lambda c: c["network"].update(vpc_cidr="10.0.0.0/33"), "network.vpc_cidr", "10.0.0.0/33"),
        (lambda c: c["network"].update(vpc_cidr="10.0.0.1/16"), "network.vpc_cidr", "10.0.0.1/16"),
        (lambda c: c["network"].update(vpc_cidr="10.0.0.0/8"), "network.vpc_cidr", "10.0.0.0/8"),
        (lambda c: c["network"].update(az_count=1), "network.az_count", "1"),
        (lambda c: c["network"].update(az_count=5), "network.az_count", "5"),
        (lambda c: c.update(account_id="12345"), "account_id", "12345"),
        (lambda c: c.update(region="europe"), "region", "europe"),
        (lambda c: c.update(prefix="ML_Ops"), "prefix", "ML_Ops"),
        (lambda c: c["network"].update(internet_access="open"), "network.internet_access", "open"),
        (lambda c: c["network"].update(flow_logs_retention_days=30), "network.flow_logs_retention_days", "30"),
        (
            lambda c: c["network"].update(interface_endpoints=["Bad Service"]),
            "network.interface_endpoints",
            "Bad Service",
        ),
        (lambda c: c["kms"].update(deletion_window_days=3), "kms.deletion_window_days", "3"),
        (lambda c: c["kms"].update(administrator_arns=["admin"]), "kms.administrator_arns", "admin"),
        (lambda c: c.update(colour="blue"), "colour", "blue"),
        (lambda c: c["github"].update(repository="example-org/*"), "github.repository", "example-org/*"),
        (
            lambda c: c["identity"]["persona_principals"].update(team_lead=["lead"]),
            "identity.persona_principals.team_lead",
            "lead",
        ),
        (
            lambda c: c["identity"].update(existing_role_arns={"root": "arn:aws:iam::111111111111:role/x"}),
            "identity.existing_role_arns",
            "root",
        ),
        (lambda c: c.update(target_accounts={"prod": "123"}), "target_accounts", "123"),
        (
            lambda c: c.setdefault("studio", {}).update(users={"bad_name!": "data_scientist"}),
            "studio.users",
            "bad_name!",
        ),
        (lambda c: c.setdefault("studio", {}).update(users={"carol": "owner"}), "studio.users", "owner"),
        (lambda c: c.setdefault("studio", {}).update(idle_timeout_minutes=5), "studio.idle_timeout_minutes", "5"),
        (lambda c: c.setdefault("studio", {}).update(home_efs_retention="Keep"), "studio.home_efs_retention", "Keep"),
        (
            lambda c: c.setdefault("project_templates", {}).update(launch_personas=["intern"]),
            "project_templates.launch_personas",
            "intern",
        ),
        (lambda c: c["projects"]["abalone"].update(registry="studio"), "projects.abalone.registry", "studio"),
    ],
)
def test_field_errors_name_file_field_and_value(
    envs_dir: Path, dev_config: dict, mutate: Callable[[dict[str, Any]], None], field: str, value: str
) -> None:
    mutate(dev_config)
    problems = _problems(envs_dir, dev_config)
    assert any(
        p.startswith(str(envs_dir / "dev" / "env.yaml")) and f": {field}" in p and value in p for p in problems
    ), problems


def test_subnet_outside_the_vpc(envs_dir: Path, dev_config: dict) -> None:
    dev_config["network"]["private_subnet_cidrs"] = ["10.10.0.0/19", "10.20.0.0/19"]
    problems = _problems(envs_dir, dev_config)
    assert any(
        "network.private_subnet_cidrs[1]" in p and "10.20.0.0/19" in p and "outside the VPC" in p for p in problems
    )


def test_duplicated_and_overlapping_subnets(envs_dir: Path, dev_config: dict) -> None:
    dev_config["network"].update(az_count=3, private_subnet_cidrs=["10.10.0.0/19", "10.10.0.0/19", "10.10.16.0/20"])
    problems = _problems(envs_dir, dev_config)
    assert any("private_subnet_cidrs[1]" in p and "duplicates network.private_subnet_cidrs[0]" in p for p in problems)
    assert any("private_subnet_cidrs[2]" in p and "overlaps" in p for p in problems)


def test_subnet_count_must_match_az_count(envs_dir: Path, dev_config: dict) -> None:
    dev_config["network"]["az_count"] = 3
    problems = _problems(envs_dir, dev_config)
    assert any("network.private_subnet_cidrs" in p and "az_count is 3" in p for p in problems)


def test_nat_needs_one_public_subnet_per_az(envs_dir: Path, dev_config: dict) -> None:
    dev_config["network"]["internet_access"] = "nat"
    problems = _problems(envs_dir, dev_config)
    assert any("network.public_subnet_cidrs" in p and "one per AZ" in p for p in problems)


def test_public_subnets_without_nat_are_refused(envs_dir: Path, dev_config: dict) -> None:
    dev_config["network"]["public_subnet_cidrs"] = ["10.10.128.0/24", "10.10.129.0/24"]
    problems = _problems(envs_dir, dev_config)
    assert any("network.public_subnet_cidrs" in p and "must be empty" in p for p in problems)


def test_deploy_role_must_be_in_the_env_account(envs_dir: Path, dev_config: dict) -> None:
    dev_config["deploy_role_arn"] = "arn:aws:iam::222222222222:role/deployer"
    problems = _problems(envs_dir, dev_config)
    assert any("deploy_role_arn" in p and "222222222222" in p for p in problems)


def test_target_account_must_differ_from_own(envs_dir: Path, dev_config: dict) -> None:
    dev_config["target_accounts"] = {"prod": dev_config["account_id"]}
    problems = _problems(envs_dir, dev_config)
    assert any("target_accounts.prod" in p and "own account" in p for p in problems)


def test_existing_oidc_provider_needed_when_not_creating(envs_dir: Path, dev_config: dict) -> None:
    dev_config["github"]["create_oidc_provider"] = False
    assert any("github.existing_oidc_provider_arn" in p for p in _problems(envs_dir, dev_config))


def test_name_must_match_folder(envs_dir: Path, dev_config: dict) -> None:
    problems = _problems(envs_dir, dev_config, name="sandbox")
    assert any(": name:" in p and "sandbox" in p for p in problems)


def test_missing_required_field(envs_dir: Path, dev_config: dict) -> None:
    del dev_config["account_id"]
    assert any("account_id: is required" in p for p in _problems(envs_dir, dev_config))


def test_invalid_yaml(envs_dir: Path) -> None:
    (envs_dir / "dev").mkdir()
    (envs_dir / "dev" / "env.yaml").write_text("network: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_env("dev", envs_dir)


def test_unknown_env_lists_known_ones(envs_dir: Path, dev_config: dict) -> None:
    write_env(envs_dir, "dev", dev_config)
    with pytest.raises(ConfigError, match=r"unknown environment 'qa'.*known environments: dev"):
        load_env("qa", envs_dir)


def test_all_problems_of_all_envs_are_reported_together(envs_dir: Path, dev_config: dict) -> None:
    broken = {**dev_config, "account_id": "12345"}
    write_env(envs_dir, "dev", broken)
    other = {**dev_config, "name": "qa", "region": "nowhere"}
    write_env(envs_dir, "qa", other)
    with pytest.raises(ConfigError) as caught:
        load_envs(None, envs_dir)
    text = "\n".join(caught.value.problems)
    assert "account_id" in text and "12345" in text and "region" in text and "nowhere" in text


def test_studio_users_need_a_persona_with_a_role(envs_dir: Path, dev_config: dict) -> None:
    dev_config["identity"]["persona_principals"]["team_lead"] = []
    dev_config.setdefault("studio", {})["users"] = {"bob": "team_lead"}
    dev_config.setdefault("project_templates", {})["launch_personas"] = ["team_lead"]
    problems = _problems(envs_dir, dev_config)
    assert any("studio.users.bob" in p and "team_lead" in p and "no role" in p for p in problems), problems
    assert any("project_templates.launch_personas[0]" in p and "team_lead" in p for p in problems), problems


def _staging() -> dict:
    import yaml

    from tests.conftest import REPO_ROOT

    return yaml.safe_load((REPO_ROOT / "envs" / "staging" / "env.yaml").read_text(encoding="utf-8"))


def test_the_committed_target_envs_link_to_dev() -> None:
    configs = {c.name: c for c in load_envs(["staging", "prod"])}
    assert configs["staging"].kind == "target" and configs["staging"].source.name == "dev"
    assert configs["staging"].source.target_accounts["staging"] == configs["staging"].account_id
    assert set(configs["prod"].source.projects) == {"abalone", "rings"}


def test_target_env_must_be_granted_by_its_source(envs_dir: Path, dev_config: dict) -> None:
    write_env(envs_dir, "dev", dev_config)
    staging = _staging()
    staging["account_id"] = "444444444444"
    write_env(envs_dir, "staging", staging)
    with pytest.raises(ConfigError) as caught:
        load_envs(["staging"], envs_dir)
    assert any(
        "staging/env.yaml: account_id" in p and "target_accounts.staging" in p and "444444444444" in p
        for p in caught.value.problems
    )


@pytest.mark.parametrize(
    ("mutate", "field", "value"),
    [
        (
            lambda c: c["network"].update(
                internet_access="nat", public_subnet_cidrs=["10.20.64.0/24", "10.20.65.0/24"]
            ),
            "network.internet_access",
            "nat",
        ),
        (lambda c: c.update(projects={"abalone": {"repository": "example-org/abalone-model"}}), "projects", "abalone"),
        (lambda c: c.pop("source_env"), "source_env", "None"),
        (lambda c: c.update(region="eu-central-1"), "region", "eu-central-1"),
    ],
)
def test_target_env_rules(
    envs_dir: Path, dev_config: dict, mutate: Callable[[dict[str, Any]], None], field: str, value: str
) -> None:
    write_env(envs_dir, "dev", dev_config)
    staging = _staging()
    mutate(staging)
    write_env(envs_dir, "staging", staging)
    with pytest.raises(ConfigError) as caught:
        load_envs(["staging"], envs_dir)
    assert any(f": {field}" in p and value in p for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("projects", "value"),
    [
        ({"Abalone_Model": {"repository": "example-org/abalone"}}, "Abalone_Model"),
        ({"abalone": {"repository": "example-org/*"}}, "example-org/*"),
    ],
)
def test_bad_projects_are_refused(envs_dir: Path, dev_config: dict, projects: dict, value: str) -> None:
    dev_config["projects"] = projects
    problems = _problems(envs_dir, dev_config)
    assert any(": projects" in p and value in p for p in problems), problems


def test_a_project_registry_defaults_to_terraform_and_may_come_from_the_template(
    envs_dir: Path, dev_config: dict
) -> None:
    """projects.<name>.registry: the projects stack creates the group, or the S3 template's stack did."""
    dev_config["projects"]["churn"] = {"repository": "example-org/churn", "registry": "template"}
    write_env(envs_dir, "dev", dev_config)
    projects = load_env("dev", envs_dir).projects
    assert projects["abalone"].registry == "terraform" and projects["churn"].registry == "template"
