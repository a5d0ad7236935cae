"""Packages for the pipeline's Processing jobs, from the environment's CodeArtifact repository only.

The jobs are network-isolated (the platform lets a project's pipeline create no other kind), so
they cannot reach any package index. ``run-pipeline`` therefore resolves the project's job
requirements (``pipelines/job-requirements.txt``: ``name==version`` lines, optionally with
``--hash=sha256:…``) before it publishes the pipeline, with the caller's credentials:

1. reads the repository from the platform contract (``/<prefix>/<env>/packages/{domain,
   domain-owner,repository}``; an environment without a repository and a non-empty requirements
   file is an error);
2. gets a CodeArtifact authorization token and the repository's PyPI endpoint, and runs
   ``pip download --only-binary=:all: --no-deps`` with that repository as pip's only index (given
   to pip in its environment, never on a command line; no pip configuration of the machine is
   read; pip's output is shown with the token masked);
3. uploads the wheels, the normalised requirements and the jobs' installer
   (``install_packages.py``) to ``s3://<models bucket>/<project>/code/packages/<digest>/``, the
   content-addressed layout of the scripts (``scripts``): the digest covers the normalised
   requirements and the installer, so the definition changes exactly when they change and
   ``--dry-run`` prints it without downloading anything.

Each Processing step then gets that prefix as an input and runs its script through the installer
(see ``pipeline``). Without requirements nothing of this happens and the definition is the one
without packages.

``--no-deps``: the file lists every distribution the jobs need beyond what the images have
(``pip-compile --generate-hashes`` writes such a list); the images' own packages (numpy, xgboost,
scikit-learn, ...) are used as they are.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from abalone_build.contract import PlatformContract, parameter_path
from abalone_build.scripts import PACKAGE_DIR, content_digest, put_code_object

# The default requirements file: pipelines/job-requirements.txt, beside the package.
DEFAULT_REQUIREMENTS = PACKAGE_DIR.parent / "job-requirements.txt"
INSTALLER = PACKAGE_DIR / "install_packages.py"
REQUIREMENTS_FILE = "requirements.txt"  # its name in the wheelhouse (install_packages.REQUIREMENTS_FILE)

CONTRACT_DOMAIN = "packages/domain"
CONTRACT_DOMAIN_OWNER = "packages/domain-owner"
CONTRACT_REPOSITORY = "packages/repository"
CONTRACT_ENTRIES = (CONTRACT_DOMAIN, CONTRACT_DOMAIN_OWNER, CONTRACT_REPOSITORY)

TOKEN_SECONDS = 900  # CodeArtifact's shortest token: it is used once, at once
PIP_SECONDS = 600

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_PINNED = re.compile(rf"^(?P<name>{_NAME})==(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)$")
_HASH = re.compile(r"^--hash=(?P<hash>sha(256|384|512):[0-9a-f]+)$")
CONTINUATION = "\\"
_NOT_FOUND = re.compile(r"No matching distribution found for (\S+)")


class PackageError(ValueError):
    """The job requirements cannot be resolved (the message names the requirement or the fix)."""


@dataclass(frozen=True)
class Requirement:
    name: str
    version: str
    hashes: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The PEP 503 normalised name."""
        return re.sub(r"[-_.]+", "-", self.name).lower()

    def pip_line(self) -> str:
        return " ".join([f"{self.key}=={self.version}", *(f"--hash={h}" for h in self.hashes)])


@dataclass(frozen=True)
class JobRequirements:
    """The pinned requirements of the Processing jobs, in a normalised order."""

    requirements: tuple[Requirement, ...]

    def text(self) -> str:
        """What the wheelhouse's requirements.txt holds (and the digest covers)."""
        return "".join(f"{r.pip_line()}\n" for r in self.requirements)

    @property
    def hashed(self) -> bool:
        return bool(self.requirements) and all(r.hashes for r in self.requirements)

    def digest(self) -> str:
        return content_digest([(INSTALLER.name, INSTALLER.read_bytes()), (REQUIREMENTS_FILE, self.text().encode())])


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, content) with comments removed and backslash continuations joined."""
    lines: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        content = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        start, joined = pending if pending else (number, "")
        continued = content.endswith(CONTINUATION)
        joined = f"{joined} {content.removesuffix(CONTINUATION)}".strip()
        pending = (start, joined) if continued else None
        if not continued and joined:
            lines.append((start, joined))
    if pending and pending[1]:
        lines.append(pending)
    return lines


def parse_requirement(line: str, where: str) -> Requirement:
    first, *options = line.split()
    pinned = _PINNED.match(first)
    if not pinned:
        raise PackageError(
            f"{where}: {first!r} is not pinned as name==version (the jobs install exactly what is listed, "
            "from the environment's repository only: no ranges, URLs, extras, markers or pip options)"
        )
    hashes = []
    for option in options:
        matched = _HASH.match(option)
        if not matched:
            raise PackageError(f"{where}: {option!r} is not a --hash=sha256:<hex> option")
        hashes.append(matched.group("hash"))
    return Requirement(pinned.group("name"), pinned.group("version"), tuple(hashes))


def parse_requirements(text: str, source: str) -> JobRequirements:
    """Every requirement checked; a duplicate or a partly hashed file is refused (pip would be too)."""
    parsed: dict[str, Requirement] = {}
    for number, line in _logical_lines(text):
        requirement = parse_requirement(line, f"{source} line {number}")
        if requirement.key in parsed:
            raise PackageError(f"{source} line {number}: {requirement.name} is listed twice")
        parsed[requirement.key] = requirement
    requirements = JobRequirements(tuple(parsed[key] for key in sorted(parsed)))
    if any(r.hashes for r in requirements.requirements) and not requirements.hashed:
        unhashed = [r.name for r in requirements.requirements if not r.hashes]
        raise PackageError(f"{source}: some requirements have --hash and these do not: {', '.join(unhashed)}")
    return requirements


def read_job_requirements(path: Path | None) -> JobRequirements:
    """The given file (which must exist), else the default file if present, else none."""
    if path is None:
        path = DEFAULT_REQUIREMENTS
        if not path.is_file():
            return JobRequirements(())
    if not path.is_file():
        raise PackageError(f"job requirements file {path} does not exist")
    return parse_requirements(path.read_text(), str(path))


def wheelhouse_key(project: str, requirements: JobRequirements) -> str:
    return f"{project}/code/packages/{requirements.digest()}/"


def wheelhouse_uri(contract: PlatformContract, project: str, requirements: JobRequirements) -> str | None:
    """Where the jobs find their packages, or ``None`` without requirements."""
    if not requirements.requirements:
        return None
    return f"s3://{contract.models_bucket}/{wheelhouse_key(project, requirements)}"


@dataclass(frozen=True)
class PackageRepository:
    """The environment's CodeArtifact repository, as the contract names it."""

    domain: str
    domain_owner: str
    repository: str

    def __str__(self) -> str:
        return f"{self.domain}/{self.repository}"


def read_package_repository(ssm: Any, prefix: str, environment: str) -> PackageRepository:
    paths = {entry: parameter_path(prefix, environment, entry) for entry in CONTRACT_ENTRIES}
    response = ssm.get_parameters(Names=list(paths.values()))
    values = {p["Name"]: p["Value"].strip() for p in response.get("Parameters", [])}
    missing = [path for path in paths.values() if not values.get(path)]
    if missing:
        raise PackageError(
            f"the jobs have requirements but the environment /{prefix}/{environment}/ has no package repository "
            f"(missing: {', '.join(missing)}): enable packages in the environment's env.yaml and apply its "
            "foundation stack, or empty the job requirements file"
        )
    return PackageRepository(
        values[paths[CONTRACT_DOMAIN]], values[paths[CONTRACT_DOMAIN_OWNER]], values[paths[CONTRACT_REPOSITORY]]
    )


def index_url(endpoint: str, token: str) -> str:
    """The repository's simple index with the token as basic-auth password (user ``aws``)."""
    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/") + "/simple/"
    return urlunsplit((parts.scheme, f"aws:{quote(token, safe='')}@{parts.netloc}", path, "", ""))


def pip_environment(index: str, base: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment without any pip setting, with the repository as the only index and
    no pip configuration file read (so no other index or find-links can be added)."""
    kept = {name: value for name, value in base.items() if not name.upper().startswith("PIP_")}
    return kept | {
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_INDEX_URL": index,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
    }


def pip_download_command(requirements_file: Path, destination: Path, hashed: bool) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--only-binary=:all:",
        "--no-deps",
        "--no-cache-dir",
        *(["--require-hashes"] if hashed else []),
        "--dest",
        str(destination),
        "-r",
        str(requirements_file),
    ]


def masked(text: str, secret: str) -> str:
    for form in {secret, quote(secret, safe="")}:
        text = text.replace(form, "****")
    return text


def download_failure(output: str, repository: PackageRepository) -> PackageError:
    missing = _NOT_FOUND.findall(output)
    if missing:
        return PackageError(
            f"job requirement {', '.join(missing)} is not available as a wheel from the environment's package "
            f"repository {repository}: ask the platform team to publish it there, or fix the job requirements"
        )
    tail = " | ".join(line.strip() for line in output.strip().splitlines()[-6:])
    return PackageError(f"pip download from the environment's package repository {repository} failed: {tail}")


Runner = Callable[..., "subprocess.CompletedProcess[str]"]


def download_wheels(
    codeartifact: Any,
    repository: PackageRepository,
    requirements: JobRequirements,
    directory: Path,
    runner: Runner = subprocess.run,
) -> list[Path]:
    """Every requirement's wheel from the repository into ``directory``/wheels; the wheels' paths."""
    token = codeartifact.get_authorization_token(
        domain=repository.domain, domainOwner=repository.domain_owner, durationSeconds=TOKEN_SECONDS
    )["authorizationToken"]
    endpoint = codeartifact.get_repository_endpoint(
        domain=repository.domain, domainOwner=repository.domain_owner, repository=repository.repository, format="pypi"
    )["repositoryEndpoint"]
    requirements_file = directory / REQUIREMENTS_FILE
    requirements_file.write_text(requirements.text())
    wheels = directory / "wheels"
    completed = runner(
        pip_download_command(requirements_file, wheels, requirements.hashed),
        env=pip_environment(index_url(endpoint, token), os.environ),
        capture_output=True,
        text=True,
        timeout=PIP_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise download_failure(masked(f"{completed.stdout}\n{completed.stderr}", token), repository)
    return sorted(wheels.glob("*.whl"))


def upload_wheelhouse(
    s3: Any, contract: PlatformContract, project: str, requirements: JobRequirements, wheels: list[Path]
) -> list[str]:
    """The installer, the requirements and the wheels under the wheelhouse prefix; their URIs."""
    prefix = wheelhouse_key(project, requirements)
    files = [
        (INSTALLER.name, INSTALLER.read_bytes(), "text/x-python"),
        (REQUIREMENTS_FILE, requirements.text().encode(), "text/plain"),
        *((wheel.name, wheel.read_bytes(), "application/zip") for wheel in wheels),
    ]
    return [put_code_object(s3, contract, f"{prefix}{name}", body, kind) for name, body, kind in files]


def publish_job_packages(
    session: Any, contract: PlatformContract, project: str, requirements: JobRequirements
) -> list[str]:
    """Resolve the requirements from the environment's repository and upload the wheelhouse; the
    uploaded URIs (none without requirements). AWS errors propagate as ClientError/BotoCoreError."""
    if not requirements.requirements:
        return []
    repository = read_package_repository(session.client("ssm"), contract.prefix, contract.environment)
    with tempfile.TemporaryDirectory(prefix="job-packages-") as directory:
        wheels = download_wheels(session.client("codeartifact"), repository, requirements, Path(directory))
        return upload_wheelhouse(session.client("s3"), contract, project, requirements, wheels)
