#!/usr/bin/env python3
"""Point pip at the environment's CodeArtifact repository, with the credentials this process has.

Asks CodeArtifact for an authorization token (GetAuthorizationToken, which needs
sts:GetServiceBearerToken too) and the repository's PyPI endpoint (GetRepositoryEndpoint), then
writes pip's user configuration (~/.config/pip/pip.conf, mode 0600) with the endpoint's simple index
as pip's only index. The token lives only in that file: it is never printed, and nothing of it
passes through Terraform. Run again when the token has expired (pip then answers 401).

Rendered into the Studio lifecycle configuration by modules/sagemaker-studio (runs at every app
start as the user's execution role) and installed there as ~/.local/bin/pip-index-login; any
process of the environment with those permissions (a job in the VPC) can run it the same way.
Standard library and boto3 only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import urllib.parse
from pathlib import Path

import boto3


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Point pip at a CodeArtifact repository.")
    parser.add_argument("--domain", required=True)
    parser.add_argument("--domain-owner", required=True)
    parser.add_argument("--repository", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument(
        "--duration-seconds", type=int, default=43200, help="token lifetime (900-43200; 0: the session's)"
    )
    parser.add_argument("--config", type=Path, default=Path.home() / ".config" / "pip" / "pip.conf")
    return parser.parse_args(argv)


def index_url(endpoint: str, token: str) -> str:
    """The endpoint's simple index, with the token as the password of user `aws`."""
    parts = urllib.parse.urlsplit(endpoint)
    netloc = "aws:" + urllib.parse.quote(token, safe="") + "@" + parts.netloc
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit((parts.scheme, netloc, path + "simple/", "", ""))


def write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with `text`, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pip.conf.")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    client = boto3.client("codeartifact", region_name=args.region)
    owner = {"domain": args.domain, "domainOwner": args.domain_owner}
    token = client.get_authorization_token(durationSeconds=args.duration_seconds, **owner)
    endpoint = client.get_repository_endpoint(repository=args.repository, format="pypi", **owner)["repositoryEndpoint"]
    url = index_url(endpoint, token["authorizationToken"])
    write_private(args.config, "[global]\nindex-url = " + url + "\n")
    print(
        "pip reads from "
        + endpoint
        + "simple/ (repository "
        + args.repository
        + " of domain "
        + args.domain
        + ") until "
        + str(token["expiration"])
        + "; configuration in "
        + str(args.config)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
