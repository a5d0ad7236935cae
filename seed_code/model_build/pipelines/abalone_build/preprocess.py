"""Turn the raw UCI Abalone CSV into the train/validation/test files SageMaker XGBoost reads.

The same file runs in two places, so both see exactly the same features and split:

* as a SageMaker Processing script (scikit-learn image): run with no arguments, it reads the
  single CSV under ``/opt/ml/processing/input`` and writes
  ``/opt/ml/processing/{train,validation,test}/<split>.csv``;
* locally: ``python -m abalone_build.preprocess --input abalone.csv --output-dir out/``.

Output rows are ``Rings, <7 measurements>, Sex_F, Sex_I, Sex_M`` with no header: the built-in
XGBoost algorithm takes the target from the first CSV column and cannot skip a header.

The Processing job runs this file on its own (uploaded to S3, no package installed), in the
image's Python, which is older than this project's: it depends only on the standard library and
numpy, and keeps to Python 3.8 syntax.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

MEASUREMENT_COLUMNS = (
    "Length",
    "Diameter",
    "Height",
    "Whole_Weight",
    "Shucked_Weight",
    "Viscera_Weight",
    "Shell_Weight",
)
TARGET_COLUMN = "Rings"
SEX_CATEGORIES = ("F", "I", "M")
RAW_COLUMNS = ("Sex", *MEASUREMENT_COLUMNS, TARGET_COLUMN)
OUTPUT_COLUMNS = (TARGET_COLUMN, *MEASUREMENT_COLUMNS, *tuple("Sex_" + s for s in SEX_CATEGORIES))
SPLITS = ("train", "validation", "test")

PROCESSING_INPUT = Path("/opt/ml/processing/input")
PROCESSING_OUTPUT = Path("/opt/ml/processing")

DEFAULT_SEED = 42
DEFAULT_TRAIN_FRACTION = 0.70
DEFAULT_VALIDATION_FRACTION = 0.15


class DataError(ValueError):
    """The input is not the abalone CSV this script expects (the message says where and why)."""


class Splits(NamedTuple):
    """Row-aligned matrices (target in column 0) of the three splits."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray


def find_input_csv(path: Path) -> Path:
    """Return ``path`` if it is a file, else the single ``*.csv`` directly inside the directory.

    SageMaker copies the input S3 object into a directory, keeping its file name, so the script
    must not assume a name.
    """
    if path.is_file():
        return path
    if not path.is_dir():
        raise DataError(f"input {path} does not exist (pass --input with the abalone CSV file or its directory)")
    candidates = sorted(p for p in path.glob("*.csv") if p.is_file())
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise DataError(f"expected exactly one .csv file in {path}, found {found}; pass --input with the file itself")
    return candidates[0]


def _is_header(row: Sequence[str]) -> bool:
    """A header row names the columns: its target field is not a number (the UCI file has none)."""
    try:
        float(row[-1])
    except (ValueError, IndexError):
        return True
    return False


def read_abalone(path: Path) -> np.ndarray:
    """Read the CSV (with or without a header) into a float matrix in ``OUTPUT_COLUMNS`` order.

    Rows are validated one by one so that a bad file fails with its line number rather than
    producing a silently shifted feature matrix.
    """
    rows = []
    with path.open(newline="") as handle:
        for line_number, row in enumerate(csv.reader(handle), start=1):
            if not row or all(not field.strip() for field in row):
                continue
            if line_number == 1 and _is_header(row):
                names = tuple(field.strip() for field in row)
                if names != RAW_COLUMNS:
                    raise DataError(f"{path}:1: header {list(names)} is not the abalone header {list(RAW_COLUMNS)}")
                continue
            rows.append(_encode_row(path, line_number, row))
    if not rows:
        raise DataError(f"{path} holds no data rows")
    return np.asarray(rows, dtype=np.float64)


def _encode_row(path: Path, line_number: int, row: Sequence[str]) -> list[float]:
    """One raw row -> ``[Rings, measurements..., Sex_F, Sex_I, Sex_M]``."""
    if len(row) != len(RAW_COLUMNS):
        raise DataError(
            f"{path}:{line_number}: {len(row)} fields, expected {len(RAW_COLUMNS)} ({', '.join(RAW_COLUMNS)})"
        )
    sex = row[0].strip()
    if sex not in SEX_CATEGORIES:
        raise DataError(f"{path}:{line_number}: Sex is {sex!r}, expected one of {', '.join(SEX_CATEGORIES)}")
    try:
        numbers = [float(field) for field in row[1:]]
    except ValueError as error:
        raise DataError(f"{path}:{line_number}: not a number in {row[1:]} ({error})") from None
    target = numbers[-1]
    one_hot = [1.0 if sex == category else 0.0 for category in SEX_CATEGORIES]
    return [target, *numbers[:-1], *one_hot]


def split_rows(
    data: np.ndarray,
    seed: int = DEFAULT_SEED,
    train_fraction: float = DEFAULT_TRAIN_FRACTION,
    validation_fraction: float = DEFAULT_VALIDATION_FRACTION,
) -> Splits:
    """Shuffle with a seeded generator and cut into train/validation/test (the rest is test).

    Seeded so that a rerun of the pipeline, and the local run, evaluate on the same test rows.
    """
    if not (0 < train_fraction < 1 and 0 < validation_fraction < 1 and train_fraction + validation_fraction < 1):
        raise DataError(
            f"fractions train={train_fraction} validation={validation_fraction} must be in (0, 1) "
            "and leave a non-empty test split"
        )
    order = np.random.default_rng(seed).permutation(len(data))
    n_train = int(len(data) * train_fraction)
    n_validation = int(len(data) * validation_fraction)
    if n_train == 0 or n_validation == 0 or n_train + n_validation >= len(data):
        raise DataError(f"{len(data)} rows are too few for a {train_fraction}/{validation_fraction}/rest split")
    shuffled = data[order]
    return Splits(
        train=shuffled[:n_train],
        validation=shuffled[n_train : n_train + n_validation],
        test=shuffled[n_train + n_validation :],
    )


def write_splits(splits: Splits, output_dir: Path) -> dict[str, Path]:
    """Write ``<output_dir>/<split>/<split>.csv`` (target first, no header); return the paths."""
    written = {}
    for name in SPLITS:
        target_dir = output_dir / name
        target_dir.mkdir(parents=True, exist_ok=True)
        path = target_dir / (name + ".csv")
        np.savetxt(path, getattr(splits, name), delimiter=",", fmt="%.10g")
        written[name] = path
    return written


def preprocess(
    input_path: Path,
    output_dir: Path,
    seed: int = DEFAULT_SEED,
    train_fraction: float = DEFAULT_TRAIN_FRACTION,
    validation_fraction: float = DEFAULT_VALIDATION_FRACTION,
) -> dict[str, Path]:
    """Read, encode, split and write; the whole step as one call (used by the tests and ``main``)."""
    data = read_abalone(find_input_csv(input_path))
    return write_splits(split_rows(data, seed, train_fraction, validation_fraction), output_dir)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--input", type=Path, default=PROCESSING_INPUT, help="abalone CSV file, or a directory holding exactly one"
    )
    parser.add_argument(
        "--output-dir", type=Path, default=PROCESSING_OUTPUT, help="writes train/, validation/ and test/ here"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--train-fraction", type=float, default=DEFAULT_TRAIN_FRACTION)
    parser.add_argument("--validation-fraction", type=float, default=DEFAULT_VALIDATION_FRACTION)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        written = preprocess(args.input, args.output_dir, args.seed, args.train_fraction, args.validation_fraction)
    except DataError as error:
        print(f"preprocess: {error}", file=sys.stderr)
        return 2
    for name, path in written.items():
        rows = sum(1 for _ in path.open())
        print(f"{name}: {rows} rows -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
