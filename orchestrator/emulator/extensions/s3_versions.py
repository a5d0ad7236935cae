"""S3: deleting one version of an object in a bucket whose versioning is suspended.

A bucket's versioning, once enabled, can only be suspended; its object versions and delete markers
stay, and `DeleteObject(s)` with a `VersionId` removes exactly that version, as in a versioned
bucket. Stock moto treats a suspended bucket as never versioned: it drops every version of the key
and crashes (HTTP 500) when one of them is a delete marker. Terraform meets this on every destroy of
a versioned bucket with `force_destroy`: the versioning resource is destroyed first (which suspends
versioning), then the bucket is emptied version by version.
"""

from __future__ import annotations

from typing import Any


def _delete_version(bucket: Any, key_name: str, version_id: str, bypass: bool) -> tuple[bool, dict[str, Any]]:
    """Remove `version_id` of `key_name` (an object version or a delete marker), as S3 does."""
    from moto.s3.exceptions import AccessDeniedByLock  # noqa: PLC0415
    from moto.s3.models import FakeKey  # noqa: PLC0415

    versions = bucket.keys.getlist(key_name, [])
    if not versions:
        return False, {}
    response: dict[str, Any] = {"version-id": version_id}
    kept = []
    for version in versions:
        if str(version.version_id) != str(version_id):
            kept.append(version)
        elif isinstance(version, FakeKey):
            if version.is_locked(governance_bypass=bypass):
                raise AccessDeniedByLock
            version.dispose()
        else:
            response["delete-marker"] = "true"  # S3 says so when the removed version is a delete marker
    if kept:
        bucket.keys.setlist(key_name, kept)
    else:
        dict.pop(bucket.keys, key_name)  # the versions are disposed of above; delete markers hold no data
    return True, response


def versions_in_a_suspended_bucket_can_be_deleted() -> None:
    """DeleteObject / DeleteObjects with a VersionId in a bucket whose versioning is Suspended."""
    from moto.s3.models import S3Backend  # noqa: PLC0415

    stock_delete_object = S3Backend.delete_object

    def delete_object(
        self: S3Backend, bucket_name: str, key_name: str, version_id: str | None = None, bypass: bool = False
    ) -> tuple[bool, dict[str, Any]]:
        bucket = self.get_bucket(bucket_name)
        if version_id is None or getattr(bucket, "versioning_status", None) != "Suspended":
            return stock_delete_object(self, bucket_name, key_name, version_id, bypass)
        return _delete_version(bucket, key_name, version_id, bypass)

    S3Backend.delete_object = delete_object  # type: ignore[method-assign]
