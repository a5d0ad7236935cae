"""abalone_build.job_packages: the jobs' requirements, read, resolved from CodeArtifact and uploaded.

moto has no CodeArtifact: the token and endpoint calls are answered by botocore's Stubber, and pip
by a stand-in that records how it was called (the platform's local cloud runs the real pip against
its CodeArtifact emulation)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from abalone_build import job_packages, scripts
from abalone_build.contract import PlatformContract
from abalone_build.job_packages import JobRequirements, PackageError, PackageRepository, parse_requirements
from botocore.stub import Stubber

HASH = "sha256:" + "ab" * 32
TOKEN = "eyJ2ZXIiOjEsImlzdSI6MTcwMDAwMDAwMH0.secret/part+with=signs"  # a fake token
ENDPOINT = "https://mlops-dev-packages-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/curated/"
REPOSITORY = PackageRepository("mlops-dev-packages", "123456789012", "curated")
PACKAGES_CONTRACT = {
    "packages/domain": "mlops-dev-packages",
    "packages/domain-owner": "123456789012",
    "packages/repository": "curated",
}


def test_pinned_requirements_are_normalised_and_sorted() -> None:
    text = "# the jobs' packages\n\nTabulate==0.9.0  # tables\nvetted_stats==1.0.0\n"
    parsed = parse_requirements(text, "job-requirements.txt")
    assert parsed.text() == "tabulate==0.9.0\nvetted-stats==1.0.0\n"
    assert not parsed.hashed


def test_hashes_and_continuation_lines_as_pip_compile_writes_them() -> None:
    text = f"vetted-stats==1.0.0 \\\n    --hash={HASH} \\\n    --hash={HASH}\nabc==2 --hash={HASH}\n"
    parsed = parse_requirements(text, "reqs")
    assert parsed.text() == f"abc==2 --hash={HASH}\nvetted-stats==1.0.0 --hash={HASH} --hash={HASH}\n"
    assert parsed.hashed


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("tabulate>=0.9", "'tabulate>=0.9' is not pinned"),
        ("tabulate", "'tabulate' is not pinned"),
        ("--index-url https://pypi.org/simple", "'--index-url' is not pinned"),
        ("-f /tmp/wheels", "'-f' is not pinned"),
        ("https://example.com/x-1.0-py3-none-any.whl", "is not pinned"),
        ("tabulate[widechars]==0.9.0", "is not pinned"),
        ("tabulate==0.9.0 --extra-index-url=https://x", "'--extra-index-url=https://x' is not a --hash"),
    ],
)
def test_anything_but_a_pin_is_refused_with_its_line(line: str, named: str) -> None:
    with pytest.raises(PackageError, match="reqs line 2: ") as refused:
        parse_requirements(f"# packages\n{line}\n", "reqs")
    assert named in str(refused.value)


def test_duplicates_and_partly_hashed_files_are_refused() -> None:
    with pytest.raises(PackageError, match=r"line 2: Vetted\.Stats is listed twice"):
        parse_requirements("vetted-stats==1.0.0\nVetted.Stats==1.0.1\n", "reqs")
    with pytest.raises(PackageError, match="these do not: tabulate"):
        parse_requirements(f"abc==2 --hash={HASH}\ntabulate==0.9.0\n", "reqs")


def test_the_shipped_requirements_file_lists_nothing_and_a_missing_given_file_is_an_error(tmp_path: Path) -> None:
    assert job_packages.DEFAULT_REQUIREMENTS.is_file()
    assert job_packages.read_job_requirements(None) == JobRequirements(())
    with pytest.raises(PackageError, match="does not exist"):
        job_packages.read_job_requirements(tmp_path / "nothing.txt")


def test_the_wheelhouse_is_content_addressed_beside_the_scripts(contract: PlatformContract) -> None:
    empty = JobRequirements(())
    one = parse_requirements("vetted-stats==1.0.0\n", "reqs")
    other = parse_requirements("vetted-stats==1.0.1\n", "reqs")
    assert job_packages.wheelhouse_uri(contract, "abalone", empty) is None
    uri = job_packages.wheelhouse_uri(contract, "abalone", one)
    assert uri == f"s3://{contract.models_bucket}/abalone/code/packages/{one.digest()}/"
    assert one.digest() == parse_requirements("# x\nVetted_Stats==1.0.0\n", "r").digest()
    assert one.digest() != other.digest()
    assert one.digest() == scripts.content_digest(
        [("install_packages.py", job_packages.INSTALLER.read_bytes()), ("requirements.txt", b"vetted-stats==1.0.0\n")]
    )


def test_the_repository_comes_from_the_contract(seed_contract: Callable[..., None]) -> None:
    ssm = boto3.client("ssm", region_name="eu-west-1")
    seed_contract({})
    with pytest.raises(PackageError) as missing:
        job_packages.read_package_repository(ssm, "mlops", "dev")
    assert "/mlops/dev/packages/domain, /mlops/dev/packages/domain-owner, /mlops/dev/packages/repository" in str(
        missing.value
    )
    assert "enable packages" in str(missing.value)
    seed_contract(PACKAGES_CONTRACT)
    assert job_packages.read_package_repository(ssm, "mlops", "dev") == REPOSITORY


def test_the_token_goes_to_pip_in_its_environment_with_no_other_index_or_configuration() -> None:
    index = job_packages.index_url(ENDPOINT, TOKEN)
    quoted = TOKEN.replace("/", "%2F").replace("+", "%2B").replace("=", "%3D")  # what the URL must carry
    assert index.startswith(f"https://aws:{quoted}@")
    assert index.endswith(".amazonaws.com/pypi/curated/simple/")
    environment = job_packages.pip_environment(
        index, {"PATH": "/bin", "PIP_EXTRA_INDEX_URL": "https://pypi.org/simple", "pip_find_links": "/tmp"}
    )
    assert environment == {
        "PATH": "/bin",
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_INDEX_URL": index,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
    }


def _codeartifact() -> tuple[Any, Stubber]:
    client = boto3.client(
        "codeartifact", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )  # answered by the stubber only
    stubber = Stubber(client)
    stubber.add_response(
        "get_authorization_token",
        {"authorizationToken": TOKEN},
        {"domain": "mlops-dev-packages", "domainOwner": "123456789012", "durationSeconds": 900},
    )
    stubber.add_response(
        "get_repository_endpoint",
        {"repositoryEndpoint": ENDPOINT},
        {"domain": "mlops-dev-packages", "domainOwner": "123456789012", "repository": "curated", "format": "pypi"},
    )
    return client, stubber


class FakePip:
    """Records pip's command and environment; 'downloads' a wheel or fails as pip does."""

    def __init__(self, returncode: int = 0, output: str = "") -> None:
        self.returncode, self.output = returncode, output
        self.calls: list[tuple[list[str], dict[str, str]]] = []

    def __call__(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append((command, kwargs["env"]))
        destination = Path(command[command.index("--dest") + 1])
        if self.returncode == 0:
            destination.mkdir(parents=True)
            (destination / "vetted_stats-1.0.0-py3-none-any.whl").write_bytes(b"wheel")
        return subprocess.CompletedProcess(command, self.returncode, self.output, "")


def test_wheels_are_downloaded_from_the_repository_only_without_the_token_on_the_command_line(
    tmp_path: Path,
) -> None:
    client, stubber = _codeartifact()
    pip = FakePip()
    requirements = parse_requirements(f"vetted-stats==1.0.0 --hash={HASH}\n", "reqs")
    with stubber:
        wheels = job_packages.download_wheels(client, REPOSITORY, requirements, tmp_path, runner=pip)
    assert [w.name for w in wheels] == ["vetted_stats-1.0.0-py3-none-any.whl"]
    (command, environment) = pip.calls[0]
    assert command[1:6] == ["-m", "pip", "download", "--only-binary=:all:", "--no-deps"]
    assert "--require-hashes" in command
    assert not any(TOKEN in part or "secret" in part for part in command)
    assert environment["PIP_INDEX_URL"] == job_packages.index_url(ENDPOINT, TOKEN)
    assert (tmp_path / "requirements.txt").read_text() == requirements.text()


def test_a_requirement_the_repository_lacks_is_named_and_the_token_never_shows(tmp_path: Path) -> None:
    client, stubber = _codeartifact()
    leaked = job_packages.index_url(ENDPOINT, TOKEN)
    pip = FakePip(
        1,
        f"Looking in indexes: {leaked}\nERROR: Could not find a version that satisfies the requirement "
        "nosuch-pkg==9.9 (from versions: none)\nERROR: No matching distribution found for nosuch-pkg==9.9\n",
    )
    with stubber, pytest.raises(PackageError) as refused:
        job_packages.download_wheels(
            client, REPOSITORY, parse_requirements("nosuch-pkg==9.9\n", "reqs"), tmp_path, runner=pip
        )
    message = str(refused.value)
    assert "nosuch-pkg==9.9 is not available as a wheel from the environment's package repository" in message
    assert "mlops-dev-packages/curated" in message
    assert leaked not in message and "secret" not in message


def test_other_pip_failures_show_its_output_with_the_token_masked(tmp_path: Path) -> None:
    client, stubber = _codeartifact()
    pip = FakePip(2, f"ERROR: HTTP error 500 while getting {job_packages.index_url(ENDPOINT, TOKEN)}x.whl\n")
    with stubber, pytest.raises(PackageError) as failed:
        job_packages.download_wheels(client, REPOSITORY, parse_requirements("x==1\n", "reqs"), tmp_path, runner=pip)
    assert "HTTP error 500 while getting https://aws:****@mlops-dev-packages" in str(failed.value)
    assert "secret" not in str(failed.value)


def test_the_wheelhouse_holds_installer_requirements_and_wheels_encrypted(
    aws: None, contract: PlatformContract, tmp_path: Path
) -> None:
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket=contract.models_bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    wheel = tmp_path / "vetted_stats-1.0.0-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    requirements = parse_requirements("vetted-stats==1.0.0\n", "reqs")

    uris = job_packages.upload_wheelhouse(s3, contract, "abalone", requirements, [wheel])

    prefix = f"abalone/code/packages/{requirements.digest()}/"
    assert uris == [
        f"s3://{contract.models_bucket}/{prefix}{name}"
        for name in ("install_packages.py", "requirements.txt", wheel.name)
    ]
    for name, body in (("requirements.txt", b"vetted-stats==1.0.0\n"), (wheel.name, b"wheel")):
        stored = s3.get_object(Bucket=contract.models_bucket, Key=f"{prefix}{name}")
        assert stored["Body"].read() == body
        assert stored["SSEKMSKeyId"] == contract.data_key_arn


def test_without_requirements_nothing_is_called() -> None:
    class NoSession:
        def client(self, service: str) -> None:
            raise AssertionError(f"no {service} call expected")

    assert job_packages.publish_job_packages(NoSession(), None, "abalone", JobRequirements(())) == []  # type: ignore[arg-type]
