"""Network position: where a request comes from, as AWS sees it through a VPC endpoint.

Every caller of the emulator's main address is outside any VPC (an operator, CI). A caller inside an
environment's VPC (Studio, a job, a pipeline step, an endpoint test) uses an address that stands
for that VPC: `POST /_platform/vpcs/<vpc-id>` on the main address opens a loopback listener for the
VPC and answers its URL. A request that arrives there goes through the VPC's endpoint for its
service, as on AWS: S3 through the VPC's S3 gateway endpoint, any other service through the VPC's
interface endpoint for it. The endpoint's policy must allow the request, `aws:SourceVpce` and
`aws:SourceVpc` hold for it, and a service the VPC has no endpoint for cannot be reached (the VPC
has no other way out). The listeners live as long as the emulator process; a restarted emulator
opens them again on request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
VPCS_PATH = "/_platform/vpcs/"
SOURCE_VPC = "platform.source_vpc"  # environ key set on requests from inside a VPC

# botocore service name -> the VPC endpoint service it is reached through (com.amazonaws.<region>.<name>).
ENDPOINT_SERVICES = {
    "s3": "s3",
    "sagemaker": "sagemaker.api",
    "sagemaker-runtime": "sagemaker.runtime",
    "sts": "sts",
    "logs": "logs",
    "cloudwatch": "monitoring",
    "kms": "kms",
    "ecr": "ecr.api",
    "ssm": "ssm",
    "secretsmanager": "secretsmanager",
    "events": "events",
    "sqs": "sqs",
    "sns": "sns",
    "servicecatalog": "servicecatalog",
    "codeartifact": "codeartifact.api",
    # Not a botocore service: the repositories' own endpoints (pip, twine), extensions/codeartifact/repository.py.
    "codeartifact-repositories": "codeartifact.repositories",
}


@dataclass(frozen=True)
class Endpoint:
    id: str
    vpc_id: str
    policy: dict[str, Any] | None


def _vpc_account(vpc_id: str) -> tuple[str, str] | None:
    """(account, region) of a VPC the emulator holds."""
    from moto.ec2.models import ec2_backends  # noqa: PLC0415 - the emulator's state

    for account, regions in list(ec2_backends.items()):
        for region, backend in list(regions.items()):
            if vpc_id in backend.vpcs:
                return account, region
    return None


def endpoint_for(vpc_id: str, region: str, service: str) -> Endpoint | None:
    """The VPC's endpoint for a service (None: the VPC cannot reach it)."""
    from moto.ec2.models import ec2_backends  # noqa: PLC0415

    located = _vpc_account(vpc_id)
    name = ENDPOINT_SERVICES.get(service)
    if located is None or name is None:
        return None
    account, vpc_region = located
    for endpoint in list(ec2_backends[account][vpc_region].vpc_end_points.values()):
        if (
            endpoint.vpc_id == vpc_id
            and endpoint.service_name == f"com.amazonaws.{region}.{name}"
            and endpoint.state != "deleted"
        ):
            text = getattr(endpoint, "policy_document", None)
            policy = json.loads(text) if isinstance(text, str) and text else (text if isinstance(text, dict) else None)
            return Endpoint(endpoint.id, vpc_id, policy)
    return None


class _FromInside:
    """A listener's application: every request is marked as coming from inside the VPC."""

    def __init__(self, app: WsgiApp, vpc_id: str) -> None:
        self._app, self._vpc_id = app, vpc_id

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ[SOURCE_VPC] = self._vpc_id
        return self._app(environ, start_response)


class VpcAddresses:
    """Opens one loopback listener per VPC on request, in front of the emulator's application."""

    def __init__(self, app: WsgiApp, host: str, server_factory: Callable[[str, int, WsgiApp], Any]) -> None:
        self._app, self._host, self._factory = app, host, server_factory
        self._servers: dict[str, Any] = {}
        self._lock = threading.Lock()

    def url_for(self, vpc_id: str) -> str | None:
        if _vpc_account(vpc_id) is None:
            return None
        with self._lock:
            server = self._servers.get(vpc_id)
            if server is None:
                server = self._factory(self._host, 0, _FromInside(self._app, vpc_id))
                threading.Thread(target=server.serve_forever, name=f"vpc-{vpc_id}", daemon=True).start()
                self._servers[vpc_id] = server
        return f"http://{self._host}:{server.port}"

    def close(self) -> None:
        with self._lock:
            for server in self._servers.values():
                server.shutdown()
                server.server_close()
            self._servers.clear()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if not path.startswith(VPCS_PATH) or environ.get("REQUEST_METHOD") != "POST":
            return self._app(environ, start_response)
        vpc_id = path.removeprefix(VPCS_PATH)
        url = self.url_for(vpc_id)
        if url is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [json.dumps({"error": f"no VPC {vpc_id} in the emulator"}).encode()]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"vpc_id": vpc_id, "url": url}).encode()]
