"""Bad input never reaches a cloud: a catalogue of invalid env.yaml, platform.yaml and command lines.

Each one runs through the command line's entry point (in-process) against a copy of the shipped
environments and must exit 2 with a message naming the file (or flag), the field and the value as
written, while no target is made (no emulator, no AWS session) and no process is started (no
Terraform, no git). Valid values at every limit must still be accepted.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator import cli, paths
from orchestrator.config.aws_rules import INTERFACE_ENDPOINT_SERVICES

SHIPPED = {
    name: (paths.ENVS_DIR / name / "env.yaml").read_text(encoding="utf-8") for name in ("dev", "staging", "prod")
}
Edit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Bad:
    id: str
    argv: tuple[str, ...]
    expect: tuple[str, ...]  # field (or flag) and the value as written, all in the message
    env: str | None = None  # the environment whose env.yaml is changed
    edit: Edit | None = None
    text: Callable[[str], str] | None = None
    raw: bytes | None = None
    platform: str | None = None
    environ: dict[str, str] = field(default_factory=dict)


def put(path: str, value: object) -> Edit:
    """Set `a.b.c` of the parsed env.yaml to `value` (creating sections)."""

    def edit(config: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = config
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    return edit


def drop(path: str) -> Edit:
    def edit(config: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = config
        for part in parents:
            node = node[part]
        del node[last]

    return edit


def both(*edits: Edit) -> Edit:
    def edit(config: dict[str, Any]) -> None:
        for one in edits:
            one(config)

    return edit


def dev(case_id: str, edit: Edit, *expect: str, command: str = "plan") -> Bad:
    return Bad(case_id, (command, "--env", "dev"), expect, env="dev", edit=edit)


def staging(case_id: str, edit: Edit, *expect: str) -> Bad:
    return Bad(case_id, ("apply", "--env", "staging"), expect, env="staging", edit=edit)


def dev_text(case_id: str, change: Callable[[str], str], *expect: str) -> Bad:
    return Bad(case_id, ("plan", "--env", "dev"), expect, env="dev", text=change)


def platform(case_id: str, text: str, *expect: str) -> Bad:
    return Bad(case_id, ("plan", "--env", "dev"), expect, platform=text)


def flags(case_id: str, *argv: str, expect: tuple[str, ...]) -> Bad:
    return Bad(case_id, argv, expect)


ACCOUNT = 'account_id: "111111111111"'
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
LONG_ROLE = "arn:aws:iam::111111111111:role/" + "d" * 65
SEVEN_TAGS = {f"team{i}": "x" for i in range(7)}

ENV_YAML = [
    # the YAML itself
    dev_text(
        "account-id-trailing-newline",
        lambda t: t.replace(ACCOUNT, "account_id: |\n  111111111111"),
        "account_id",
        "'111111111111\\n'",
    ),
    dev_text(
        "duplicate-top-level-key",
        lambda t: t + 'account_id: "444444444444"\n',
        f"line {SHIPPED['dev'].count(chr(10)) + 1}",
        "duplicate key 'account_id'",
        "first at line 5",
    ),
    dev_text(
        "duplicate-nested-key",
        lambda t: t.replace("  az_count: 2\n", "  az_count: 2\n  az_count: 3\n"),
        "duplicate key 'az_count'",
    ),
    dev_text("alias-expansion-bomb", lambda t: t + LAUGHS, "anchor &'a' is not allowed"),
    dev_text("one-anchor", lambda t: t.replace("tags:\n", "tags: &tags\n"), "anchor &'tags' is not allowed"),
    Bad(
        "not-utf-8",
        ("plan", "--env", "dev"),
        ("not UTF-8", "byte 0xe9", "byte offset"),
        env="dev",
        raw=SHIPPED["dev"].replace("ml-platform", "ml-plat\udce9").encode("utf-8", "surrogateescape"),
    ),
    dev_text("not-a-mapping", lambda t: "- just\n- a list\n", "(top level)", "must be a mapping"),
    dev_text("broken-yaml", lambda t: t.replace("network:\n", "network: [\n"), "not valid YAML", "line"),
    # top level
    dev("name-not-the-folder", put("name", "dev2"), "name", "'dev2'"),
    dev("unknown-region", put("region", "eu-west-9"), "region", "'eu-west-9'"),
    dev("region-not-a-region", put("region", "mars-east-1"), "region", "'mars-east-1'"),
    dev("account-id-a-number", put("account_id", 111111111111), "account_id", "111111111111", "valid string"),
    dev("account-id-11-digits", put("account_id", "11111111111"), "account_id", "'11111111111'"),
    dev("prefix-uppercase", put("prefix", "MLops"), "prefix", "'MLops'"),
    dev("prefix-too-long", put("prefix", "abcdefghijk"), "prefix", "'abcdefghijk'"),
    dev("prefix-makes-a-reserved-bucket-name", put("prefix", "sthree"), "prefix", "'sthree'", "sthree-"),
    dev("prefix-makes-an-ssm-path-under-aws", put("prefix", "awsml"), "prefix", "'awsml'", "SSM path"),
    dev("kind-unknown", put("kind", "prod"), "kind", "'prod'"),
    dev("unknown-field", put("colour", "blue"), "colour", "'blue'", "unknown field"),
    dev(
        "deploy-role-other-account",
        put("deploy_role_arn", "arn:aws:iam::222222222222:role/deploy"),
        "deploy_role_arn",
        "222222222222:role/deploy",
    ),
    dev(
        "deploy-role-non-ascii",
        put("deploy_role_arn", "arn:aws:iam::111111111111:role/déploy"),
        "deploy_role_arn",
        "déploy",
    ),
    dev(
        "deploy-role-name-65-characters",
        put("deploy_role_arn", LONG_ROLE),
        "deploy_role_arn",
        "d" * 65,
        "IAM allows 64",
    ),
    dev(
        "deploy-role-other-partition",
        put("deploy_role_arn", "arn:aws-cn:iam::111111111111:role/deploy"),
        "deploy_role_arn",
        "arn:aws-cn:iam::111111111111:role/deploy",
        "partition",
    ),
    dev(
        "deploy-role-is-a-ci-role",
        put("deploy_role_arn", "arn:aws:iam::111111111111:role/mlops-dev-github-apply"),
        "deploy_role_arn",
        "mlops-dev-github-apply",
    ),
    dev("tag-key-aws-prefix", put("tags", {"aws:owner": "x"}), "tags.aws:owner", "'aws:owner'", command="apply"),
    dev(
        "tag-key-129-characters", put("tags", {"k" * 129: "x"}), "tags." + "k" * 129, "129 characters", command="apply"
    ),
    dev("tag-value-257-characters", put("tags", {"owner": "v" * 257}), "tags.owner", "v" * 100, command="apply"),
    dev(
        "tag-value-line-break", put("tags", {"owner": "ml\nplatform"}), "tags.owner", "'ml\\nplatform'", command="apply"
    ),
    dev("tag-value-a-boolean", put("tags", {"owner": True}), "tags.owner", "True", command="apply"),
    dev(
        "tag-keys-differing-in-case",
        put("tags", {"owner": "a", "Owner": "b"}),
        "tags.Owner",
        "'Owner'",
        "only in case",
        command="apply",
    ),
    dev(
        "tag-key-a-module-sets-in-another-case",
        put("tags", {"name": "x"}),
        "tags.name",
        "'name'",
        "'Name'",
        command="apply",
    ),
    dev(
        "tag-the-orchestrator-sets", put("tags", {"environment": "prod"}), "tags.environment", "'prod'", command="apply"
    ),
    dev(
        "seven-tags-on-s3-objects",
        put("tags", SEVEN_TAGS),
        "tags",
        "7 tags",
        "S3 allows 10 per object",
        command="apply",
    ),
    # github
    dev("repository-wildcard", put("github.repository", "example-org/*"), "github.repository", "'example-org/*'"),
    dev("repository-owner-40-characters", put("github.repository", "o" * 40 + "/repo"), "github.repository", "o" * 40),
    dev("plan-branch-newline", put("github.plan_branch", "main\n"), "github.plan_branch", "'main\\n'"),
    dev(
        "create-oidc-provider-a-string",
        put("github.create_oidc_provider", "yes"),
        "github.create_oidc_provider",
        "'yes'",
    ),
    dev(
        "existing-provider-with-create",
        put(
            "github.existing_oidc_provider_arn",
            "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
        ),
        "github.existing_oidc_provider_arn",
        "oidc-provider/token.actions.githubusercontent.com",
    ),
    dev(
        "existing-provider-other-account",
        both(
            put("github.create_oidc_provider", False),
            put(
                "github.existing_oidc_provider_arn",
                "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com",
            ),
        ),
        "github.existing_oidc_provider_arn",
        "999999999999",
    ),
    # identity
    dev(
        "persona-principal-not-an-arn",
        put("identity.persona_principals.team_lead", ["lead"]),
        "identity.persona_principals.team_lead[0]",
        "'lead'",
    ),
    dev(
        "persona-principal-wildcard",
        put("identity.persona_principals.team_lead", ["arn:aws:iam::999999999999:role/*"]),
        "identity.persona_principals.team_lead[0]",
        "role/*",
    ),
    dev(
        "persona-principal-twice",
        put(
            "identity.persona_principals.team_lead",
            ["arn:aws:iam::999999999999:role/lead", "arn:aws:iam::999999999999:role/lead"],
        ),
        "identity.persona_principals.team_lead[1]",
        "role/lead",
    ),
    dev(
        "existing-role-unknown-key",
        put("identity.existing_role_arns", {"root": "arn:aws:iam::111111111111:role/x"}),
        "identity.existing_role_arns.root",
        "'root'",
    ),
    dev(
        "existing-role-other-account",
        put("identity.existing_role_arns", {"launch": "arn:aws:iam::999999999999:role/x"}),
        "identity.existing_role_arns.launch",
        "999999999999:role/x",
    ),
    # projects and target accounts
    dev(
        "project-double-hyphen",
        put("projects", {"ab--cd": {"repository": "example-org/x"}}),
        "projects.ab--cd",
        "'ab--cd'",
    ),
    dev(
        "project-reserved-prefix",
        put("projects", {"project-x": {"repository": "example-org/x"}}),
        "projects.project-x",
        "'project-x'",
    ),
    dev(
        "project-name-too-long-for-the-prefix",
        put("projects", {"a" * 31: {"repository": "example-org/x"}}),
        f"projects.{'a' * 31}",
        "a" * 31,
        "39",
    ),
    dev(
        "project-repository-spaces",
        put("projects", {"churn": {"repository": "example org/x"}}),
        "projects.churn.repository",
        "'example org/x'",
    ),
    dev("projects-without-target-accounts", put("target_accounts", {}), "target_accounts", "{}"),
    dev("stage-uppercase", put("target_accounts", {"Prod": "333333333333"}), "target_accounts.Prod", "'Prod'"),
    dev(
        "target-is-own-account",
        put("target_accounts", {"staging": "111111111111"}),
        "target_accounts.staging",
        "'111111111111'",
    ),
    dev(
        "target-account-11-digits",
        put("target_accounts", {"staging": "22222222222"}),
        "target_accounts.staging",
        "'22222222222'",
    ),
    # network
    dev("vpc-cidr-prefix-33", put("network.vpc_cidr", "10.0.0.0/33"), "network.vpc_cidr", "'10.0.0.0/33'"),
    dev("vpc-cidr-host-bits", put("network.vpc_cidr", "10.10.0.1/16"), "network.vpc_cidr", "'10.10.0.1/16'"),
    dev("az-count-a-boolean", put("network.az_count", True), "network.az_count", "True"),
    dev("az-count-a-string", put("network.az_count", "2"), "network.az_count", "'2'"),
    dev(
        "more-azs-than-the-region",
        both(
            put("network.az_count", 4),
            put("network.private_subnet_cidrs", ["10.10.0.0/19", "10.10.32.0/19", "10.10.64.0/19", "10.10.96.0/19"]),
        ),
        "network.az_count",
        "4",
        "3 availability zones of eu-west-1",
    ),
    dev(
        "subnet-outside-the-vpc",
        put("network.private_subnet_cidrs", ["10.10.0.0/19", "10.20.0.0/19"]),
        "network.private_subnet_cidrs[1]",
        "'10.20.0.0/19'",
    ),
    dev(
        "overlapping-subnets",
        put("network.private_subnet_cidrs", ["10.10.0.0/19", "10.10.16.0/20"]),
        "network.private_subnet_cidrs[1]",
        "'10.10.16.0/20'",
    ),
    dev("internet-access-unknown", put("network.internet_access", "open"), "network.internet_access", "'open'"),
    dev(
        "endpoint-misspelt",
        put("network.interface_endpoints", ["sagemaker.apii"]),
        "network.interface_endpoints[0]",
        "'sagemaker.apii'",
    ),
    dev("endpoint-s3", put("network.interface_endpoints", ["sts", "s3"]), "network.interface_endpoints[1]", "'s3'"),
    dev(
        "endpoint-twice", put("network.interface_endpoints", ["sts", "sts"]), "network.interface_endpoints[1]", "'sts'"
    ),
    dev("flow-log-retention-30", put("network.flow_logs_retention_days", 30), "network.flow_logs_retention_days", "30"),
    dev(
        "flow-log-retention-true",
        put("network.flow_logs_retention_days", True),
        "network.flow_logs_retention_days",
        "True",
    ),
    dev(
        "extra-bucket-reserved-prefix",
        put("network.s3_endpoint_extra_bucket_arns", ["arn:aws:s3:::xn--bucket"]),
        "network.s3_endpoint_extra_bucket_arns[0]",
        "xn--bucket",
    ),
    dev(
        "extra-bucket-is-our-own",
        put("network.s3_endpoint_extra_bucket_arns", ["arn:aws:s3:::mlops-dev-data-111111111111"]),
        "network.s3_endpoint_extra_bucket_arns[0]",
        "mlops-dev-data-111111111111",
    ),
    # kms, storage
    dev("kms-deletion-window-3", put("kms.deletion_window_days", 3), "kms.deletion_window_days", "3"),
    dev("kms-rotation-a-string", put("kms.rotation_period_days", "365"), "kms.rotation_period_days", "'365'"),
    dev(
        "kms-administrator-not-an-arn", put("kms.administrator_arns", ["admin"]), "kms.administrator_arns[0]", "'admin'"
    ),
    dev(
        "noncurrent-expiration-0",
        put("storage.noncurrent_version_expiration_days", 0),
        "storage.noncurrent_version_expiration_days",
        "0",
    ),
    dev(
        "access-log-retention-true",
        put("storage.access_log_retention_days", True),
        "storage.access_log_retention_days",
        "True",
    ),
    dev("force-destroy-a-string", put("storage.force_destroy", "false"), "storage.force_destroy", "'false'"),
    # studio, project templates
    dev(
        "user-profile-name",
        put("studio.users", {"bad_name!": "data_scientist"}),
        "studio.users.bad_name!",
        "'bad_name!'",
    ),
    dev("user-unknown-persona", put("studio.users", {"carol": "owner"}), "studio.users.carol", "'owner'"),
    dev(
        "team-users-beyond-the-trust-limit",
        put("teams.risk.users", {f"data-scientist-number-{i:03d}": "data_scientist" for i in range(60)}),
        "teams",
        "61 users",  # and dave of pricing
    ),
    dev("idle-timeout-5", put("studio.idle_timeout_minutes", 5), "studio.idle_timeout_minutes", "5"),
    dev("home-efs-retention", put("studio.home_efs_retention", "Keep"), "studio.home_efs_retention", "'Keep'"),
    dev("enable-projects-1", put("studio.enable_projects", 1), "studio.enable_projects", "1"),
    # instance_types
    dev(
        "instance-type-without-ml",
        put("instance_types.training", ["m5.large"]),
        "instance_types.training[0]",
        "'m5.large'",
    ),
    dev(
        "instance-type-a-wildcard",
        put("instance_types.processing", ["ml.m5.large", "ml.m5.*"]),
        "instance_types.processing[1]",
        "'ml.m5.*'",
    ),
    dev(
        "instance-type-system-for-jobs",
        put("instance_types.transform", ["system"]),
        "instance_types.transform[0]",
        "'system'",
    ),
    dev("instance-types-empty", put("instance_types.processing", []), "instance_types.processing", "[]"),
    dev(
        "instance-type-twice",
        put("instance_types.studio_apps", ["system", "ml.t3.medium", "system"]),
        "instance_types.studio_apps[2]",
        "'system'",
    ),
    dev("instance-types-unknown-use", put("instance_types.notebooks", ["ml.t3.medium"]), "instance_types.notebooks"),
    dev(
        "instance-types-41",
        put("instance_types.training", [f"ml.m5.{n}xlarge" for n in range(41)]),
        "instance_types.training",
        "at most 40",
    ),
    staging(
        "endpoint-instance-type-a-number", put("instance_types.endpoints", [5]), "instance_types.endpoints[0]", "5"
    ),
    dev(
        "provider-name-blank", put("project_templates.provider_name", "   "), "project_templates.provider_name", "'   '"
    ),
    dev(
        "provider-name-51",
        put("project_templates.provider_name", "p" * 51),
        "project_templates.provider_name",
        "p" * 51,
    ),
    dev(
        "launch-personas-empty", put("project_templates.launch_personas", []), "project_templates.launch_personas", "[]"
    ),
    dev(
        "launch-persona-unknown",
        put("project_templates.launch_personas", ["intern"]),
        "project_templates.launch_personas[0]",
        "'intern'",
    ),
    # a target environment
    staging("target-without-source", drop("source_env"), "source_env", "None"),
    staging(
        "target-with-projects",
        put("projects", {"churn": {"repository": "example-org/churn"}}),
        "projects",
        "{'churn': {'repository': 'example-org/churn'}}",
    ),
    staging(
        "target-with-nat",
        both(
            put("network.internet_access", "nat"),
            put("network.public_subnet_cidrs", ["10.20.64.0/24", "10.20.65.0/24"]),
        ),
        "network.internet_access",
        "'nat'",
    ),
    staging("target-other-region", put("region", "eu-west-2"), "region", "'eu-west-2'"),
    staging(
        "target-forty-five-tags", put("tags", {f"t{i}": "x" for i in range(45)}), "tags", "45 tags", "AWS allows 50"
    ),
]

PLATFORM_YAML = [
    platform(
        "platform-unknown-key",
        "terraform:\n  provider_mirror_candidate: [/opt/tf-plugins]\n",
        "terraform.provider_mirror_candidate",
        "['/opt/tf-plugins']",
    ),
    platform("platform-unknown-section", 'terrafrom:\n  minimum_version: "1.10.0"\n', "terrafrom", "unknown field"),
    platform("platform-version-a-number", "terraform:\n  minimum_version: 1.10\n", "terraform.minimum_version", "1.1"),
    platform(
        "platform-version-two-parts", 'terraform:\n  minimum_version: "1.10"\n', "terraform.minimum_version", "'1.10'"
    ),
    platform(
        "platform-candidates-a-string",
        "terraform:\n  provider_mirror_candidates: /opt\n",
        "terraform.provider_mirror_candidates",
        "'/opt'",
    ),
    platform(
        "platform-candidate-relative",
        "terraform:\n  provider_mirror_candidates: [opt/x]\n",
        "terraform.provider_mirror_candidates[0]",
        "'opt/x'",
    ),
    platform("platform-malformed", "terraform: [1\n", "not valid YAML", "line"),
    platform("platform-a-list", "- terraform\n", "(top level)", "['terraform']"),
    platform("platform-duplicate-key", "terraform: {}\nterraform: {}\n", "duplicate key 'terraform'", "line 2"),
]

COMMAND_LINE = [
    flags("lock-timeout-word", "plan", "--env", "dev", "--lock-timeout", "abc", expect=("--lock-timeout", "'abc'")),
    flags("lock-timeout-25h", "apply", "--env", "dev", "--lock-timeout", "25h", expect=("--lock-timeout", "'25h'")),
    flags("env-twice", "plan", "--env", "dev", "--env", "dev", expect=("--env", "given more than once", "'dev'")),
    flags("env-uppercase", "plan", "--env", "DEV", expect=("--env", "'DEV'")),
    flags("env-a-path", "apply", "--env", "../dev", expect=("--env", "'../dev'")),
    flags(
        "env-unknown",
        "apply",
        "--env",
        "nowhere",
        expect=("--env", "'nowhere'", "known environments: dev, prod, staging"),
    ),
    flags("stack-unknown", "plan", "--env", "dev", "--stack", "studio-x", expect=("--stack", "'studio-x'")),
    flags(
        "stack-twice",
        "plan",
        "--env",
        "dev",
        "--stack",
        "foundation",
        "--stack",
        "foundation",
        expect=("--stack", "given more than once", "'foundation'"),
    ),
    flags("stack-of-another-kind", "plan", "--env", "dev", "--stack", "hosting", expect=("--stack", "'hosting'")),
    flags("parallelism-0", "apply", "--parallelism", "0", expect=("--parallelism", "'0'")),
    flags("parallelism-33", "plan", "--parallelism", "33", expect=("--parallelism", "'33'")),
    flags("max-stacks-word", "plan", "--max-stacks", "many", expect=("--max-stacks", "'many'")),
    flags(
        "max-stacks-below-the-run",
        "apply",
        "--env",
        "dev",
        "--max-stacks",
        "2",
        expect=("--max-stacks", "4 stacks", "limit of 2"),
    ),
    flags(
        "changed-since-an-option",
        "plan",
        "--changed-since=--output=/tmp/x",
        expect=("--changed-since", "'--output=/tmp/x'"),
    ),
    flags("changed-since-a-range", "plan", "--changed-since", "main..HEAD", expect=("--changed-since", "'main..HEAD'")),
    flags("target-unknown", "plan", "--target", "gcp", expect=("--target", "'gcp'")),
    flags(
        "emulator-url-with-aws",
        "plan",
        "--target",
        "aws",
        "--emulator-url",
        "http://127.0.0.1:5000",
        expect=("--emulator-url", "'http://127.0.0.1:5000'"),
    ),
    flags(
        "keep-emulator-with-aws", "bootstrap", "--target", "aws", "--keep-emulator", expect=("--keep-emulator", "True")
    ),
    flags(
        "emulator-url-ftp",
        "plan",
        "--emulator-url",
        "ftp://127.0.0.1:5000",
        expect=("--emulator-url", "'ftp://127.0.0.1:5000'"),
    ),
    flags(
        "emulator-url-not-loopback",
        "apply",
        "--emulator-url",
        "http://10.0.0.5:5000",
        expect=("--emulator-url", "'http://10.0.0.5:5000'"),
    ),
    flags(
        "emulator-url-no-port",
        "bootstrap",
        "--emulator-url",
        "http://localhost",
        expect=("--emulator-url", "'http://localhost'"),
    ),
    flags("policy-gate-maybe", "apply", "--policy-gate", "maybe", expect=("--policy-gate", "'maybe'")),
    flags(
        "allow-destroy-without-env-and-stack",
        "apply",
        "--allow-destroy",
        "module.stack.aws_kms_key.k",
        expect=("--allow-destroy", "ENV/STACK:ADDRESS", "'module.stack.aws_kms_key.k'"),
    ),
    flags(
        "allow-destroy-twice",
        "apply",
        "--allow-destroy",
        "dev/foundation:aws_kms_key.k",
        "--allow-destroy",
        "dev/foundation:aws_kms_key.k",
        expect=("--allow-destroy", "given more than once", "'dev/foundation:aws_kms_key.k'"),
    ),
    flags(
        "allow-destroy-a-stack-not-planned",
        "plan",
        "--env",
        "dev",
        "--stack",
        "platform",
        "--allow-destroy",
        "dev/identity:aws_kms_key.k",
        expect=("--allow-destroy", "dev/identity:aws_kms_key.k", "does not plan"),
    ),
    flags("unlock-lock-id", "unlock", "dev", "foundation", "zz", expect=("LOCK_ID", "'zz'")),
    flags(
        "unlock-stack", "unlock", "dev", "studio", "0123abcd-0000-0000-0000-000000000000", expect=("STACK", "'studio'")
    ),
    flags("unlock-env", "unlock", "Dev", "foundation", "0123abcd-0000-0000-0000-000000000000", expect=("ENV", "'Dev'")),
    flags("recover-state-env", "recover-state", "Dev", "hosting", "--yes", expect=("ENV", "'Dev'")),
    flags("recover-state-stack", "recover-state", "dev", "nosuch", "--yes", expect=("STACK", "'nosuch'")),
    flags(
        "expected-envs-twice",
        "report",
        "--from-dir",
        "reports",
        "--markdown",
        "c.md",
        "--expected-envs",
        '["dev","dev"]',
        expect=("--expected-envs", '\'["dev","dev"]\''),
    ),
    flags("pr-number-0", "pr-comment", "--pr", "0", "--body-file", "body.md", expect=("--pr", "'0'")),
    flags("emulator-action", "emulator", "restart", expect=("action", "'restart'")),
    flags("destroy-without-yes", "destroy", "--env", "dev", expect=("--yes", "without a terminal")),
    flags(
        "step-summary-unset", "plan", "--env", "dev", "--step-summary", expect=("--step-summary", "GITHUB_STEP_SUMMARY")
    ),
    Bad(
        "emulator-url-variable",
        ("plan", "--env", "dev"),
        ("ORCHESTRATOR_EMULATOR_URL", "'localhost'"),
        environ={"ORCHESTRATOR_EMULATOR_URL": "localhost"},
    ),
]

# Flags naming a path: the path is made in the test's folder first (a file where a folder belongs, ...).
PATH_FLAGS = [
    ("markdown-a-folder", ("plan", "--markdown", "{dir}"), "--markdown"),
    ("report-json-under-a-file", ("plan", "--report-json", "{file}/report.json"), "--report-json"),
    ("out-dir-a-file", ("plan", "--out-dir", "{file}"), "--out-dir"),
    ("from-a-file", ("apply", "--from", "{file}"), "--from"),
    ("github-output-a-folder", ("plan", "--github-output", "{dir}"), "--github-output"),
    ("report-from-dir-a-file", ("report", "--from-dir", "{file}", "--markdown", "{dir}/c.md"), "--from-dir"),
    ("sarif-dir-a-file", ("scan", "--sarif-dir", "{file}"), "--sarif-dir"),
    ("body-file-missing", ("pr-comment", "--pr", "7", "--body-file", "{dir}/missing.md"), "--body-file"),
    ("matrix-changed-since-an-option", ("matrix", "--changed-since=-p"), "--changed-since"),
]


@dataclass
class Spies:
    calls: list[str] = field(default_factory=list)

    def refuse(self, what: str) -> Callable[..., Any]:
        def called(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(what)
            raise AssertionError(f"{what} was reached")

        return called


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> Spies:
    """Any target (emulator or AWS) or any process (Terraform, git) fails the test."""
    found = Spies()
    monkeypatch.setattr(cli, "make_target", found.refuse("make_target"))
    monkeypatch.setattr(subprocess, "Popen", found.refuse("subprocess.Popen"))
    monkeypatch.setattr(subprocess, "run", found.refuse("subprocess.run"))
    return found


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped environments and platform.yaml; the work dir in tmp."""
    for name, text in SHIPPED.items():
        (tmp_path / "envs" / name).mkdir(parents=True)
        (tmp_path / "envs" / name / "env.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "platform.yaml").write_text(paths.PLATFORM_SETTINGS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(paths, "PLATFORM_SETTINGS_FILE", tmp_path / "platform.yaml")
    monkeypatch.setenv("ORCHESTRATOR_ENVS_DIR", str(tmp_path / "envs"))
    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(tmp_path / "work"))
    for variable in ("ORCHESTRATOR_EMULATOR_URL", "GITHUB_STEP_SUMMARY", "ORCHESTRATOR_PROVIDER_MIRROR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(tree: Path, case: Bad) -> str:
    """Apply the case to the tree; return the file its message must name."""
    if case.platform is not None:
        (tree / "platform.yaml").write_text(case.platform, encoding="utf-8")
        return "platform.yaml"
    if case.env is None:
        return ""
    target = tree / "envs" / case.env / "env.yaml"
    if case.raw is not None:
        target.write_bytes(case.raw)
    elif case.text is not None:
        target.write_text(case.text(SHIPPED[case.env]), encoding="utf-8")
    else:
        config = yaml.safe_load(SHIPPED[case.env])
        assert case.edit is not None
        case.edit(config)
        target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(target)


def run(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse refused a flag or value
        code = exc.code if isinstance(exc.code, int) else 1
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", ENV_YAML + PLATFORM_YAML + COMMAND_LINE, ids=lambda case: case.id)
def test_bad_input_exits_2_naming_file_field_and_value(
    case: Bad, tree: Path, spies: Spies, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable, value in case.environ.items():
        monkeypatch.setenv(variable, value)
    file = _write(tree, case)
    code, message = run(case.argv, capsys)
    assert code == 2, message
    assert spies.calls == [], "a target or a process was reached"
    assert "Traceback" not in message
    missing = [fragment for fragment in (file, *case.expect) if fragment not in message]
    assert not missing, f"{missing} not in: {message}"
    assert all(len(line) < 1200 for line in message.splitlines()), "a message line repeats a whole input"


@pytest.mark.parametrize(("case_id", "argv", "flag"), PATH_FLAGS, ids=[p[0] for p in PATH_FLAGS])
def test_bad_path_flags_exit_2(
    case_id: str,
    argv: tuple[str, ...],
    flag: str,
    tree: Path,
    spies: Spies,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "token")
    monkeypatch.setenv("GITHUB_REPOSITORY", "example-org/mlops-platform")
    (tree / "a-file").write_text("x", encoding="utf-8")
    filled = tuple(arg.format(dir=tree / "envs", file=tree / "a-file") for arg in argv)
    value = (
        next(arg.split("=", 1)[1] for arg in filled if arg.startswith(f"{flag}="))
        if f"{flag}=" in " ".join(filled)
        else filled[filled.index(flag) + 1]
    )
    code, message = run(filled, capsys)
    assert code == 2 and flag in message and value in message, message
    assert spies.calls == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("region", "x" * 100_000),
        ("network.s3_endpoint_extra_bucket_arns", ["arn:aws:s3:::" + "b" * 100_000]),
        ("tags", {"k" * 100_000: "v"}),
    ],
    ids=["region", "bucket-arn", "tag-key"],
)
def test_a_huge_value_is_quoted_short(
    path: str, value: object, tree: Path, spies: Spies, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tree, dev("huge", put(path, value)))
    code, message = run(("plan", "--env", "dev"), capsys)
    assert code == 2 and path in message and " characters)" in message and len(message) < 2000, message[:3000]


# Valid values at every limit: accepted (graph reads and checks everything, runs nothing).
def _limits() -> Iterator[tuple[str, str, Edit]]:
    # dev's teams own its projects: a catalogue entry that replaces the projects drops the teams.
    yield (
        "project-name-at-the-limit",
        "dev",
        both(put("teams", {}), put("projects", {"a" * 30: {"repository": "example-org/x"}})),
    )
    yield (
        "project-name-32-with-a-short-prefix",
        "dev",
        both(put("prefix", "ab"), put("teams", {}), put("projects", {"p" + "a" * 31: {"repository": "example-org/x"}})),
    )
    yield "six-tags-on-a-dev-env", "dev", put("tags", {f"team{i}": "x" for i in range(6)})
    yield "fifty-tags-on-hosting-resources", "staging", put("tags", {f"t{i}": "x" for i in range(44)})
    yield "tag-key-128-value-256", "dev", put("tags", {"k" * 128: "v" * 256})
    yield (
        "all-azs-of-eu-west-1",
        "dev",
        both(
            put("network.az_count", 3),
            put("network.private_subnet_cidrs", ["10.10.0.0/19", "10.10.32.0/19", "10.10.64.0/19"]),
        ),
    )
    yield (
        "four-azs-in-us-west-2",
        "dev",
        both(
            put("region", "us-west-2"),
            put("network.az_count", 4),
            put("network.private_subnet_cidrs", ["10.10.0.0/19", "10.10.32.0/19", "10.10.64.0/19", "10.10.96.0/19"]),
        ),
    )
    yield "prefix-10-characters", "dev", put("prefix", "abcdefghij")
    yield (
        "deploy-role-name-64-with-a-path",
        "dev",
        put("deploy_role_arn", "arn:aws:iam::111111111111:role/platform/" + "d" * 64),
    )
    yield "retention-3653", "dev", put("network.flow_logs_retention_days", 3653)
    yield "provider-name-50", "dev", put("project_templates.provider_name", "p" * 50)
    yield "idle-timeout-a-year", "dev", put("studio.idle_timeout_minutes", 525600)
    yield "kms-limits", "dev", both(put("kms.deletion_window_days", 7), put("kms.rotation_period_days", 2560))
    yield "user-profile-name-63", "dev", put("studio.users", {"u" * 63: "data_scientist"})
    yield "repository-owner-39", "dev", put("github.repository", "o" * 39 + "/" + "r" * 100)
    yield "every-supported-endpoint", "dev", put("network.interface_endpoints", sorted(INTERFACE_ENDPOINT_SERVICES))
    yield "instance-types-40-per-use", "dev", put("instance_types.training", [f"ml.m5.{n}xlarge" for n in range(40)])
    yield "instance-types-absent", "dev", drop("instance_types")


@pytest.mark.parametrize(("case_id", "env", "edit"), list(_limits()), ids=[c[0] for c in _limits()])
def test_values_at_the_limit_are_accepted(
    case_id: str, env: str, edit: Edit, tree: Path, spies: Spies, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tree, Bad(case_id, (), (), env=env, edit=edit))
    code, message = run(("graph", "--env", env), capsys)
    assert code == 0, message
    assert spies.calls == []


@pytest.mark.parametrize(
    "argv",
    [
        ("graph", "--env", "dev", "--env", "staging", "--lock-timeout", "24h"),
        ("graph", "--lock-timeout", "1h30m", "--parallelism", "32"),
        ("graph", "--lock-timeout", "0", "--max-stacks", "60"),
    ],
)
def test_flags_at_the_limit_are_accepted(
    argv: tuple[str, ...], tree: Path, spies: Spies, capsys: pytest.CaptureFixture[str]
) -> None:
    code, message = run(argv, capsys)
    assert code == 0, message


def test_an_empty_platform_yaml_means_the_defaults(
    tree: Path, spies: Spies, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "platform.yaml").write_text("", encoding="utf-8")
    assert run(("graph", "--env", "dev"), capsys)[0] == 0
