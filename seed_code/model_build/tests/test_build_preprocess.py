"""abalone_build.preprocess: encoding, the seeded split, and both ways of running it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from abalone_build import preprocess
from abalone_build.preprocess import DataError

ROWS = 4177  # UCI Abalone


def test_reads_every_row_target_first_with_one_hot_sex(abalone_csv: Path) -> None:
    data = preprocess.read_abalone(abalone_csv)

    assert data.shape == (ROWS, len(preprocess.OUTPUT_COLUMNS)) == (ROWS, 11)
    one_hot = data[:, -3:]
    assert set(np.unique(one_hot)) == {0.0, 1.0}
    assert (one_hot.sum(axis=1) == 1).all()
    # First data row of the file: M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,15
    assert data[0].tolist() == [15, 0.455, 0.365, 0.095, 0.514, 0.2245, 0.101, 0.15, 0, 0, 1]


def test_a_file_without_header_reads_the_same(abalone_csv: Path, tmp_path: Path) -> None:
    headerless = tmp_path / "abalone.csv"
    headerless.write_text("".join(abalone_csv.read_text().splitlines(keepends=True)[1:]))

    assert np.array_equal(preprocess.read_abalone(headerless), preprocess.read_abalone(abalone_csv))


def test_split_is_70_15_15_disjoint_complete_and_seeded(abalone_csv: Path) -> None:
    data = preprocess.read_abalone(abalone_csv)

    splits = preprocess.split_rows(data, seed=42)
    again = preprocess.split_rows(data, seed=42)
    other = preprocess.split_rows(data, seed=7)

    assert [len(s) for s in splits] == [2923, 626, 628]
    for mine, same in zip(splits, again, strict=True):
        assert np.array_equal(mine, same)
    assert not np.array_equal(splits.test, other.test)
    recombined = np.concatenate(splits)
    assert np.array_equal(np.unique(recombined, axis=0), np.unique(data, axis=0))
    assert len(recombined) == ROWS


def test_main_runs_like_a_processing_job(abalone_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SageMaker gives the script a directory holding the input object, and a root for outputs."""
    input_dir = tmp_path / "input"
    input_dir.mkdir()
    (input_dir / "abalone.csv").write_bytes(abalone_csv.read_bytes())

    assert preprocess.main(["--input", str(input_dir), "--output-dir", str(tmp_path)]) == 0

    for split, rows in (("train", 2923), ("validation", 626), ("test", 628)):
        lines = (tmp_path / split / f"{split}.csv").read_text().splitlines()
        assert len(lines) == rows
        first = lines[0].split(",")
        assert len(first) == 11 and all(float(v) >= 0 for v in first)  # no header, all numeric
    assert "test: 628 rows" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,15\nX,0.35,0.265,0.09,0.2255,0.0995,0.0485,0.07,7\n",
            ":2: Sex is 'X'",
        ),
        ("M,0.455,0.365,0.095,0.514,0.2245,0.101,15\n", ":1: 8 fields, expected 9"),
        ("M,0.455,abc,0.095,0.514,0.2245,0.101,0.15,15\n", ":1: not a number"),
        ("Sex,Length,Rings\n", ":1: header ['Sex', 'Length', 'Rings'] is not the abalone header"),
        ("\n", "holds no data rows"),
    ],
)
def test_bad_rows_are_reported_with_their_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)

    with pytest.raises(DataError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        preprocess.read_abalone(path)


def test_an_input_directory_must_hold_exactly_one_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.csv").write_text("")
    (tmp_path / "b.csv").write_text("")

    assert preprocess.main(["--input", str(tmp_path), "--output-dir", str(tmp_path / "out")]) == 2
    assert "expected exactly one .csv file" in capsys.readouterr().err
    with pytest.raises(DataError, match="does not exist"):
        preprocess.find_input_csv(tmp_path / "missing")


def test_fractions_must_leave_a_test_split(abalone_csv: Path) -> None:
    data = preprocess.read_abalone(abalone_csv)
    with pytest.raises(DataError, match="non-empty test split"):
        preprocess.split_rows(data, train_fraction=0.9, validation_fraction=0.1)
