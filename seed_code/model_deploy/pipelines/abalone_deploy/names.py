"""Inputs checked once, and every name and ARN the deployment uses, built from them.

The target accounts' deploy roles may only touch SageMaker resources named
``<prefix>-<stage>-<project>-*`` and read registry groups named ``<prefix>-dev-*``: building every
name here, from validated parts, keeps a typo from turning into an AccessDenied in the middle of a
deployment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The platform's rules: prefix and stage as in env.yaml, project as in the model-hosting module.
_PREFIX = re.compile(r"^[a-z][a-z0-9]{1,9}$")
_STAGE = re.compile(r"^[a-z][a-z0-9]{1,9}$")
_PROJECT = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{0,30}[a-z0-9]$")
_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_PACKAGE_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):sagemaker:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"model-package/(?P<group>[A-Za-z0-9-]+)/(?P<version>\d+)$"
)

SOURCE_STAGE = "dev"
TARGET_STAGES = ("staging", "prod")
# SageMaker model and endpoint-configuration names: at most 63 characters.
MAX_RESOURCE_NAME = 63


class UsageError(ValueError):
    """An input that cannot work; the message names the option and says what is expected (exit 2)."""


@dataclass(frozen=True)
class Target:
    """Where a project is deployed from and to."""

    prefix: str
    stage: str
    project: str
    dev_account: str
    region: str
    partition: str = "aws"

    @property
    def name_prefix(self) -> str:
        """``<prefix>-<stage>-<project>``: the only names the project's deploy role may use."""
        return f"{self.prefix}-{self.stage}-{self.project}"

    @property
    def endpoint_name(self) -> str:
        return self.name_prefix

    @property
    def group_name(self) -> str:
        return f"{self.prefix}-{SOURCE_STAGE}-{self.project}"

    @property
    def group_arn(self) -> str:
        """The dev registry group, by ARN: a group of another account is only reachable by ARN."""
        return f"arn:{self.partition}:sagemaker:{self.region}:{self.dev_account}:model-package-group/{self.group_name}"

    def resource_name(self, version: int, digest: str) -> str:
        """``<prefix>-<stage>-<project>-<version>-<digest>``, for the model and the endpoint config."""
        name = f"{self.name_prefix}-{version}-{digest}"
        if len(name) > MAX_RESOURCE_NAME:
            raise UsageError(
                f"resource name {name!r} is {len(name)} characters, SageMaker allows {MAX_RESOURCE_NAME}: "
                "use a shorter --project or --prefix"
            )
        return name


def make_target(prefix: str, stage: str, project: str, dev_account: str, region: str) -> Target:
    """Validate the inputs, naming the first bad option, before any AWS call."""
    checks = (
        ("--prefix", prefix, _PREFIX, "2-10 lower-case letters and digits, starting with a letter"),
        ("--stage", stage, _STAGE, "one of " + ", ".join(TARGET_STAGES)),
        ("--project", project, _PROJECT, "2-32 lower-case letters, digits and single hyphens, starting with a letter"),
        ("--dev-account", dev_account, _ACCOUNT, "a 12-digit AWS account id"),
        ("--region", region, _REGION, "an AWS region such as eu-west-1"),
    )
    for option, value, pattern, expected in checks:
        if not isinstance(value, str) or not pattern.match(value):
            raise UsageError(f"{option} {value!r} is not valid: expected {expected}")
    if stage not in TARGET_STAGES:
        raise UsageError(f"--stage {stage!r} is not a target stage: expected one of {', '.join(TARGET_STAGES)}")
    partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    return Target(prefix, stage, project, dev_account, region, partition)


@dataclass(frozen=True)
class PackageRef:
    """A model package ARN, split into its parts."""

    arn: str
    group: str
    version: int


def parse_package_arn(target: Target, arn: str) -> PackageRef:
    """Accept only a versioned package of the project's dev group, in the target's region.

    The ARN comes from a dispatch event, i.e. from outside: a package of another group, account or
    region is refused rather than deployed.
    """
    match = _PACKAGE_ARN.match(arn or "")
    if not match:
        raise UsageError(
            f"--model-package-arn {arn!r} is not a versioned model package ARN "
            "(arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)"
        )
    expected = {"account": target.dev_account, "region": target.region, "group": target.group_name}
    for part, value in expected.items():
        if match.group(part).lower() != value.lower():
            raise UsageError(
                f"--model-package-arn {arn!r} has {part} {match.group(part)!r}, expected {value!r} "
                f"(packages of the project's group {target.group_arn} only)"
            )
    return PackageRef(arn=arn, group=target.group_name, version=int(match.group("version")))
