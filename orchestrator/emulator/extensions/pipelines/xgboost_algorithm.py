"""The built-in XGBoost algorithm (image `sagemaker-xgboost`, 1.7-1) as a training container runs it.

Runs inside the job's namespace as the container's entry point, with the standard library, numpy
and xgboost only. It reads what SageMaker writes into a training container:
`/opt/ml/input/config/hyperparameters.json` (every value a string), `inputdataconfig.json` (each
channel's ContentType) and `/opt/ml/input/data/<channel>/` (CSV, target in the first column, no
header; every file of the channel is read). It trains on `train`, evaluates on `train` and
`validation` each round, stops early as the container does (`early_stopping_rounds` on the
`validation` channel, watching the last `eval_metric`, keeping the best iteration; without either
it does not stop early), logs each round as the
container does (`[3]#011train-rmse:...#011validation-rmse:...`, which SageMaker's metric
definitions read), and saves the booster as `/opt/ml/model/xgboost-model` (UBJSON, which the
installed xgboost writes without deprecation; the 1.7-1 container writes the older binary format,
and every xgboost since 1.6 loads both). A bad hyperparameter
or channel ends it with `/opt/ml/output/failure` starting "ClientError:", as the container does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path("/opt/ml")
CSV_TYPES = ("text/csv", "csv", "text/x-csv")

_INTEGERS = {
    "num_round",
    "num_class",
    "early_stopping_rounds",
    "max_depth",
    "max_leaves",
    "max_bin",
    "seed",
    "nthread",
    "num_parallel_tree",
    "verbosity",
    "csv_weights",
    "one_drop",
    "refresh_leaf",
}
_FLOATS = {
    "alpha",
    "base_score",
    "colsample_bylevel",
    "colsample_bynode",
    "colsample_bytree",
    "eta",
    "gamma",
    "lambda",
    "lambda_bias",
    "max_delta_step",
    "min_child_weight",
    "rate_drop",
    "scale_pos_weight",
    "sketch_eps",
    "skip_drop",
    "subsample",
    "tweedie_variance_power",
}
_STRINGS = {
    "booster",
    "eval_metric",
    "grow_policy",
    "objective",
    "tree_method",
    "process_type",
    "sample_type",
    "normalize_type",
    "updater",
    "interaction_constraints",
    "monotone_constraints",
}
_BOOLEANS = {"deterministic_histogram", "single_precision_histogram"}
# Read by the container itself, not passed to xgboost.train's params.
_CONTAINER_ONLY = {"num_round", "early_stopping_rounds", "csv_weights"}


class ClientError(Exception):
    """A problem of the job's configuration or data (the container's ClientError)."""


def _value(name: str, text: str) -> Any:
    try:
        if name in _INTEGERS:
            return int(float(text))
        if name in _FLOATS:
            return float(text)
    except ValueError:
        raise ClientError(f"Hyperparameter validation failed: {name} must be a number, got {text!r}") from None
    if name in _BOOLEANS:
        return text.lower() == "true"
    if name == "eval_metric":
        return [metric.strip() for metric in text.split(",") if metric.strip()]
    return text


def hyperparameters(given: dict[str, str]) -> dict[str, Any]:
    """The typed hyperparameters; unknown names and a missing num_round are refused."""
    known = _INTEGERS | _FLOATS | _STRINGS | _BOOLEANS
    unknown = sorted(name for name in given if name not in known)
    if unknown:
        raise ClientError(
            f"Hyperparameter validation failed: {', '.join(unknown)} not a valid XGBoost 1.7-1 hyperparameter"
        )
    if "num_round" not in given:
        raise ClientError("Hyperparameter validation failed: num_round is required")
    return {name: _value(name, str(text)) for name, text in given.items()}


def _channel_matrix(channel: str, directory: Path, content_type: str) -> Any:
    import numpy  # noqa: PLC0415 - the container's numpy

    if content_type.split(";")[0].strip().lower() not in CSV_TYPES:
        raise ClientError(f"channel {channel}: content type {content_type!r} is not supported here (text/csv only)")
    rows: list[list[float]] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if line.strip():
                try:
                    rows.append([float(value) for value in line.split(",")])
                except ValueError:
                    raise ClientError(
                        f"channel {channel}: {path.name} line {number} is not numeric CSV (no header is allowed)"
                    ) from None
    if not rows:
        raise ClientError(f"channel {channel} holds no data")
    if len({len(row) for row in rows}) != 1:
        raise ClientError(f"channel {channel}: the rows have different numbers of columns")
    return numpy.array(rows, dtype=float)


def _matrices(root: Path) -> dict[str, Any]:
    import xgboost  # noqa: PLC0415

    config = json.loads((root / "input" / "config" / "inputdataconfig.json").read_text())
    if "train" not in config:
        raise ClientError("the train channel is required")
    found = {}
    for channel in ("train", "validation"):
        if channel in config:
            data = _channel_matrix(
                channel, root / "input" / "data" / channel, str(config[channel].get("ContentType", "text/csv"))
            )
            found[channel] = xgboost.DMatrix(data[:, 1:], label=data[:, 0])
    return found


# Metrics early stopping maximizes (the others it minimizes).
_MAXIMIZED = ("auc", "aucpr", "map", "ndcg")


def _early_stopping(params: dict[str, Any], matrices: dict[str, Any]) -> list[Any]:
    """The container's early stopping: on the validation channel, watching the last eval_metric,
    keeping the best iteration. Without a validation channel or an eval_metric it does not stop early."""
    import xgboost  # noqa: PLC0415

    rounds, metrics = params.get("early_stopping_rounds"), params.get("eval_metric") or []
    if not rounds or "validation" not in matrices or not metrics:
        if rounds:
            print("early_stopping_rounds is not applied: it needs a validation channel and eval_metric", flush=True)
        return []
    metric = str(metrics[-1])
    maximize = metric.split("@")[0] in _MAXIMIZED
    return [
        xgboost.callback.EarlyStopping(
            rounds=int(rounds), data_name="validation", metric_name=metric, maximize=maximize, save_best=True
        )
    ]


def train(root: Path) -> Any:
    """Train as the container does; returns the booster (also saved under model/)."""
    import xgboost  # noqa: PLC0415

    params = hyperparameters(json.loads((root / "input" / "config" / "hyperparameters.json").read_text()))
    matrices = _matrices(root)
    booster_params = {name: value for name, value in params.items() if name not in _CONTAINER_ONLY}
    evals = [(matrix, channel) for channel, matrix in matrices.items()]
    booster = xgboost.train(
        booster_params,
        matrices["train"],
        num_boost_round=int(params["num_round"]),
        evals=evals,
        verbose_eval=False,
        callbacks=[_RoundLog(), *_early_stopping(params, matrices)],
    )
    (root / "model").mkdir(parents=True, exist_ok=True)
    (root / "model" / "xgboost-model").write_bytes(bytes(booster.save_raw("ubj")))
    return booster


def _round_log_class() -> type:
    import xgboost  # noqa: PLC0415

    class RoundLog(xgboost.callback.TrainingCallback):
        """One line per round, as the container logs it (CloudWatch shows tabs as #011)."""

        def after_iteration(
            self, model: Any, epoch: int, evals_log: xgboost.callback.TrainingCallback.EvalsLog
        ) -> bool:
            values = [
                f"{channel}-{metric}:{history[-1]:.5f}"
                for channel, metrics in evals_log.items()
                for metric, history in metrics.items()
            ]
            print(f"[{epoch}]#011" + "#011".join(values), flush=True)
            return False

    return RoundLog


def _RoundLog() -> Any:  # noqa: N802 - reads like the class it makes
    return _round_log_class()()


def main(root: Path = ROOT) -> int:
    try:
        train(root)
    except ClientError as exc:
        _fail(root, f"ClientError: {exc}")
        return 2
    except Exception as exc:  # noqa: BLE001 - whatever it is, the job's FailureReason names it
        _fail(root, f"AlgorithmError: {type(exc).__name__}: {exc}")
        return 1
    return 0


def _fail(root: Path, message: str) -> None:
    (root / "output").mkdir(parents=True, exist_ok=True)
    (root / "output" / "failure").write_text(message)
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
