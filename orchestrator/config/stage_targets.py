"""A stage's target accounts in env.yaml (`target_accounts.<stage>`): one account id as before, a list
of ids, or a mapping with `accounts` or an AWS Organizations `organizational_unit` (resolved at plan
time, orchestrator/accounts/resolution.py) and the `waves` its deployments roll out in."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictBool, StrictInt, Tag

from orchestrator.config.fields import AccountId, Canary, OrganizationalUnitId, RoleArn


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# The most accounts one stage lists (a GitHub Actions matrix runs at most 256 jobs).
ACCOUNTS_PER_STAGE = 256


class WavesConfig(_Strict):
    """How a stage's accounts are rolled out: the canary alone first, then the rest in batches."""

    canary: Canary = Field(
        default="first",
        description="'first': the stage's first account in order (accounts as listed; an OU's sorted by id); or one account id of the stage.",
    )
    batch_size: StrictInt | None = Field(
        default=None,
        ge=1,
        le=ACCOUNTS_PER_STAGE,
        description="Accounts per wave after the canary (default: all the others in one wave).",
    )


class StageTargetsConfig(_Strict):
    """A stage's accounts: listed, or every ACTIVE account of an AWS Organizations OU, resolved at plan time."""

    accounts: list[AccountId] = Field(
        default_factory=list, max_length=ACCOUNTS_PER_STAGE, description="The stage's account ids, in rollout order."
    )
    organizational_unit: OrganizationalUnitId | None = Field(
        default=None,
        description="An OU whose ACTIVE accounts are the stage's, resolved through Organizations at plan time (organizations.read_role_arn).",
    )
    recursive: StrictBool = Field(default=False, description="Also the accounts of the OU's child OUs, at any depth.")
    waves: WavesConfig = Field(default_factory=WavesConfig)


class OrganizationsConfig(_Strict):
    read_role_arn: RoleArn = Field(
        description=(
            "Role in the management (or delegated-administrator) account that may list the organization's OUs and "
            "accounts (organizations:ListChildren, ListAccountsForParent, DescribeOrganizationalUnit): assumed at plan "
            "time to resolve target_accounts.<stage>.organizational_unit."
        )
    )


def _stage_form(value: Any) -> str:
    if isinstance(value, list):
        return STAGE_ACCOUNT_LIST
    if isinstance(value, dict | StageTargetsConfig):
        return STAGE_TARGETS
    return STAGE_ONE_ACCOUNT


# The three ways to give a stage's accounts. Their names are pydantic's union tags, which are no
# field of env.yaml: error messages leave them out of the field's path (loader.field_path).
STAGE_ONE_ACCOUNT, STAGE_ACCOUNT_LIST, STAGE_TARGETS = "<one account>", "<account list>", "<stage targets>"
UNION_TAGS = frozenset({STAGE_ONE_ACCOUNT, STAGE_ACCOUNT_LIST, STAGE_TARGETS})
StageTarget = Annotated[
    Annotated[AccountId, Tag(STAGE_ONE_ACCOUNT)]
    | Annotated[list[AccountId], Tag(STAGE_ACCOUNT_LIST)]
    | Annotated[StageTargetsConfig, Tag(STAGE_TARGETS)],
    Discriminator(_stage_form),
]


def stage_targets(value: str | list[str] | StageTargetsConfig) -> StageTargetsConfig:
    """A stage's accounts in the one full form (one id and a list become `accounts`)."""
    if isinstance(value, StageTargetsConfig):
        return value
    return StageTargetsConfig(accounts=[value] if isinstance(value, str) else list(value))
