"""Rules AWS enforces only when a resource is created, checked here before anything runs.

Each function returns None for a good value, else the reason it is refused (a message fragment).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from orchestrator.errors import quoted

# Regions the platform can be deployed to, with the availability zones a new account sees in each
# (the network puts one private subnet in each of the first az_count zones).
REGION_AZ_COUNTS: dict[str, int] = {
    "us-east-1": 6, "us-east-2": 3, "us-west-1": 2, "us-west-2": 4,
    "af-south-1": 3, "ap-east-1": 3, "ap-south-1": 3, "ap-south-2": 3,
    "ap-southeast-1": 3, "ap-southeast-2": 3, "ap-southeast-3": 3, "ap-southeast-4": 3, "ap-southeast-5": 3, "ap-southeast-7": 3,
    "ap-northeast-1": 3, "ap-northeast-2": 4, "ap-northeast-3": 3,
    "ca-central-1": 3, "ca-west-1": 3,
    "eu-central-1": 3, "eu-central-2": 3, "eu-west-1": 3, "eu-west-2": 3, "eu-west-3": 3,
    "eu-south-1": 3, "eu-south-2": 3, "eu-north-1": 3,
    "il-central-1": 3, "me-south-1": 3, "me-central-1": 3, "mx-central-1": 3, "sa-east-1": 3,
    "us-gov-east-1": 3, "us-gov-west-1": 3,
    "cn-north-1": 3, "cn-northwest-1": 3,
}  # fmt: skip

# Interface endpoint services (short names, com.amazonaws.<region>.<name>) the platform supports.
# S3 is not one: it is reached through the gateway endpoint only.
INTERFACE_ENDPOINT_SERVICES = frozenset(
    {
        "sagemaker.api", "sagemaker.runtime", "sagemaker.featurestore-runtime", "sagemaker.metrics",
        "sts", "logs", "monitoring", "events", "kms", "ecr.api", "ecr.dkr",
        "ssm", "ssmmessages", "ec2messages", "ec2", "secretsmanager", "elasticfilesystem",
        "sqs", "sns", "servicecatalog", "cloudformation", "glue", "athena", "states", "lambda",
        "execute-api", "codeartifact.api", "codeartifact.repositories", "codecommit", "git-codecommit",
        "elasticloadbalancing", "application-autoscaling", "autoscaling", "xray",
    }
)  # fmt: skip

# The AWS-owned bucket CodeArtifact keeps package assets in, per region: arn:aws:s3:::assets-<account>-<region>
# ("Create the Amazon S3 gateway endpoint", CodeArtifact user guide). The environment's S3 gateway
# endpoint lets it be read (s3:GetObject). pip does not need it (Python assets come through the
# repositories endpoint); other package formats do. A region not listed here is refused while
# packages are enabled: add its account from that page.
CODEARTIFACT_ASSET_BUCKET_ACCOUNTS: dict[str, str] = {
    "us-east-1": "193858265520", "us-east-2": "250872398865", "us-west-2": "787052242323",
    "eu-west-1": "438097961670", "eu-west-2": "247805302724", "eu-west-3": "762466490029",
    "eu-north-1": "611884512288", "eu-south-1": "484130244270", "eu-central-1": "769407342218",
    "ap-northeast-1": "660291247815",
}  # fmt: skip


def codeartifact_asset_bucket(region: str) -> str | None:
    """The name of CodeArtifact's asset bucket in `region` (None: not known to the platform)."""
    account = CODEARTIFACT_ASSET_BUCKET_ACCOUNTS.get(region)
    return None if account is None else f"assets-{account}-{region}"


S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
S3_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_BUCKET_CHARACTERS = re.compile(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", re.ASCII)

IAM_ROLE_NAME_MAX = 64
IAM_POLICY_NAME_MAX = 128
IAM_PATH_MAX = 512
_IAM_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]+", re.ASCII)
_IAM_PATH = re.compile(r"/([\x21-\x7e]*/)?", re.ASCII)

TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAGS_PER_RESOURCE = 50
TAGS_PER_S3_OBJECT = 10
_TAG_SYMBOLS = frozenset("_.:/=+-@ ")


def region_problem(region: str) -> str | None:
    if region in REGION_AZ_COUNTS:
        return None
    return f"is not an AWS region the platform knows (known: {', '.join(sorted(REGION_AZ_COUNTS))})"


def bucket_name_problem(name: str) -> str | None:
    """S3's rules for a general purpose bucket name."""
    if not 3 <= len(name) <= 63:
        return f"bucket name {quoted(name)} has {len(name)} characters; S3 allows 3 to 63"
    if not _BUCKET_CHARACTERS.fullmatch(name):
        return f"bucket name {quoted(name)} may only hold lowercase letters, digits, '.' and '-', starting and ending with a letter or digit"
    if ".." in name or ".-" in name or "-." in name:
        return f"bucket name {quoted(name)} has '..', '.-' or '-.'"
    if _is_ip_address(name):
        return f"bucket name {quoted(name)} is formatted as an IP address"
    reserved = [p for p in S3_RESERVED_PREFIXES if name.startswith(p)] + [
        s for s in S3_RESERVED_SUFFIXES if name.endswith(s)
    ]
    if reserved:
        return f"bucket name {quoted(name)} uses {reserved[0]!r}, which S3 reserves"
    return None


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def iam_name_problem(name: str, limit: int, kind: str = "role") -> str | None:
    """IAM's rule for a role, user or policy name: ASCII letters, digits and +=,.@_- only."""
    if not _IAM_NAME.fullmatch(name):
        return f"IAM {kind} name {quoted(name)} may only hold ASCII letters, digits and +=,.@_-"
    if len(name) > limit:
        return f"IAM {kind} name {quoted(name)} has {len(name)} characters; IAM allows {limit}"
    return None


def iam_path_problem(path: str) -> str | None:
    if len(path) > IAM_PATH_MAX or not _IAM_PATH.fullmatch(path):
        return f"IAM path {quoted(path)} must start and end with '/', hold printable ASCII only and have at most {IAM_PATH_MAX} characters"
    return None


def _tag_characters_ok(text: str) -> bool:
    return all(c in _TAG_SYMBOLS or unicodedata.category(c)[0] in "LNZ" for c in text)


def tag_key_problem(key: str) -> str | None:
    if not 1 <= len(key) <= TAG_KEY_MAX:
        return f"of a tag has {len(key)} characters; AWS allows 1 to {TAG_KEY_MAX}"
    if key.lower().startswith("aws:"):
        return "of a tag starts with 'aws:', which AWS reserves"
    if not _tag_characters_ok(key):
        return "of a tag may only hold letters, digits, spaces and _ . : / = + - @"
    return None


def tag_value_problem(value: str) -> str | None:
    if len(value) > TAG_VALUE_MAX:
        return f"tag value has {len(value)} characters; AWS allows {TAG_VALUE_MAX}"
    if not _tag_characters_ok(value):
        return "tag value may only hold letters, digits, spaces and _ . : / = + - @"
    return None


def ssm_path_problem(path: str) -> str | None:
    """SSM parameter hierarchy: at most 15 levels, 1011 characters, not under /aws or /ssm."""
    first = path.strip("/").split("/")[0].lower()
    if first.startswith(("aws", "ssm")):
        return f"SSM path {quoted(path)} starts with 'aws' or 'ssm', which AWS reserves"
    if path.count("/") > 15 or len(path) > 1011:
        return f"SSM path {quoted(path)} has more than 15 levels or 1011 characters"
    return None
