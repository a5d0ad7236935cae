"""A plan that replaces dev's Studio domain (its users' home directories go with it) is held until
each replaced resource is allowed by name: on an emulator and in a work folder of this test's own,
started from a copy of the session world's saved resources (the world itself is not touched).

What forces the replacement: no value of env.yaml reaches a ForceNew attribute of the domain in the
platform stack alone (its name is `<prefix>-<env>-studio`, its auth mode is fixed, its VPC, subnets
and key come from the foundation's contract), so the test changes the contract the foundation
published: `network/private-subnet-ids` names one subnet fewer, and the domain's `subnet_ids`
(ForceNew in the AWS provider) differ. One stack (`--stack platform`) keeps the cost low."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.integration.conftest import DEV_ACCOUNT, Account, copy_of_the_world, orchestrator, own_emulator

if TYPE_CHECKING:
    from tests.world import World

pytestmark = [pytest.mark.emulator]

DOMAIN = "module.stack.module.studio.aws_sagemaker_domain.this"
SUBNETS = "/mlops/dev/network/private-subnet-ids"
RUN_TIMEOUT_SECONDS = 900


@pytest.fixture
def own_world(world: World, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An emulator of this test's own, started from the world's resources as its applies saved them
    (the session's emulator holds its own copy in memory), and its work folder; stopped at the end."""
    work_dir = tmp_path / "work"
    copy_of_the_world(world, work_dir)
    with own_emulator(work_dir) as url:
        yield url, work_dir


def _domain_ids(dev: Account) -> list[str]:
    return sorted(d["DomainId"] for d in dev.client("sagemaker").list_domains()["Domains"])


def test_a_studio_domain_replacement_is_held_until_allowed_by_name(own_world: tuple[str, Path], tmp_path: Path) -> None:
    url, work_dir = own_world
    dev = Account(url, DEV_ACCOUNT)
    started = time.monotonic()
    ssm = dev.client("ssm")
    subnets = ssm.get_parameter(Name=SUBNETS)["Parameter"]["Value"].split(",")
    assert len(subnets) >= 2, subnets
    ssm.put_parameter(Name=SUBNETS, Value=",".join(subnets[:1]), Overwrite=True)
    [before] = _domain_ids(dev)
    run = ["apply", "--env", "dev", "--stack", "platform", "--emulator-url", url]

    report_file = tmp_path / "refused.json"
    refused = orchestrator([*run, "--report-json", str(report_file)], work_dir, timeout=RUN_TIMEOUT_SECONDS)
    assert refused.returncode == 1, refused.stdout[-3000:] + refused.stderr[-3000:]
    stateful = json.loads(report_file.read_text())["stateful"]
    held = {s["address"]: s for s in stateful}
    assert held[DOMAIN]["action"] == "replace" and held[DOMAIN]["consent"] == "held", stateful
    assert held[DOMAIN]["at_stake"].startswith("home directories on EFS "), held[DOMAIN]
    assert f"of domain {before}" in held[DOMAIN]["at_stake"]
    assert all(s["consent"] == "held" for s in stateful)
    section = refused.stdout.split("\n\n", 1)[0]
    assert section.startswith(f"Stateful changes ({len(stateful)}): data goes with them"), refused.stdout[:3000]
    assert f"allow it with --allow-destroy dev/platform:{DOMAIN}" in refused.stdout
    assert _domain_ids(dev) == [before], "nothing was applied"
    print(f"the refused apply's stateful section:\n{section}")

    stale = orchestrator(
        [*run, "--allow-destroy", "dev/platform:module.stack.module.studio.aws_sagemaker_space.none"],
        work_dir,
        timeout=RUN_TIMEOUT_SECONDS,
    )
    assert stale.returncode == 2, stale.stdout[-3000:] + stale.stderr[-3000:]
    assert "(a stale consent); nothing was applied" in stale.stdout
    assert _domain_ids(dev) == [before]

    consents = [arg for s in stateful for arg in ("--allow-destroy", f"dev/platform:{s['address']}")]
    allowed = orchestrator([*run, *consents], work_dir, timeout=RUN_TIMEOUT_SECONDS)
    assert allowed.returncode == 0, allowed.stdout[-3000:] + allowed.stderr[-3000:]
    assert "consent: allowed" in allowed.stdout
    [after] = _domain_ids(dev)
    assert after != before, "the domain was replaced"
    print(f"the allowed apply's stateful section:\n{allowed.stdout.split(chr(10) * 2, 1)[0]}")
    print(f"stateful consent: {time.monotonic() - started:.0f} s (domain {before} -> {after})")
