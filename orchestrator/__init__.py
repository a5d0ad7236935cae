"""Orchestrator for the SageMaker MLOps platform: `python -m orchestrator --help`."""

__version__ = "0.1.0"
