"""KMS: key rotation period gap of the stock emulator."""

from __future__ import annotations

import json
from typing import Any

DEFAULT_ROTATION_PERIOD_DAYS = 365


def kms_rotation_period_is_kept() -> None:
    """EnableKeyRotation: moto ignores `RotationPeriodInDays` and GetKeyRotationStatus never returns
    it, so a key with `rotation_period_in_days` never re-plans clean (0 -> 365 forever). Here the
    period is validated (90-2560), stored on the key and returned, as KMS does."""
    from moto.kms.exceptions import ValidationException  # noqa: PLC0415
    from moto.kms.responses import KmsResponse  # noqa: PLC0415

    def enable_key_rotation(self: KmsResponse) -> str:
        key_id = self._get_param("KeyId")
        self._validate_cmk_id(key_id)
        period = int(self._get_param("RotationPeriodInDays") or DEFAULT_ROTATION_PERIOD_DAYS)
        if not 90 <= period <= 2560:
            raise ValidationException(
                f"1 validation error detected: Value '{period}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between 90 and 2560"
            )
        self.kms_backend.enable_key_rotation(key_id)
        key: Any = self.kms_backend.keys[self.kms_backend.get_key_id(key_id)]  # moto's Key has no rotation period
        key.rotation_period_in_days = period
        return json.dumps(None)

    def get_key_rotation_status(self: KmsResponse) -> str:
        key_id = self._get_param("KeyId")
        self._validate_cmk_id(key_id)
        key = self.kms_backend.keys[self.kms_backend.get_key_id(key_id)]
        status: dict[str, Any] = {"KeyId": key.arn, "KeyRotationEnabled": bool(key.key_rotation_status)}
        if key.key_rotation_status:
            status["RotationPeriodInDays"] = getattr(key, "rotation_period_in_days", DEFAULT_ROTATION_PERIOD_DAYS)
        return json.dumps(status)

    KmsResponse.enable_key_rotation = enable_key_rotation  # type: ignore[method-assign]
    KmsResponse.get_key_rotation_status = get_key_rotation_status  # type: ignore[method-assign]
