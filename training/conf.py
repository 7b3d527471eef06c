"""The organisation's training settings, read once from settings or the environment."""

from __future__ import annotations

from django.conf import settings

from radcollab.env import env_int

DEFAULT_REFRESH_YEARS = 3
# A credential is "due" this many days before it expires; reminders go at these marks.
DUE_WITHIN_DAYS = 60
REMINDER_DAYS = (60, 14)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def default_refresh_years() -> int:
    """RADCOLLAB_CREDENTIAL_REFRESH_YEARS: years until a refresher is due, 0 for never."""
    configured = getattr(settings, "RADCOLLAB_CREDENTIAL_REFRESH_YEARS", None)
    if configured is None:
        return env_int("RADCOLLAB_CREDENTIAL_REFRESH_YEARS", DEFAULT_REFRESH_YEARS)
    return int(configured)
