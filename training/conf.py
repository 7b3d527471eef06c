"""The organisation's training settings (RADCOLLAB_CREDENTIAL_REFRESH_YEARS in settings)."""

from __future__ import annotations

from django.conf import settings

DEFAULT_REFRESH_YEARS = 3
# A credential is "due" this many days before it expires; reminders go at these marks.
DUE_WITHIN_DAYS = 60
REMINDER_DAYS = (60, 14)


def default_refresh_years() -> int:
    """RADCOLLAB_CREDENTIAL_REFRESH_YEARS: years until a refresher is due, 0 for never."""
    return int(getattr(settings, "RADCOLLAB_CREDENTIAL_REFRESH_YEARS", DEFAULT_REFRESH_YEARS))
