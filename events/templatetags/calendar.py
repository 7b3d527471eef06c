from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from events import times

register = template.Library()


@register.filter
def countdown(value: dt.datetime | None) -> str:
    """'12 days left', or 'passed'."""
    return times.countdown(value, timezone.now()) if value else ""


@register.filter
def as_stated(deadline: object) -> str:
    """A deadline in the zone its source states it in."""
    due_at, zone = getattr(deadline, "due_at", None), getattr(deadline, "time_zone", "")
    return times.stated(due_at, zone) if isinstance(due_at, dt.datetime) and zone else ""


@register.filter
def source_of(edition: object, field: str) -> str:
    sources = getattr(edition, "sources", None) or {}
    return str(sources.get(field, ""))
