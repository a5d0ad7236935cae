"""abalone_build.train_local, and the whole offline chain preprocess -> train -> evaluate.

The chain is the reference measurement of the README: test-split MSE and RMSE of the model the
pipeline's hyperparameters produce on the UCI Abalone data, against the pipeline's default
registration threshold (MSE <= 6.0).
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
from abalone_build.pipeline import DEFAULT_MSE_THRESHOLD


@pytest.fixture(scope="module")
def chain(abalone_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run the three command-line entry points once, as a user would, in a private directory."""
    root = tmp_path_factory.mktemp("chain")
    data, model, report = root / "data", root / "model", root / "evaluation"
    assert preprocess.main(["--input", str(abalone_csv), "--output-dir", str(data)]) == 0
    assert train_local.main(["--data-dir", str(data), "--output-dir", str(model)]) == 0
    test_csv = data / "test" / "test.csv"
    assert evaluate.main(["--model", str(model / "model.tar.gz"), "--test", str(test_csv), "--output-dir", str(report)]) == 0
    return {"data": data, "model": model, "report": report / "evaluation.json"}


def test_the_model_meets_the_registration_threshold_on_the_held_out_test_split(chain: dict[str, Path]) -> None:
    metrics = json.loads(chain["report"].read_text())["regression_metrics"]
    mse, rmse = metrics["mse"]["value"], metrics["rmse"]["value"]
    test = np.loadtxt(chain["data"] / "test" / "test.csv", delimiter=",")
    train = np.loadtxt(chain["data"] / "train" / "train.csv", delimiter=",")
    baseline = float(np.mean((test[:, 0] - train[:, 0].mean()) ** 2))

    print(f"\nabalone test split ({len(test)} rows): MSE {mse:.4f}, RMSE {rmse:.4f}; predicting the train mean: MSE {baseline:.4f}")
    assert rmse == pytest.approx(math.sqrt(mse))
    assert mse <= DEFAULT_MSE_THRESHOLD
    assert mse < 0.6 * baseline  # it learned something, not just the mean


def test_the_archive_is_what_the_training_job_writes(chain: dict[str, Path]) -> None:
    with tarfile.open(chain["model"] / "model.tar.gz") as tar:
        assert tar.getnames() == ["xgboost-model"]
    booster = evaluate.load_booster(chain["model"] / "model.tar.gz")
    assert booster.num_features() == len(preprocess.OUTPUT_COLUMNS) - 1
    assert booster.num_boosted_rounds() == hyperparameters.NUM_ROUND


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
    assert pipeline.pop("num_round") == str(hyperparameters.NUM_ROUND) == "100"
    assert pipeline == {key: str(value) for key, value in local.items()}
    assert local["objective"] == "reg:squarederror"
    assert (local["max_depth"], local["eta"], local["subsample"]) == (5, 0.2, 0.8)


def test_missing_splits_point_to_preprocess(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert train_local.main(["--data-dir", str(tmp_path), "--output-dir", str(tmp_path / "model")]) == 2
    assert "run abalone_build.preprocess first" in capsys.readouterr().err
