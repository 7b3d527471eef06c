"""Time zones for deadlines: parse a zone name, make an aware instant, say it to people."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError

from events.models import AOE

# Friendly names for the zones sources use; any IANA name is accepted as well.
ZONE_CHOICES = [
    (AOE, "Anywhere on Earth (UTC-12)"),
    ("UTC", "UTC"),
    ("Europe/London", "UK time (GMT/BST)"),
    ("Europe/Vienna", "Central European time (CET/CEST)"),
    ("America/New_York", "US Eastern time (ET)"),
    ("America/Chicago", "US Central time (CT)"),
    ("America/Denver", "US Mountain time (MT)"),
    ("America/Los_Angeles", "US Pacific time (PT)"),
    ("Australia/Sydney", "Australian Eastern time (AEST/AEDT)"),
    ("Asia/Singapore", "Singapore time"),
]
ZONE_LABELS = dict(ZONE_CHOICES)


def zone_named(name: str, *, field: str = "time_zone") -> zoneinfo.ZoneInfo:
    """The zone, or a ValidationError naming the field: a deadline needs its zone."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({field: "Give the time zone the deadline is stated in."})
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError({field: f"“{name}” is not a time zone name."}) from None


def aware(local: dt.datetime, zone_name: str, *, field: str = "due_at") -> dt.datetime:
    """A wall-clock time in `zone_name` as an aware instant in UTC.

    A time given with its own offset is refused when it disagrees with the zone, so
    that nothing is silently shifted.
    """
    zone = zone_named(zone_name)
    if local.tzinfo is not None:
        if local.utcoffset() != local.replace(tzinfo=None).replace(tzinfo=zone).utcoffset():
            raise ValidationError({field: f"The time's offset does not match {zone_name}."})
        local = local.replace(tzinfo=None)
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def wall_clock(value: dt.datetime) -> dt.datetime:
    """A form's datetime as the wall-clock time typed: forms attach the viewer's zone,
    but a deadline's time is typed in the deadline's own zone."""
    return value.replace(tzinfo=None)


def zone_label(name: str) -> str:
    return ZONE_LABELS.get(name, name)


def stated(instant: dt.datetime, zone_name: str) -> str:
    """The instant as its source states it: '6 May 2026, 12:00 CDT (US Central time (CT))'."""
    local = instant.astimezone(zoneinfo.ZoneInfo(zone_name))
    abbreviation = local.tzname() or zone_name
    if zone_name == AOE:
        abbreviation = "AoE"
    return f"{local:%-d %b %Y, %H:%M} {abbreviation} ({zone_label(zone_name)})"


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def spoken(local: dt.datetime) -> str:
    """'Thu 6 May 2027, 18:00 BST': the instant in the zone it carries.

    What the template filter `date:"D j M Y, H:i T"` writes, at a tenth of its cost; a
    page lists fifty of these.
    """
    return (
        f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year}, "
        f"{local.hour:02}:{local.minute:02} {local.tzname() or ''}"
    ).rstrip()


def countdown(instant: dt.datetime, now: dt.datetime) -> str:
    """How long until the instant, as people say it; 'passed' afterwards."""
    left = instant - now
    if left.total_seconds() <= 0:
        return "passed"
    days, seconds = left.days, left.seconds
    hours = seconds // 3600
    if days >= 2:
        return f"{days} days left"
    if days == 1:
        return f"1 day {hours} h left"
    if hours >= 1:
        return f"{hours} h {seconds % 3600 // 60} min left"
    return f"{max(1, seconds // 60)} min left"
