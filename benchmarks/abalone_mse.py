"""The seed model's quality: test MSE of the abalone model over split seeds 1..10, side by side for
the previous hyperparameters (PREVIOUS: 100 rounds, no early stopping) and the current ones
(abalone_build.hyperparameters.CURRENT: early stopping on the validation split), with the baseline
that predicts the training mean. Goal: mean test MSE <= 4.3.

For each split seed, with the seed code's own functions (those the local preview of the pipeline
runs, nothing copied): abalone_build.preprocess.preprocess (the seeded 70/15/15 split, written as
the pipeline's CSVs), abalone_build.train_local.train with each set of hyperparameters (one thread
by default), abalone_build.evaluate.evaluate on the test split. Prints a row per seed, then the mean,
the sample standard deviation and the min-max of each column, and the registration threshold that
the rule (abalone_build.hyperparameters.registration_threshold: mean + 2 standard deviations,
rounded up to one decimal) gives for the current set beside REGISTRATION_MSE_THRESHOLD.

Offline; about 10-20 s on 2 cores.

    .venv/bin/python benchmarks/abalone_mse.py [--seeds 1 2 ... 10] [--threads 1] [--work-dir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "seed_code" / "model_build" / "pipelines"))

from abalone_build import evaluate, hyperparameters, preprocess, train_local  # noqa: E402
from bench_support import claim_work_dir, load_average  # noqa: E402

DATA = REPO / "seed_code" / "model_build" / "data" / "abalone.csv"
SEEDS = tuple(range(1, 11))
GOAL_MEAN_MSE = 4.3

# The hyperparameters before early stopping (kept here only, to measure them side by side).
PREVIOUS = hyperparameters.Hyperparameters(
    params={
        "objective": "reg:squarederror",
        "max_depth": 5,
        "eta": 0.2,
        "gamma": 4,
        "min_child_weight": 6,
        "subsample": 0.8,
        "tree_method": "hist",
        "seed": 42,
    },
    num_round=100,
)
SETS: Mapping[str, hyperparameters.Hyperparameters] = {"previous": PREVIOUS, "current": hyperparameters.CURRENT}


@dataclass(frozen=True)
class ModelResult:
    """One trained model's test MSE and its boosting rounds (fewer than num_round if it stopped early)."""

    mse: float
    rounds: int


@dataclass(frozen=True)
class SeedResult:
    """One split seed: its test rows, the baseline's test MSE and each set's model."""

    seed: int
    test_rows: int
    baseline: float
    models: Mapping[str, ModelResult]


@dataclass(frozen=True)
class Summary:
    """Mean, sample standard deviation and range of one column over the seeds."""

    mean: float
    stdev: float
    low: float
    high: float


def summarize(values: Sequence[float]) -> Summary:
    return Summary(
        statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0, min(values), max(values)
    )


def baseline_mse(data_dir: Path) -> tuple[int, float]:
    """The test rows and the test MSE of predicting the training split's mean Rings for every row."""
    _, train_target = evaluate.load_test_split(data_dir / "train" / "train.csv")
    _, test_target = evaluate.load_test_split(data_dir / "test" / "test.csv")
    metrics = evaluate.regression_metrics(test_target, np.full_like(test_target, train_target.mean()))
    return len(test_target), metrics["regression_metrics"]["mse"]["value"]


def model_result(
    data_dir: Path, model_dir: Path, settings: hyperparameters.Hyperparameters, threads: int
) -> ModelResult:
    """Train with `settings` as train_local does and evaluate on the test split as the pipeline does."""
    archive = train_local.train(data_dir, model_dir, threads, settings)
    report = evaluate.evaluate(archive, data_dir / "test" / "test.csv", model_dir / "evaluation")
    return ModelResult(
        report["regression_metrics"]["mse"]["value"], evaluate.load_booster(archive).num_boosted_rounds()
    )


def measure(
    data: Path,
    seeds: Sequence[int],
    work: Path,
    threads: int = 1,
    sets: Mapping[str, hyperparameters.Hyperparameters] = SETS,
) -> list[SeedResult]:
    """Preprocess with each split seed, train each set, evaluate; the files stay below `work`."""
    results = []
    for seed in seeds:
        data_dir = work / f"seed-{seed}" / "data"
        preprocess.preprocess(data, data_dir, seed=seed)
        test_rows, baseline = baseline_mse(data_dir)
        models = {
            name: model_result(data_dir, work / f"seed-{seed}" / name, settings, threads)
            for name, settings in sets.items()
        }
        results.append(SeedResult(seed, test_rows, baseline, models))
        print(
            f"seed {seed}: " + ", ".join(f"{name} {model.mse:.4f}" for name, model in models.items()),
            file=sys.stderr,
            flush=True,
        )
    return results


def print_table(results: Sequence[SeedResult]) -> None:
    names = list(results[0].models)
    print(
        f"{'split seed':>10}{'test rows':>11}{'baseline':>10}"
        + "".join(f"{name:>10}" for name in names)
        + f"{'change':>9}"
        + "".join(f"{name + ' rounds':>17}" for name in names)
    )
    for result in results:
        mses = [result.models[name].mse for name in names]
        print(
            f"{result.seed:>10}{result.test_rows:>11}{result.baseline:>10.4f}"
            + "".join(f"{mse:>10.4f}" for mse in mses)
            + f"{mses[-1] - mses[0]:>+9.4f}"
            + "".join(f"{result.models[name].rounds:>17}" for name in names)
        )


def print_summary(results: Sequence[SeedResult]) -> Summary:
    """Mean, standard deviation and range of each column; returns the last set's summary."""
    columns = {"baseline (train mean)": [r.baseline for r in results]}
    columns.update({name: [r.models[name].mse for r in results] for name in results[0].models})
    print()
    print(f"test MSE over {len(results)} split seeds ({', '.join(str(r.seed) for r in results)})")
    print(f"{'':<24}{'mean':>9}{'std dev':>9}{'min':>9}{'max':>9}")
    summaries = {name: summarize(values) for name, values in columns.items()}
    for name, summary in summaries.items():
        print(f"{name:<24}{summary.mean:>9.4f}{summary.stdev:>9.4f}{summary.low:>9.4f}{summary.high:>9.4f}")
    return summaries[list(columns)[-1]]


def print_threshold(summary: Summary, seeds: Sequence[int]) -> None:
    """The rule's threshold for the measured set beside the constant the pipeline uses, and the goal
    (both defined over split seeds 1..10 only)."""
    if tuple(seeds) != SEEDS:
        print("registration threshold and goal: defined over split seeds 1..10 only (run without --seeds)")
        return
    rule = hyperparameters.registration_threshold(summary.mean, summary.stdev)
    constant = hyperparameters.REGISTRATION_MSE_THRESHOLD
    print(
        f"registration threshold by the rule (mean + 2 std dev, rounded up to 0.1): "
        f"{summary.mean:.4f} + 2 x {summary.stdev:.4f} = {summary.mean + 2 * summary.stdev:.4f} -> {rule:.1f}; "
        f"REGISTRATION_MSE_THRESHOLD = {constant} ({'consistent' if rule == constant else 'DIFFERS'})"
    )
    print(
        f"goal: mean test MSE <= {GOAL_MEAN_MSE}: {summary.mean:.4f} ({'met' if summary.mean <= GOAL_MEAN_MSE else 'NOT met'})"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS), help="split seeds (default 1..10)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--work-dir", type=Path, help="keep the splits and models here (default: a temporary dir, removed)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="abalone-mse-") as temporary:
        work = claim_work_dir(args.work_dir, __file__) if args.work_dir else Path(temporary)
        results = measure(args.data, args.seeds, work, args.threads)
    print_table(results)
    print_threshold(print_summary(results), args.seeds)
    print(
        f"xgboost {train_local.xgb.__version__}, {args.threads} thread(s), load {load_average()}; "
        f"wall time {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
