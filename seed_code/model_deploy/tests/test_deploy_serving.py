"""The serving mode of a stage, from its contract: realtime or batch; a missing or unknown value is
refused (exit 2) before anything is changed."""

from __future__ import annotations

import pytest
from abalone_deploy import approval_event
from abalone_deploy.batch import BatchSchedule
from abalone_deploy.serving import read_serving_mode
from abalone_deploy.stage_contract import ContractError
from deploy_world import ACCOUNTS, PREFIX, PROJECT, World

PARAMETER = f"/{PREFIX}/staging/hosting/projects/{PROJECT}/serving"


def _argv(arn: str) -> list[str]:
    return [
        *("--status", "Approved", "--model-package-arn", arn, "--stage", "staging", "--project", PROJECT),
        *("--prefix", PREFIX, "--dev-account", ACCOUNTS["dev"], "--region", "eu-west-1"),
    ]


def test_the_contract_names_the_mode_and_the_mode_picks_the_serving(ready: World) -> None:
    ssm, clients, target = ready.client("staging", "ssm"), ready.clients("staging"), ready.target("staging")
    assert read_serving_mode(ssm, target) == "realtime"
    assert isinstance(approval_event.serving_of(clients, target), approval_event.Endpoint)
    ssm.put_parameter(Name=PARAMETER, Value="batch", Type="String", Overwrite=True)
    assert read_serving_mode(ssm, target) == "batch"
    assert isinstance(approval_event.serving_of(clients, target), BatchSchedule)


@pytest.mark.parametrize("value", [None, "streaming"])
def test_a_missing_or_unknown_mode_is_refused_before_any_change(
    ready: World, value: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    ssm = ready.client("staging", "ssm")
    if value is None:
        ssm.delete_parameter(Name=PARAMETER)
    else:
        ssm.put_parameter(Name=PARAMETER, Value=value, Type="String", Overwrite=True)
    with pytest.raises(ContractError, match=PARAMETER):
        read_serving_mode(ssm, ready.target("staging"))
    arn = ready.register("Approved")
    assert approval_event.main(_argv(arn), clients=ready.clients("staging")) == 2
    assert PARAMETER in capsys.readouterr().err
    assert ready.writes("staging") == []
