"""Settings of the orchestrator itself, from `platform.yaml` and the environment.

platform.yaml has a strict schema: an unknown (misspelt) key, a value of the wrong type or a
malformed file is refused with `platform.yaml: field: reason (value ...)`, exit 2, like env.yaml.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, ValidationError

from orchestrator import paths
from orchestrator.config.loader import pydantic_problems
from orchestrator.config.yaml_reading import read_yaml
from orchestrator.errors import ConfigError, quoted

MIRROR_ENV_VAR = "ORCHESTRATOR_PROVIDER_MIRROR"
DEFAULT_MINIMUM_TERRAFORM = "1.10.0"


@dataclass(frozen=True)
class PlatformSettings:
    provider_mirror: Path | None
    provider_mirror_source: str
    minimum_terraform_version: tuple[int, int, int]


def _version(text: str) -> str:
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        raise ValueError('expected a version X.Y.Z, e.g. "1.10.0"')
    return text


def _absolute_path(text: str) -> str:
    if not text.startswith("/") or any(ord(c) < 32 for c in text) or len(text) > 4096:
        raise ValueError("expected an absolute folder path (one line, at most 4096 characters)")
    return text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class TerraformSettings(_Strict):
    provider_mirror_candidates: list[Annotated[StrictStr, AfterValidator(_absolute_path)]] = Field(
        default_factory=list, max_length=20
    )
    minimum_version: Annotated[StrictStr, AfterValidator(_version)] = DEFAULT_MINIMUM_TERRAFORM


class PlatformFile(_Strict):
    terraform: TerraformSettings = Field(default_factory=TerraformSettings)


def _version_tuple(text: str) -> tuple[int, int, int]:
    major, minor, patch = (int(p) for p in text.split("."))
    return major, minor, patch


def read_platform_file(path: Path) -> PlatformFile:
    """platform.yaml validated (an absent or empty file means the defaults)."""
    where = path.name
    if not path.exists():
        return PlatformFile()
    raw = read_yaml(path, where)
    if raw is None:
        return PlatformFile()
    if not isinstance(raw, dict):
        raise ConfigError([f"{where}: (top level): must be a mapping of fields (value {quoted(raw)})"])
    try:
        return PlatformFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(pydantic_problems(where, exc)) from None


def _mirror_override(override: str, minimum: tuple[int, int, int]) -> PlatformSettings:
    if override == "registry":
        return PlatformSettings(None, f"{MIRROR_ENV_VAR}=registry", minimum)
    mirror = Path(override)
    if not mirror.is_dir():
        raise ConfigError([f"{MIRROR_ENV_VAR}: provider mirror folder does not exist (value {quoted(override)})"])
    return PlatformSettings(mirror, MIRROR_ENV_VAR, minimum)


def load_settings(settings_file: Path | None = None) -> PlatformSettings:
    path = settings_file or paths.PLATFORM_SETTINGS_FILE
    terraform = read_platform_file(path).terraform
    minimum = _version_tuple(terraform.minimum_version)
    override = os.environ.get(MIRROR_ENV_VAR)
    if override:
        return _mirror_override(override, minimum)
    for candidate in terraform.provider_mirror_candidates:
        if Path(candidate).is_dir():
            return PlatformSettings(Path(candidate), f"{path.name} (provider_mirror_candidates)", minimum)
    return PlatformSettings(None, "public registry (no mirror folder found)", minimum)
