"""A Describe (or Get) call that answers None for a resource that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError


def absent(error: ClientError) -> bool:
    """SageMaker reports a missing model/config/endpoint as ValidationException 'Could not find …', a
    missing processing job as ValidationException '… does not exist', a missing monitoring schedule or
    job definition as ResourceNotFound; EventBridge Scheduler a missing schedule as ResourceNotFoundException."""
    code = error.response.get("Error", {}).get("Code")
    return code in ("ResourceNotFound", "ResourceNotFoundException") or (
        code == "ValidationException" and ("Could not find" in str(error) or "does not exist" in str(error))
    )


def describe(call: Callable[..., dict[str, Any]], **kwargs: str) -> dict[str, Any] | None:
    try:
        return call(**kwargs)
    except ClientError as error:
        if absent(error):
            return None
        raise
