"""What a destroyed SageMaker Studio domain leaves behind, and its removal.

SageMaker creates a domain's home EFS, one mount target per subnet, and two security groups
(`security-group-for-inbound-nfs-<domain id>` and `...-outbound-nfs-...`) itself, outside
Terraform. DeleteDomain removes the EFS only with RetentionPolicy Delete, and on AWS the mount
targets and security groups often stay: they then block the deletion of the subnets and the VPC.
This module finds them (scoped to the environment's VPC, and only for domains that no longer
exist) and removes them in the order AWS requires.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orchestrator.config import EnvConfig
from orchestrator.targets.base import Target

DOMAIN_TAG = "ManagedByAmazonSageMakerResource"
NFS_GROUP = re.compile(r"^security-group-for-(inbound|outbound)-nfs-(d-[a-z0-9]+)$")


@dataclass
class Leftover:
    domain_id: str
    file_system_id: str | None = None
    mount_target_ids: list[str] = field(default_factory=list)
    security_group_ids: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"domain {self.domain_id} (deleted):"]
        if self.file_system_id:
            parts.append(f"home EFS {self.file_system_id} (user home directories)")
        if self.mount_target_ids:
            parts.append(f"mount targets {', '.join(self.mount_target_ids)}")
        if self.security_group_ids:
            parts.append(f"security groups {', '.join(self.security_group_ids)}")
        return " ".join(parts)


def _domain_exists(sagemaker: Any, domain_id: str) -> bool:
    try:
        sagemaker.describe_domain(DomainId=domain_id)
    except sagemaker.exceptions.ResourceNotFound:
        return False
    return True


def find_leftovers(efs: Any, ec2: Any, sagemaker: Any, vpc_id: str) -> list[Leftover]:
    """Studio resources in `vpc_id` that belong to domains which no longer exist."""
    found: dict[str, Leftover] = {}
    groups = ec2.get_paginator("describe_security_groups").paginate(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    for page in groups:
        for group in page["SecurityGroups"]:
            match = NFS_GROUP.match(group["GroupName"])
            if match:
                found.setdefault(match.group(2), Leftover(match.group(2))).security_group_ids.append(group["GroupId"])
    for page in efs.get_paginator("describe_file_systems").paginate():
        for system in page["FileSystems"]:
            tags = {t["Key"]: t["Value"] for t in system.get("Tags", [])}
            domain_arn = tags.get(DOMAIN_TAG, "")
            if ":domain/" not in domain_arn:
                continue
            domain_id = domain_arn.rsplit("/", 1)[1]
            targets = efs.describe_mount_targets(FileSystemId=system["FileSystemId"])["MountTargets"]
            in_vpc = [t["MountTargetId"] for t in targets if t.get("VpcId") == vpc_id]
            if in_vpc or domain_id in found:
                entry = found.setdefault(domain_id, Leftover(domain_id))
                entry.file_system_id = system["FileSystemId"]
                entry.mount_target_ids = in_vpc
    return [entry for domain_id, entry in sorted(found.items()) if not _domain_exists(sagemaker, domain_id)]


def env_leftovers(target: Target, env: EnvConfig) -> list[Leftover]:
    """Studio EFS, mount targets and NFS security groups left in the env's VPC by deleted domains."""
    ssm = target.client(env, "ssm")
    try:
        vpc_id = ssm.get_parameter(Name=f"{env.ssm_prefix}/network/vpc-id")["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return []  # no foundation, no VPC: nothing can be left in it
    return find_leftovers(target.client(env, "efs"), target.client(env, "ec2"), target.client(env, "sagemaker"), vpc_id)


def _wait(condition: Callable[[], bool], what: str, timeout: float, poll: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f}s")
        time.sleep(poll)


def remove(
    leftover: Leftover, efs: Any, ec2: Any, say: Callable[[str], None], timeout: float = 600, poll: float = 5
) -> None:
    """Mount targets first (an EFS with mount targets cannot be deleted, and they hold the
    security groups), then the file system, then the two groups, whose rules reference each
    other and must be revoked before either can be deleted."""
    for target in leftover.mount_target_ids:
        say(f"deleting mount target {target}")
        efs.delete_mount_target(MountTargetId=target)
    if leftover.file_system_id:
        system = leftover.file_system_id
        _wait(
            lambda: not efs.describe_mount_targets(FileSystemId=system)["MountTargets"],
            f"the mount targets of {system}",
            timeout,
            poll,
        )
        say(f"deleting file system {system}")
        efs.delete_file_system(FileSystemId=system)
    if leftover.security_group_ids:
        described = ec2.describe_security_groups(GroupIds=leftover.security_group_ids)["SecurityGroups"]
        for group in described:
            if group.get("IpPermissions"):
                ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
            if group.get("IpPermissionsEgress"):
                ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=group["IpPermissionsEgress"])
        for group_id in leftover.security_group_ids:
            say(f"deleting security group {group_id}")
            ec2.delete_security_group(GroupId=group_id)
