"""The emulator served from this test process: moto's WSGI application with every extension, behind
the authorizing middleware and the per-VPC addresses, as orchestrator/emulator/server.py composes
it, on a free loopback port. Its backends are this process's, so a test can look at them."""

from __future__ import annotations

import os
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3

REGION = "eu-west-1"


@contextmanager
def serving() -> Iterator[str]:
    """The emulator's URL while it serves (MOTO_PORT names its port, as in the emulator process)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from moto.s3.models import FakeBucket
    from werkzeug.serving import make_server

    from orchestrator.emulator import extensions
    from orchestrator.emulator.authorization.middleware import AuthorizingApp, bucket_policies_are_decided_here
    from orchestrator.emulator.authorization.network import VpcAddresses
    from orchestrator.emulator.extensions.codeartifact import CodeArtifactApp
    from orchestrator.emulator.serialized import SerializedApp

    extensions.register_all()
    stock_permission = FakeBucket.get_permission
    bucket_policies_are_decided_here()  # undone at the end: other tests of this process use moto's own check

    def listener(host: str, port: int, wsgi: Any) -> Any:
        return make_server(host, port, wsgi, threaded=True)

    app = VpcAddresses(
        SerializedApp(AuthorizingApp(CodeArtifactApp(DomainDispatcherApplication(create_backend_app)))),
        "127.0.0.1",
        listener,
    )
    server = listener("127.0.0.1", 0, app)
    previous = os.environ.get("MOTO_PORT")
    os.environ["MOTO_PORT"] = str(server.port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.port}"
    _reset(url)  # the backends are this process's: start from nothing, whatever ran before
    try:
        yield url
    finally:
        _reset(url)
        FakeBucket.get_permission = stock_permission  # type: ignore[method-assign]
        server.shutdown()
        app.close()
        server.server_close()
        if previous is None:
            os.environ.pop("MOTO_PORT", None)
        else:
            os.environ["MOTO_PORT"] = previous


def _reset(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=30).close()


def session(url: str, role_arn: str) -> boto3.Session:
    """A session of `role_arn`, assumed with the emulator's own credentials."""
    sts = boto3.client(
        "sts", endpoint_url=url, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
    )
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="test")["Credentials"]
    return boto3.Session(
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
