"""Entry point of the emulator process: `python -m orchestrator.emulator.server --port 0`.

Binds 127.0.0.1 (port 0 picks a free port, race-free), prints `READY <url>` on stdout once it
accepts requests, and serves until SIGINT/SIGTERM. Extensions of the stock emulator are
registered here before the first request, in one place: `orchestrator.emulator.extensions`.
Requests run one at a time (serialized.py); a retried SDK call gets the answer its earlier attempt
got instead of running twice (retries.py); every signed request is allowed or denied as IAM would
decide it before it is served (authorization/), and the counts are logged when the emulator stops;
`POST /_platform/vpcs/<vpc-id>` opens an address that stands for inside that VPC (network.py);
`/_platform/oidc/...` is the emulator's own OIDC issuer standing for GitHub's, whose tokens
AssumeRoleWithWebIdentity verifies (oidc/); CodeArtifact, which moto lacks, and its repository
endpoints under `/_platform/codeartifact/` are served by extensions/codeartifact.
With `--state-file`, resources are loaded at start and saved at stop (see persistence.py); a failed
save is logged and ends the process with exit code 3, which the orchestrator reports.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

STATE_NOT_SAVED = 3  # exit code: the resources of this run are not in the state file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local AWS emulator for the platform")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state-file", type=Path, default=None, help="load resources from / save them to this file")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the emulator only listens on the loopback interface")

    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app  # noqa: PLC0415 - after the environment that moto reads at import
    from werkzeug.serving import make_server  # noqa: PLC0415

    from orchestrator.emulator import extensions, persistence  # noqa: PLC0415
    from orchestrator.emulator.authorization.middleware import AuthorizingApp, bucket_policies_are_decided_here  # noqa: PLC0415
    from orchestrator.emulator.authorization.network import VpcAddresses  # noqa: PLC0415
    from orchestrator.emulator.extensions.codeartifact import CodeArtifactApp  # noqa: PLC0415
    from orchestrator.emulator.oidc.issuer import Issuer, OidcEndpoints  # noqa: PLC0415
    from orchestrator.emulator.oidc.web_identity import WebIdentity  # noqa: PLC0415
    from orchestrator.emulator.retries import RetryReplay  # noqa: PLC0415
    from orchestrator.emulator.serialized import SerializedApp  # noqa: PLC0415

    class OneRequestPerConnection(MotoRequestHandler):
        # Keep-alive connections closed by the server while a client reuses them fail with "use of
        # closed network connection"; a retried non-idempotent call (CreatePolicy) then fails with
        # EntityAlreadyExists. One request per connection costs nothing on the loopback.
        protocol_version = "HTTP/1.0"

    extensions.register_all()
    bucket_policies_are_decided_here()
    try:
        if args.state_file is not None and persistence.load_state(args.state_file):
            print(f"loaded emulator state from {args.state_file}", file=sys.stderr, flush=True)
    except persistence.IncompatibleStateError as exc:
        print(f"ERROR {exc}", flush=True)
        return 1
    issuer = Issuer()
    authorizing = AuthorizingApp(
        CodeArtifactApp(DomainDispatcherApplication(create_backend_app)), web_identity=WebIdentity(issuer)
    )
    served = OidcEndpoints(SerializedApp(RetryReplay(authorizing)), issuer)

    def listener(host: str, port: int, wsgi: Any) -> Any:
        return make_server(host, port, wsgi, threaded=True, request_handler=OneRequestPerConnection)

    app = VpcAddresses(served, args.host, listener)
    server = listener(args.host, args.port, app)
    os.environ["MOTO_PORT"] = str(server.port)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"READY http://{args.host}:{server.port}", flush=True)
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        app.close()
        server.server_close()
        print(authorizing.counts.summary(), file=sys.stderr, flush=True)
    if args.state_file is not None:
        try:
            persistence.save_state(args.state_file)
        except Exception as exc:  # noqa: BLE001 - whatever it is, the run that started us must hear of it
            print(
                f"ERROR the emulator could not save its resources to {args.state_file}: {exc!r}",
                file=sys.stderr,
                flush=True,
            )
            return STATE_NOT_SAVED
    return 0


if __name__ == "__main__":
    sys.exit(main())
