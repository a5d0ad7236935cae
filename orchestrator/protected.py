"""What only an account's deploy role may change: what the CI roles can never touch.

The CI roles' boundary and the apply role's own denies (modules/github-oidc) leave the GitHub roles
no way to change:
- the permission boundaries the apply role hands out, the SageMaker guardrails policy and the
  instance-types policy (`DenyCiAndBoundaryChanges`);
- where a project's approval events go with the GitHub token: its EventBridge connection and API
  destination (the boundary allows no write on them), so no role CI can assume can send the token
  anywhere but GitHub's API;
- the guardrails' and instance types' attachment to a role (`DenyGuardrailsDetach`): removing a role that carries them,
  or its attachments, is therefore the deploy role's too;
- the detective controls (stack detective): the CI roles may only read them, and their keys name
  the CI roles as readers only.
- a batch project's schedule (it passes the role that starts the project's batch pipeline): the CI
  roles may only read schedules.
A plan that changes one of these is applied with the deploy role (the first apply of an account
always is: it creates them), every other plan with the apply role.
"""

from __future__ import annotations

import re

# module.<call>.<type>.<name>, as the stacks call the modules (envs/stacks/*/main.tf), without
# for_each/count keys.
ADMINISTERED_RESOURCES: tuple[str, ...] = (
    "module.network.aws_iam_policy.flow_logs_boundary",  # <prefix>-<env>-vpc-flow-logs-boundary
    "module.identity.aws_iam_policy.boundary",  # <prefix>-<env>-permission-boundary
    "module.identity.aws_iam_policy.guardrails",  # <prefix>-<env>-sagemaker-guardrails
    "module.identity.aws_iam_policy.instance_types",  # <prefix>-<env>-instance-types
    "module.model_hosting.aws_iam_policy.boundary",  # <prefix>-<env>-hosting-boundary
    "module.project.aws_cloudwatch_event_connection.github",  # <prefix>-<env>-<project>-github
    "module.project.aws_cloudwatch_event_api_destination.dispatch",  # <prefix>-<env>-<project>-repository-dispatch
    "module.model_hosting.aws_scheduler_schedule.batch",  # <prefix>-<env>-<project>-batch: passes the schedule role
)

# Module calls every change of which is the deploy role's: the detective controls (trail, Config,
# Security Hub, GuardDuty, the findings' route). The CI roles may read them only, so no reviewed
# plan CI applies can stop the trail, the recorder or the detector or silence the findings.
ADMINISTERED_MODULES: tuple[str, ...] = ("module.detective_controls",)

# Types whose removal detaches managed policies from a role (the guardrails among them).
REMOVAL_ADMINISTERED_TYPES: frozenset[str] = frozenset(
    {"aws_iam_role", "aws_iam_role_policy_attachment", "aws_iam_role_policy_attachments_exclusive"}
)

_CHANGING = frozenset({"create", "update", "delete", "replace"})
_REMOVING = frozenset({"delete", "replace"})
_INDEX = re.compile(r"\[[^\]]*\]")


def administered_changes(changes: list[tuple[str, str]]) -> list[str]:
    """The planned changes (action, address) only the deploy role may apply, by address."""
    return [address for action, address in changes if _is_administered(action, _INDEX.sub("", address))]


def _is_administered(action: str, address: str) -> bool:
    if action in _REMOVING and address.split(".")[-2] in REMOVAL_ADMINISTERED_TYPES:
        return True
    if action in _CHANGING and any(f".{call}." in f".{address}" for call in ADMINISTERED_MODULES):
        return True
    return action in _CHANGING and any(
        address == resource or address.endswith(f".{resource}") for resource in ADMINISTERED_RESOURCES
    )
