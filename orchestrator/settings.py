"""Settings of the orchestrator itself, from `platform.yaml` and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from orchestrator import paths
from orchestrator.errors import ConfigError

MIRROR_ENV_VAR = "ORCHESTRATOR_PROVIDER_MIRROR"


@dataclass(frozen=True)
class PlatformSettings:
    provider_mirror: Path | None
    provider_mirror_source: str
    minimum_terraform_version: tuple[int, int, int]


def _version_tuple(text: str, where: str) -> tuple[int, int, int]:
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ConfigError([f"{where}: terraform.minimum_version: expected X.Y.Z (value {text!r})"])
    return int(parts[0]), int(parts[1]), int(parts[2])


def load_settings(settings_file: Path | None = None) -> PlatformSettings:
    path = settings_file or paths.PLATFORM_SETTINGS_FILE
    raw: dict = {}
    if path.is_file():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ConfigError([f"{path.name}: must be a mapping (value {loaded!r})"])
        raw = loaded
    terraform = raw.get("terraform") or {}
    minimum = _version_tuple(str(terraform.get("minimum_version", "1.10.0")), path.name)

    override = os.environ.get(MIRROR_ENV_VAR)
    if override:
        if override == "registry":
            return PlatformSettings(None, f"{MIRROR_ENV_VAR}=registry", minimum)
        mirror = Path(override)
        if not mirror.is_dir():
            raise ConfigError([f"{MIRROR_ENV_VAR}: provider mirror folder does not exist (value {override!r})"])
        return PlatformSettings(mirror, MIRROR_ENV_VAR, minimum)

    candidates = terraform.get("provider_mirror_candidates") or []
    if not isinstance(candidates, list):
        raise ConfigError([f"{path.name}: terraform.provider_mirror_candidates: must be a list (value {candidates!r})"])
    for candidate in candidates:
        if Path(str(candidate)).is_dir():
            return PlatformSettings(Path(str(candidate)), f"{path.name} (provider_mirror_candidates)", minimum)
    return PlatformSettings(None, "public registry (no mirror folder found)", minimum)
