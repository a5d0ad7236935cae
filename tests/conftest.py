"""Shared fixtures: the repository's paths and a sandbox for environment files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_ENV = REPO_ROOT / "envs" / "dev" / "env.yaml"


@pytest.fixture
def dev_config() -> dict:
    return yaml.safe_load(DEV_ENV.read_text(encoding="utf-8"))


@pytest.fixture
def envs_dir(tmp_path: Path) -> Path:
    path = tmp_path / "envs"
    path.mkdir()
    return path


def write_env(envs_dir: Path, name: str, data: dict) -> Path:
    folder = envs_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "env.yaml"
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    return target


def orchestrator_env(**extra: str) -> dict[str, str]:
    """Environment for running `python -m orchestrator` as a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **extra}
    env.pop("ORCHESTRATOR_EMULATOR_URL", None)
    return env


PYTHON = sys.executable
