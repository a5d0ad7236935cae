"""Environment configuration (`envs/<env>/env.yaml`): schema, loading and validation."""

from orchestrator.config.loader import known_envs, load_env, load_envs
from orchestrator.config.schema import EnvConfig

__all__ = ["EnvConfig", "known_envs", "load_env", "load_envs"]
