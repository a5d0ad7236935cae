"""Load and validate `envs/<env>/env.yaml`, turning every problem into `file: field: reason (value ...)`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from orchestrator import paths
from orchestrator.config.derived_names import hosted_project_problems
from orchestrator.config.schema import EnvConfig
from orchestrator.config.semantic import semantic_problems
from orchestrator.config.stage_targets import UNION_TAGS
from orchestrator.config.yaml_reading import read_yaml
from orchestrator.errors import QUOTE_LIMIT, ConfigError, quoted

ENV_FILE = "env.yaml"


def known_envs(envs_dir: Path | None = None) -> list[str]:
    base = envs_dir or paths.envs_dir()
    return sorted(p.parent.name for p in base.glob(f"*/{ENV_FILE}"))


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(paths.REPO_ROOT))
    except ValueError:
        return str(path)


def field_path(loc: tuple[Any, ...]) -> str:
    """`network.private_subnet_cidrs[1]` from pydantic's location (a dict key's error ends in "[key]")."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part != "[key]" and part not in UNION_TAGS:
            part = _cut(str(part))
            text += f".{part}" if text else part
    return text or "(top level)"


def _cut(name: str, limit: int = QUOTE_LIMIT) -> str:
    """A field name (maybe a mapping key as written) cut to `limit` characters."""
    return name if len(name) <= limit else f"{name[:limit]}... ({len(name)} characters)"


def pydantic_problems(where: str, error: ValidationError) -> list[str]:
    """One `file: field: reason (value ...)` line per error, values quoted and cut short."""
    problems = []
    for item in error.errors():
        field = field_path(item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["loc"] and item["loc"][-1] == "[key]":
            message = f"key {message}"
        if item["type"] == "missing":
            problems.append(f"{where}: {field}: is required but missing")
        elif item["type"] == "extra_forbidden":
            problems.append(f"{where}: {field}: unknown field; check its spelling (value {quoted(item['input'])})")
        else:
            problems.append(f"{where}: {field}: {message} (value {quoted(item['input'])})")
    return problems


def _as_written(value: object) -> object:
    """A value as env.yaml holds it (models back to mappings)."""
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_unset=True)
    if isinstance(value, dict):
        return {key: _as_written(item) for key, item in value.items()}
    return value


def load_env(name: str, envs_dir: Path | None = None) -> EnvConfig:
    """Parse and validate one environment; raise ConfigError listing every problem."""
    base = envs_dir or paths.envs_dir()
    path = base / name / ENV_FILE
    where = _display(path)
    if not path.is_file():
        available = ", ".join(known_envs(base)) or "none"
        raise ConfigError([f"--env: unknown environment {quoted(name)} (no {where}); known environments: {available}"])
    raw = read_yaml(path, where)
    if not isinstance(raw, dict):
        raise ConfigError([f"{where}: (top level): must be a mapping of fields (value {quoted(raw)})"])
    try:
        config = EnvConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(pydantic_problems(where, exc)) from None
    problems = [
        f"{where}: {_cut(field)}: {reason} (value {quoted(_as_written(value))})"
        for field, value, reason in semantic_problems(config)
    ]
    if config.name != name:
        problems.append(f"{where}: name: must equal the folder name {quoted(name)} (value {quoted(config.name)})")
    if problems:
        raise ConfigError(problems)
    return config


def _link_source(config: EnvConfig, envs_dir: Path | None) -> list[str]:
    """A target environment hosts the models of its source (dev) environment: both must agree on
    the account, region and prefix that the dev side's grants are built from."""
    where = _display((envs_dir or paths.envs_dir()) / config.name / ENV_FILE)
    assert config.source_env is not None  # noqa: S101 - called only for an environment with a source
    try:
        source = load_env(config.source_env, envs_dir)
    except ConfigError as exc:
        return [f"{where}: source_env: cannot be loaded: {exc.problems[0]} (value {quoted(config.source_env)})"]
    problems = []
    if source.kind != "dev":
        problems.append(
            f"{where}: source_env: must name a kind 'dev' environment (value {config.source_env!r} is kind {source.kind!r})"
        )
    granted = source.target_accounts.get(config.name)
    targets = source.stage_targets.get(config.name)
    # A stage from an organizational unit is checked when it is resolved (orchestrator/accounts/resolution.py).
    if targets is None or not (targets.organizational_unit or config.account_id in targets.accounts):
        problems.append(
            f"{where}: account_id: {config.source_env}'s target_accounts.{config.name} is {granted!r}; the dev grants "
            f"(models bucket, data key, registry) would not reach this account (value {config.account_id!r})"
        )
    for field in ("region", "prefix"):
        if getattr(source, field) != getattr(config, field):
            problems.append(
                f"{where}: {field}: must equal {config.source_env}'s ({getattr(source, field)!r}) (value {getattr(config, field)!r})"
            )
    problems += [
        f"{where}: {p.field}: project {p.value!r}: {p.reason} (value {config.source_env!r})"
        for p in hosted_project_problems(config, sorted(source.projects))
    ]
    config._source = source
    return problems


def load_envs(names: list[str] | None, envs_dir: Path | None = None) -> list[EnvConfig]:
    """Load the named environments (all known ones when none are named), reporting all problems together."""
    selected = names or known_envs(envs_dir)
    if not selected:
        raise ConfigError(
            [f"no environments found: expected {_display(envs_dir or paths.envs_dir())}/<env>/{ENV_FILE}"]
        )
    configs: list[EnvConfig] = []
    problems: list[str] = []
    for name in selected:
        try:
            config = load_env(name, envs_dir)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        if config.kind == "target":
            problems.extend(_link_source(config, envs_dir))
        configs.append(config)
    if problems:
        raise ConfigError(problems)
    return configs
