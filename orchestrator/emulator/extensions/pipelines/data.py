"""A job's data movement between S3 and its /opt/ml directory, with the job role's S3 client."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_S3_URI = re.compile(r"^s3://(?P<bucket>[^/]+)/?(?P<key>.*)$")


class DataError(Exception):
    """An input or output that cannot be moved (the message names it)."""


def split_uri(uri: str) -> tuple[str, str]:
    match = _S3_URI.match(str(uri))
    if match is None:
        raise DataError(f"{uri!r} is not an s3:// URI")
    return match.group("bucket"), match.group("key")


def _below(prefix: str, key: str) -> str:
    """Where an object of an S3Prefix lands: its path below the prefix; the file name for the
    object named by the prefix itself; below the prefix's folder when the prefix ends mid-name."""
    rest = key[len(prefix) :]
    if not rest:
        return key.rsplit("/", 1)[-1]
    if not prefix or prefix.endswith("/") or rest.startswith("/"):
        return rest.lstrip("/")
    return key[prefix.rfind("/") + 1 :]


def download_prefix(s3: Any, uri: str, directory: Path) -> int:
    """Every object under the S3Prefix `uri` into `directory`, keeping the path below the prefix
    (an object named exactly `uri` lands under its own name). Returns how many were copied."""
    bucket, prefix = split_uri(uri)
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = str(item["Key"])
            if key.endswith("/"):
                continue
            relative = _below(prefix, key)
            target = directory / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            count += 1
    if count == 0:
        raise DataError(f"no object was found under {uri}")
    return count


def upload_directory(s3: Any, directory: Path, uri: str, kms_key: str | None) -> list[str]:
    """Every file under `directory` to `uri`/<relative path>, SSE-KMS with `kms_key` when given."""
    bucket, prefix = split_uri(uri)
    extra: dict[str, str] = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key} if kms_key else {}
    written = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        key = "/".join(part for part in (prefix.rstrip("/"), path.relative_to(directory).as_posix()) if part)
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), **extra)
        written.append(f"s3://{bucket}/{key}")
    return written


def upload_file(s3: Any, path: Path, uri: str, kms_key: str | None) -> None:
    bucket, key = split_uri(uri)
    extra: dict[str, str] = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key} if kms_key else {}
    s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), **extra)


def read_object(s3: Any, uri: str) -> bytes:
    bucket, key = split_uri(uri)
    return bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def under_job_root(local_path: str, root: str, job_directory: Path) -> Path:
    """The host directory of a container path under `root` (e.g. /opt/ml/processing)."""
    normalised = str(Path(local_path))
    if normalised != root and not normalised.startswith(root + "/"):
        raise DataError(f"LocalPath {local_path} is not under {root}")
    return job_directory / Path(normalised).relative_to("/opt/ml")
