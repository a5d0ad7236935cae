"""Run one Terraform command: environment, streamed `-json` progress, lock errors, signals."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestrator.errors import Interrupted, OrchestratorError, StateLockedError
from orchestrator.progress import Progress
from orchestrator.signals import CHILDREN, ChildProcesses

HEARTBEAT_SECONDS = 15.0


def go_runtime_settings() -> dict[str, str]:
    """Go GC setting for Terraform and its provider processes: a provider start is CPU-bound on
    building its schema, and with GOGC=400 the AWS provider's start took ~2.5 s of CPU instead of
    ~3.8 s (+~45 MB of memory) on a 2-core machine; a plan starts the provider three times. A GOGC
    already set by the caller wins."""
    return {"GOGC": os.environ.get("GOGC", "400")}


_LOCK_FIELD = re.compile(r"^\s*(ID|Path|Operation|Who|Version|Created):\s*(.*)$", re.MULTILINE)


@dataclass
class TerraformResult:
    args: list[str]
    returncode: int
    duration: float
    messages: list[dict[str, Any]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [
            m["diagnostic"]
            for m in self.messages
            if m.get("type") == "diagnostic" and m.get("diagnostic", {}).get("severity") == "error"
        ]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def document(self) -> dict[str, Any] | None:
        """The one JSON document a command printed (`show -json`, `output -json`, `state pull`): a
        line of its own, or the lines from its opening `{` to its closing `}` (a warning Terraform
        printed around it is left out); None when it printed none."""
        if self.messages:
            return self.messages[0]
        starts = [i for i, line in enumerate(self.text) if line.startswith("{")]
        ends = [i for i, line in enumerate(self.text) if line.startswith("}")]
        if not starts or not ends:
            return None
        value = json.loads("\n".join(self.text[starts[0] : ends[-1] + 1]))
        return value if isinstance(value, dict) else None

    def error_text(self) -> str:
        parts = [f"{d.get('summary', '')}: {d.get('detail', '')}".strip(": ") for d in self.errors]
        if not parts:
            lines = [line for line in self.text if line.strip()]
            first_error = next(
                (i for i, line in enumerate(lines) if line.lstrip().startswith("Error")), max(len(lines) - 20, 0)
            )
            parts = lines[first_error : first_error + 25]
        return "\n".join(parts)


def _lock_info(result: TerraformResult) -> dict[str, str] | None:
    blobs = [f"{d.get('summary', '')}\n{d.get('detail', '')}" for d in result.errors] + ["\n".join(result.text)]
    for blob in blobs:
        if "Error acquiring the state lock" in blob or ("state lock" in blob.lower() and "Lock Info" in blob):
            return {k.lower(): v.strip() for k, v in _LOCK_FIELD.findall(blob)}
    return None


def _describe(message: dict[str, Any]) -> str | None:
    """A short progress line for the interesting `-json` UI messages, None for the rest."""
    kind = message.get("type")
    hook = message.get("hook", {})
    address = hook.get("resource", {}).get("addr", "")
    if kind == "apply_complete":
        return f"{hook.get('action', 'done')} {address} ({hook.get('elapsed_seconds', 0)}s)"
    if kind == "apply_errored":
        return f"FAILED {hook.get('action', '')} {address}"
    if kind == "change_summary":
        c = message.get("changes", {})
        return f"{c.get('operation', 'plan')}: {c.get('add', 0)} to add, {c.get('change', 0)} to change, {c.get('remove', 0)} to destroy"
    if kind == "diagnostic" and message.get("diagnostic", {}).get("severity") == "error":
        return f"error: {message['diagnostic'].get('summary', '')}"
    return None


class TerraformRunner:
    def __init__(
        self,
        binary: str,
        base_env: dict[str, str],
        progress: Progress,
        children: ChildProcesses = CHILDREN,
    ) -> None:
        self.binary = binary
        self.base_env = base_env
        self.progress = progress
        self.children = children

    def run(
        self,
        args: list[str],
        cwd: Path,
        label: str,
        extra_env: dict[str, str] | None = None,
        log_file: Path | None = None,
    ) -> TerraformResult:
        """Run `terraform <args>` in cwd; parse JSON lines; stream progress; never raise on exit codes
        except for interrupts (Interrupted) and held locks (StateLockedError)."""
        env = {**os.environ, **self.base_env, **(extra_env or {})}
        start = time.monotonic()
        result = TerraformResult(args=args, returncode=-1, duration=0.0)
        command = [self.binary, *args]
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise OrchestratorError(
                f"terraform not found at '{self.binary}': install Terraform >= 1.10 or set ORCHESTRATOR_TERRAFORM"
            ) from None
        self.children.add(process)
        lines: queue.Queue[bytes | None] = queue.Queue()

        def pump() -> None:
            assert process.stdout is not None  # noqa: S101 - started with stdout=PIPE
            for raw in process.stdout:
                lines.put(raw)
            lines.put(None)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        log = log_file.open("w", encoding="utf-8") if log_file else None
        last_output = time.monotonic()
        try:
            while True:
                try:
                    raw = lines.get(timeout=1.0)
                except queue.Empty:
                    if time.monotonic() - last_output >= HEARTBEAT_SECONDS:
                        self.progress.say(
                            label, f"still running `terraform {args[0]}` ({time.monotonic() - start:.0f}s)"
                        )
                        last_output = time.monotonic()
                    continue
                if raw is None:
                    break
                last_output = time.monotonic()
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                if log:
                    log.write(line + "\n")
                message = _parse_json(line)
                if message is None:
                    result.text.append(line)
                    continue
                result.messages.append(message)
                described = _describe(message)
                if described:
                    self.progress.say(label, described)
            result.returncode = process.wait()
        finally:
            if process.poll() is None:
                process.wait()
            self.children.remove(process)
            if log:
                log.close()
        result.duration = time.monotonic() - start
        if self.children.interrupted_by is not None:
            raise Interrupted(f"{label}: interrupted; terraform stopped gracefully (exit {result.returncode})")
        if result.returncode not in (0, 2) or result.errors:
            lock = _lock_info(result)
            if lock is not None:
                raise StateLockedError(
                    label,
                    lock.get("id", ""),
                    lock.get("who", ""),
                    lock.get("created", ""),
                    lock.get("path", ""),
                    result.error_text(),
                )
        return result


def _parse_json(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
