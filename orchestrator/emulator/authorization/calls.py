"""Which operation of which service a request is, with its parameters.

The signing name of the SigV4 credential scope names the service (one signing name can stand for
several APIs: `sagemaker` signs both the SageMaker API and its runtime); the service's model routes
the request to an operation (query `Action`, JSON `X-Amz-Target`, REST method and path) and parses
its parameters into the shape the SDKs send, using the emulator's own routers and parsers.
S3 Control signs as `s3`: a request under its path `/v20180820/` is S3 Control's, whatever the host.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

# Signing name -> the services (botocore names) it signs, tried in order.
SERVICES_BY_SIGNING_NAME: dict[str, tuple[str, ...]] = {
    "sagemaker": ("sagemaker", "sagemaker-runtime"),
    "monitoring": ("cloudwatch",),
    "elasticfilesystem": ("efs",),
    "states": ("stepfunctions",),
    "email": ("ses",),
    "execute-api": (),
}


@dataclass(frozen=True)
class Call:
    service: str  # botocore's service name, e.g. "sagemaker-runtime"
    operation: str  # e.g. "InvokeEndpoint"
    params: dict[str, Any]
    region: str
    protocol: str
    method: str


def read_body(environ: dict[str, Any]) -> bytes:
    """The request body, put back so that the emulator reads it again."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if environ.get("wsgi.input_terminated"):
        body: bytes = stream.read()
    else:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunks: list[bytes] = []
        remaining = length
        while remaining > 0:
            chunk = stream.read(min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        body = b"".join(chunks)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("wsgi.input_terminated", None)
    return body


def _request(environ: dict[str, Any], body: bytes) -> Any:
    from moto.core.request import Request  # noqa: PLC0415 - the emulator's request type

    copy = dict(environ)
    copy["wsgi.input"] = io.BytesIO(body)
    return Request(copy)


# S3 Control signs as `s3` too; its paths (all under /v20180820/) name no bucket.
S3_CONTROL_PATH = "/v20180820/"


def _candidates(signing_name: str, path: str) -> tuple[str, ...]:
    if signing_name == "s3" and path.startswith(S3_CONTROL_PATH):
        return ("s3control",)
    return SERVICES_BY_SIGNING_NAME.get(signing_name, (signing_name,))


def identify(environ: dict[str, Any], body: bytes, signing_name: str, region: str) -> Call | None:
    """The call a request makes; None when no service model routes it."""
    from moto.core.parse import PROTOCOL_PARSERS  # noqa: PLC0415
    from moto.core.request import determine_request_protocol  # noqa: PLC0415
    from moto.core.routing import get_service_router  # noqa: PLC0415

    request = _request(environ, body)
    for service in _candidates(signing_name, str(request.path)):
        try:
            router = get_service_router(service)
            operation, uri_params = router.match(request)
        except Exception:  # noqa: BLE001, S112 - an unknown service or path: the next candidate
            continue
        service_model = operation.service_model
        try:
            protocol = determine_request_protocol(service_model, request.content_type)
        except NotImplementedError:
            protocol = str(service_model.protocol)
        try:
            parser = PROTOCOL_PARSERS[protocol](operation)
            params = parser.parse(
                {
                    "method": request.method,
                    "values": request.values,
                    "headers": request.headers,
                    "body": body,
                    "url_path": request.path,
                    "url_params": uri_params,
                }
            )
        except Exception:  # noqa: BLE001 - parameters the parser cannot read: decided on what is known
            params = dict(uri_params)
        return Call(service, operation.name, dict(params or {}), region, protocol, request.method)
    return None
