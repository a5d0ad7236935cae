"""benchmarks/abalone_mse.py: a two-seed run's output, and the current set's figures over the ten
split seeds against those recorded beside REGISTRATION_MSE_THRESHOLD (no timing)."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
import xgboost
from abalone_build import hyperparameters

from tests.conftest import REPO_ROOT

NUMBER = r"\s+(\d+\.\d{4})"


@pytest.fixture(scope="module")
def abalone_mse() -> ModuleType:
    """benchmarks/abalone_mse.py, imported as its scripts run (its folder on sys.path)."""
    benchmarks = str(REPO_ROOT / "benchmarks")
    sys.path.insert(0, benchmarks)
    try:
        return importlib.import_module("abalone_mse")
    finally:
        sys.path.remove(benchmarks)


def test_a_run_prints_a_row_per_seed_then_each_columns_summary_and_the_threshold(
    abalone_mse: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert abalone_mse.main(["--seeds", "1", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()

    assert lines[0].split() == [
        "split",
        "seed",
        "test",
        "rows",
        "baseline",
        "previous",
        "current",
        "change",
        "previous",
        "rounds",
        "current",
        "rounds",
    ]
    rows = [line.split() for line in lines[1:3]]
    assert [(row[0], row[1], row[-2]) for row in rows] == [("1", "628", "100"), ("2", "628", "100")]
    assert all(float(row[4]) < float(row[3]) < float(row[2]) for row in rows)  # current < previous < baseline
    assert all(int(row[-1]) < hyperparameters.NUM_ROUND for row in rows)  # stopped early
    assert lines[4] == "test MSE over 2 split seeds (1, 2)"
    summary = {line[:24].strip(): [float(value) for value in re.findall(NUMBER, line[24:])] for line in lines[6:9]}
    assert list(summary) == ["baseline (train mean)", "previous", "current"]
    assert all(len(values) == 4 for values in summary.values())  # mean, std dev, min, max
    assert summary["previous"][2] == float(rows[1][3]) and summary["previous"][3] == float(rows[0][3])  # seed 2 lower
    assert lines[9] == "registration threshold and goal: defined over split seeds 1..10 only (run without --seeds)"
    assert lines[10].startswith("xgboost ")


def test_over_the_ten_seeds_the_threshold_by_the_rule_stands_beside_the_constant(
    abalone_mse: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = abalone_mse.Summary(mean=4.2737, stdev=0.3039, low=3.8673, high=4.8392)
    abalone_mse.print_threshold(summary, abalone_mse.SEEDS)
    assert capsys.readouterr().out.splitlines() == [
        "registration threshold by the rule (mean + 2 std dev, rounded up to 0.1): 4.2737 + 2 x 0.3039 = 4.8815 -> 4.9; "
        f"REGISTRATION_MSE_THRESHOLD = {hyperparameters.REGISTRATION_MSE_THRESHOLD} (consistent)",
        "goal: mean test MSE <= 4.3: 4.2737 (met)",
    ]


def test_the_recorded_measurement_is_what_the_benchmark_measures(abalone_mse: ModuleType, tmp_path: Path) -> None:
    """The figures behind REGISTRATION_MSE_THRESHOLD are the current set's over split seeds 1..10."""
    results = abalone_mse.measure(
        abalone_mse.DATA, abalone_mse.SEEDS, tmp_path, sets={"current": hyperparameters.CURRENT}
    )
    summary = abalone_mse.summarize([result.models["current"].mse for result in results])

    rerun = f"with xgboost {xgboost.__version__}: re-run benchmarks/abalone_mse.py and update hyperparameters.py"
    assert round(summary.mean, 4) == hyperparameters.MEASURED_TEST_MSE_MEAN, rerun
    assert round(summary.stdev, 4) == hyperparameters.MEASURED_TEST_MSE_STANDARD_DEVIATION, rerun
    assert (
        hyperparameters.registration_threshold(summary.mean, summary.stdev)
        == hyperparameters.REGISTRATION_MSE_THRESHOLD
    )
