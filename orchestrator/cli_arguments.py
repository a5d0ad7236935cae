"""Types and checks of the command line's values: each refuses a bad value (exit 2, naming the
flag and the value as written) before any file is read, any emulator starts or Terraform runs."""

from __future__ import annotations

import argparse
import ipaddress
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from orchestrator.errors import quoted

ENV_NAME = re.compile(r"[a-z][a-z0-9]{1,9}", re.ASCII)
# A Go duration as Terraform's -lock-timeout reads it: 0, 90s, 5m, 1h30m, 500ms.
DURATION = re.compile(r"0|([0-9]{1,6}(ms|s|m|h))+", re.ASCII)
DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
MAX_LOCK_TIMEOUT_SECONDS = 24 * 3600
# A git revision: a branch, tag or commit, with ~N, ^N or @{...}; never an option ("-...").
GIT_REF = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/~^@{}+-]{0,254}", re.ASCII)
LOCK_ID = re.compile(r"[0-9a-fA-F-]{8,64}", re.ASCII)
MAX_PATH = 4096


def _refuse(reason: str, text: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"{reason} (value {quoted(text)})")


def whole_number(low: int, high: int, what: str = "a whole number") -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not (text.isascii() and text.isdigit() and len(text) <= 10 and low <= int(text) <= high):
            raise _refuse(f"must be {what} from {low} to {high}", text)
        return int(text)

    return parse


def account_id(text: str) -> str:
    if not (len(text) == 12 and text.isascii() and text.isdigit()):
        raise _refuse("must be a 12-digit AWS account id", text)
    return text


def env_name(text: str) -> str:
    if not ENV_NAME.fullmatch(text):
        raise _refuse("must be an environment name: 2-10 lowercase letters/digits, starting with a letter", text)
    return text


def one_of(names: Sequence[str], what: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in names:
            raise argparse.ArgumentTypeError(f"unknown {what} {quoted(text)} (known: {', '.join(names)})")
        return text

    return parse


def _seconds(text: str) -> float:
    return sum(int(n) * DURATION_UNITS[unit] for n, unit in re.findall(r"([0-9]+)(ms|s|m|h)", text))


def duration(text: str) -> str:
    if not DURATION.fullmatch(text):
        raise _refuse("must be a duration such as 0s, 90s, 5m or 1h30m", text)
    if _seconds(text) > MAX_LOCK_TIMEOUT_SECONDS:
        raise _refuse("must be at most 24h", text)
    return text


def git_ref(text: str) -> str:
    if not GIT_REF.fullmatch(text) or ".." in text or "//" in text or text.endswith((".lock", "/", ".")):
        raise _refuse(
            "must be a git branch, tag or commit (letters, digits and . _ / - ~ ^ @ { } +; not starting with '-', no '..')",
            text,
        )
    return text


def lock_id(text: str) -> str:
    if not LOCK_ID.fullmatch(text):
        raise _refuse("is not a Terraform lock ID (as printed by the blocked run)", text)
    return text


def input_path(text: str) -> Path:
    """A path the command reads (whether it exists is checked where it is read, exit 2 too)."""
    if not text or len(text) > MAX_PATH or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise _refuse(f"must be a path of 1-{MAX_PATH} characters without control characters", text)
    return Path(text)


def output_file(text: str) -> Path:
    """A file the command writes: not an existing folder, in a folder it may create."""
    path = input_path(text)
    if path.is_dir():
        raise _refuse("is a folder; give a file name", text)
    if any(parent.exists() and not parent.is_dir() for parent in path.parents):
        raise _refuse("lies under a file that is not a folder", text)
    return path


def output_dir(text: str) -> Path:
    path = input_path(text)
    if path.exists() and not path.is_dir():
        raise _refuse("exists and is not a folder", text)
    return path


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def emulator_url(text: str) -> str:
    """The local emulator's URL: http on the loopback interface, with a port (as `emulator start` prints it)."""
    parts = urlsplit(text) if len(text) <= 200 and text.isascii() and text.isprintable() else None
    try:
        valid = (
            parts is not None
            and parts.scheme == "http"
            and _loopback(parts.hostname)
            and not parts.path.strip("/")
            and parts.port is not None
        )
    except ValueError:
        valid = False
    if not valid:
        raise _refuse(
            "must be the emulator's URL http://127.0.0.1:<port> on the loopback interface (as `emulator start` prints it)",
            text,
        )
    return text


def role_name(text: str) -> str:
    """An IAM role name (the role of the environment's account to act as)."""
    from orchestrator.config.aws_rules import IAM_ROLE_NAME_MAX, iam_name_problem  # noqa: PLC0415

    problem = iam_name_problem(text, IAM_ROLE_NAME_MAX)
    if problem:
        raise _refuse(problem, text)
    return text


def env_list(text: str) -> list[str]:
    try:
        value = json.loads(text) if len(text) <= 10_000 else None
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) and ENV_NAME.fullmatch(v) for v in value):
        raise _refuse("must be a JSON list of environment names", text)
    if len(set(value)) != len(value):
        raise _refuse("names an environment more than once", text)
    return value


class AppendOnce(argparse.Action):
    """`append`, refusing a value given twice (`--env dev --env dev` would run every stack twice)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given = list(getattr(namespace, self.dest, None) or [])
        if values in given:
            raise argparse.ArgumentError(self, f"given more than once (value {quoted(values)})")
        setattr(namespace, self.dest, [*given, values])
