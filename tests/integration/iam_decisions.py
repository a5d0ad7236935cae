"""IAM's decision for a role, from the policies the emulator's IAM holds after an apply.

Used by the integration tests to evaluate guardrails on example requests instead of matching strings."""

from __future__ import annotations

import json
from typing import Any

from orchestrator.policy.evaluator import Decision, Request, evaluate
from tests.integration.conftest import DEV_ACCOUNT

PREFIX = "mlops-dev"


def managed_policy(iam: Any, arn: str) -> dict[str, Any]:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    return json.loads(document) if isinstance(document, str) else document


def role_documents(iam: Any, role: str) -> list[dict[str, Any]]:
    """Everything that decides what a role may do: inline and attached policies, and its boundary."""
    documents = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        documents.append(json.loads(document) if isinstance(document, str) else document)
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        documents.append(managed_policy(iam, attached["PolicyArn"]))
    return documents


def decide(iam: Any, role: str, request: Request) -> Decision:
    """IAM's decision for a role with a boundary: allowed only if both the role's policies and the
    boundary allow it, and no explicit deny in either."""
    boundary_arn = iam.get_role(RoleName=role)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
    boundary = managed_policy(iam, boundary_arn)
    identity = evaluate(role_documents(iam, role), request)
    bounded = evaluate([boundary], request)
    if Decision.EXPLICIT_DENY in (identity, bounded):
        return Decision.EXPLICIT_DENY
    return Decision.ALLOW if identity == bounded == Decision.ALLOW else Decision.IMPLICIT_DENY


def training_job(contract: dict[str, str], **overrides: Any) -> Request:
    context: dict[str, Any] = {
        "sagemaker:VpcSubnets": contract["network/private-subnet-ids"].split(","),
        "sagemaker:VpcSecurityGroupIds": [contract["network/sagemaker-security-group-id"]],
        "sagemaker:VolumeKmsKey": contract["kms/ebs-key-arn"],
        "sagemaker:OutputKmsKey": contract["kms/data-key-arn"],
        "sagemaker:InterContainerTrafficEncryption": "true",
        "sagemaker:InstanceTypes": ["ml.m5.large"],  # in envs/dev/env.yaml instance_types.training
    }
    for key, value in overrides.items():
        name = f"sagemaker:{key}"
        if value is None:
            context.pop(name, None)
        else:
            context[name] = value
    resource = f"arn:aws:sagemaker:eu-west-1:{DEV_ACCOUNT}:training-job/{PREFIX}-abalone-1"
    return Request("sagemaker:CreateTrainingJob", resource, context)


def identity_policies(iam: Any) -> dict[str, dict[str, Any]]:
    """Every inline and customer-managed policy IAM holds in the dev account, by name."""
    policies: dict[str, dict[str, Any]] = {}
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            document = iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
            policies[f"inline:{name}/{policy}"] = json.loads(document) if isinstance(document, str) else document
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        policies[f"managed:{policy['PolicyName']}"] = managed_policy(iam, policy["Arn"])
    return policies
