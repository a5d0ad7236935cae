"""The endpoint test: sample rows in the model's feature order, predictions checked for sense."""

from __future__ import annotations

from pathlib import Path

import pytest
from abalone_deploy import endpoint_test
from abalone_deploy.deploy import run_deploy
from abalone_deploy.endpoint_test import (
    FEATURE_COLUMNS,
    EndpointTestError,
    check_predictions,
    load_rows,
    parse_predictions,
    rows_to_csv,
)
from abalone_deploy.names import UsageError
from deploy_world import FAST, GOOD_ANSWER, World

ARGV = [
    "--prefix",
    "mlops",
    "--stage",
    "staging",
    "--project",
    "abalone",
    "--dev-account",
    "111111111111",
    "--region",
    "eu-west-1",
]


def test_feature_order_is_the_model_builds() -> None:
    preprocess = pytest.importorskip("abalone_build.preprocess")
    assert FEATURE_COLUMNS == preprocess.OUTPUT_COLUMNS[1:]


def test_the_packaged_sample_rows_are_one_hot_encoded_abalone() -> None:
    rows = load_rows()
    assert len(rows) == 5
    for row in rows:
        values = [float(v) for v in row]
        assert sorted(values[7:]) == [0.0, 0.0, 1.0]  # exactly one Sex category
        assert all(0 < v < 3 for v in values[:7])
    assert rows_to_csv(rows[:1]) == "0.455,0.365,0.095,0.514,0.2245,0.101,0.15,0,0,1\n"


def test_predictions_are_read_comma_or_newline_separated() -> None:
    assert parse_predictions("9.5,10.25\n") == ["9.5", "10.25"]
    assert parse_predictions("9.5\n10.25\n") == ["9.5", "10.25"]
    assert check_predictions(["9.5", "10.25"], 2) == [9.5, 10.25]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (["9.5"], "returned 1 predictions for 2 rows"),
        (["9.5", "10", "11"], "returned 3 predictions for 2 rows"),
        (["9.5", "ten"], "non-numeric predictions: row 2: 'ten'"),
        (["9.5", "nan"], "plausible ring count range \\[1, 30\\] or not finite: row 2: nan"),
        (["inf", "9"], "row 1: inf"),
        (["0.2", "9"], "row 1: 0.2"),
        (["9", "57"], "row 2: 57"),
    ],
)
def test_wrong_predictions_fail_with_the_row_and_the_reason(raw: list[str], message: str) -> None:
    with pytest.raises(EndpointTestError, match=message):
        check_predictions(raw, 2)


def test_a_rows_file_with_another_column_order_is_refused(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("Sex_M," + ",".join(FEATURE_COLUMNS[:-1]) + "\n1,0.4,0.3,0.1,0.5,0.2,0.1,0.15,0,0\n")
    with pytest.raises(UsageError, match="the header must be Length,Diameter"):
        load_rows(rows)


def _deployed(world: World) -> World:
    world.register("Approved")
    run_deploy(world.clients("staging"), world.target("staging"), None, FAST)
    return world


def test_good_predictions_pass(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    _deployed(ready).answer("staging", GOOD_ANSWER)
    assert endpoint_test.main(ARGV, clients=ready.clients("staging")) == 0
    assert "endpoint mlops-staging-abalone passed: 5 predictions in [1, 30]: 9.80, 11.20" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("9.8,11.2,7.4", "returned 3 predictions for 5 rows"),
        ("9.8,11.2,oops,10.9,9.1", "non-numeric predictions: row 3: 'oops'"),
        ("9.8,11.2,7.4,-3,9.1", "row 4: -3"),
        ("body", "returned 1 predictions for 5 rows"),
    ],
)
def test_wrong_predictions_exit_1_with_a_clear_message(
    ready: World, capsys: pytest.CaptureFixture[str], answer: str, message: str
) -> None:
    _deployed(ready).answer("staging", answer)
    assert endpoint_test.main(ARGV, clients=ready.clients("staging")) == 1
    assert message in capsys.readouterr().err


def test_an_endpoint_that_is_not_in_service_is_not_invoked(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    from moto.sagemaker.models import sagemaker_backends

    _deployed(ready)
    sagemaker_backends["222222222222"]["eu-west-1"].endpoints["mlops-staging-abalone"].endpoint_status = "Updating"
    assert endpoint_test.main(ARGV, clients=ready.clients("staging")) == 1
    assert "endpoint mlops-staging-abalone is Updating, not InService" in capsys.readouterr().err


def test_a_missing_endpoint_is_reported(ready: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert endpoint_test.main(ARGV, clients=ready.clients("staging")) == 1
    assert "cannot describe endpoint mlops-staging-abalone" in capsys.readouterr().err


def test_the_real_model_answers_the_sample_rows_within_the_range(tmp_path: Path) -> None:
    """The range is not arbitrary: the model-build's own model, trained locally, passes it."""
    train_local = pytest.importorskip("abalone_build.train_local")
    preprocess = pytest.importorskip("abalone_build.preprocess")
    xgboost = pytest.importorskip("xgboost")
    import numpy as np

    data = Path(__file__).resolve().parents[2] / "model_build" / "data" / "abalone.csv"  # the model-build code's copy
    if not data.is_file():
        pytest.skip(f"abalone data not found at {data}")
    preprocess.main(["--input", str(data), "--output-dir", str(tmp_path / "data")])
    train_local.main(["--data-dir", str(tmp_path / "data"), "--output-dir", str(tmp_path / "model")])
    import tarfile

    with tarfile.open(tmp_path / "model" / "model.tar.gz") as archive:
        archive.extractall(tmp_path / "model", filter="data")
    booster = xgboost.Booster()
    booster.load_model(str(tmp_path / "model" / "xgboost-model"))
    rows = np.array([[float(v) for v in row] for row in load_rows()])
    predictions = booster.predict(xgboost.DMatrix(rows))
    values = check_predictions([f"{p:.4f}" for p in predictions], len(rows))
    print("local model on the sample rows:", [round(v, 2) for v in values])
