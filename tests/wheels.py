"""A small pure-Python wheel, built in memory without any network or build backend, and a twine-style
upload of it (`:action=file_upload`, multipart), for the tests of the package repository."""

from __future__ import annotations

import base64
import hashlib
import io
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Wheel:
    project: str
    version: str
    filename: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def build_wheel(project: str, version: str, module_source: str) -> Wheel:
    """A `py3-none-any` wheel of one module named after the project (underscores for hyphens)."""
    module = project.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": module_source.encode(),
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n".encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "\n".join([*(_record_line(p, d) for p, d in files.items()), f"{dist_info}/RECORD,,", ""])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(path, data)
        archive.writestr(f"{dist_info}/RECORD", record)
    return Wheel(project, version, f"{module}-{version}-py3-none-any.whl", buffer.getvalue())


def upload_request(endpoint: str, token: str, wheel: Wheel) -> urllib.request.Request:
    """twine's upload of `wheel` to a repository endpoint (basic authentication as user `aws`)."""
    boundary = uuid.uuid4().hex
    fields = {
        ":action": "file_upload",
        "protocol_version": "1",
        "name": wheel.project,
        "version": wheel.version,
        "filetype": "bdist_wheel",
        "pyversion": "py3",
        "sha256_digest": wheel.sha256,
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="content"; filename="{wheel.filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + wheel.content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    credentials = base64.b64encode(f"aws:{token}".encode()).decode()
    return urllib.request.Request(
        endpoint,
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Basic {credentials}"},
    )
