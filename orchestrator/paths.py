"""Where the project's files and the orchestrator's generated files live."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ENVS_DIR = REPO_ROOT / "envs"
STACKS_DIR = ENVS_DIR / "stacks"
MODULES_DIR = REPO_ROOT / "modules"
BOOTSTRAP_DIR = REPO_ROOT / "bootstrap"
PLATFORM_SETTINGS_FILE = REPO_ROOT / "platform.yaml"


def envs_dir() -> Path:
    """Environment configurations (`<dir>/<env>/env.yaml`); ORCHESTRATOR_ENVS_DIR overrides (tests, forks)."""
    override = os.environ.get("ORCHESTRATOR_ENVS_DIR")
    return Path(override).resolve() if override else ENVS_DIR


def work_dir() -> Path:
    """Generated roots, Terraform data dirs, CLI config and plugin cache (never committed)."""
    override = os.environ.get("ORCHESTRATOR_WORK_DIR")
    return Path(override).resolve() if override else REPO_ROOT / ".orchestrator"
