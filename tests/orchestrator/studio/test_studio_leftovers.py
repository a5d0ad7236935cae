"""Studio leftovers: what SageMaker creates outside Terraform for a domain (home EFS, mount
targets, NFS security groups) is found once the domain is gone, and removed in AWS's order."""

from __future__ import annotations

from typing import Any

import boto3
from moto import mock_aws

from orchestrator.emulator import extensions
from orchestrator.studio.leftovers import find_leftovers, remove

REGION = "eu-west-1"


def _clients() -> dict[str, Any]:
    return {name: boto3.client(name, region_name=REGION) for name in ("ec2", "efs", "sagemaker", "iam")}


def _network(ec2: Any) -> tuple[str, str]:
    vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.10.0.0/19", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    return vpc, subnet


def _domain(c: dict[str, Any], vpc: str, subnet: str) -> tuple[str, str]:
    """A domain as AWS leaves it: its EFS (from the emulator), plus what AWS adds in the VPC."""
    role = c["iam"].create_role(RoleName="exec", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    domain_id = c["sagemaker"].create_domain(
        DomainName="studio",
        AuthMode="IAM",
        VpcId=vpc,
        SubnetIds=[subnet],
        AppNetworkAccessType="VpcOnly",
        DefaultUserSettings={"ExecutionRole": role},
    )["DomainId"]
    efs_id = c["sagemaker"].describe_domain(DomainId=domain_id)["HomeEfsFileSystemId"]
    inbound = c["ec2"].create_security_group(
        GroupName=f"security-group-for-inbound-nfs-{domain_id}", Description="nfs in", VpcId=vpc
    )["GroupId"]
    outbound = c["ec2"].create_security_group(
        GroupName=f"security-group-for-outbound-nfs-{domain_id}", Description="nfs out", VpcId=vpc
    )["GroupId"]
    nfs = {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049}
    c["ec2"].authorize_security_group_ingress(
        GroupId=inbound, IpPermissions=[{**nfs, "UserIdGroupPairs": [{"GroupId": outbound}]}]
    )
    c["ec2"].authorize_security_group_egress(
        GroupId=outbound, IpPermissions=[{**nfs, "UserIdGroupPairs": [{"GroupId": inbound}]}]
    )
    c["efs"].create_mount_target(FileSystemId=efs_id, SubnetId=subnet, SecurityGroups=[inbound])
    return domain_id, efs_id


@mock_aws
def test_a_live_domain_leaves_nothing_to_clean() -> None:
    extensions.register_all()
    c = _clients()
    vpc, subnet = _network(c["ec2"])
    _domain(c, vpc, subnet)
    assert find_leftovers(c["efs"], c["ec2"], c["sagemaker"], vpc) == []


@mock_aws
def test_a_deleted_domains_efs_mount_targets_and_groups_are_found_and_removed() -> None:
    extensions.register_all()
    c = _clients()
    vpc, subnet = _network(c["ec2"])
    other_vpc, _ = _network(c["ec2"])
    domain_id, efs_id = _domain(c, vpc, subnet)
    c["sagemaker"].delete_domain(DomainId=domain_id, RetentionPolicy={"HomeEfsFileSystem": "Retain"})

    assert find_leftovers(c["efs"], c["ec2"], c["sagemaker"], other_vpc) == []  # another env's VPC
    [leftover] = find_leftovers(c["efs"], c["ec2"], c["sagemaker"], vpc)
    assert leftover.domain_id == domain_id and leftover.file_system_id == efs_id
    assert len(leftover.mount_target_ids) == 1 and len(leftover.security_group_ids) == 2
    assert efs_id in leftover.describe() and "user home" in leftover.describe()

    said: list[str] = []
    remove(leftover, c["efs"], c["ec2"], said.append, timeout=5, poll=0.01)
    assert find_leftovers(c["efs"], c["ec2"], c["sagemaker"], vpc) == []
    assert all(fs["FileSystemId"] != efs_id for fs in c["efs"].describe_file_systems()["FileSystems"])
    names = [
        g["GroupName"]
        for g in c["ec2"].describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
    ]
    assert not [n for n in names if "nfs" in n]
    assert said[0].startswith("deleting mount target") and said[-1].startswith("deleting security group")
