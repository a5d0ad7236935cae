"""The Processing scripts the pipeline runs, and where they are stored in S3.

Processing jobs fetch their code from S3. Each script is stored under a key that contains the
digest of the scripts' content, ``s3://<models bucket>/<project>/code/<digest>/<file>``, so that

* the pipeline definition changes exactly when the code changes (an update is visible in the
  pipeline's history, and a running execution keeps the code it started with);
* the definition can be built, and printed by ``--dry-run``, without touching S3.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from abalone_build.contract import PlatformContract

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ProcessingScript:
    """A self-contained script of this package that a Processing job runs."""

    file_name: str

    @property
    def local_path(self) -> Path:
        return PACKAGE_DIR / self.file_name


PREPROCESS = ProcessingScript("preprocess.py")
EVALUATE = ProcessingScript("evaluate.py")
ALL_SCRIPTS = (PREPROCESS, EVALUATE)


def content_digest(files: Iterable[tuple[str, bytes]]) -> str:
    """Short SHA-256 over files' names and bytes, in the order given: the key part of a
    content-addressed location (the scripts here, the jobs' packages in ``job_packages``)."""
    digest = hashlib.sha256()
    for name, content in files:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(content)
    return digest.hexdigest()[:16]


def code_digest() -> str:
    """Short SHA-256 over the scripts' names and bytes."""
    return content_digest((script.file_name, script.local_path.read_bytes()) for script in ALL_SCRIPTS)


def script_key(project: str, script: ProcessingScript) -> str:
    return f"{project}/code/{code_digest()}/{script.file_name}"


def script_uri(contract: PlatformContract, project: str, script: ProcessingScript) -> str:
    return f"s3://{contract.models_bucket}/{script_key(project, script)}"


def put_code_object(s3: Any, contract: PlatformContract, key: str, body: bytes, content_type: str) -> str:
    """Put one object of the jobs' code in the models bucket, encrypted with the environment's data
    key; return its URI. The key is named explicitly: the platform's buckets accept only SSE-KMS
    with the data key."""
    s3.put_object(
        Bucket=contract.models_bucket,
        Key=key,
        Body=body,
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=contract.data_key_arn,
        ContentType=content_type,
    )
    return f"s3://{contract.models_bucket}/{key}"


def upload_scripts(s3: Any, contract: PlatformContract, project: str) -> list[str]:
    """Put every script at its key; return the URIs."""
    return [
        put_code_object(s3, contract, script_key(project, script), script.local_path.read_bytes(), "text/x-python")
        for script in ALL_SCRIPTS
    ]
