"""``test-endpoint``: send sample abalone rows to the stage's endpoint and check the predictions.

    test-endpoint --prefix mlops --stage staging --project abalone --dev-account 111111111111 \
                  [--rows rows.csv] [--min-rings 1] [--max-rings 30]

A deployment is only done when the endpoint answers sensibly: InService first, then one numeric,
finite prediction per row, within a plausible range of ring counts (abalone have 1-29 rings in
the UCI data). The rows are in the feature order the model was trained on — the model-build
``preprocess.py`` output without its leading ``Rings`` column.

Exit codes: 0 the endpoint passed, 1 it failed (the message says which row and why), 2 bad input.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from abalone_deploy import cli
from abalone_deploy.names import Target, UsageError

# abalone_build.preprocess.OUTPUT_COLUMNS[1:] (a test checks they stay equal).
FEATURE_COLUMNS = (
    "Length",
    "Diameter",
    "Height",
    "Whole_Weight",
    "Shucked_Weight",
    "Viscera_Weight",
    "Shell_Weight",
    "Sex_F",
    "Sex_I",
    "Sex_M",
)
DEFAULT_MIN_RINGS = 1.0
DEFAULT_MAX_RINGS = 30.0
_SHOWN = 5  # offending values listed in a message


class EndpointTestError(RuntimeError):
    """The endpoint is not serving sensible predictions (the message says what was wrong)."""


def load_rows(path: Path | None = None) -> list[list[str]]:
    """Rows of a CSV whose header is exactly ``FEATURE_COLUMNS`` (default: the packaged sample)."""
    source = str(path) if path else "package data sample_rows.csv"
    try:
        text = (
            path.read_text() if path else resources.files("abalone_deploy").joinpath("data/sample_rows.csv").read_text()
        )
    except OSError as error:
        raise UsageError(f"--rows {path}: cannot read it ({error.strerror})") from None
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or tuple(c.strip() for c in lines[0]) != FEATURE_COLUMNS:
        raise UsageError(f"{source}: the header must be {','.join(FEATURE_COLUMNS)} (the model's feature order)")
    rows = [row for row in lines[1:] if row]
    if not rows:
        raise UsageError(f"{source}: no data rows below the header")
    for number, row in enumerate(rows, start=2):
        if len(row) != len(FEATURE_COLUMNS):
            raise UsageError(f"{source}:{number}: {len(row)} values, expected {len(FEATURE_COLUMNS)}")
        for value in row:
            try:
                float(value)
            except ValueError:
                raise UsageError(f"{source}:{number}: {value!r} is not a number") from None
    return rows


def rows_to_csv(rows: Sequence[Sequence[str]]) -> str:
    """The request body: header-less CSV, as the built-in XGBoost container expects."""
    return "".join(",".join(v.strip() for v in row) + "\n" for row in rows)


def parse_predictions(body: str) -> list[str]:
    """Split a text/csv response; the XGBoost container separates predictions by commas or newlines."""
    return [item.strip() for item in re.split(r"[,\r\n]+", body) if item.strip()]


def check_predictions(
    raw: Sequence[str], expected: int, low: float = DEFAULT_MIN_RINGS, high: float = DEFAULT_MAX_RINGS
) -> list[float]:
    """Numbers, one per row, finite and in ``[low, high]``; otherwise an error listing the offenders."""
    if len(raw) != expected:
        raise EndpointTestError(
            f"the endpoint returned {len(raw)} predictions for {expected} rows: {list(raw)[:_SHOWN]}"
        )
    values: list[float] = []
    not_numbers: list[str] = []
    for index, item in enumerate(raw, start=1):
        try:
            values.append(float(item))
        except ValueError:
            not_numbers.append(f"row {index}: {item!r}")
    if not_numbers:
        raise EndpointTestError(f"non-numeric predictions: {'; '.join(not_numbers[:_SHOWN])}")
    bad = [f"row {i}: {v}" for i, v in enumerate(values, start=1) if not math.isfinite(v) or not low <= v <= high]
    if bad:
        raise EndpointTestError(
            f"predictions outside the plausible ring count range [{low:g}, {high:g}] or not finite: {'; '.join(bad[:_SHOWN])}"
        )
    return values


def run_endpoint_test(
    sagemaker: Any,
    runtime: Any,
    endpoint: str,
    rows: Sequence[Sequence[str]],
    low: float = DEFAULT_MIN_RINGS,
    high: float = DEFAULT_MAX_RINGS,
) -> list[float]:
    """Check the endpoint is InService, invoke it with ``rows`` and check its predictions."""
    try:
        status = sagemaker.describe_endpoint(EndpointName=endpoint).get("EndpointStatus")
    except ClientError as error:
        raise EndpointTestError(
            f"cannot describe endpoint {endpoint}: {error} (was it deployed to this stage?)"
        ) from None
    if status != "InService":
        raise EndpointTestError(f"endpoint {endpoint} is {status}, not InService: nothing to test yet")
    try:
        response = runtime.invoke_endpoint(
            EndpointName=endpoint, ContentType="text/csv", Accept="text/csv", Body=rows_to_csv(rows)
        )
        body = response["Body"].read().decode("utf-8", errors="replace")
    except (ClientError, BotoCoreError) as error:
        raise EndpointTestError(f"invoking endpoint {endpoint} failed: {error}") from None
    return check_predictions(parse_predictions(body), len(rows), low, high)


def check_stage_endpoint(
    clients: cli.Clients,
    target: Target,
    rows_path: Path | None = None,
    low: float = DEFAULT_MIN_RINGS,
    high: float = DEFAULT_MAX_RINGS,
) -> list[float]:
    """The endpoint test of a stage, as the deploy workflow runs it after every deployment."""
    rows = load_rows(rows_path)
    values = run_endpoint_test(clients.sagemaker, clients.runtime, target.endpoint_name, rows, low, high)
    print(
        f"endpoint {target.endpoint_name} passed: {len(values)} predictions in [{low:g}, {high:g}]: "
        + ", ".join(f"{v:.2f}" for v in values)
    )
    return values


def main(argv: Sequence[str] | None = None, clients: cli.Clients | None = None) -> int:
    parser = cli.parser(__doc__)
    cli.add_target_arguments(parser)
    parser.add_argument(
        "--rows", type=Path, help=f"CSV with header {','.join(FEATURE_COLUMNS)} (default: packaged sample)"
    )
    parser.add_argument("--min-rings", type=float, default=DEFAULT_MIN_RINGS)
    parser.add_argument("--max-rings", type=float, default=DEFAULT_MAX_RINGS)

    def run(args: Any) -> None:
        if not args.min_rings < args.max_rings:
            raise UsageError(f"--min-rings {args.min_rings:g} must be below --max-rings {args.max_rings:g}")
        target = cli.target_from_args(args)
        check_stage_endpoint(
            clients or cli.default_clients(target.region), target, args.rows, args.min_rings, args.max_rings
        )

    return cli.run(parser, argv, run)
