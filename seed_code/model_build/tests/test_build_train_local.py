"""abalone_build.train_local, and the whole offline chain preprocess -> train -> evaluate.

The chain is the reference measurement of the README: test-split MSE and RMSE of the model the
pipeline's hyperparameters produce on the UCI Abalone data (split seed 42, the pipeline's default),
against the pipeline's registration threshold (hyperparameters.REGISTRATION_MSE_THRESHOLD).
"""

from __future__ import annotations

import json
import math
import tarfile
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb
from abalone_build import evaluate, hyperparameters, preprocess, train_local


@pytest.fixture(scope="module")
def chain(abalone_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run the three command-line entry points once, as a user would, in a private directory."""
    root = tmp_path_factory.mktemp("chain")
    data, model, report = root / "data", root / "model", root / "evaluation"
    assert preprocess.main(["--input", str(abalone_csv), "--output-dir", str(data)]) == 0
    assert train_local.main(["--data-dir", str(data), "--output-dir", str(model)]) == 0
    test_csv = data / "test" / "test.csv"
    assert (
        evaluate.main(["--model", str(model / "model.tar.gz"), "--test", str(test_csv), "--output-dir", str(report)])
        == 0
    )
    return {"data": data, "model": model, "report": report / "evaluation.json"}


def test_the_model_meets_the_registration_threshold_on_the_held_out_test_split(chain: dict[str, Path]) -> None:
    metrics = json.loads(chain["report"].read_text())["regression_metrics"]
    mse, rmse = metrics["mse"]["value"], metrics["rmse"]["value"]
    test = np.loadtxt(chain["data"] / "test" / "test.csv", delimiter=",")
    train = np.loadtxt(chain["data"] / "train" / "train.csv", delimiter=",")
    baseline = float(np.mean((test[:, 0] - train[:, 0].mean()) ** 2))
    rounds = evaluate.load_booster(chain["model"] / "model.tar.gz").num_boosted_rounds()
    threshold = hyperparameters.REGISTRATION_MSE_THRESHOLD

    print(
        f"\nabalone test split ({len(test)} rows): MSE {mse:.4f}, RMSE {rmse:.4f} after {rounds} rounds; "
        f"predicting the train mean: MSE {baseline:.4f}; registration threshold {threshold}"
    )
    assert rmse == pytest.approx(math.sqrt(mse))
    assert mse <= threshold
    assert mse < 0.6 * baseline  # it learned something, not just the mean


def test_the_archive_is_what_the_training_job_writes(chain: dict[str, Path]) -> None:
    with tarfile.open(chain["model"] / "model.tar.gz") as tar:
        assert tar.getnames() == ["xgboost-model"]
    booster = evaluate.load_booster(chain["model"] / "model.tar.gz")
    assert booster.num_features() == len(preprocess.OUTPUT_COLUMNS) - 1
    assert booster.num_boosted_rounds() < hyperparameters.NUM_ROUND  # it stopped early


def _validation_rmse_by_rounds(booster: xgb.Booster, data_dir: Path) -> list[float]:
    """The validation RMSE of the model's first 1, 2, ... rounds."""
    features, target = evaluate.load_test_split(data_dir / "validation" / "validation.csv")
    matrix = xgb.DMatrix(features)
    return [
        float(np.sqrt(np.mean((target - booster.predict(matrix, iteration_range=(0, rounds))) ** 2)))
        for rounds in range(1, booster.num_boosted_rounds() + 1)
    ]


def test_early_stopping_keeps_the_best_iteration_on_the_validation_split(
    chain: dict[str, Path], tmp_path: Path
) -> None:
    """As the built-in algorithm: training stops EARLY_STOPPING_ROUNDS rounds after the best validation
    RMSE, and the saved model ends at the best round. Compared with the same training let run
    past that point without early stopping (the same first trees: seeded)."""
    stopped = evaluate.load_booster(chain["model"] / "model.tar.gz")
    best_rounds = stopped.num_boosted_rounds()
    patience = hyperparameters.EARLY_STOPPING_ROUNDS
    longer = hyperparameters.Hyperparameters(hyperparameters.PARAMS, best_rounds + patience, early_stopping_rounds=None)
    unstopped = evaluate.load_booster(train_local.train(chain["data"], tmp_path, settings=longer))
    assert unstopped.num_boosted_rounds() == best_rounds + patience  # without early stopping: every round

    rmse = _validation_rmse_by_rounds(unstopped, chain["data"])
    assert int(np.argmin(rmse)) + 1 == best_rounds
    assert min(rmse[best_rounds:]) > rmse[best_rounds - 1]  # the next rounds did not improve: it stopped after them
    features, _ = evaluate.load_test_split(chain["data"] / "test" / "test.csv")
    matrix = xgb.DMatrix(features)
    np.testing.assert_allclose(
        stopped.predict(matrix), unstopped.predict(matrix, iteration_range=(0, best_rounds)), rtol=1e-6
    )


def test_retraining_gives_the_same_model(chain: dict[str, Path], tmp_path: Path) -> None:
    """Seeded split and seeded subsampling: the figures in the README are reproducible."""
    again = train_local.train(chain["data"], tmp_path)
    first = evaluate.load_booster(chain["model"] / "model.tar.gz")
    second = evaluate.load_booster(again)
    features, _ = evaluate.load_test_split(chain["data"] / "test" / "test.csv")

    assert np.array_equal(first.predict(xgb.DMatrix(features)), second.predict(xgb.DMatrix(features)))


def test_local_and_pipeline_hyperparameters_are_the_same_settings() -> None:
    local = hyperparameters.as_xgboost_params()
    pipeline = hyperparameters.as_sagemaker_hyperparameters()
    assert all(isinstance(value, str) for value in pipeline.values())
    assert pipeline.pop("num_round") == str(hyperparameters.NUM_ROUND) == "1000"
    assert pipeline.pop("early_stopping_rounds") == str(hyperparameters.EARLY_STOPPING_ROUNDS) == "30"
    assert pipeline == {key: str(value) for key, value in local.items()}
    assert local["objective"] == "reg:squarederror"
    assert local["tree_method"] == "hist"  # pinned: its default differs between XGBoost 1.7 and 2.x+
    assert pipeline["eval_metric"] == "rmse"  # the built-in algorithm stops early only with an eval_metric


def test_the_training_jobs_hyperparameters_are_exactly_these_strings() -> None:
    assert hyperparameters.as_sagemaker_hyperparameters() == {
        "objective": "reg:squarederror",
        "eval_metric": "rmse",
        "max_depth": "8",
        "eta": "0.05",
        "min_child_weight": "30",
        "subsample": "0.6",
        "colsample_bytree": "0.8",
        "lambda": "5",
        "num_parallel_tree": "4",
        "tree_method": "hist",
        "seed": "42",
        "num_round": "1000",
        "early_stopping_rounds": "30",
    }


def test_early_stopping_without_an_eval_metric_is_refused() -> None:
    """The built-in algorithm would silently train every round: refused before a job is defined."""
    silent = hyperparameters.Hyperparameters({"objective": "reg:squarederror"}, 100, early_stopping_rounds=10)
    with pytest.raises(ValueError, match="eval_metric"):
        hyperparameters.as_sagemaker_hyperparameters(silent)
    with pytest.raises(ValueError, match="eval_metric"):
        train_local.early_stopping(silent)
    assert (
        hyperparameters.Hyperparameters({"eval_metric": "mae,rmse"}, 1, 5).early_stopping_metric() == "rmse"
    )  # the last one
    without = hyperparameters.Hyperparameters({"objective": "reg:squarederror"}, 100)
    assert "early_stopping_rounds" not in hyperparameters.as_sagemaker_hyperparameters(without)
    assert train_local.early_stopping(without) == []


def test_the_registration_threshold_is_the_rule_applied_to_the_measurement() -> None:
    """benchmarks/abalone_mse.py measures the mean and standard deviation over split seeds 1..10."""
    measured = (hyperparameters.MEASURED_TEST_MSE_MEAN, hyperparameters.MEASURED_TEST_MSE_STANDARD_DEVIATION)
    assert hyperparameters.REGISTRATION_MSE_THRESHOLD == hyperparameters.registration_threshold(*measured) == 4.9
    assert measured[0] <= 4.3  # the goal the hyperparameters were chosen for


@pytest.mark.parametrize(
    ("mean", "standard_deviation", "threshold"),
    [
        (4.2737, 0.3039, 4.9),  # 4.8815, rounded up
        (4.0, 0.45, 4.9),  # exactly 4.9 stays 4.9
        (4.0, 0.4505, 5.0),
        (4.6706, 0.2805, 5.3),
    ],
)
def test_the_threshold_rule_rounds_mean_plus_two_deviations_up_to_one_decimal(
    mean: float, standard_deviation: float, threshold: float
) -> None:
    assert hyperparameters.registration_threshold(mean, standard_deviation) == threshold


def test_missing_splits_point_to_preprocess(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert train_local.main(["--data-dir", str(tmp_path), "--output-dir", str(tmp_path / "model")]) == 2
    assert "run abalone_build.preprocess first" in capsys.readouterr().err
