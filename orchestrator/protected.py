"""What only an account's deploy role may change: the policies the CI roles can never touch.

The CI boundary (modules/github-oidc, `DenyCiAndBoundaryChanges`) denies the GitHub roles every
call but reads on the permission boundaries the apply role hands out and on the SageMaker
guardrails policy. A plan that creates, changes or deletes one of them is therefore applied with
the deploy role (the first apply of an account always is: it creates them), every other plan with
the apply role. These are the Terraform addresses of those policies inside the stacks.
"""

from __future__ import annotations

# module.<call>.aws_iam_policy.<name>, as the stacks call the modules (envs/stacks/*/main.tf).
ADMINISTERED_RESOURCES: tuple[str, ...] = (
    "module.network.aws_iam_policy.flow_logs_boundary",  # <prefix>-<env>-vpc-flow-logs-boundary
    "module.identity.aws_iam_policy.boundary",  # <prefix>-<env>-permission-boundary
    "module.identity.aws_iam_policy.guardrails",  # <prefix>-<env>-sagemaker-guardrails
    "module.model_hosting.aws_iam_policy.boundary",  # <prefix>-<env>-hosting-boundary
)

_CHANGING = frozenset({"create", "update", "delete", "replace"})


def administered_changes(changes: list[tuple[str, str]]) -> list[str]:
    """The planned changes (action, address) only the deploy role may apply, by address."""
    return [address for action, address in changes if action in _CHANGING and _is_administered(address)]


def _is_administered(address: str) -> bool:
    return any(address == resource or address.endswith(f".{resource}") for resource in ADMINISTERED_RESOURCES)
