"""abalone_build.evaluate: the metrics, the report's shape, and the model formats it reads."""

from __future__ import annotations

import hashlib
import io
import json
import math
import tarfile
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb
from abalone_build import evaluate
from abalone_build.evaluate import EvaluationError


def test_metrics_have_the_model_quality_shape() -> None:
    report = evaluate.regression_metrics(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0, 6.0]))

    metrics = report["regression_metrics"]
    assert set(metrics) == {"mse", "rmse"}
    assert metrics["mse"] == {"value": 1.0, "standard_deviation": pytest.approx(math.sqrt(3))}
    assert metrics["rmse"]["value"] == 1.0
    assert metrics["rmse"]["standard_deviation"] == pytest.approx(np.std([0, 0, 0, -2]))


@pytest.fixture
def tiny_model(tmp_path: Path) -> tuple[Path, Path]:
    """A 3-feature model and a matching test CSV (target first, no header)."""
    rng = np.random.default_rng(0)
    features = rng.random((40, 3))
    target = features @ np.array([1.0, 2.0, 3.0])
    booster = xgb.train({"max_depth": 2, "nthread": 1}, xgb.DMatrix(features, label=target), num_boost_round=5)
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "xgboost-model").write_bytes(booster.save_raw(raw_format="ubj"))
    test_csv = tmp_path / "test.csv"
    np.savetxt(test_csv, np.column_stack([target, features]), delimiter=",")
    return model_dir, test_csv


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_reads_an_archive_a_plain_file_and_a_directory_alike(tiny_model: tuple[Path, Path], tmp_path: Path) -> None:
    model_dir, test_csv = tiny_model
    plain = model_dir / "xgboost-model"
    archive = _archive(tmp_path / "model.tar.gz", {"xgboost-model": plain.read_bytes()})

    reports = [
        evaluate.evaluate(source, test_csv, tmp_path / f"out{i}")
        for i, source in enumerate((plain, archive, model_dir))
    ]

    assert reports[0]["regression_metrics"] == reports[1]["regression_metrics"] == reports[2]["regression_metrics"]
    written = json.loads((tmp_path / "out1" / "evaluation.json").read_text())
    assert written == reports[1]
    # The digest is the evaluated file's: what the pipeline records and a deployment checks.
    assert reports[0]["model"]["sha256"] == hashlib.sha256(plain.read_bytes()).hexdigest()
    assert reports[1]["model"]["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()


def test_an_archive_without_the_model_names_what_it_holds(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "model.tar.gz", {"something-else": b"x"})
    with pytest.raises(EvaluationError, match="holds no xgboost-model \\(it holds: something-else\\)"):
        evaluate.load_booster(archive)


def test_a_file_that_is_no_model_is_reported_with_the_fix(tmp_path: Path) -> None:
    bogus = tmp_path / "xgboost-model"
    bogus.write_bytes(b"not a model")
    with pytest.raises(EvaluationError, match=r"xgboost < 3.1"):
        evaluate.load_booster(bogus)


def test_missing_inputs_fail_with_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = evaluate.main(
        ["--model", str(tmp_path / "nope.tar.gz"), "--test", str(tmp_path), "--output-dir", str(tmp_path)]
    )
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(EvaluationError, match=r"holds neither model.tar.gz nor xgboost-model"):
        evaluate.load_booster(tmp_path)


def test_feature_count_mismatch_is_explained(tiny_model: tuple[Path, Path], tmp_path: Path) -> None:
    model_dir, _ = tiny_model
    wrong = tmp_path / "wide.csv"
    np.savetxt(wrong, np.ones((3, 6)), delimiter=",")
    with pytest.raises(EvaluationError, match="expects 3 features, the test split has 5"):
        evaluate.evaluate(model_dir, wrong, tmp_path / "out")
