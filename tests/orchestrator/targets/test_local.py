"""The local target points Terraform's S3 Control at the emulator: the endpoint like every other
service's, and the emulator as HTTP proxy for the `<account>.<host>` name the AWS SDK builds."""

from __future__ import annotations

from orchestrator.emulator.process import Emulator
from orchestrator.targets.local import PROVIDER_SERVICES, LocalTarget


def test_terraform_reaches_s3_control_through_the_emulator() -> None:
    target = LocalTarget(emulator_url="http://127.0.0.1:1")
    target.emulator = Emulator(url="http://127.0.0.1:1", pid=None, owned=False)
    assert "s3control" in PROVIDER_SERVICES
    env = target.terraform_env()
    assert env["HTTP_PROXY"] == env["http_proxy"] == "http://127.0.0.1:1"


def test_without_a_running_emulator_nothing_is_proxied() -> None:
    assert "HTTP_PROXY" not in LocalTarget(emulator_url="http://127.0.0.1:1").terraform_env()
