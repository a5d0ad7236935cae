"""`doctor`: is this machine ready to run the platform?"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass

from orchestrator.emulator.process import emulator_available
from orchestrator.engine import terraform_binary
from orchestrator.settings import PlatformSettings


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True


def _terraform_check(settings: PlatformSettings) -> Check:
    binary = terraform_binary()
    try:
        output = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=60, check=False).stdout
    except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
        return Check("terraform", False, f"not usable at '{binary}': {exc}")
    match = re.search(r"Terraform v(\d+)\.(\d+)\.(\d+)", output)
    if not match:
        return Check("terraform", False, f"'{binary} version' printed no version")
    version = tuple(int(x) for x in match.groups())
    minimum = settings.minimum_terraform_version
    ok = version >= minimum
    detail = f"{binary} v{'.'.join(map(str, version))}" + ("" if ok else f" (need >= {'.'.join(map(str, minimum))})")
    return Check("terraform", ok, detail)


def _credentials_check() -> Check:
    import boto3  # noqa: PLC0415
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        identity = boto3.client("sts").get_caller_identity()
    except (BotoCoreError, ClientError) as exc:
        return Check("aws credentials", False, f"none usable: {exc}")
    return Check("aws credentials", True, f"{identity['Arn']} (account {identity['Account']})")


def run_checks(settings: PlatformSettings, target: str) -> list[Check]:
    checks = [
        Check("python", sys.version_info >= (3, 11), sys.version.split()[0]),
        _terraform_check(settings),
        Check(
            "providers",
            True,
            f"filesystem mirror {settings.provider_mirror} ({settings.provider_mirror_source})"
            if settings.provider_mirror
            else settings.provider_mirror_source,
        ),
    ]
    ok, detail = emulator_available()
    checks.append(Check("emulator", ok, detail, required=target == "local"))
    if target == "aws":
        checks.append(_credentials_check())
    return checks
