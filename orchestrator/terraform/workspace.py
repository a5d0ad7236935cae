"""The generated working root of one stack of one environment on one target.

An environment folder holds values only; the root Terraform runs is rendered here from the
stack's module, the env's values and the target's provider/backend settings, into
`.orchestrator/<target>/<env>/<stack>/` (with its own TF_DATA_DIR). Re-initialisation happens
only when the rendered root, the backend settings or any Terraform source changed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from orchestrator import paths
from orchestrator.config import EnvConfig
from orchestrator.errors import OrchestratorError
from orchestrator.stacks import StackSpec
from orchestrator.targets.base import Target

SOURCE_DIRS = (paths.MODULES_DIR, paths.STACKS_DIR, paths.BOOTSTRAP_DIR)


def render_hcl_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {render_hcl_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, list):
        return "[" + ", ".join(render_hcl_value(v) for v in value) + "]"
    raise TypeError(f"cannot render {value!r} as HCL")


def sources_digest() -> str:
    """A digest of every Terraform source file the roots can reach (cheap: a few dozen files)."""
    digest = hashlib.sha256()
    for base in SOURCE_DIRS:
        for file in sorted(base.rglob("*.tf")):
            if "/tests/" in file.as_posix() or "/.terraform" in file.as_posix():
                continue
            digest.update(file.as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def root_dir(target: str, env: str, stack: str) -> Path:
    """The generated working root of a stack of an environment on a target."""
    return paths.work_dir() / target / env / stack


class Workspace:
    def __init__(self, target: Target, env: EnvConfig, stack: StackSpec) -> None:
        self.target = target
        self.env = env
        self.stack = stack
        self.dir = root_dir(target.name, env.workspace_name, stack.name)
        self.data_dir = self.dir / ".terraform"
        self.plan_file = self.dir / "tfplan"
        self.backend_file = self.dir / "backend.tfbackend"
        self._stamp_file = self.dir / ".init-stamp"

    @property
    def label(self) -> str:
        return f"{self.env.name}/{self.stack.name}"

    def provider_block(self) -> dict[str, Any]:
        tags = {
            "platform": self.env.prefix,
            "environment": self.env.name,
            "stack": self.stack.name,
            "managed-by": "terraform",
            **self.env.tags,
        }
        return {
            "region": self.env.region,
            "allowed_account_ids": [self.env.account_id],
            "default_tags": [{"tags": tags}],
            **self.target.provider_settings(self.env),
        }

    def root_document(self, backend_type: str) -> dict[str, Any]:
        source = os.path.relpath(self.stack.source, self.dir)
        return {
            "terraform": {"backend": {backend_type: {}}},
            "provider": {"aws": [self.provider_block()]},
            "module": {"stack": {"source": source, **self.stack.inputs(self.env)}},
            "output": {"stack": {"value": "${module.stack}"}},
        }

    def render(self, backend_type: str, backend_settings: dict[str, Any]) -> bool:
        """Write the root and its backend config; return True when `terraform init` is needed."""
        self.dir.mkdir(parents=True, exist_ok=True)
        root = json.dumps(self.root_document(backend_type), indent=2, sort_keys=True) + "\n"
        backend = "".join(f"{k} = {render_hcl_value(v)}\n" for k, v in backend_settings.items())
        _write_if_changed(self.dir / "main.tf.json", root)
        _write_if_changed(self.backend_file, backend)
        stamp = hashlib.sha256((root + backend + sources_digest()).encode()).hexdigest()
        needed = not (self.data_dir / "terraform.tfstate").is_file() and backend_type != "local"
        needed = needed or not self._stamp_file.is_file() or self._stamp_file.read_text() != stamp
        self._pending_stamp = stamp
        return needed

    def mark_initialised(self) -> None:
        self._stamp_file.write_text(self._pending_stamp)

    def forget_init(self) -> None:
        self._stamp_file.unlink(missing_ok=True)

    def terraform_env(self) -> dict[str, str]:
        return {"TF_DATA_DIR": str(self.data_dir)}

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold this working root for one plan+apply: a second orchestrator run on this machine
        would otherwise overwrite the saved plan between the two. (Runs on other machines are kept
        apart by the state lock.)"""
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / ".in-use"
        with path.open("a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise OrchestratorError(
                    f"{self.label}: another orchestrator run on this machine ({holder}) is using {self.dir}; "
                    "wait for it to finish"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _write_if_changed(path: Path, content: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")
