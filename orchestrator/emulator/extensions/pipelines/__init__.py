"""SageMaker pipeline executions that run: StartPipelineExecution runs the definition's steps.

- `definition.py`: a definition read for running (parameters, steps, their dependencies).
- `expressions.py`: Get, Std:Join, Std:JsonGet and the Condition step's conditions.
- `service.py`: the roles SageMaker acts as (only if they trust it) and where its requests come from.
- `data.py`: a job's data between S3 and its directory.
- `sandbox.py`: a job's own mount namespace, in which its directory is /opt/ml.
- `jobs.py`, `processing.py`, `training.py` (with `xgboost_algorithm.py`, the built-in algorithm),
  `transform.py` (batch transform with the model's execution role), `steps.py`: the step types.
- `execution.py`: the thread that runs an execution's steps and records them.
- `wiring.py`: the extensions of moto's classes, registered in `orchestrator.emulator.extensions`.
"""

from __future__ import annotations

from orchestrator.emulator.extensions.pipelines.wiring import (
    pipeline_execution_steps_are_listed,
    pipeline_executions_run_their_steps,
)

__all__ = ["pipeline_execution_steps_are_listed", "pipeline_executions_run_their_steps"]
