"""Keep the emulator's resources across runs of the local target.

The stock emulator holds everything in memory, so every local run would start from an empty
cloud (and Terraform state, which lives in the emulated S3, would be lost with it). The emulator
process saves its backends to a file when it stops and loads them when it starts, which makes a
second `apply` a no-op exactly as on AWS. The file is written and read only by this project's own
emulator process, in the gitignored work dir (it is a pickle: never load one from elsewhere).
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import threading
import types
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

# Services whose resources are kept. Loading a backend that was never used is cheap.
PERSISTED_SERVICES = (
    "applicationautoscaling",  # the endpoints' scalable targets and scaling policies
    "cloudformation",
    "cloudtrail",  # the recorded management events (extensions/cloudtrail.py)
    "cloudwatch",
    "config",  # the detective controls: recorder, delivery channel, rules
    "dynamodb",
    "ec2",
    "ecr",
    "efs",
    "events",
    "guardduty",
    "iam",
    "kms",
    "lambda",
    "logs",
    "organizations",
    "s3",
    "s3control",
    "sagemaker",
    "scheduler",  # the batch projects' schedules (EventBridge Scheduler)
    "secretsmanager",
    "securityhub",
    "servicecatalog",
    "sns",
    "sqs",
    "ssm",
    "sts",
)


def _nested_defaultdict() -> collections.defaultdict[Any, Any]:
    return collections.defaultdict(dict)


def _restore_defaultdict(
    cls: type[collections.defaultdict[Any, Any]], factory: Any, items: dict[Any, Any], attributes: dict[str, Any]
) -> collections.defaultdict[Any, Any]:
    restored = cls.__new__(cls)
    collections.defaultdict.__init__(restored, factory)
    if attributes:
        restored.__dict__.update(attributes)
    restored.update(items)
    return restored


_RLOCK_TYPE = type(threading.RLock())
_LOCK_TYPES = (type(threading.Lock()), _RLOCK_TYPE)


def _new_lock(reentrant: bool) -> Any:
    return threading.RLock() if reentrant else threading.Lock()


def _load_private_key(pem: bytes) -> Any:
    return serialization.load_pem_private_key(pem, password=None)


class _StatePickler(pickle.Pickler):
    """Pickles the few emulator objects the standard pickler cannot."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, collections.defaultdict):
            factory = obj.default_factory
            if isinstance(factory, types.LambdaType) and factory.__name__ == "<lambda>":
                sample = factory()
                if not (isinstance(sample, collections.defaultdict) and sample.default_factory is dict):
                    raise pickle.PicklingError(
                        f"cannot persist a defaultdict whose factory makes {type(sample).__name__}"
                    )
                factory = _nested_defaultdict
            elif type(obj) is collections.defaultdict:
                return NotImplemented
            return _restore_defaultdict, (type(obj), factory, dict(obj), dict(getattr(obj, "__dict__", {})))
        if isinstance(obj, _LOCK_TYPES):
            # Queues (SQS) guard their messages with a lock: a saved lock is a fresh, unheld one.
            return _new_lock, (isinstance(obj, _RLOCK_TYPE),)
        if hasattr(obj, "private_bytes") and type(obj).__module__.startswith("cryptography"):
            pem = obj.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            return _load_private_key, (pem,)
        return NotImplemented


def _backends() -> dict[str, Any]:
    from moto.backends import get_backend  # noqa: PLC0415

    from orchestrator.emulator.extensions.codeartifact.models import codeartifact_backends  # noqa: PLC0415

    backends = {name: get_backend(name) for name in PERSISTED_SERVICES}  # type: ignore[call-overload]
    # Services moto does not have, emulated by the extensions with backends of their own.
    backends["codeartifact"] = codeartifact_backends
    return backends


class IncompatibleStateError(RuntimeError):
    """The state file was written by another emulator version (its internals are what is saved)."""


def _moto_version() -> str:
    import moto  # noqa: PLC0415

    return str(moto.__version__)


def save_state(path: Path) -> None:
    buffer = io.BytesIO()
    document = {"moto": _moto_version(), "backends": {n: dict(b) for n, b in _backends().items()}}
    _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(buffer.getvalue())
    os.replace(temporary, path)  # atomic: a crash never leaves half a file


def load_state(path: Path) -> bool:
    if not path.is_file():
        return False
    document = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, see module docstring
    if not isinstance(document, dict) or document.get("moto") != _moto_version():
        found = document.get("moto", "unknown") if isinstance(document, dict) else "unknown"
        raise IncompatibleStateError(
            f"{path} was saved by emulator moto {found}, this is moto {_moto_version()}; "
            "its resources cannot be loaded: run `python -m orchestrator emulator reset` (local resources are discarded)"
        )
    saved = document["backends"]
    backends = _backends()
    for name, backend_dict in backends.items():
        if name in saved:
            backend_dict.clear()
            backend_dict.update(saved[name])
    _index_bucket_owners(backends["s3"])
    return True


def _index_bucket_owners(s3: Any) -> None:
    """Which account owns each bucket name: moto keeps that index beside S3's per-account backends,
    so it is rebuilt from them. Without it a loaded emulator finds no bucket of another account,
    and no bucket's owner or policy."""
    s3.bucket_accounts.clear()
    for account, partitions in list(s3.items()):
        for partition, backend in list(partitions.items()):
            for name in list(backend.buckets):
                s3.bucket_accounts[name] = (partition, account)
