"""Text Validation Min and Max: what each validation type accepts, and `today`/`now`.

Dates are read in REDCap's stored form (YYYY-MM-DD) or in the field's own display
order (31-12-2024 for the dmy family, 12-31-2024 for mdy), so a dictionary written in
either form is accepted and kept exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from formats.datadictionary.model import COMMA_DECIMAL
from formats.datadictionary.model import ValidationType as V


class Relative(StrEnum):
    TODAY = "today"
    NOW = "now"


Limit = date | datetime | time | Decimal | Relative
Resolved = date | datetime | time | Decimal


@dataclass(frozen=True)
class _Format:
    order: str  # "ymd", "mdy" or "dmy": the display order of the date part.
    clock: str  # "", "HH:MM" or "HH:MM:SS".


_DATE_PARTS = {"ymd": r"(\d{4})-(\d{2})-(\d{2})", "mdy": r"(\d{2})-(\d{2})-(\d{4})"}
_DATE_PARTS["dmy"] = _DATE_PARTS["mdy"]
_SHOWN = {"ymd": "YYYY-MM-DD", "mdy": "MM-DD-YYYY", "dmy": "DD-MM-YYYY"}
_CLOCKS = {"": "", "HH:MM": r" (\d{2}:\d{2})", "HH:MM:SS": r" (\d{2}:\d{2}:\d{2})"}

_DATE_FORMATS: dict[V, _Format] = {
    V.DATE_YMD: _Format("ymd", ""),
    V.DATE_MDY: _Format("mdy", ""),
    V.DATE_DMY: _Format("dmy", ""),
    V.DATETIME_YMD: _Format("ymd", "HH:MM"),
    V.DATETIME_MDY: _Format("mdy", "HH:MM"),
    V.DATETIME_DMY: _Format("dmy", "HH:MM"),
    V.DATETIME_SECONDS_YMD: _Format("ymd", "HH:MM:SS"),
    V.DATETIME_SECONDS_MDY: _Format("mdy", "HH:MM:SS"),
    V.DATETIME_SECONDS_DMY: _Format("dmy", "HH:MM:SS"),
}
_NUMBERS = frozenset({V.NUMBER, V.NUMBER_1DP, V.NUMBER_2DP, V.NUMBER_3DP, V.NUMBER_4DP})
_COMMA_NUMBERS = COMMA_DECIMAL
_TIMES: dict[V, tuple[re.Pattern[str], str]] = {
    V.TIME: (re.compile(r"(\d{2}):(\d{2})()"), "HH:MM (00:00 to 23:59)"),
    V.TIME_HH_MM_SS: (re.compile(r"(\d{2}):(\d{2}):(\d{2})"), "HH:MM:SS (00:00:00 to 23:59:59)"),
    V.TIME_MM_SS: (re.compile(r"()(\d{2}):(\d{2})"), "MM:SS (00:00 to 59:59)"),
}
_RANGED = frozenset(_DATE_FORMATS) | _NUMBERS | _COMMA_NUMBERS | {V.INTEGER} | frozenset(_TIMES)
_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_COMMA_NUMBER = re.compile(r"-?(\d+([.,]\d*)?|[.,]\d+)")


def takes_limits(validation: V) -> bool:
    """Dates, times and numbers have a range; email, phone, codes and letters have none."""
    return validation in _RANGED


def parse_limit(text: str, validation: V) -> Limit:
    """Read one minimum or maximum; raise ValueError saying what the type expects."""
    if validation in _DATE_FORMATS:
        return _parse_moment(text, _DATE_FORMATS[validation])
    if validation is V.INTEGER:
        return _parse_number(text, _INTEGER, "a whole number")
    if validation in _NUMBERS:
        return _parse_number(text, _NUMBER, "a number")
    if validation in _COMMA_NUMBERS:
        return _parse_number(text, _COMMA_NUMBER, "a number (with a decimal comma or point)")
    if validation in _TIMES:
        return _parse_time(text, validation)
    raise ValueError(f"{validation} has no minimum or maximum")


def resolve_limit(limit: Limit, validation: V, *, now: datetime) -> Resolved:
    """Replace `today` and `now` by the moment given: the study's local wall-clock time."""
    if not isinstance(limit, Relative):
        return limit
    local = now.replace(tzinfo=None)
    if not _DATE_FORMATS[validation].clock:
        return local.date()
    if limit is Relative.TODAY:
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    return local


def comparable(minimum: Limit, maximum: Limit) -> bool:
    """Whether min > max can be decided now; `today` and `now` move, so they cannot."""
    return not isinstance(minimum, Relative) and not isinstance(maximum, Relative)


def _parse_moment(text: str, fmt: _Format) -> date | datetime | Relative:
    if text in {Relative.TODAY, Relative.NOW}:
        return Relative(text)
    orders = tuple(dict.fromkeys(("ymd", fmt.order)))
    for order in orders:
        match = re.fullmatch(_DATE_PARTS[order] + _CLOCKS[fmt.clock], text)
        if match:
            return _moment(text, match.groups(), order)
    written = " or ".join(f"{_SHOWN[order]} {fmt.clock}".strip() for order in orders)
    raise ValueError(f"{text!r} is not written {written}, 'today' or 'now'")


def _moment(text: str, groups: tuple[str, ...], order: str) -> date | datetime:
    parts = dict(zip(order, groups, strict=False))
    iso = f"{parts['y']}-{parts['m']}-{parts['d']}"
    try:
        if len(groups) > len(order):
            return datetime.fromisoformat(f"{iso}T{groups[len(order)]}")
        return date.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date or time read as {_SHOWN[order]}") from None


def _parse_number(text: str, pattern: re.Pattern[str], expected: str) -> Decimal:
    if not pattern.fullmatch(text):
        raise ValueError(f"{text!r} is not {expected}")
    return Decimal(text.replace(",", "."))


def _parse_time(text: str, validation: V) -> time:
    """A time of day; an MM:SS time is read as minutes and seconds past midnight."""
    pattern, written = _TIMES[validation]
    match = pattern.fullmatch(text)
    if match:
        hour, minute, second = (int(part or 0) for part in match.groups())
        if hour <= 23 and minute <= 59 and second <= 59:
            return time(hour, minute, second)
    raise ValueError(f"{text!r} is not a time written {written}")
