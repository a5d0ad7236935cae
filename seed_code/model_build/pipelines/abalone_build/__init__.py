"""Model build of the abalone example project: preprocess, train and evaluate an XGBoost
regressor, locally or as a SageMaker Pipeline that runs inside the platform's guardrails.

Before any module of the package imports the SageMaker SDK, the SDK's logger gets a handler on
stderr (errors only): without one, the SDK logs to stdout, already while it is imported, and
stdout is where ``run-pipeline`` prints its results (with ``--dry-run``, the definition).
"""

import logging
import sys


def _sdk_logs_to_stderr() -> None:
    sdk_logger = logging.getLogger("sagemaker")
    if not sdk_logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.ERROR)
        sdk_logger.addHandler(handler)


_sdk_logs_to_stderr()
