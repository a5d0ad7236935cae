"""How a stage runs a project's model, as its contract says: an endpoint (``realtime``) or a
scheduled batch pipeline (``batch``).

The hosting stack publishes ``/<prefix>/<stage>/hosting/projects/<project>/serving`` from the
project's ``serving`` in env.yaml, and gives the project's deploy role only what that mode needs.
``handle-approval-event`` reads it and applies one rule to either (``approval_event.py``): what
counts is the package the stage runs now; one no longer Approved is replaced by the newest package
still Approved, or, with none left, retired as the mode allows (an endpoint: the run fails and says
so; a batch schedule: it is disabled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from abalone_deploy.clients import Clients
from abalone_deploy.deploy import Log
from abalone_deploy.names import Target
from abalone_deploy.settings import DeploySettings
from abalone_deploy.stage_contract import ContractError, read_parameters

MODES = ("realtime", "batch")


@dataclass(frozen=True)
class Outcome:
    action: str  # deployed | rolled-back | disabled | nothing
    package_arn: str | None
    message: str


class Serving(Protocol):
    """What the decision code needs of a serving mode."""

    def name(self, target: Target) -> str:
        """What the messages call the stage's serving resource."""
        ...

    def absent(self) -> str:
        """Why nothing is served, for the message (e.g. "no endpoint")."""
        ...

    def deployed(self, clients: Clients, target: Target) -> str | None:
        """The package the stage runs now; None if it runs none."""
        ...

    def deploy(self, clients: Clients, target: Target, arn: str, settings: DeploySettings, log: Log) -> str:
        """Make the stage run the Approved package ``arn``; what was checked, for the message."""
        ...

    def retire(self, clients: Clients, target: Target, deployed: str, why: str, log: Log) -> Outcome:
        """No Approved package is left to replace ``deployed`` (``why`` says what it is now)."""
        ...


def serving_parameter(target: Target) -> str:
    return f"hosting/projects/{target.project}/serving"


def read_serving_mode(ssm: object, target: Target) -> str:
    """``realtime`` or ``batch``, from the stage contract; a missing or unknown value is a ContractError."""
    name = serving_parameter(target)
    mode = read_parameters(ssm, target, {"mode": name})["mode"]
    if mode not in MODES:
        raise ContractError(
            f"/{target.prefix}/{target.stage}/{name} is {mode!r}, not one of {', '.join(MODES)}. "
            "Re-apply the hosting stack; do not edit the parameters by hand."
        )
    return mode
