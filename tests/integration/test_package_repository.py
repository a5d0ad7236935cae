"""The internet-free package path on the local target (the session's world, dev with packages.enabled).

The platform administrator persona publishes a wheel built here (no network) to dev's curated
CodeArtifact repository. Then a Studio-like process inside the dev VPC (the emulator's address for
it: every call goes through the VPC's endpoints) runs dev's applied Studio lifecycle configuration
as the SageMaker execution role, with its own HOME: the configuration's pip step asks a token and
the repository endpoint and writes pip's configuration, and `pip install --no-deps` installs the
wheel through the `codeartifact.repositories` endpoint, with that repository as pip's only index,
and the package imports. The persona of a data scientist, who may not read the repository, gets no
token and no pip configuration; a request without a token is refused (401).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.conftest import (
    DEV_ACCOUNT,
    PACKAGE_DOMAIN,
    PACKAGE_REPOSITORY,
    REGION,
    Account,
    World,
    publish_to_dev_packages,
)
from tests.wheels import build_wheel

pytestmark = pytest.mark.emulator

DOMAIN, REPOSITORY = PACKAGE_DOMAIN, PACKAGE_REPOSITORY
PROJECT, VERSION = "vetted-stats", "1.0.0"


def _role_session(world: World, name: str) -> Account:
    """Clients of a session of dev's role mlops-dev-<name> (assumed by the emulator's root)."""
    return Account(world.url, DEV_ACCOUNT, f"mlops-dev-{name}")


def _inside_the_vpc(world: World) -> str:
    vpc = Account(world.url, DEV_ACCOUNT).client("ssm").get_parameter(Name="/mlops/dev/network/vpc-id")
    request = urllib.request.Request(f"{world.url}/_platform/vpcs/{vpc['Parameter']['Value']}", method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return str(json.loads(answer.read())["url"])


def _lifecycle_script(world: World) -> str:
    """dev's applied JupyterLab lifecycle configuration, as Studio runs it."""
    contract = Account(world.url, DEV_ACCOUNT).client("ssm")
    arn = contract.get_parameter(Name="/mlops/dev/studio/lifecycle-config-arn")["Parameter"]["Value"]
    sagemaker = Account(world.url, DEV_ACCOUNT).client("sagemaker")
    described = sagemaker.describe_studio_lifecycle_config(StudioLifecycleConfigName=arn.rsplit("/", 1)[-1])
    return base64.b64decode(described["StudioLifecycleConfigContent"]).decode()


def _studio_like_environment(account: Account, inside: str, home: Path) -> dict[str, str]:
    """What a Studio app's process has: the role's credentials, the VPC's endpoints, its own HOME,
    nothing of this machine's pip settings."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "AWS_", "XDG_")) and k != "PYTHONPATH"}
    return (
        kept
        | account.environment()
        | {
            "AWS_ENDPOINT_URL": inside,
            "HOME": str(home),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
    )


def _run(command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, check=False)


def _start_studio_app(
    world: World, role: str, tmp_path: Path
) -> tuple[str, Path, dict[str, str], subprocess.CompletedProcess[str]]:
    """A Studio app's start inside the dev VPC as `role`: dev's lifecycle configuration run with a
    HOME of its own. The VPC's address, that HOME, the app's environment and the run."""
    inside = _inside_the_vpc(world)
    home = tmp_path / "home"
    home.mkdir()
    environment = _studio_like_environment(_role_session(world, role), inside, home)
    script = tmp_path / "on-start.sh"
    script.write_text(_lifecycle_script(world))
    return inside, home, environment, _run(["bash", str(script)], environment)


@pytest.fixture(scope="module")
def published(world: World) -> str:
    """The administrator persona publishes the wheel (twine's upload) through the repository endpoint."""
    wheel = build_wheel(PROJECT, VERSION, "def mean(values):\n    return sum(values) / len(values)\n")
    publish_to_dev_packages(world, wheel)
    return wheel.filename


def test_studio_installs_a_vetted_package_through_codeartifact_inside_the_vpc(
    world: World, published: str, tmp_path: Path
) -> None:
    inside, home, environment, lifecycle = _start_studio_app(world, "sagemaker-execution", tmp_path)
    assert lifecycle.returncode == 0, lifecycle.stderr
    pip_conf = home / ".config" / "pip" / "pip.conf"
    repository_path = f"/_platform/codeartifact/{REGION}/{DOMAIN}-{DEV_ACCOUNT}/pypi/{REPOSITORY}/simple/"
    index_url = pip_conf.read_text().split("index-url = ", 1)[1].strip()
    assert index_url.startswith("http://aws:") and index_url.endswith(inside.removeprefix("http://") + repository_path)
    assert oct(pip_conf.stat().st_mode & 0o777) == "0o600"
    token = index_url.removeprefix("http://aws:").split("@", 1)[0]
    assert token not in lifecycle.stdout + lifecycle.stderr  # the token is never logged

    target = tmp_path / "site"
    pip = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-input",
            "--no-cache-dir",
            "-v",
            "--target",
            str(target),
            PROJECT,
        ],
        environment,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert f"{inside}{repository_path}{PROJECT}/{VERSION}/{published}" in pip.stdout  # the file came from the emulator
    assert "pypi.org" not in pip.stdout
    imported = _run(
        [sys.executable, "-c", "import vetted_stats; print(vetted_stats.mean([1, 2, 3, 6]))"],
        environment | {"PYTHONPATH": str(target)},
    )
    assert imported.stdout.strip() == "3.0", imported.stderr


def test_a_persona_without_the_grant_gets_no_token_and_no_pip_index(
    world: World, published: str, tmp_path: Path
) -> None:
    inside, home, _, lifecycle = _start_studio_app(world, "data-scientist", tmp_path)
    assert lifecycle.returncode == 0  # the app still starts, without pip's index
    assert (
        "codeartifact:GetAuthorizationToken" in lifecycle.stderr
        and "WARNING: pip is not configured" in lifecycle.stderr
    )
    assert not (home / ".config" / "pip" / "pip.conf").exists()
    endpoint = f"{inside}/_platform/codeartifact/{REGION}/{DOMAIN}-{DEV_ACCOUNT}/pypi/{REPOSITORY}/simple/{PROJECT}/"
    with pytest.raises(urllib.error.HTTPError) as unauthorized:
        urllib.request.urlopen(endpoint, timeout=30)
    assert unauthorized.value.code == 401
