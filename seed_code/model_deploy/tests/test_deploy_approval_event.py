"""handle-approval-event: the dispatch event of the dev registry, end to end over three accounts."""

from __future__ import annotations

import pytest
from abalone_deploy import approval_event
from abalone_deploy.deploy import deployed_package_arn
from deploy_world import GOOD_ANSWER, World


def _argv(status: str, arn: str, stage: str = "staging", **overrides: str) -> list[str]:
    """The workflow's command line; ``overrides`` maps an option (``--stage``) to another value."""
    options = {
        "--status": status,
        "--model-package-arn": arn,
        "--stage": stage,
        "--project": "abalone",
        "--prefix": "mlops",
        "--dev-account": "111111111111",
        "--region": "eu-west-1",
        "--wait-delay": "0",
    }
    options.update(overrides)
    return [item for pair in options.items() for item in pair]


def _handle(world: World, status: str, arn: str, stage: str = "staging", **overrides: str) -> int:
    return approval_event.main(_argv(status, arn, stage, **overrides), clients=world.clients(stage))


def _serving(world: World, stage: str = "staging") -> str | None:
    return deployed_package_arn(world.client(stage, "sagemaker"), world.target(stage))


def test_approved_deploys_the_package_and_tests_the_endpoint(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    arn = ready.register("Approved")
    ready.answer("staging", GOOD_ANSWER)
    assert _handle(ready, "Approved", arn) == 0
    out = capsys.readouterr().out
    assert "endpoint mlops-staging-abalone passed: 5 predictions" in out
    assert f"mlops-staging-abalone serves {arn}, endpoint test passed" in out
    assert _serving(ready) == arn
    assert ready.client("prod", "sagemaker").list_endpoints()["Endpoints"] == []


def test_approving_a_newer_package_updates_the_endpoint(ready: World) -> None:
    old = ready.register("Approved")
    ready.answer("staging", GOOD_ANSWER)
    assert _handle(ready, "Approved", old) == 0
    new = ready.register("Approved")
    assert _handle(ready, "Approved", new) == 0
    assert _serving(ready) == new
    assert ready.endpoint_config("staging")["EndpointConfigName"].startswith("mlops-staging-abalone-2-")


def test_rejecting_the_deployed_package_rolls_back_to_the_previous_approved_one(
    ready: World, capsys: pytest.CaptureFixture[str]
) -> None:
    old = ready.register("Approved")
    ready.answer("staging", GOOD_ANSWER)
    assert _handle(ready, "Approved", old) == 0
    old_config = ready.endpoint_config("staging")["EndpointConfigName"]
    new = ready.register("Approved")
    assert _handle(ready, "Approved", new) == 0
    assert _serving(ready) == new

    ready.set_status(new, "Rejected")
    assert _handle(ready, "Rejected", new) == 0
    assert f"rolled back to {old}" in capsys.readouterr().out
    assert _serving(ready) == old
    # The endpoint's configuration is the old package's, reused as it was.
    config = ready.endpoint_config("staging")
    assert config["EndpointConfigName"] == old_config
    model = ready.client("staging", "sagemaker").describe_model(ModelName=config["ProductionVariants"][0]["ModelName"])
    assert model["PrimaryContainer"]["ModelDataUrl"].endswith("/runs/r1/model.tar.gz")


def test_rejecting_a_package_that_is_not_deployed_does_nothing(
    ready: World, capsys: pytest.CaptureFixture[str]
) -> None:
    deployed = ready.register("Approved")
    ready.answer("staging", GOOD_ANSWER)
    assert _handle(ready, "Approved", deployed) == 0
    writes = list(ready.writes("staging"))
    other = ready.register("Rejected")

    assert _handle(ready, "Rejected", other) == 0
    assert (
        f"mlops-staging-abalone serves {deployed}, which is still Approved: nothing to roll back"
        in capsys.readouterr().out
    )
    assert ready.writes("staging") == writes
    assert _serving(ready) == deployed


def _serving_the_second_of_two_approved(world: World) -> tuple[str, str]:
    """Packages A and B Approved, the endpoint serving B (the newest); returns (A, B)."""
    first, second = world.register("Approved"), world.register("Approved")
    world.answer("staging", GOOD_ANSWER, GOOD_ANSWER)
    assert _handle(world, "Approved", second) == 0
    assert _serving(world) == second
    return first, second


def test_a_lost_rejection_of_the_served_package_is_applied_by_a_later_event(
    ready: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # B is rejected, but its event is cancelled in the concurrency group by the next one: "Rejected C".
    first, second = _serving_the_second_of_two_approved(ready)
    ready.set_status(second, "Rejected")
    other = ready.register("Rejected")
    capsys.readouterr()

    assert _handle(ready, "Rejected", other) == 0
    out = capsys.readouterr().out
    assert (
        f"mlops-staging-abalone serves {second}, which is Rejected in the registry now, not Approved: rolling back to {first}"
        in out
    )
    assert f"mlops-staging-abalone rolled back to {first}, endpoint test passed" in out
    assert _serving(ready) == first


def test_a_stale_approved_event_still_rolls_back_a_served_package_that_is_no_longer_approved(ready: World) -> None:
    first, second = _serving_the_second_of_two_approved(ready)
    ready.set_status(second, "Rejected")  # its event lost
    late = ready.register("Rejected")  # approved, then rejected before the workflow ran
    assert _handle(ready, "Approved", late) == 0
    assert _serving(ready) == first


def test_a_rejection_while_the_served_package_is_still_approved_does_nothing(
    ready: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # B rejected, then approved again before the workflow ran: the registry's word is Approved.
    _, second = _serving_the_second_of_two_approved(ready)
    ready.set_status(second, "Rejected")
    ready.set_status(second, "Approved")
    writes = list(ready.writes("staging"))

    assert _handle(ready, "Rejected", second) == 0
    assert (
        f"mlops-staging-abalone serves {second}, which is still Approved: nothing to roll back"
        in capsys.readouterr().out
    )
    assert ready.writes("staging") == writes
    assert _serving(ready) == second


def test_a_served_package_deleted_from_the_registry_is_rolled_back(
    ready: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _serving_the_second_of_two_approved(ready)
    other = ready.register("Rejected")
    ready.delete_package(second)

    assert _handle(ready, "Rejected", other) == 0
    assert (
        f"{second}, which is no longer in the registry, not Approved: rolling back to {first}"
        in capsys.readouterr().out
    )
    assert _serving(ready) == first


def test_no_endpoint_means_nothing_to_do_whatever_the_event(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    rejected = ready.register("Rejected")
    ready.register("Approved")
    for status in ("Rejected", "Approved"):  # a stale Approved event too
        assert _handle(ready, status, rejected, stage="prod") == 0
        assert capsys.readouterr().out.endswith(
            "mlops-prod-abalone serves no model package (no endpoint): nothing to roll back\n"
        )
    assert ready.writes("prod") == []


def test_a_rejection_on_a_stage_without_endpoint_does_nothing(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    arn = ready.register("Rejected")
    assert _handle(ready, "Rejected", arn, stage="prod") == 0
    assert "(no endpoint): nothing to roll back" in capsys.readouterr().out


def test_a_stale_approved_event_deploys_nothing(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    arn = ready.register("Rejected")  # approved, then rejected before the workflow ran
    assert _handle(ready, "Approved", arn) == 0
    assert "is Rejected in the registry now, not Approved: nothing deployed" in capsys.readouterr().out
    assert ready.writes("staging") == []


def test_an_older_approved_event_arriving_late_keeps_the_newest_package(ready: World) -> None:
    old = ready.register("Approved")
    new = ready.register("Approved")
    ready.answer("staging", GOOD_ANSWER)
    assert _handle(ready, "Approved", new) == 0
    assert _handle(ready, "Approved", old) == 0
    assert _serving(ready) == new


def test_rolling_back_without_another_approved_package_fails(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    arn = ready.register("Approved")
    ready.answer("staging", GOOD_ANSWER)
    assert _handle(ready, "Approved", arn) == 0
    ready.set_status(arn, "Rejected")
    assert _handle(ready, "Rejected", arn) == 1
    assert "has no other Approved package to roll back to" in capsys.readouterr().err


def test_a_failing_endpoint_test_exits_1(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    arn = ready.register("Approved")
    ready.answer("staging", "9.8,11.2,7.4,10.9,412.0")
    assert _handle(ready, "Approved", arn) == 1
    assert "row 5: 412.0" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"--stage": "dev"}, "--stage 'dev' is not a target stage"),
        ({"--dev-account": "1111"}, "--dev-account '1111' is not valid"),
        ({"--project": "Abalone"}, "--project 'Abalone' is not valid"),
        (
            {"--model-package-arn": "mlops-dev-abalone/1"},
            "--model-package-arn 'mlops-dev-abalone/1' is not a versioned model package ARN",
        ),
        (
            {"--model-package-arn": "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-other/1"},
            "has group 'mlops-dev-other', expected 'mlops-dev-abalone'",
        ),
        (
            {"--model-package-arn": "arn:aws:sagemaker:eu-west-1:999999999999:model-package/mlops-dev-abalone/1"},
            "has account '999999999999', expected '111111111111'",
        ),
        ({"--wait-max-attempts": "0"}, "--wait-max-attempts >= 1"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    ready: World, capsys: pytest.CaptureFixture[str], change: dict[str, str], named: str
) -> None:
    arn = ready.register("Approved")
    code = approval_event.main(_argv("Approved", arn, **change), clients=ready.clients("staging"))
    assert code == 2
    assert named in capsys.readouterr().err
    assert ready.writes("staging") == []


def test_an_unknown_status_exits_2_naming_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        approval_event.main(_argv("Pending", "arn"))
    assert exit_.value.code == 2
    assert "--status: invalid choice: 'Pending'" in capsys.readouterr().err


def test_a_missing_contract_exits_2_before_any_change(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.create_group()
    arn = world.register("Approved")
    assert _handle(world, "Approved", arn) == 2
    assert "the stage contract /mlops/staging/ in eu-west-1 is incomplete" in capsys.readouterr().err
    assert world.writes("staging") == []
