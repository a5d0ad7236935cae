"""Deploy only the artifact that was registered: its SHA-256 must still be the one recorded.

A package's ``ModelDataUrl`` names a mutable S3 object: whoever can write the models bucket could
swap the ``model.tar.gz`` behind a package a lead approved. The build pipeline records the
archive's digest in the package's customer metadata (``model-sha256``) when it registers it; the
deployment reads the object, hashes it, and refuses a package without a digest or whose archive
has changed since.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from abalone_deploy.registry import MODEL_DIGEST_KEY, ModelPackage

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_S3_URL = re.compile(r"^s3://(?P<bucket>[^/]+)/(?P<key>.+)$")
_CHUNK = 1 << 20


class ArtifactError(RuntimeError):
    """The package's artifact is not the one registered (the message says what differs and what to do)."""


def sha256_of_object(s3: Any, url: str) -> str:
    match = _S3_URL.match(url)
    if match is None:
        raise ArtifactError(f"ModelDataUrl {url!r} is not an s3://<bucket>/<key> URL")
    body = s3.get_object(Bucket=match.group("bucket"), Key=match.group("key"))["Body"]
    digest = hashlib.sha256()
    for chunk in iter(lambda: body.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def verify_artifact(s3: Any, package: ModelPackage) -> str:
    """The archive's digest, once it matches the one recorded at registration; else ArtifactError."""
    recorded = package.model_digest
    if not _SHA256.match(recorded):
        raise ArtifactError(
            f"model package {package.arn} records no SHA-256 of its archive (customer metadata {MODEL_DIGEST_KEY!r}: "
            f"{recorded or 'absent'}): only packages registered by the model-build pipeline are deployed; run it again"
        )
    actual = sha256_of_object(s3, package.model_data_url)
    if actual != recorded:
        raise ArtifactError(
            f"the archive {package.model_data_url} of {package.arn} has changed since it was registered "
            f"(SHA-256 {actual}, registered {recorded}): not deployed. Find who wrote it in the models bucket's "
            "access logs and CloudTrail; register and approve a new version"
        )
    return actual
