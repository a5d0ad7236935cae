"""Generate the Terraform CLI configuration (provider installation and a shared plugin cache)."""

from __future__ import annotations

from pathlib import Path

from orchestrator.settings import PlatformSettings

_MIRRORED = '"registry.terraform.io/hashicorp/*"'


def render_cli_config(settings: PlatformSettings, plugin_cache: Path) -> str:
    lines = [f'plugin_cache_dir = "{plugin_cache}"', "disable_checkpoint = true"]
    if settings.provider_mirror is not None:
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f'    path    = "{settings.provider_mirror}"',
            f"    include = [{_MIRRORED}]",
            "  }",
            "  direct {",
            f"    exclude = [{_MIRRORED}]",
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def write_cli_config(settings: PlatformSettings, work_dir: Path) -> Path:
    """Write the CLI config once per content; return its path (used as TF_CLI_CONFIG_FILE)."""
    plugin_cache = work_dir / "plugin-cache"
    plugin_cache.mkdir(parents=True, exist_ok=True)
    path = work_dir / "terraform.rc"
    content = render_cli_config(settings, plugin_cache)
    if not path.is_file() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")
    return path
