"""Answer a retried SDK call with the answer its earlier attempt already got.

On a loaded machine an SDK sometimes retries a call that the emulator had already carried out
(seen in CI: Terraform's lock `PutItem` answered 200, sent again, answered
ConditionalCheckFailed — the run then reported its own lock as held by another run and left it
behind; an `AuthorizeSecurityGroupIngress` sent twice failed with InvalidPermission.Duplicate).
Every attempt of one SDK call carries the same `amz-sdk-invocation-id` header (Go v2, boto3), so
the emulator records the answer to each call that changed something and plays it back to a
retry instead of running the call twice. Retries and replays are written to the emulator log.

This wraps the application inside `SerializedApp`, so a retry that arrives while its first
attempt is still running waits for it and then finds its answer.
"""

from __future__ import annotations

import re
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TextIO

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_ATTEMPT = re.compile(r"attempt=(\d+)")


@dataclass(frozen=True)
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def attempt_number(environ: dict[str, Any]) -> int:
    """The attempt an SDK says this request is (`amz-sdk-request: attempt=2; max=3`), 1 if unsaid."""
    match = _ATTEMPT.search(environ.get("HTTP_AMZ_SDK_REQUEST", ""))
    return int(match.group(1)) if match else 1


def operation_name(environ: dict[str, Any]) -> str:
    """What the request asks for, for the log: the JSON target, else method and path."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return str(target)
    return f"{environ.get('REQUEST_METHOD', '?')} {environ.get('PATH_INFO', '')}"


def _skip_body(environ: dict[str, Any]) -> None:
    """Read the body of a request that will not be run, so that closing the connection does not reset it.

    Only the declared length is read (or up to the end of a chunked body): `wsgi.input` may be the
    raw socket, and reading past the body would wait for bytes that never come."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return
    if environ.get("wsgi.input_terminated"):
        while stream.read(65536):
            pass
        return
    try:
        remaining = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    while remaining > 0:
        chunk = stream.read(min(remaining, 65536))
        if not chunk:
            return
        remaining -= len(chunk)


class RetryReplay:
    """Plays back recorded answers to retried calls; records answers of calls that change state."""

    def __init__(
        self, app: WsgiApp, capacity: int = 2048, largest_body: int = 1 << 20, log: TextIO | None = None
    ) -> None:
        self._app = app
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._capacity = capacity
        self._largest_body = largest_body
        self._log = log

    def _say(self, message: str) -> None:
        stream = self._log if self._log is not None else sys.stderr
        print(f"[{time.strftime('%d/%b/%Y %H:%M:%S')}] {message}", file=stream, flush=True)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID", "")
        attempt = attempt_number(environ)
        recorded = self._answers.get(invocation) if invocation else None
        if recorded is not None:
            _skip_body(environ)
            self._say(
                f"replayed the answer ({recorded.status}) to attempt {attempt} of {operation_name(environ)}, invocation {invocation}"
            )
            start_response(recorded.status, list(recorded.headers))
            return [recorded.body]

        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = status, list(headers)
            return (
                start_response(status, headers, exc_info) if exc_info is not None else start_response(status, headers)
            )

        result = self._app(environ, capture)
        try:
            chunks = list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = str(seen.get("status", "500"))
        if attempt > 1:
            self._say(
                f"attempt {attempt} of {operation_name(environ)} ran (no earlier answer recorded) and got {status}"
            )
        if invocation and self._worth_recording(environ, status, chunks):
            self._answers[invocation] = Answer(status, seen.get("headers", []), b"".join(chunks))
            while len(self._answers) > self._capacity:
                self._answers.popitem(last=False)
        return chunks

    def _worth_recording(self, environ: dict[str, Any], status: str, chunks: list[bytes]) -> bool:
        # Reads are safe to run again; server errors and throttling are what retries are for.
        if environ.get("REQUEST_METHOD", "GET") in READ_ONLY_METHODS:
            return False
        code = int(status.split(" ", 1)[0]) if status[:3].isdigit() else 500
        if code >= 500 or code == 429:
            return False
        return sum(len(chunk) for chunk in chunks) <= self._largest_body
