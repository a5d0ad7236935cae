"""SageMaker's side of an execution: the roles it acts as and where its requests come from.

SageMaker may use a role only if the role's trust policy allows `sagemaker.amazonaws.com` to
assume it (decided with the platform's evaluator, with `aws:SourceAccount` and `aws:SourceArn`
set as AWS sets them for a service). It then holds a session of that role, and every call it makes
with it is a signed request to the emulator's own address, decided by the authorizing middleware
like anybody's. A job with a VpcConfig moves its data from inside that VPC: its requests go to the
VPC's address (`POST /_platform/vpcs/<vpc-id>`), so the VPC endpoint policies and
`aws:SourceVpce` apply.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.emulator.authorization.resource_policies import owner_and_policy
from orchestrator.policy.evaluator import Request, statement_applies

SERVICE = "sagemaker.amazonaws.com"
SESSION_NAME = "SageMaker"
_CLIENT_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"})


class Refused(Exception):
    """A request of the service was refused, or it may not use a role (the message says why)."""


def emulator_url() -> str:
    """The emulator's main address (the server records its port in MOTO_PORT)."""
    return f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}"


def _names_the_service(statement: dict[str, Any], service: str = SERVICE) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    services = principal.get("Service", []) if isinstance(principal, dict) else []
    return service in ([services] if isinstance(services, str) else list(services))


def service_context(source_arn: str, service: str) -> dict[str, Any]:
    """The request context AWS sets when `service` acts for the resource `source_arn` (over TLS)."""
    return {
        "aws:SourceAccount": source_arn.split(":")[4],
        "aws:SourceArn": source_arn,
        "aws:PrincipalServiceName": service,
        "aws:PrincipalIsAWSService": "true",
        "aws:SecureTransport": "true",
    }


def service_refusal(document: dict[str, Any], request: Request, service: str) -> str | None:
    """Why the resource policy `document` does not let `service` make `request` (None: it does).
    Only statements that name the service (or every principal) decide."""
    applying = [
        s
        for s in document.get("Statement", [])
        if isinstance(s, dict) and _names_the_service(s, service) and statement_applies(s, request)
    ]
    if any(s.get("Effect") == "Deny" for s in applying):
        return f"denies {service} {request.action}"
    if not any(s.get("Effect") == "Allow" for s in applying):
        return f"does not allow {service} {request.action}"
    return None


def trust_allows_the_service(role_arn: str, source_arn: str, service: str = SERVICE) -> tuple[bool, str]:
    """Whether the role's trust policy lets `service` (SageMaker by default) assume it for the
    resource `source_arn` (with the reason when not)."""
    account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else ""
    _, trust = owner_and_policy(role_arn, account, "sts:AssumeRole")
    if trust is None:
        return False, f"the role {role_arn} does not exist"
    refusal = service_refusal(
        trust.document, Request("sts:AssumeRole", role_arn, service_context(source_arn, service)), service
    )
    if refusal is not None:
        return False, f"the trust policy of {role_arn} {refusal} (to assume it)"
    return True, ""


@dataclass(frozen=True)
class RoleSession:
    """A session of a role held by SageMaker, and the address its requests go to."""

    role_arn: str
    credentials: dict[str, str]
    region: str
    url: str

    def client(self, service: str) -> Any:
        return boto3.client(
            service, region_name=self.region, endpoint_url=self.url, config=_CLIENT_CONFIG, **self.credentials
        )

    def inside(self, vpc_url: str) -> RoleSession:
        return RoleSession(self.role_arn, self.credentials, self.region, vpc_url)


def assume(
    role_arn: str, source_arn: str, region: str, service: str = SERVICE, session_name: str = SESSION_NAME
) -> RoleSession:
    """The service's (SageMaker's by default) session of `role_arn` for the resource `source_arn`
    (an execution or a job; a schedule's group for EventBridge Scheduler)."""
    account = source_arn.split(":")[4]
    allowed, why = trust_allows_the_service(role_arn, source_arn, service)
    if allowed and role_arn.split(":")[4] != account:
        allowed, why = False, f"the role is not in account {account}"
    if not allowed:
        raise Refused(f"AccessDenied: {session_name} cannot assume the role {role_arn}: {why}")
    from moto.sts.models import sts_backends  # noqa: PLC0415 - the emulator's state

    assumed = sts_backends[account]["aws"].assume_role(
        region_name=region,
        role_session_name=session_name,
        role_arn=role_arn,
        policy=None,  # type: ignore[arg-type]  # moto annotates str; AssumeRole takes no policy here
        duration=3600,
        external_id=None,  # type: ignore[arg-type]  # as policy
    )
    credentials = {
        "aws_access_key_id": assumed.access_key_id,
        "aws_secret_access_key": assumed.secret_access_key,
        "aws_session_token": assumed.session_token,
    }
    return RoleSession(role_arn, credentials, region, emulator_url())


def vpc_of(account: str, region: str, subnet_ids: list[str]) -> str | None:
    """The VPC of a job's subnets (None when none is known)."""
    from moto.ec2.models import ec2_backends  # noqa: PLC0415

    backend = ec2_backends[account][region]
    for subnet_id in subnet_ids:
        try:
            return str(backend.get_subnet(subnet_id).vpc_id)
        except Exception:  # noqa: BLE001, S112 - an unknown subnet: the next one
            continue
    return None


def vpc_url(vpc_id: str) -> str:
    """The address that stands for inside the VPC (network.py)."""
    request = urllib.request.Request(f"{emulator_url()}/_platform/vpcs/{vpc_id}", method="POST")  # noqa: S310 - the loopback emulator
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - the loopback emulator
        return str(json.loads(answer.read())["url"])


def where_the_job_runs(session: RoleSession, source_arn: str, vpc_config: dict[str, Any] | None) -> RoleSession:
    """The job role's session, inside the job's VPC when it has a VpcConfig."""
    subnets = list((vpc_config or {}).get("Subnets") or [])
    if not subnets:
        return session
    account, region = source_arn.split(":")[4], source_arn.split(":")[3]
    vpc = vpc_of(account, region, subnets)
    if vpc is None:
        raise Refused(f"ClientError: the job's subnets {', '.join(subnets)} are in no VPC of account {account}")
    return session.inside(vpc_url(vpc))


def reason(error: Exception) -> str:
    """A FailureReason for an error of a request the service made."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'ClientError')}: {details.get('Message', str(error))}"
    if isinstance(error, BotoCoreError):
        return f"ClientError: {error}"
    return str(error)
