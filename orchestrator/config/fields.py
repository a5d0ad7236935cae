"""The value types of env.yaml: strict (no coercion) and whole-string matched.

Each type is a str (or int) with one check, so pydantic reports a bad entry with its own path
(`kms.administrator_arns[1]`, `studio.users.carol`) and its value as written. Patterns are
matched with `re.fullmatch` (ASCII only): a trailing newline from a YAML `|` block is refused.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, StrictStr

from orchestrator.config import aws_rules

ACCOUNT_ID = re.compile(r"[0-9]{12}", re.ASCII)
# AWS Organizations' pattern of an organizational unit id: ou-<root part>-<unit part>.
ORGANIZATIONAL_UNIT_ID = re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}", re.ASCII)
SHORT_NAME = re.compile(r"[a-z][a-z0-9]{1,9}", re.ASCII)
PROJECT_NAME = re.compile(r"[a-z][a-z0-9-]{0,30}[a-z0-9]", re.ASCII)
# SageMaker's rule for user profile names.
USER_PROFILE_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", re.ASCII)
# owner: 1-39 letters, digits or hyphens, not starting with a hyphen; name: 1-100 of [A-Za-z0-9._-].
GITHUB_REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}", re.ASCII)
BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,199}", re.ASCII)
PARTITION = r"arn:aws(?:-cn|-us-gov)?"
IAM_PRINCIPAL_ARN = re.compile(PARTITION + r":iam::([0-9]{12}):(role|user)(/(?:[\x21-\x7e]*/)?)([^/]+)", re.ASCII)
OIDC_PROVIDER_ARN = re.compile(
    PARTITION + r":iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com", re.ASCII
)
BUCKET_ARN = re.compile(PARTITION + r":s3:::([^/*?]+)", re.ASCII)
# EC2 resource ids: the prefix, then 8 (older resources) or 17 lower-case hex digits.
EC2_ID = {
    kind: re.compile(kind + r"-(?:[0-9a-f]{8}|[0-9a-f]{17})", re.ASCII) for kind in ("vpc", "subnet", "rtb", "vpce")
}
# A SageMaker instance type ml.<family>.<size>, e.g. ml.m5.xlarge, ml.g4dn.2xlarge, ml.p4de.24xlarge.
INSTANCE_TYPE = re.compile(r"ml\.[a-z][a-z0-9-]*\.[a-z0-9]+", re.ASCII)
# Studio's JupyterServer (and the default of KernelGateway) app runs on the instance type "system".
STUDIO_SYSTEM_INSTANCE_TYPE = "system"

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
# A stage's canary: its first account in the deterministic order, or one named account.
CANARY_FIRST = "first"
PERSONAS = ("data_science_admin", "team_lead", "data_scientist")
ROLE_NAMES = (*PERSONAS, "sagemaker_execution", "pipeline_execution", "launch")


def _checked(check: Callable[[str], str | None]) -> Callable[[str], str]:
    def validate(value: str) -> str:
        reason = check(value)
        if reason:
            raise ValueError(reason)
        return value

    return validate


def _pattern(pattern: re.Pattern[str], reason: str) -> Callable[[str], str]:
    return _checked(lambda value: None if pattern.fullmatch(value) else reason)


def principal_arn_problem(value: str, kinds: tuple[str, ...] = ("role", "user")) -> str | None:
    """An exact IAM role (or user) ARN: partition, 12-digit account, ASCII path and name of at most 64."""
    match = IAM_PRINCIPAL_ARN.fullmatch(value)
    if not match or match.group(2) not in kinds:
        return f"is not an exact IAM {' or '.join(kinds)} ARN arn:aws:iam::<12-digit account>:{kinds[0]}/<path/name> (no wildcards)"
    if "*" in value or "?" in value:
        return "has a wildcard; name one principal exactly"
    return aws_rules.iam_path_problem(match.group(3)) or aws_rules.iam_name_problem(
        match.group(4), aws_rules.IAM_ROLE_NAME_MAX, match.group(2)
    )


def _bucket_arn(value: str) -> str | None:
    match = BUCKET_ARN.fullmatch(value)
    if not match:
        return "is not a bucket ARN like 'arn:aws:s3:::my-bucket' (no object path, no wildcard)"
    return aws_rules.bucket_name_problem(match.group(1))


def _cidr(value: str) -> str | None:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        return f"is not a valid IPv4 CIDR written with its network address ({exc})"
    return None if str(network) == value else f"is not written as AWS writes it ({network})"


def _branch(value: str) -> str | None:
    if not BRANCH.fullmatch(value) or ".." in value or "//" in value or value.endswith(("/", ".lock")):
        return "is not one branch name (letters, digits, _ . / -; no wildcards, spaces, colons, '..' or '//')"
    return None


def _repository(value: str) -> str | None:
    if not GITHUB_REPOSITORY.fullmatch(value) or value.split("/")[1] in (".", ".."):
        return "is not a GitHub repository <owner>/<name> (no wildcards)"
    return None


def _endpoint(value: str) -> str | None:
    if value in aws_rules.INTERFACE_ENDPOINT_SERVICES:
        return None
    return f"is not an interface endpoint service the platform supports (supported: {', '.join(sorted(aws_rules.INTERFACE_ENDPOINT_SERVICES))})"


def _ec2_id(kind: str, what: str) -> Callable[[str], str]:
    return _pattern(
        EC2_ID[kind], f"is not {what} id {kind}-<8 or 17 lower-case hex digits> (e.g. {kind}-0123456789abcdef0)"
    )


def _instance_type(value: str) -> str | None:
    if INSTANCE_TYPE.fullmatch(value):
        return None
    return "is not a SageMaker instance type ml.<family>.<size> (e.g. ml.m5.xlarge; no wildcards)"


def _studio_instance_type(value: str) -> str | None:
    if value == STUDIO_SYSTEM_INSTANCE_TYPE:
        return None
    reason = _instance_type(value)
    return f"{reason}, nor '{STUDIO_SYSTEM_INSTANCE_TYPE}'" if reason else None


def _canary(value: str) -> str | None:
    if value == CANARY_FIRST or ACCOUNT_ID.fullmatch(value):
        return None
    return f"is neither '{CANARY_FIRST}' (the first account in order) nor a 12-digit AWS account id of the stage"


def _retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS or value < 365:
        raise ValueError(
            "is not a CloudWatch Logs retention period of at least 365 days (365, 400, 545, 731, 1096, 1827, ... 3653)"
        )
    return value


def _one_of(choices: tuple[str, ...], what: str) -> Callable[[str], str]:
    return _checked(lambda value: None if value in choices else f"is not a {what} ({', '.join(choices)})")


def _no_control_characters(value: str) -> str | None:
    return "has control characters (a line break?)" if any(ord(c) < 32 or ord(c) == 127 for c in value) else None


AccountId = Annotated[
    StrictStr,
    AfterValidator(_pattern(ACCOUNT_ID, 'is not a 12-digit AWS account id (quote it in YAML: "012345678901")')),
]
OrganizationalUnitId = Annotated[
    StrictStr,
    AfterValidator(
        _pattern(
            ORGANIZATIONAL_UNIT_ID,
            "is not an AWS Organizations organizational unit id ou-<4-32 lowercase letters/digits>-<8-32 lowercase letters/digits>",
        )
    ),
]
Canary = Annotated[StrictStr, AfterValidator(_checked(_canary))]
ShortName = Annotated[
    StrictStr, AfterValidator(_pattern(SHORT_NAME, "must be 2-10 lowercase letters/digits, starting with a letter"))
]
Region = Annotated[StrictStr, AfterValidator(_checked(aws_rules.region_problem))]
PrincipalArn = Annotated[StrictStr, AfterValidator(_checked(principal_arn_problem))]
RoleArn = Annotated[StrictStr, AfterValidator(_checked(lambda value: principal_arn_problem(value, ("role",))))]
OidcProviderArn = Annotated[
    StrictStr,
    AfterValidator(
        _pattern(OIDC_PROVIDER_ARN, "is not the ARN of a token.actions.githubusercontent.com OIDC provider")
    ),
]
BucketArn = Annotated[StrictStr, AfterValidator(_checked(_bucket_arn))]
Cidr = Annotated[StrictStr, AfterValidator(_checked(_cidr))]
Branch = Annotated[StrictStr, AfterValidator(_checked(_branch))]
Repository = Annotated[StrictStr, AfterValidator(_checked(_repository))]
EndpointService = Annotated[StrictStr, AfterValidator(_checked(_endpoint))]
VpcId = Annotated[StrictStr, AfterValidator(_ec2_id("vpc", "a VPC"))]
SubnetId = Annotated[StrictStr, AfterValidator(_ec2_id("subnet", "a subnet"))]
RouteTableId = Annotated[StrictStr, AfterValidator(_ec2_id("rtb", "a route table"))]
VpcEndpointId = Annotated[StrictStr, AfterValidator(_ec2_id("vpce", "a VPC endpoint"))]
RetentionDays = Annotated[int, AfterValidator(_retention)]
InstanceType = Annotated[StrictStr, AfterValidator(_checked(_instance_type))]
StudioInstanceType = Annotated[StrictStr, AfterValidator(_checked(_studio_instance_type))]
ProjectName = Annotated[
    StrictStr,
    AfterValidator(
        _pattern(
            PROJECT_NAME,
            "must be 2-32 lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit",
        )
    ),
]
UserProfileName = Annotated[
    StrictStr,
    AfterValidator(
        _pattern(
            USER_PROFILE_NAME,
            "is not a Studio user profile name (letters, digits and hyphens between them, at most 63)",
        )
    ),
]
Persona = Annotated[StrictStr, AfterValidator(_one_of(PERSONAS, "persona"))]
RoleName = Annotated[StrictStr, AfterValidator(_one_of(ROLE_NAMES, "role the platform creates"))]
TagKey = Annotated[StrictStr, AfterValidator(_checked(aws_rules.tag_key_problem))]
TagValue = Annotated[StrictStr, AfterValidator(_checked(aws_rules.tag_value_problem))]
Text = Annotated[StrictStr, AfterValidator(_checked(_no_control_characters))]
