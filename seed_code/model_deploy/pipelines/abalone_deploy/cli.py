"""What the three commands share: options, input checks and the mapping of errors to exit codes.

Exit codes, the same for every command: 0 success (including "nothing to do"), 1 the deployment,
the registry, the endpoint or an AWS call failed, 2 bad input (named option) or an incomplete
stage contract — both found before anything is changed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from botocore.exceptions import BotoCoreError, ClientError

from abalone_deploy.clients import Clients, default_clients
from abalone_deploy.names import Target, UsageError, make_target
from abalone_deploy.settings import DeploySettings
from abalone_deploy.stage_contract import ContractError

__all__ = ["Clients", "add_deploy_arguments", "add_target_arguments", "default_clients", "parser", "run"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """argparse's own exit 2, with a hint to --help."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def parser(doc: str | None) -> argparse.ArgumentParser:
    return _Parser(description=(doc or "").split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)


def add_target_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prefix", required=True, help="the platform prefix, e.g. mlops")
    p.add_argument("--stage", required=True, help="the target stage: staging or prod")
    p.add_argument("--project", required=True, help="the project name, e.g. abalone")
    p.add_argument("--dev-account", required=True, help="the dev account holding the model registry")
    p.add_argument("--region", help="default: AWS_REGION / AWS_DEFAULT_REGION")


def add_deploy_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--instance-type", default="ml.m5.large", help="endpoint instance type (default ml.m5.large)")
    p.add_argument("--sampling-percentage", type=int, default=100, help="data capture sampling, 1-100 (default 100)")
    p.add_argument("--wait-delay", type=float, default=30.0, help="seconds between endpoint status checks (default 30)")
    p.add_argument("--wait-max-attempts", type=int, default=120, help="status checks before giving up (default 120)")


def target_from_args(args: argparse.Namespace) -> Target:
    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise UsageError("--region is required (or set AWS_REGION)")
    return make_target(args.prefix, args.stage, args.project, args.dev_account, region)


def settings_from_args(args: argparse.Namespace) -> DeploySettings:
    if not args.instance_type.startswith("ml."):
        raise UsageError(
            f"--instance-type {args.instance_type!r} is not a SageMaker instance type (ml.<family>.<size>)"
        )
    if not 1 <= args.sampling_percentage <= 100:
        raise UsageError(f"--sampling-percentage {args.sampling_percentage} must be between 1 and 100")
    if args.wait_delay < 0 or args.wait_max_attempts < 1:
        raise UsageError("--wait-delay must be >= 0 and --wait-max-attempts >= 1")
    return DeploySettings(
        instance_type=args.instance_type,
        sampling_percentage=args.sampling_percentage,
        wait_delay_seconds=args.wait_delay,
        wait_max_attempts=args.wait_max_attempts,
    )


def run(
    p: argparse.ArgumentParser, argv: Sequence[str] | None, body: Callable[[argparse.Namespace], int | None]
) -> int:
    """Parse, run, and turn every expected failure into a one-line message and its exit code."""
    args = p.parse_args(argv)
    try:
        code = body(args)
    except (UsageError, ContractError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ClientError, BotoCoreError) as error:
        print(f"error: AWS call failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    except RuntimeError as error:  # DeployError, RegistryError, EndpointTestError
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK if code is None else code
