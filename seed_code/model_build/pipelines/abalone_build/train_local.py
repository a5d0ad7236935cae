"""Train the XGBoost model on this machine, with the pipeline's hyperparameters and its early
stopping on the validation split.

Writes what the pipeline's training job writes, so that ``evaluate`` reads either:
``<output-dir>/model.tar.gz`` holding ``xgboost-model`` (and the plain ``xgboost-model`` next to
it). Together with ``preprocess`` and ``evaluate`` this runs the whole chain offline, in seconds:

    python -m abalone_build.preprocess --input data/abalone.csv --output-dir build/data
    python -m abalone_build.train_local --data-dir build/data --output-dir build/model
    python -m abalone_build.evaluate --model build/model/model.tar.gz \\
        --test build/data/test/test.csv --output-dir build/evaluation
"""

from __future__ import annotations

import argparse
import sys
import tarfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xgboost as xgb

from abalone_build import hyperparameters
from abalone_build.evaluate import MODEL_ARCHIVE, MODEL_FILE

# One thread: the data is tiny, and on a busy 2-core machine two OpenMP threads made training
# 20-40x slower (0.3 s with one thread, 6-14 s with two, measured). The model is the same
# for any thread count.
DEFAULT_THREADS = 1


class TrainingError(ValueError):
    """The training data cannot be used (the message names the file and the fix)."""


def load_split(path: Path) -> xgb.DMatrix:
    """A header-less CSV with the target first, as ``preprocess`` writes it."""
    if not path.is_file():
        raise TrainingError(
            f"{path} does not exist: run abalone_build.preprocess first (it writes train/ validation/ test/)"
        )
    data = np.loadtxt(path, delimiter=",", ndmin=2)
    if data.shape[0] == 0 or data.shape[1] < 2:
        raise TrainingError(f"{path} needs at least one row and a target plus one feature column")
    return xgb.DMatrix(data[:, 1:], label=data[:, 0])


def early_stopping(settings: hyperparameters.Hyperparameters) -> list[xgb.callback.TrainingCallback]:
    """The built-in algorithm's early stopping: on the ``validation`` split, with the last metric of
    ``eval_metric``, keeping the best iteration (``save_best``: the rounds after it are dropped from
    the model that is saved); none if the settings do not stop early."""
    if settings.early_stopping_rounds is None:
        return []
    return [
        xgb.callback.EarlyStopping(
            rounds=settings.early_stopping_rounds,
            metric_name=settings.early_stopping_metric(),
            data_name="validation",
            save_best=True,
        )
    ]


def train(
    data_dir: Path,
    output_dir: Path,
    threads: int = DEFAULT_THREADS,
    settings: hyperparameters.Hyperparameters = hyperparameters.CURRENT,
) -> Path:
    """Train on ``train/train.csv``, stopping early on ``validation/validation.csv`` as the
    pipeline's training job does, and return the archive path."""
    train_matrix = load_split(data_dir / "train" / "train.csv")
    validation_matrix = load_split(data_dir / "validation" / "validation.csv")
    params = {**hyperparameters.as_xgboost_params(settings), "nthread": threads}
    booster = xgb.train(
        params,
        train_matrix,
        num_boost_round=settings.num_round,
        evals=[(train_matrix, "train"), (validation_matrix, "validation")],
        callbacks=early_stopping(settings),
        verbose_eval=False,
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    model_file = output_dir / MODEL_FILE
    # UBJSON, named explicitly: the file name has no extension to tell xgboost the format, and
    # UBJSON is the format every xgboost since 1.6 loads (the 1.7 container included).
    model_file.write_bytes(booster.save_raw(raw_format="ubj"))
    archive = output_dir / MODEL_ARCHIVE
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(model_file, arcname=MODEL_FILE)
    return archive


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="preprocess output (holds train/ and validation/)")
    parser.add_argument("--output-dir", type=Path, required=True, help=f"writes {MODEL_ARCHIVE} and {MODEL_FILE} here")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        archive = train(args.data_dir, args.output_dir, args.threads)
    except TrainingError as error:
        print(f"train_local: {error}", file=sys.stderr)
        return 2
    print(f"model -> {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
