"""The answer each service gives an unauthorized call, in its own protocol, so that the SDKs and
Terraform show what they would show on AWS (`AccessDenied`, `AccessDeniedException`,
`UnauthorizedOperation`), with AWS's message naming the principal, the action and the resource."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape

from orchestrator.policy.evaluator import Decision

# Services whose JSON errors carry a namespaced type or another code than AccessDeniedException.
_JSON_TYPE = {
    "dynamodb": "com.amazonaws.dynamodb.v20120810#AccessDeniedException",
}
_QUERY_COMPATIBLE = {"sqs"}  # JSON protocol answering with the query protocol's error code


@dataclass(frozen=True)
class Denial:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def message(principal: str, action: str, resource: str, decision: Decision, where: str) -> str:
    """AWS's wording: 'User: … is not authorized to perform: … on resource: … because …'."""
    if decision is Decision.EXPLICIT_DENY:
        because = f"with an explicit deny in {where}"
    else:
        because = f"because {where}"
    return f"User: {principal} is not authorized to perform: {action} on resource: {resource} {because}"


def denial(service: str, protocol: str, method: str, text: str) -> Denial:
    request_id = str(uuid.uuid4())
    if protocol == "rest-xml":  # S3
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
            f"<Message>{escape(text)}</Message><RequestId>{request_id}</RequestId></Error>"
        )
        return Denial(
            "403 Forbidden",
            [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)],
            b"" if method == "HEAD" else body.encode(),
        )
    if protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code>'
            f"<Message>You are not authorized to perform this operation. {escape(text)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        return Denial("403 Forbidden", [("Content-Type", "text/xml")], body.encode())
    if protocol == "query":
        return query_error("AccessDenied", text, "403 Forbidden")
    error_type = _JSON_TYPE.get(service, "AccessDeniedException")
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("x-amzn-RequestId", request_id),
        ("x-amzn-ErrorType", error_type),
    ]
    if service in _QUERY_COMPATIBLE:
        headers.append(("x-amzn-query-error", "AccessDenied;Sender"))
    if protocol == "rest-json":
        return Denial("403 Forbidden", headers, json.dumps({"message": text}).encode())
    return Denial(
        "400 Bad Request", headers, json.dumps({"__type": error_type, "message": text, "Message": text}).encode()
    )


def query_error(code: str, text: str, status: str) -> Denial:
    """An error of a query-protocol service (IAM, STS, SNS): `<ErrorResponse>` with its code."""
    request_id = str(uuid.uuid4())
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(text)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return Denial(status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body.encode())


def invalid_token(protocol: str, method: str) -> Denial:
    text = "The security token included in the request is invalid."
    if protocol == "rest-xml":
        body = f"<Error><Code>InvalidToken</Code><Message>{text}</Message></Error>"
        return Denial(
            "400 Bad Request", [("Content-Type", "application/xml")], b"" if method == "HEAD" else body.encode()
        )
    if protocol in ("query", "ec2"):
        body = f"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>{text}</Message></Error></ErrorResponse>"
        return Denial("403 Forbidden", [("Content-Type", "text/xml")], body.encode())
    return Denial(
        "400 Bad Request",
        [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", "UnrecognizedClientException")],
        json.dumps({"__type": "UnrecognizedClientException", "message": text}).encode(),
    )
