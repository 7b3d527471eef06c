"""One entered value checked against its field: REDCap's storage form, an error or a warning.

A type error (not a date, not one of the choices) is an `error`: the save is refused.
A value outside the field's min or max is a `warning`: the person confirms it or fixes
it. Values are stored the way REDCap exports them, whatever order the form shows:
dates `YYYY-MM-DD`, date-times `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS`, times
`HH:MM`, numbers with a leading zero and no plus sign, checkbox codes joined by commas
in the dictionary's order. A blank value is always accepted here and stored as "":
whether a field is required depends on branching, which the capture layer evaluates.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from formats.datadictionary import Field, FieldType, Relative, ValidationType, parse_limit

V = ValidationType

_Moment = date | datetime | time | Decimal


@dataclass(frozen=True)
class Checked:
    """The value to store ("" when blank), and at most one error and one warning."""

    value: str
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class _DateFormat:
    order: str  # "ymd", "mdy" or "dmy": the order the form shows and accepts.
    clock: str  # "", "HH:MM" or "HH:MM:SS".


_DATE_FORMATS: dict[V, _DateFormat] = {
    V.DATE_YMD: _DateFormat("ymd", ""),
    V.DATE_MDY: _DateFormat("mdy", ""),
    V.DATE_DMY: _DateFormat("dmy", ""),
    V.DATETIME_YMD: _DateFormat("ymd", "HH:MM"),
    V.DATETIME_MDY: _DateFormat("mdy", "HH:MM"),
    V.DATETIME_DMY: _DateFormat("dmy", "HH:MM"),
    V.DATETIME_SECONDS_YMD: _DateFormat("ymd", "HH:MM:SS"),
    V.DATETIME_SECONDS_MDY: _DateFormat("mdy", "HH:MM:SS"),
    V.DATETIME_SECONDS_DMY: _DateFormat("dmy", "HH:MM:SS"),
}
DATE_TYPES = frozenset(_DATE_FORMATS)
_SHOWN = {"ymd": "YYYY-MM-DD", "mdy": "MM-DD-YYYY", "dmy": "DD-MM-YYYY"}
_EXAMPLE_DATE = date(2024, 12, 31)
_EXAMPLES: dict[V, str] = {
    V.TIME: "14:30",
    V.INTEGER: "42",
    V.NUMBER: "12.5",
    V.NUMBER_1DP: "12.5",
    V.NUMBER_2DP: "12.25",
    V.EMAIL: "name@example.org",
    V.PHONE: "(415) 555-2671",
    V.ALPHA_ONLY: "abc",
}
_DESCRIBED: dict[V, str] = {
    V.TIME: "a time HH:MM (00:00 to 23:59)",
    V.INTEGER: "a whole number",
    V.NUMBER: "a number",
    V.NUMBER_1DP: "a number with 1 decimal place",
    V.NUMBER_2DP: "a number with 2 decimal places",
    V.EMAIL: "an email address",
    V.PHONE: "a North American phone number",
    V.ALPHA_ONLY: "letters A-Z only (no spaces, digits or accents)",
}
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DMY_OR_MDY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_INTEGER = re.compile(r"[-+]?\d+")
_NUMBER = re.compile(r"([-+]?)(\d*)(?:\.(\d*))?")
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?:\+?1[\s.-]*)?\(?([2-9]\d{2})\)?[\s.-]*([2-9]\d{2})[\s.-]*(\d{4})"
    r"(?:\s*(?:#|x\.?|ext\.?|extension)\s*(\d+))?",
    re.IGNORECASE,
)
_ALPHA = re.compile(r"[A-Za-z]+")
_DECIMALS = {V.NUMBER_1DP: 1, V.NUMBER_2DP: 2}
SLIDER_RANGE = (0, 100)
MAX_LISTED_CHOICES = 12


def expected_format(validation: V) -> str:
    """What a person should type, as shown in messages and as the form's placeholder."""
    if validation in _DATE_FORMATS:
        fmt = _DATE_FORMATS[validation]
        return f"{_SHOWN[fmt.order]} {fmt.clock}".strip()
    return _DESCRIBED[validation]


def check_value(field: Field, raw: str, *, today: date, now: datetime) -> Checked:
    """Check what was entered in one field; `today` and `now` are the study's local time.

    For a checkbox field `raw` holds the ticked codes separated by commas (`check_checkbox`
    takes a collection). Calculated, descriptive and file fields are never typed in.
    """
    text = raw.replace("\r\n", "\n").strip()
    if not text:
        return Checked("")
    kind = field.field_type
    if kind is FieldType.CHECKBOX:
        return check_checkbox(field, split_checkbox(text))
    if kind in {FieldType.DROPDOWN, FieldType.RADIO, FieldType.YESNO, FieldType.TRUEFALSE}:
        return _check_choice(field, text)
    if kind is FieldType.SLIDER:
        return _check_slider(field, text)
    if kind in {FieldType.CALC, FieldType.DESCRIPTIVE, FieldType.FILE}:
        return _not_entered(field, text)
    if field.validation is None:
        return Checked(text)
    return _check_validated(field, field.validation, text, today=today, now=now)


def split_checkbox(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


def check_checkbox(field: Field, codes: Collection[str]) -> Checked:
    """Ticked codes in, stored as the valid codes in the dictionary's order, comma-joined."""
    known = [choice.code for choice in field.effective_choices]
    unknown = sorted(set(codes) - set(known))
    if unknown:
        listed = ", ".join(repr(code) for code in unknown)
        return _error(
            field, ",".join(codes), f"has {listed}, not among the choices", _choices(field)
        )
    return Checked(",".join(code for code in known if code in codes))


def _check_choice(field: Field, text: str) -> Checked:
    if any(choice.code == text for choice in field.effective_choices):
        return Checked(text)
    return _error(field, text, "is not one of the choices", _choices(field))


def _choices(field: Field) -> str:
    choices = field.effective_choices
    listed = ", ".join(f"{c.code} ({c.label})" for c in choices[:MAX_LISTED_CHOICES])
    extra = len(choices) - MAX_LISTED_CHOICES
    more = f" and {extra} more" if extra > 0 else ""
    return f"one of the codes {listed}{more}"


def _check_slider(field: Field, text: str) -> Checked:
    low, high = _slider_range(field)
    expected = f"a whole number from {low} to {high}"
    if not _INTEGER.fullmatch(text):
        return _error(field, text, "is not a whole number", expected)
    number = int(text)
    if not low <= number <= high:
        return _error(field, text, "is off the slider's scale", expected)
    return Checked(str(number))


def _slider_range(field: Field) -> tuple[int, int]:
    low = int(field.validation_min) if field.validation_min else SLIDER_RANGE[0]
    high = int(field.validation_max) if field.validation_max else SLIDER_RANGE[1]
    return low, high


def _not_entered(field: Field, text: str) -> Checked:
    reason = {
        FieldType.CALC: "is calculated from other fields",
        FieldType.DESCRIPTIVE: "is descriptive text and holds no value",
        FieldType.FILE: "takes an uploaded file",
    }[field.field_type]
    return Checked("", error=f"field {field.name}: {reason}; {text!r} cannot be entered")


def _check_validated(
    field: Field, validation: V, text: str, *, today: date, now: datetime
) -> Checked:
    if validation in _DATE_FORMATS:
        parsed = _parse_moment(field, validation, text)
    elif validation is V.TIME:
        parsed = _parse_time(field, text)
    elif validation is V.INTEGER:
        parsed = _parse_integer(field, text)
    elif validation in {V.NUMBER, V.NUMBER_1DP, V.NUMBER_2DP}:
        parsed = _parse_number(field, validation, text)
    else:
        return _check_pattern(field, validation, text)
    if isinstance(parsed, Checked):
        return parsed
    stored, moment = parsed
    warning = _range_warning(field, validation, text, moment, today=today, now=now)
    return Checked(stored, warning=warning)


def _error(field: Field, text: str, problem: str, expected: str) -> Checked:
    return Checked("", error=f"field {field.name}: {text!r} {problem}; expected {expected}")


def _expected_with_example(validation: V) -> str:
    if validation in _DATE_FORMATS:
        fmt = _DATE_FORMATS[validation]
        example = _format_moment(_example_moment(fmt), fmt.order, fmt.clock)
        return f"{expected_format(validation)}, such as {example}"
    return f"{_DESCRIBED[validation]}, such as {_EXAMPLES[validation]}"


def _example_moment(fmt: _DateFormat) -> date | datetime:
    if not fmt.clock:
        return _EXAMPLE_DATE
    return datetime(2024, 12, 31, 14, 30, 5 if fmt.clock == "HH:MM:SS" else 0)  # noqa: DTZ001


def _parse_moment(field: Field, validation: V, text: str) -> tuple[str, _Moment] | Checked:
    fmt = _DATE_FORMATS[validation]
    day_part, _, clock_part = text.replace("T", " ", 1).partition(" ")
    clock_part = clock_part.strip()
    ymd = _date_parts(day_part, fmt.order)
    if ymd is None or bool(clock_part) != bool(fmt.clock):
        return _error(field, text, "is not written that way", _expected_with_example(validation))
    try:
        day = date(*ymd)
    except ValueError:
        return _error(field, text, "is not a real date", _expected_with_example(validation))
    if not fmt.clock:
        return day.isoformat(), day
    seconds = fmt.clock == "HH:MM:SS"
    clock = _parse_clock(clock_part, seconds=seconds)
    if clock is None:
        problem = "is not a real date and time"
        return _error(field, text, problem, _expected_with_example(validation))
    moment = datetime.combine(day, clock)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"), moment


def _date_parts(text: str, order: str) -> tuple[int, int, int] | None:
    """Year, month, day from YYYY-MM-DD (always accepted) or the field's own order."""
    match = _YMD.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return year, month, day
    match = _DMY_OR_MDY.fullmatch(text)
    if match is None or order == "ymd":
        return None
    first, second, year = (int(part) for part in match.groups())
    return (year, first, second) if order == "mdy" else (year, second, first)


def _parse_clock(text: str, *, seconds: bool) -> time | None:
    """HH:MM, or HH:MM:SS where the field records seconds (HH:MM there means :00)."""
    match = _CLOCK.fullmatch(text)
    if match is None or (match.group(3) is not None and not seconds):
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _format_moment(moment: date | datetime, order: str, clock: str) -> str:
    year, month, day = f"{moment.year:04d}", f"{moment.month:02d}", f"{moment.day:02d}"
    shown = {"ymd": f"{year}-{month}-{day}", "mdy": f"{month}-{day}-{year}"}
    shown["dmy"] = f"{day}-{month}-{year}"
    if not clock or not isinstance(moment, datetime):
        return shown[order]
    seconds = f":{moment.second:02d}" if clock == "HH:MM:SS" else ""
    return f"{shown[order]} {moment.hour:02d}:{moment.minute:02d}{seconds}"


def _parse_time(field: Field, text: str) -> tuple[str, _Moment] | Checked:
    clock = _parse_clock(text, seconds=False)
    if clock is None:
        return _error(field, text, "is not a time", _expected_with_example(V.TIME))
    return clock.strftime("%H:%M"), clock


def _parse_integer(field: Field, text: str) -> tuple[str, _Moment] | Checked:
    if not _INTEGER.fullmatch(text):
        return _error(field, text, "is not an integer", _expected_with_example(V.INTEGER))
    number = int(text)
    return str(number), Decimal(number)


def _parse_number(field: Field, validation: V, text: str) -> tuple[str, _Moment] | Checked:
    match = _NUMBER.fullmatch(text)
    if match is None or not (match.group(2) or match.group(3)):
        return _error(field, text, "is not a number", _expected_with_example(validation))
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    places = _DECIMALS.get(validation)
    if places is not None and len(fraction) > places:
        problem = f"has {len(fraction)} decimal places"
        return _error(field, text, problem, _expected_with_example(validation))
    if places is not None:
        fraction = fraction.ljust(places, "0")
    whole = whole.lstrip("0") or "0"
    stored = whole + (f".{fraction}" if fraction else "")
    number = Decimal(stored)
    if sign == "-" and number != 0:
        stored = "-" + stored
    return stored, Decimal(stored)


def _check_pattern(field: Field, validation: V, text: str) -> Checked:
    expected = _expected_with_example(validation)
    if validation is V.EMAIL:
        if _EMAIL.fullmatch(text):
            return Checked(text)
        return _error(field, text, "is not an email address", expected)
    if validation is V.PHONE:
        match = _PHONE.fullmatch(text)
        if match is None:
            return _error(field, text, "is not a phone number", expected)
        area, exchange, line, extension = match.groups()
        stored = f"({area}) {exchange}-{line}" + (f" x{extension}" if extension else "")
        return Checked(stored)
    if _ALPHA.fullmatch(text):
        return Checked(text)
    return _error(field, text, "is not letters only", expected)


def _range_warning(
    field: Field, validation: V, text: str, value: _Moment, *, today: date, now: datetime
) -> str | None:
    if not field.validation_min and not field.validation_max:
        return None
    minimum, maximum = _limits(validation, field.validation_min, field.validation_max)
    low = _resolve(minimum, validation, today=today, now=now)
    if low is not None and value < low:  # type: ignore[operator]
        where = "before the earliest" if validation in _DATE_FORMATS else "below the minimum"
        return _warning(field, validation, text, where, minimum, low)
    high = _resolve(maximum, validation, today=today, now=now)
    if high is not None and value > high:  # type: ignore[operator]
        where = "after the latest" if validation in _DATE_FORMATS else "above the maximum"
        return _warning(field, validation, text, where, maximum, high)
    return None


@lru_cache(maxsize=4096)
def _limits(validation: V, low: str, high: str) -> tuple[object, object]:
    """The field's parsed min and max; the dictionary reader has already checked them."""
    minimum = parse_limit(low, validation) if low else None
    maximum = parse_limit(high, validation) if high else None
    return minimum, maximum


def _resolve(limit: object, validation: V, *, today: date, now: datetime) -> _Moment | None:
    if not isinstance(limit, Relative):
        return limit  # type: ignore[return-value]
    if not _DATE_FORMATS[validation].clock:
        return today
    wall_clock = now.replace(tzinfo=None)
    if limit is Relative.TODAY:
        return datetime.combine(today, time())
    return wall_clock


def _warning(
    field: Field, validation: V, text: str, where: str, limit: object, resolved: _Moment
) -> str:
    shown = _show(resolved, validation)
    bound = f"{limit} ({shown})" if isinstance(limit, Relative) else shown
    return f"field {field.name}: {text} is {where}, {bound}; confirm it if it is right"


def _show(value: _Moment, validation: V) -> str:
    if validation in _DATE_FORMATS and isinstance(value, date):
        fmt = _DATE_FORMATS[validation]
        return _format_moment(value, fmt.order, fmt.clock)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)
