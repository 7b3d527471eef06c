"""De-identification: which fields are dropped, and dates shifted per record."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import date, timedelta

from formats.datadictionary import Field, FieldType, ValidationType

DEFAULT_MAX_DAYS = 30
# Contact details and letters-only text (often initials) identify as much as free text.
_IDENTIFYING_VALIDATION = frozenset({ValidationType.EMAIL, ValidationType.PHONE})
_IDENTIFYING_VALIDATION |= {ValidationType.ALPHA_ONLY}


def is_dropped(field: Field) -> bool:
    """Whether a de-identified export leaves this field out."""
    if field.identifier or field.field_type in {FieldType.NOTES, FieldType.FILE}:
        return True
    if field.field_type is FieldType.TEXT:
        return field.validation is None or field.validation in _IDENTIFYING_VALIDATION
    return False


def hmac_offset(secret: bytes, *, max_days: int = DEFAULT_MAX_DAYS) -> Callable[[str], int]:
    """A deterministic shift in days per record id: never 0, between -max_days and max_days.

    The shift is an HMAC-SHA256 of the record id under the study's secret, so the same
    record moves by the same days in every export while nobody without the secret can
    recover it; no shift is 0, so no date leaves unshifted.
    """
    if max_days < 1:
        raise ValueError(f"max_days must be at least 1, not {max_days}")
    if not secret:
        raise ValueError("the secret for date shifting must not be empty")

    def offset(record_id: str) -> int:
        digest = hmac.new(secret, record_id.encode("utf-8"), hashlib.sha256).digest()
        step = int.from_bytes(digest[:8], "big") % (2 * max_days)
        return step - max_days if step < max_days else step - max_days + 1

    return offset


def shift_stored(value: str, days: int) -> str:
    """Shift a stored date (`YYYY-MM-DD`) or date-time (`YYYY-MM-DD HH:MM[:SS]`)."""
    if not value:
        return value
    shifted = date.fromisoformat(value[:10]) + timedelta(days=days)
    return shifted.isoformat() + value[10:]
