"""``handle-approval-event``: what the deploy workflow runs for a registry approval decision.

    handle-approval-event --status Approved|Rejected --model-package-arn ARN --stage staging \
                          --project abalone --prefix mlops --dev-account 111111111111 [--region]

The dev account sends every decision on ``<prefix>-dev-<project>`` to the project repository as a
``repository_dispatch`` (``client_payload``: model_package_arn, status, group); the workflow
passes those fields here, once per stage.

Whatever the event, the stage converges on what the registry says now, not on the event alone.
The stage contract's ``hosting/projects/<project>/serving`` says what the stage runs: an endpoint
(``realtime``, below) or a scheduled batch pipeline (``batch``: the same rule, the package of the
pipeline's tag while its schedule is enabled; with no Approved package left the schedule is disabled
and the run succeeds, see ``batch.BatchSchedule``):

Once an endpoint is deployed and tested it is watched (``monitoring.py``: scaling, alarms, data-quality
baseline and schedule); every deployment, rollback or failure is published to the stage's alerts topic.

- **Approved**: if the registry says the package is Approved, deploy the newest Approved package
  (this one, unless a newer one is also Approved: events may arrive out of order), then run the
  endpoint test; if the endpoint already serves it, nothing is changed and it is tested again.
  If the package is no longer Approved (the event is stale) or no longer exists, nothing is
  deployed for it, and the check below is made.
- **Rejected** (and a stale Approved event): look at the package the endpoint serves (its
  configuration's tag), whichever package the event names. No endpoint: nothing to do. Still
  Approved: nothing to roll back. No longer Approved (Rejected, PendingManualApproval, or deleted
  from the registry): roll back to the newest Approved package other than it, then test; with no
  such package, fail. The event's package alone is not enough: the workflow's concurrency group
  keeps one waiting run per stage, so a newer event can cancel the Rejected event of the served
  package before it runs.

Exit codes: 0 done (or nothing to do), 1 the deployment, the rollback (or no Approved package to roll
back to) or the endpoint test failed, or the registry could not be read, 2 bad input (the option is
named) or an incomplete stage contract.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from abalone_deploy import cli
from abalone_deploy.artifact import verify_artifact
from abalone_deploy.batch import BatchSchedule
from abalone_deploy.deploy import DeployError, Log, deploy_package, deployed_package_arn
from abalone_deploy.endpoint_test import check_stage_endpoint
from abalone_deploy.monitoring import publish_result, watch_endpoint
from abalone_deploy.names import Target, UsageError, parse_package_arn
from abalone_deploy.registry import APPROVED, describe_package, latest_approved, package_status
from abalone_deploy.serving import Outcome, Serving, read_serving_mode
from abalone_deploy.settings import DeploySettings
from abalone_deploy.stage_contract import read_stage_contract

STATUSES = ("Approved", "Rejected")


class Endpoint:
    """``realtime``: the stage's endpoint ``<prefix>-<stage>-<project>``, tested after each deployment."""

    def name(self, target: Target) -> str:
        return target.endpoint_name

    def absent(self) -> str:
        return "no endpoint"

    def deployed(self, clients: cli.Clients, target: Target) -> str | None:
        return deployed_package_arn(clients.sagemaker, target)

    def deploy(self, clients: cli.Clients, target: Target, arn: str, settings: DeploySettings, log: Log) -> str:
        """Deploy, test, then watch the endpoint (scaling, alarms, baseline, monitoring schedule)."""
        contract = read_stage_contract(clients.ssm, target)
        package = describe_package(clients.registry, target, arn)
        verify_artifact(clients.artifacts, package)
        result = deploy_package(clients.sagemaker, target, contract, package, settings, log, clients.autoscaling)
        log(f"endpoint {result.endpoint_name} serves {package.arn} ({result.action}); testing it")
        check_stage_endpoint(clients, target)
        watch_endpoint(clients, target, contract, result.endpoint_config_name, settings, log)
        return "endpoint test passed"

    def retire(self, clients: cli.Clients, target: Target, deployed: str, why: str, log: Log) -> Outcome:
        raise DeployError(
            f"{target.endpoint_name} serves {deployed}, which is {why}, not Approved, and {target.group_arn} "
            "has no other Approved package to roll back to: approve a previous package, or delete the endpoint"
        )


def serving_of(clients: cli.Clients, target: Target) -> Serving:
    """The stage's serving mode, from its contract."""
    return BatchSchedule() if read_serving_mode(clients.ssm, target) == "batch" else Endpoint()


def _registry_state(status: str | None) -> str:
    return "no longer in the registry" if status is None else f"{status or 'of unknown status'} in the registry now"


def converge(
    clients: cli.Clients,
    target: Target,
    settings: DeploySettings = DeploySettings(),
    log: Log = print,
    serving: Serving | None = None,
) -> Outcome:
    """Roll the stage back if the package it runs is no longer Approved; otherwise change nothing."""
    serving = serving or serving_of(clients, target)
    name = serving.name(target)
    deployed = serving.deployed(clients, target)
    if deployed is None:
        return Outcome("nothing", None, f"{name} serves no model package ({serving.absent()}): nothing to roll back")
    state = package_status(clients.registry, target, deployed)
    if state == APPROVED:
        return Outcome("nothing", None, f"{name} serves {deployed}, which is still Approved: nothing to roll back")
    previous = latest_approved(clients.registry, target, exclude=deployed)
    if previous is None:
        return serving.retire(clients, target, deployed, _registry_state(state), log)
    log(f"{name} serves {deployed}, which is {_registry_state(state)}, not Approved: rolling back to {previous.arn}")
    checked = serving.deploy(clients, target, previous.arn, settings, log)
    return Outcome("rolled-back", previous.arn, f"{name} rolled back to {previous.arn}, {checked}")


def handle_event(
    clients: cli.Clients,
    target: Target,
    status: str,
    package_arn: str,
    settings: DeploySettings = DeploySettings(),
    log: Log = print,
) -> Outcome:
    if status not in STATUSES:
        raise UsageError(f"--status {status!r} is not one of {', '.join(STATUSES)}")
    parse_package_arn(target, package_arn)
    # Read the contract first: an unusable stage is reported (exit 2) before anything else.
    read_stage_contract(clients.ssm, target)
    serving = serving_of(clients, target)

    if status == "Approved":
        state = package_status(clients.registry, target, package_arn)
        if state == APPROVED:
            latest = latest_approved(clients.registry, target)
            chosen = latest.arn if latest is not None else package_arn
            if chosen != package_arn:
                log(f"{chosen} is newer and also Approved: deploying it instead of {package_arn}")
            checked = serving.deploy(clients, target, chosen, settings, log)
            return Outcome("deployed", chosen, f"{serving.name(target)} serves {chosen}, {checked}")
        log(f"{package_arn} is {_registry_state(state)}, not Approved: nothing deployed for this event")
    # Whatever package the event names: an earlier event may have been lost (see the module docstring).
    return converge(clients, target, settings, log, serving)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``handle-approval-event`` (also read by the tests of the deploy workflow)."""
    parser = cli.parser(__doc__)
    parser.add_argument("--status", required=True, choices=STATUSES, help="client_payload.status of the dispatch event")
    parser.add_argument(
        "--model-package-arn", required=True, help="client_payload.model_package_arn of the dispatch event"
    )
    cli.add_target_arguments(parser)
    cli.add_deploy_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None, clients: cli.Clients | None = None) -> int:
    parser = build_parser()

    def run(args: Any) -> None:
        target = cli.target_from_args(args)
        stage_clients = clients or cli.default_clients(target.region)
        try:
            outcome = handle_event(
                stage_clients, target, args.status, args.model_package_arn, cli.settings_from_args(args)
            )
        except (RuntimeError, ClientError, BotoCoreError) as error:
            # A failed deployment is announced too (bad input, exit 2, is not a deployment).
            publish_result(stage_clients, target, "failed", str(error), args.model_package_arn)
            raise
        print(outcome.message)
        if outcome.action != "nothing":
            sent = publish_result(stage_clients, target, "succeeded", outcome.message, outcome.package_arn)
            print(f"result published to the alerts topic (message {sent})")

    return cli.run(parser, argv, run)
