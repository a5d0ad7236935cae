"""The XGBoost hyperparameters, in one place for the pipeline's training job and local training.

A model trained locally is only a fair preview of the pipeline's model if both train with the
same settings: the pipeline passes ``as_sagemaker_hyperparameters()`` to the built-in algorithm,
``train_local`` trains with ``CURRENT`` (``xgboost.train`` with its parameters, ``num_round`` and
early stopping on the validation split, as the built-in algorithm does).

Also the pipeline's registration threshold, ``REGISTRATION_MSE_THRESHOLD``, measured with these
hyperparameters (``registration_threshold`` is the rule).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Hyperparameters:
    """One set of training settings: ``xgboost.train`` parameters, the maximum number of boosting
    rounds and, if set, how many rounds without improvement on the validation split stop training
    (the model then keeps its best iteration)."""

    params: Mapping[str, str | int | float]
    num_round: int
    early_stopping_rounds: int | None = None

    def early_stopping_metric(self) -> str:
        """The metric early stopping watches: the last of ``eval_metric``, as the built-in
        algorithm chooses it (without ``eval_metric`` the algorithm does not stop early at all)."""
        metrics = str(self.params.get("eval_metric", ""))
        if not metrics:
            raise ValueError(
                "early stopping needs eval_metric: without it the built-in XGBoost algorithm never stops early"
            )
        return metrics.split(",")[-1]


NUM_ROUND = 1000  # an upper bound: early stopping ends training long before (62-159 rounds on split seeds 1..10)
EARLY_STOPPING_ROUNDS = 30

# tree_method is pinned because its default changed across XGBoost versions (the 1.7 container
# and a current local wheel would otherwise grow different trees). eval_metric is required by
# early stopping (see Hyperparameters.early_stopping_metric). num_parallel_tree grows 4 subsampled
# trees per round (a small boosted forest): less variance than one tree per round. Chosen on split
# seeds 11..30 (benchmarks/abalone_mse.py reports seeds 1..10, which were not used to choose).
PARAMS: Mapping[str, str | int | float] = MappingProxyType(
    {
        "objective": "reg:squarederror",
        "eval_metric": "rmse",
        "max_depth": 8,
        "eta": 0.05,
        "min_child_weight": 30,
        "subsample": 0.6,
        "colsample_bytree": 0.8,
        "lambda": 5,
        "num_parallel_tree": 4,
        "tree_method": "hist",
        "seed": 42,
    }
)

CURRENT = Hyperparameters(PARAMS, NUM_ROUND, EARLY_STOPPING_ROUNDS)


# The pipeline's registration threshold (its condition step: test MSE <= this), set from the
# measurement of benchmarks/abalone_mse.py with CURRENT: the mean test MSE over split seeds 1..10
# plus two of their (sample) standard deviations, rounded up to one decimal
# (registration_threshold). Measured: mean 4.2737, standard deviation 0.3039 -> 4.8815 -> 4.9.
MEASURED_TEST_MSE_MEAN = 4.2737
MEASURED_TEST_MSE_STANDARD_DEVIATION = 0.3039
REGISTRATION_MSE_THRESHOLD: float = 4.9


def registration_threshold(mean: float, standard_deviation: float) -> float:
    """The rule that sets REGISTRATION_MSE_THRESHOLD: mean + 2 standard deviations of the test MSE
    over the measured split seeds, rounded up to one decimal."""
    # round(..., 6) first: 4.9 * 10 is 49.00000000000001 in floating point, which ceil would lift to 5.0
    return math.ceil(round((mean + 2 * standard_deviation) * 10, 6)) / 10


def as_xgboost_params(settings: Hyperparameters = CURRENT) -> dict[str, str | int | float]:
    """The parameters for ``xgboost.train`` (typed values)."""
    return dict(settings.params)


def as_sagemaker_hyperparameters(settings: Hyperparameters = CURRENT) -> dict[str, str]:
    """The ``HyperParameters`` of CreateTrainingJob: every value a string, plus ``num_round`` and
    (if set) ``early_stopping_rounds``, which the built-in algorithm applies to its ``validation``
    channel with the metric of ``eval_metric``."""
    hyperparameters = {
        **{key: str(value) for key, value in settings.params.items()},
        "num_round": str(settings.num_round),
    }
    if settings.early_stopping_rounds is not None:
        settings.early_stopping_metric()  # refuses settings that would silently not stop early
        hyperparameters["early_stopping_rounds"] = str(settings.early_stopping_rounds)
    return hyperparameters
