"""How an endpoint is deployed: instance type and count, data capture sampling, how long to wait."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeploySettings:
    instance_type: str = "ml.m5.large"
    initial_instance_count: int = 1
    sampling_percentage: int = 100
    wait_delay_seconds: float = 30.0
    wait_max_attempts: int = 120  # x 30 s = one hour, SageMaker's own waiter budget
