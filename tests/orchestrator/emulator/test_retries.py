"""A retried SDK call gets the answer its earlier attempt got; it does not run twice."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from orchestrator.emulator.retries import RetryReplay, attempt_number, operation_name


class LockTable:
    """Stands in for a conditional write: the first call takes the lock, any later one is refused."""

    def __init__(self, fail_with: str | None = None) -> None:
        self.calls = 0
        self.fail_with = fail_with

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.calls += 1
        if self.fail_with is not None:
            start_response(self.fail_with, [("Content-Type", "application/json")])
            return [b'{"__type":"InternalFailure"}']
        if self.calls == 1:
            start_response("200 OK", [("Content-Type", "application/json"), ("X-Amz-Crc32", "2745614147")])
            return [b"{}"]
        start_response("400 Bad Request", [("Content-Type", "application/json")])
        return [b'{"__type":"ConditionalCheckFailedException"}']


def request(
    invocation: str | None, attempt: int = 1, method: str = "POST", body: bytes = b'{"Item":{}}'
) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/",
        "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.PutItem",
        "HTTP_AMZ_SDK_REQUEST": f"attempt={attempt}; max=3",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    if invocation is not None:
        environ["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
    return environ


def call(app: RetryReplay, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, headers

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_a_retry_of_a_call_that_succeeded_gets_the_same_answer_and_does_not_run_again() -> None:
    table, log = LockTable(), io.StringIO()
    app = RetryReplay(table, log=log)
    first = call(app, request("inv-1"))
    retry_environ = request("inv-1", attempt=2)
    retry = call(app, retry_environ)
    assert table.calls == 1
    assert retry == first
    assert first[0] == "200 OK" and ("X-Amz-Crc32", "2745614147") in first[1]
    assert retry_environ["wsgi.input"].read() == b"", "the retried request's body is read before answering"
    assert "replayed the answer (200 OK) to attempt 2 of DynamoDB_20120810.PutItem, invocation inv-1" in log.getvalue()


class Socket(io.RawIOBase):
    """A connection's input: reading past what the client sent would wait forever."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if not self.data:
            raise AssertionError("read past the request body: a real socket would block here")
        taken, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return taken


def test_a_replayed_request_reads_only_its_declared_body() -> None:
    app = RetryReplay(LockTable(), log=io.StringIO())
    call(app, request("inv-1"))
    with_body = request("inv-1", attempt=2)
    with_body["wsgi.input"] = Socket(b'{"Item":{}}')
    call(app, with_body)
    without_body = request("inv-1", attempt=3)
    without_body["CONTENT_LENGTH"] = ""
    without_body["wsgi.input"] = Socket(b"")
    assert call(app, without_body)[0] == "200 OK"


def test_other_invocations_run_and_see_the_real_outcome() -> None:
    table = LockTable()
    app = RetryReplay(table, log=io.StringIO())
    call(app, request("inv-1"))
    status, _, body = call(app, request("inv-2"))
    assert table.calls == 2
    assert status.startswith("400") and b"ConditionalCheckFailed" in body


def test_requests_without_an_invocation_id_always_run() -> None:
    table = LockTable()
    app = RetryReplay(table, log=io.StringIO())
    call(app, request(None))
    status, _, _ = call(app, request(None))
    assert table.calls == 2 and status.startswith("400")


@pytest.mark.parametrize("failure", ["500 Internal Server Error", "503 Service Unavailable", "429 Too Many Requests"])
def test_server_errors_and_throttling_are_not_recorded_so_the_retry_runs(failure: str) -> None:
    table, log = LockTable(fail_with=failure), io.StringIO()
    app = RetryReplay(table, log=log)
    call(app, request("inv-1"))
    call(app, request("inv-1", attempt=2))
    assert table.calls == 2
    assert "attempt 2 of DynamoDB_20120810.PutItem ran (no earlier answer recorded)" in log.getvalue()


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_reads_are_not_recorded(method: str) -> None:
    table = LockTable()
    app = RetryReplay(table, log=io.StringIO())
    call(app, request("inv-1", method=method))
    call(app, request("inv-1", attempt=2, method=method))
    assert table.calls == 2


def test_large_answers_and_old_invocations_are_forgotten() -> None:
    table = LockTable()
    app = RetryReplay(table, capacity=2, largest_body=1, log=io.StringIO())
    call(app, request("big"))  # "{}" is 2 bytes: over the limit, not recorded
    call(app, request("big", attempt=2))
    assert table.calls == 2

    small = RetryReplay(LockTable(), capacity=2, log=io.StringIO())
    for invocation in ("a", "b", "c"):
        call(small, request(invocation))
    assert call(small, request("a", attempt=2))[0].startswith("400"), "the oldest answer was dropped"
    assert call(small, request("c", attempt=2))[0].startswith("400"), "c's own answer (400) is played back"


def test_attempt_and_operation_are_read_from_the_headers() -> None:
    assert attempt_number({"HTTP_AMZ_SDK_REQUEST": "ttl=20261121T000000Z; attempt=3; max=5"}) == 3
    assert attempt_number({}) == 1
    assert operation_name({"REQUEST_METHOD": "PUT", "PATH_INFO": "/bucket/key"}) == "PUT /bucket/key"
