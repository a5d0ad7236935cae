"""Score a trained XGBoost model on the held-out test split and write ``evaluation.json``.

The report has the SageMaker model-quality shape
``{"regression_metrics": {"mse": {"value", "standard_deviation"}, "rmse": {...}}}``: the pipeline's
condition step reads ``regression_metrics.mse.value`` from it, and the model registry shows it
as the package's model-quality metrics.

Runs in two places:

* as a SageMaker Processing script in the built-in XGBoost image (same XGBoost that trained the
  model): with no arguments it reads ``/opt/ml/processing/model/model.tar.gz`` and
  ``/opt/ml/processing/test/*.csv`` and writes ``/opt/ml/processing/evaluation/evaluation.json``;
* locally: ``python -m abalone_build.evaluate --model model.tar.gz --test test.csv --output-dir out/``.

The model may be the training job's ``model.tar.gz`` (holding ``xgboost-model``), a directory
holding either of those, or a plain model file. Like the preprocessing script it runs without
the package installed, in the image's older Python, so it depends only on the standard library,
numpy and xgboost, and keeps to Python 3.8 syntax.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import tarfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xgboost as xgb

MODEL_ARCHIVE = "model.tar.gz"
MODEL_FILE = "xgboost-model"
REPORT_FILE = "evaluation.json"

PROCESSING_MODEL = Path("/opt/ml/processing/model")
PROCESSING_TEST = Path("/opt/ml/processing/test")
PROCESSING_OUTPUT = Path("/opt/ml/processing/evaluation")


class EvaluationError(ValueError):
    """The model or the test data cannot be used (the message names the file and the fix)."""


def _booster_from(source: bytearray, described_as: str) -> xgb.Booster:
    booster = xgb.Booster()
    try:
        booster.load_model(source)
    except xgb.core.XGBoostError as error:
        raise EvaluationError(
            f"{described_as} is not an XGBoost model this xgboost {xgb.__version__} can load: "
            f"{str(error).splitlines()[0]}. Models of the SageMaker XGBoost 1.7-1 container need "
            "xgboost < 3.1 (pip install 'xgboost-cpu<3.1'); containers before 1.3-1 pickled their "
            "models, which this script does not load."
        ) from None
    return booster


def _booster_from_archive(archive: Path) -> xgb.Booster:
    """Read ``xgboost-model`` straight out of the archive: nothing else in it is extracted."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            names = tar.getnames()
            member = next((m for m in tar.getmembers() if Path(m.name).name == MODEL_FILE and m.isfile()), None)
            if member is None:
                raise EvaluationError(f"{archive} holds no {MODEL_FILE} (it holds: {', '.join(names) or 'nothing'})")
            handle = tar.extractfile(member)
            assert handle is not None  # noqa: S101 - a regular file member always has content
            data = bytearray(handle.read())
    except tarfile.TarError as error:
        raise EvaluationError(f"{archive} is not a readable tar archive: {error}") from None
    return _booster_from(data, f"{archive}!{member.name}")


def model_file(path: Path) -> Path:
    """The file the model is read from: ``path``, or the archive (else model file) a directory holds."""
    if path.is_dir():
        for candidate in (path / MODEL_ARCHIVE, path / MODEL_FILE):
            if candidate.is_file():
                return candidate
        raise EvaluationError(f"{path} holds neither {MODEL_ARCHIVE} nor {MODEL_FILE}")
    if not path.is_file():
        raise EvaluationError(f"model {path} does not exist (pass --model with model.tar.gz or a model file)")
    return path


def sha256_of(path: Path) -> str:
    """The SHA-256 of the evaluated file: the registration records it, the deployment checks it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_booster(path: Path) -> xgb.Booster:
    """Load the model from an archive, a directory holding one, or a plain model file."""
    path = model_file(path)
    if tarfile.is_tarfile(path):
        return _booster_from_archive(path)
    # From bytes: xgboost then detects the format from the content, not from the file name
    # (SageMaker's "xgboost-model" has no extension).
    return _booster_from(bytearray(path.read_bytes()), str(path))


def _test_csv(path: Path) -> Path:
    if path.is_dir():
        candidates = sorted(p for p in path.glob("*.csv") if p.is_file())
        if len(candidates) != 1:
            found = ", ".join(p.name for p in candidates) or "none"
            raise EvaluationError(f"expected exactly one .csv test file in {path}, found {found}")
        return candidates[0]
    if not path.is_file():
        raise EvaluationError(f"test data {path} does not exist (pass --test with the test split CSV)")
    return path


def load_test_split(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(features, target)`` from a header-less CSV whose first column is the target."""
    csv_path = _test_csv(path)
    try:
        data = np.loadtxt(csv_path, delimiter=",", ndmin=2)
    except ValueError as error:
        raise EvaluationError(f"{csv_path} is not a numeric CSV with the target first and no header: {error}") from None
    if data.shape[0] == 0 or data.shape[1] < 2:
        raise EvaluationError(f"{csv_path} needs at least one row and a target plus one feature column")
    return data[:, 1:], data[:, 0]


def regression_metrics(target: np.ndarray, predicted: np.ndarray) -> dict[str, dict[str, dict[str, float]]]:
    """MSE and RMSE in the model-quality shape.

    ``standard_deviation`` of ``mse`` is that of the squared errors; of ``rmse``, that of the
    residuals (target - prediction): the spread behind each figure, in its own unit.
    """
    residuals = np.asarray(target, dtype=np.float64) - np.asarray(predicted, dtype=np.float64)
    squared = residuals**2
    mse = float(np.mean(squared))
    return {
        "regression_metrics": {
            "mse": {"value": mse, "standard_deviation": float(np.std(squared))},
            "rmse": {"value": math.sqrt(mse), "standard_deviation": float(np.std(residuals))},
        }
    }


def evaluate(model_path: Path, test_path: Path, output_dir: Path) -> dict[str, Any]:
    """Predict the test split, write ``<output_dir>/evaluation.json`` and return the report: the
    metrics, and the SHA-256 of the evaluated archive (``model.sha256``), which the pipeline records
    in the registered package so that a deployment can refuse an archive swapped afterwards."""
    booster = load_booster(model_path)
    features, target = load_test_split(test_path)
    if booster.num_features() != features.shape[1]:
        raise EvaluationError(
            f"the model expects {booster.num_features()} features, the test split has {features.shape[1]}: "
            "were they produced by the same preprocess step?"
        )
    predicted = booster.predict(xgb.DMatrix(features))
    report: dict[str, Any] = {
        **regression_metrics(target, predicted),
        "model": {"sha256": sha256_of(model_file(model_path))},
    }
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / REPORT_FILE).write_text(json.dumps(report, indent=2) + "\n")
    return report


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model", type=Path, default=PROCESSING_MODEL, help="model.tar.gz, a model file, or a directory holding one"
    )
    parser.add_argument(
        "--test", type=Path, default=PROCESSING_TEST, help="test split CSV, or a directory holding exactly one"
    )
    parser.add_argument("--output-dir", type=Path, default=PROCESSING_OUTPUT, help=f"writes {REPORT_FILE} here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = evaluate(args.model, args.test, args.output_dir)
    except EvaluationError as error:
        print(f"evaluate: {error}", file=sys.stderr)
        return 2
    metrics = report["regression_metrics"]
    print(
        f"test MSE {metrics['mse']['value']:.4f}, RMSE {metrics['rmse']['value']:.4f} -> {args.output_dir / REPORT_FILE}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
