"""Where providers come from: a mirror from configuration or the environment, else the public registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.errors import ConfigError
from orchestrator.settings import MIRROR_ENV_VAR, load_settings
from orchestrator.terraform.cli_config import render_cli_config, write_cli_config


def _settings_file(tmp_path: Path, candidates: list[str]) -> Path:
    path = tmp_path / "platform.yaml"
    path.write_text("terraform:\n  provider_mirror_candidates: [" + ", ".join(candidates) + "]\n", encoding="utf-8")
    return path


def test_first_existing_candidate_is_the_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MIRROR_ENV_VAR, raising=False)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    settings = load_settings(_settings_file(tmp_path, [str(tmp_path / "absent"), str(mirror)]))
    assert settings.provider_mirror == mirror
    config = render_cli_config(settings, tmp_path / "cache")
    assert f'path    = "{mirror}"' in config
    assert 'include = ["registry.terraform.io/hashicorp/*"]' in config
    assert 'exclude = ["registry.terraform.io/hashicorp/*"]' in config
    assert f'plugin_cache_dir = "{tmp_path / "cache"}"' in config


def test_no_mirror_means_public_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MIRROR_ENV_VAR, raising=False)
    settings = load_settings(_settings_file(tmp_path, [str(tmp_path / "absent")]))
    assert settings.provider_mirror is None
    assert "provider_installation" not in render_cli_config(settings, tmp_path)


def test_environment_variable_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "other"
    mirror.mkdir()
    monkeypatch.setenv(MIRROR_ENV_VAR, str(mirror))
    assert load_settings(_settings_file(tmp_path, [])).provider_mirror == mirror
    monkeypatch.setenv(MIRROR_ENV_VAR, "registry")
    assert load_settings(_settings_file(tmp_path, [str(mirror)])).provider_mirror is None
    monkeypatch.setenv(MIRROR_ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match=MIRROR_ENV_VAR):
        load_settings(_settings_file(tmp_path, []))


def test_cli_config_is_rewritten_only_when_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MIRROR_ENV_VAR, "registry")
    settings = load_settings(_settings_file(tmp_path, []))
    path = write_cli_config(settings, tmp_path / "work")
    stamp = path.stat().st_mtime_ns
    assert write_cli_config(settings, tmp_path / "work").stat().st_mtime_ns == stamp
    assert (tmp_path / "work" / "plugin-cache").is_dir()
