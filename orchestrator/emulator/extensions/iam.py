"""IAM: the stock emulator's gaps in managed policy attachment and deletion."""

from __future__ import annotations

from typing import Any

ATTACHED = "Cannot delete a policy attached to entities."
VERSIONED = "This policy has more than one version. Before you delete a policy, you must delete the policy's versions."


def attached_managed_policies_cannot_be_deleted() -> None:
    """DeletePolicy: moto deletes a customer managed policy that is still attached to a role, user
    or group, or that still has versions besides the default one. IAM refuses both with
    `DeleteConflict` (the caller must detach it and delete the other versions first), so a plan
    that relies on deleting an attached policy fails locally as it would on AWS."""
    from moto.iam.exceptions import DeleteConflictException  # noqa: PLC0415
    from moto.iam.models import IAMBackend  # noqa: PLC0415

    stock_delete_policy = IAMBackend.delete_policy

    def delete_policy(self: IAMBackend, policy_arn: str) -> None:
        policy: Any = self.get_policy(policy_arn)
        if policy.attachment_count > 0:
            raise DeleteConflictException(ATTACHED)
        if len(policy.versions) > 1:
            raise DeleteConflictException(VERSIONED)
        stock_delete_policy(self, policy_arn)

    IAMBackend.delete_policy = delete_policy  # type: ignore[method-assign]


def attaching_an_attached_policy_changes_nothing() -> None:
    """AttachRolePolicy / AttachUserPolicy / AttachGroupPolicy of a policy the entity already has is
    a no-op in IAM (AttachmentCount unchanged). moto counts the attachment again, so one detach (or
    the entity's deletion) leaves the policy counted as attached and DeletePolicy refused forever."""
    from moto.iam.models import ManagedPolicy  # noqa: PLC0415

    stock_attach_to = ManagedPolicy.attach_to

    def attach_to(self: ManagedPolicy, obj: Any) -> None:
        if self.arn in obj.managed_policies:
            return
        stock_attach_to(self, obj)

    ManagedPolicy.attach_to = attach_to  # type: ignore[method-assign]
