from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def duration(value: dt.timedelta | float | None) -> str:
    """A span as people say it: hours under two days, days after. Floats are hours."""
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600 if isinstance(value, dt.timedelta) else float(value)
    if hours < 1:
        return "under an hour"
    if hours < 48:
        whole = round(hours)
        return f"{whole} hour{'s' if whole != 1 else ''}"
    days = round(hours / 24)
    return f"{days} days"
