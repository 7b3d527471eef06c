"""Dates, date-times and times as REDCap stores them, and `datediff`.

Values are read as REDCap stores them: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` and
`HH:MM[:SS]`. A date format argument (`"mdy"` or `"dmy"`) lets literal dates in the
expression be written `MM-DD-YYYY` or `DD-MM-YYYY` as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")

SECONDS_PER = {
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "M": 2630016.0,  # REDCap's month: 30.44 days
    "y": 31556952.0,  # REDCap's year: 365.2425 days
}


@dataclass(frozen=True)
class Moment:
    seconds: int  # since 1970-01-01 00:00, or since midnight for a time of day
    kind: str  # "date", "datetime" or "time"


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm)."""
    year -= 1 if month <= 2 else 0
    era = (year if year >= 0 else year - 399) // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _clock(hour: str | None, minute: str | None, second: str | None) -> int | None:
    h, m, s = int(hour or 0), int(minute or 0), int(second or 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return h * 3600 + m * 60 + s


def parse_moment(text: str, date_format: str = "ymd") -> Moment | None:
    text = text.strip()
    time = _TIME.fullmatch(text)
    if time:
        seconds = _clock(*time.groups())
        return None if seconds is None else Moment(seconds, "time")
    iso = _ISO.fullmatch(text)
    parts: tuple[str | None, ...]
    if iso:
        year, month, day, *clock = iso.groups()
    else:
        other = _DAY_FIRST.fullmatch(text) if date_format in ("mdy", "dmy") else None
        if other is None:
            return None
        first, second, year, *clock = other.groups()
        month, day = (first, second) if date_format == "mdy" else (second, first)
    parts = (year, month, day)
    y, mo, d = (int(part or 0) for part in parts)
    if not (1 <= mo <= 12 and 1 <= d <= _days_in_month(y, mo)):
        return None
    seconds = _clock(*clock)
    if seconds is None:
        return None
    kind = "date" if clock[0] is None else "datetime"
    return Moment(days_from_civil(y, mo, d) * 86400 + seconds, kind)


def datediff(
    first: Moment, second: Moment, unit: str, *, signed: bool, whole_days: bool
) -> float | None:
    """`second - first` in `unit` (REDCap's order), its absolute value unless `signed`.

    `whole_days` compares the dates only, as REDCap does when either side is "today".
    """
    if (first.kind == "time") != (second.kind == "time") or unit not in SECONDS_PER:
        return None
    a, b = first.seconds, second.seconds
    if whole_days:
        a, b = a - a % 86400, b - b % 86400
    difference = float(b - a)
    if not signed:
        difference = abs(difference)
    return difference / SECONDS_PER[unit]


def date_parts(text: str) -> tuple[int, int, int] | None:
    """Year, month and day of a stored date or date-time (`YYYY-MM-DD[ HH:MM[:SS]]`)."""
    match = _ISO.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups()[:3])
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    if match.group(4) is not None and _clock(*match.groups()[3:]) is None:
        return None
    return year, month, day
