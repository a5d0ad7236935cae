"""The plans only the deploy role may apply: those that change the policies the CI boundary protects."""

from __future__ import annotations

import re
from pathlib import Path

from orchestrator import paths
from orchestrator.protected import ADMINISTERED_RESOURCES, administered_changes


def test_a_plan_that_creates_changes_or_deletes_a_boundary_is_the_deploy_roles() -> None:
    for action in ("create", "update", "delete", "replace"):
        changes = [
            (action, "module.stack.module.identity.aws_iam_policy.boundary"),
            ("create", "module.stack.aws_ssm_parameter.contract"),
        ]
        assert administered_changes(changes) == ["module.stack.module.identity.aws_iam_policy.boundary"]


def test_where_the_github_token_goes_is_the_deploy_roles_whatever_the_project() -> None:
    changes = [
        ("update", 'module.stack.module.project["abalone"].aws_cloudwatch_event_api_destination.dispatch'),
        ("create", 'module.stack.module.project["churn"].aws_cloudwatch_event_connection.github'),
        ("update", 'module.stack.module.project["abalone"].aws_cloudwatch_event_target.dispatch'),
    ]
    assert administered_changes(changes) == [changes[0][1], changes[1][1]]


def test_removing_a_role_or_its_attachments_is_the_deploy_roles() -> None:
    """It detaches the role's managed policies, the guardrails among them (DenyGuardrailsDetach)."""
    changes = [
        ("delete", 'module.stack.module.project["abalone"].aws_iam_role.pipeline'),
        ("replace", "module.stack.module.identity.aws_iam_role_policy_attachments_exclusive.persona"),
        ("create", "module.stack.module.identity.aws_iam_role.persona"),
        ("update", "module.stack.module.identity.aws_iam_role_policy_attachments_exclusive.persona"),
    ]
    assert administered_changes(changes) == [changes[0][1], changes[1][1]]


def test_every_change_of_the_detective_controls_is_the_deploy_roles() -> None:
    """CI must not be able to stop the trail, the recorder or the detector, or silence the findings."""
    changes = [
        ("create", "module.stack.module.detective_controls[0].aws_cloudtrail.this"),
        ("delete", 'module.stack.module.detective_controls[0].aws_cloudwatch_event_rule.this["guardduty"]'),
        ("update", "module.stack.module.detective_controls[0].module.bucket.aws_s3_bucket_policy.this"),
        ("read", "module.stack.module.detective_controls[0].data.aws_caller_identity.current"),
        ("noop", "module.stack.module.detective_controls[0].aws_guardduty_detector.this"),
        ("create", "module.stack.module.not_detective_controls.aws_cloudtrail.this"),
    ]
    assert administered_changes(changes) == [changes[0][1], changes[1][1], changes[2][1]]


def test_other_changes_and_reads_are_the_apply_roles() -> None:
    changes = [
        ("read", "module.stack.module.identity.aws_iam_policy.guardrails"),
        ("noop", "module.stack.module.network.aws_iam_policy.flow_logs_boundary"),
        ("create", "module.stack.module.model_hosting.aws_iam_policy.deploy_common"),
        ("update", "module.stack.module.identity.aws_iam_role_policy_attachment.guardrails"),
        ("create", "module.stack.module.not_identity.aws_iam_policy.boundary_copy"),
        ("delete", "module.stack.module.identity.aws_iam_role_policy.persona"),
    ]
    assert administered_changes(changes) == []


def test_every_administered_address_is_a_policy_the_stacks_create() -> None:
    """Each `module.<call>.<type>.<name>`: a stack calls a module as <call>, and that module
    declares the resource — so a renamed module call or resource fails here, not on AWS."""
    stacks = "\n".join(p.read_text(encoding="utf-8") for p in (paths.REPO_ROOT / "envs" / "stacks").glob("*/main.tf"))
    for address in ADMINISTERED_RESOURCES:
        call, kind, resource = re.fullmatch(r"module\.([a-z_]+)\.([a-z_]+)\.([a-z_]+)", address).groups()  # type: ignore[union-attr]
        source = re.search(rf'module "{call}" {{\s*source\s*=\s*"\.\./\.\./\.\./modules/([a-z-]+)"', stacks)
        assert source is not None, f"no stack calls a module as {call}"
        module_dir = Path(paths.REPO_ROOT / "modules" / source.group(1))
        module = "\n".join(p.read_text(encoding="utf-8") for p in sorted(module_dir.glob("*.tf")))  # files by concern
        assert f'resource "{kind}" "{resource}"' in module, address


def test_the_administered_policies_are_the_ones_the_ci_boundary_protects() -> None:
    """bootstrap hands github-oidc the guardrails policy to protect and the boundaries the apply role
    may set (which it protects too): the same names as the administered resources' policies."""
    bootstrap = (paths.REPO_ROOT / "bootstrap" / "main.tf").read_text(encoding="utf-8")
    for name in ("vpc-flow-logs-boundary", "hosting-boundary", "sagemaker-guardrails", "instance-types"):
        assert name in bootstrap
    assert "workload_boundary_arn" in bootstrap and "permission-boundary" in bootstrap


def test_a_batch_schedule_change_is_the_deploy_roles() -> None:
    """A schedule passes the role that starts a batch pipeline: the CI roles may only read it."""
    address = 'module.stack.module.model_hosting.aws_scheduler_schedule.batch["abalone"]'
    assert administered_changes([("update", address)]) == [address]
    assert administered_changes([("read", address)]) == []
