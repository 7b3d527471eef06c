"""One entered value checked against its field: REDCap's storage form, an error or a warning.

A type error (not a date, not one of the choices) is an `error`: the save is refused.
A value outside the field's min or max is a `warning`: the person confirms it or fixes
it. Values are stored the way REDCap exports them, whatever order the form shows:
dates `YYYY-MM-DD`, date-times `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS`, times
`HH:MM` (`HH:MM:SS`, `MM:SS`), numbers with a leading zero and no plus sign (with a
decimal comma for the `_comma_decimal` types: `12,5`), checkbox codes joined by commas
in the dictionary's order. A blank value is always accepted here and stored as "":
whether a field is required depends on branching, which the capture layer evaluates.

Every validation type REDCap ships is checked with REDCap's own pattern
(`redcap_validation_types`); `browser_pattern` gives the same pattern for an HTML
`pattern` attribute. A Social Security number identifies a person, so no value of an
`ssn` field is ever stored.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from formats.datadictionary import (
    COMMA_DECIMAL,
    IDENTIFYING_VALIDATION,
    Field,
    FieldType,
    Relative,
    ValidationType,
    parse_limit,
)

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
    V.TIME_HH_MM_SS: "14:30:05",
    V.TIME_MM_SS: "04:30",
    V.INTEGER: "42",
    V.NUMBER: "12.5",
    V.NUMBER_1DP: "12.5",
    V.NUMBER_2DP: "12.25",
    V.NUMBER_3DP: "12.125",
    V.NUMBER_4DP: "12.0625",
    V.NUMBER_COMMA_DECIMAL: "12,5",
    V.NUMBER_1DP_COMMA_DECIMAL: "12,5",
    V.NUMBER_2DP_COMMA_DECIMAL: "12,25",
    V.NUMBER_3DP_COMMA_DECIMAL: "12,125",
    V.NUMBER_4DP_COMMA_DECIMAL: "12,0625",
    V.EMAIL: "name@example.org",
    V.PHONE: "(415) 555-2671",
    V.PHONE_AUSTRALIA: "(02) 9876 5432",
    V.POSTALCODE_AUSTRALIA: "2000",
    V.POSTALCODE_CANADA: "K1A 0B1",
    V.POSTALCODE_FRENCH: "75001",
    V.POSTALCODE_GERMANY: "10115",
    V.ZIPCODE: "37203 or 37203-1234",
    V.MRN_10D: "0123456789",
    V.MRN_GENERIC: "AB-1234_5",
    V.VMRN: "123456",
    V.SSN: "",
    V.ALPHA_ONLY: "abc",
    V.AUTOCOMPLETE: "",
}
_DESCRIBED: dict[V, str] = {
    V.TIME: "a time HH:MM (00:00 to 23:59)",
    V.TIME_HH_MM_SS: "a time HH:MM:SS (00:00:00 to 23:59:59)",
    V.TIME_MM_SS: "minutes and seconds MM:SS (00:00 to 59:59)",
    V.INTEGER: "a whole number",
    V.NUMBER: "a number",
    V.NUMBER_1DP: "a number with 1 decimal place",
    V.NUMBER_2DP: "a number with 2 decimal places",
    V.NUMBER_3DP: "a number with 3 decimal places",
    V.NUMBER_4DP: "a number with 4 decimal places",
    V.NUMBER_COMMA_DECIMAL: "a number with a decimal comma",
    V.NUMBER_1DP_COMMA_DECIMAL: "a number with 1 decimal place after a comma",
    V.NUMBER_2DP_COMMA_DECIMAL: "a number with 2 decimal places after a comma",
    V.NUMBER_3DP_COMMA_DECIMAL: "a number with 3 decimal places after a comma",
    V.NUMBER_4DP_COMMA_DECIMAL: "a number with 4 decimal places after a comma",
    V.EMAIL: "an email address",
    V.PHONE: "a North American phone number",
    V.PHONE_AUSTRALIA: "an Australian phone number (area code 02 to 08, then 8 digits)",
    V.POSTALCODE_AUSTRALIA: "an Australian postcode (4 digits)",
    V.POSTALCODE_CANADA: "a Canadian postal code (A9A 9A9)",
    V.POSTALCODE_FRENCH: "a French postal code (5 digits)",
    V.POSTALCODE_GERMANY: "a German postal code (5 digits)",
    V.ZIPCODE: "a U.S. ZIP code (5 digits, or ZIP+4)",
    V.MRN_10D: "a medical record number of 10 digits",
    V.MRN_GENERIC: "a medical record number (letters, digits, '-' and '_')",
    V.VMRN: "a Vanderbilt medical record number (4 to 9 digits)",
    V.SSN: "nothing: a Social Security number identifies a person",
    V.ALPHA_ONLY: "letters A-Z only (no spaces, digits or accents)",
    V.AUTOCOMPLETE: "one of the choices",
}
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", re.ASCII)
_DMY_OR_MDY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.ASCII)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII)
_INTEGER = re.compile(r"[-+]?\d+", re.ASCII)
_NUMBER = re.compile(r"([-+]?)(\d*)(?:\.(\d*))?", re.ASCII)
_COMMA_NUMBER = re.compile(r"([-+]?)(\d*)(?:,(\d*))?", re.ASCII)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?:\+?1[\s.-]*)?\(?([2-9]\d{2})\)?[\s.-]*([2-9]\d{2})[\s.-]*(\d{4})"
    r"(?:\s*(?:#|x\.?|ext\.?|extension)\s*(\d+))?",
    re.IGNORECASE | re.ASCII,
)
_MM_SS = re.compile(r"([0-5]\d):([0-5]\d)", re.ASCII)
_HH_MM_SS = re.compile(r"(\d|[01]\d|2[0-3]):([0-5]\d):([0-5]\d)", re.ASCII)
# REDCap's own patterns (redcap_validation_types.regex_php), value kept as typed.
_PATTERNS: dict[V, tuple[str, str]] = {
    V.PHONE_AUSTRALIA: (r"(\(0[2-8]\)|0[2-8])\s*\d{4}\s*\d{4}", "an Australian phone number"),
    V.POSTALCODE_AUSTRALIA: (r"\d{4}", "an Australian postcode"),
    V.POSTALCODE_CANADA: (
        r"[ABCEGHJ-NPRSTVXYabceghj-nprstvxy]\d[A-Za-z]\s*\d[A-Za-z]\d",
        "a Canadian postal code",
    ),
    V.POSTALCODE_FRENCH: (r"((0?[1-9])|([1-8][0-9])|(9[0-8]))[0-9]{3}", "a French postal code"),
    V.POSTALCODE_GERMANY: (r"(0[1-9]|[1-9]\d)\d{3}", "a German postal code"),
    V.ZIPCODE: (r"\d{5}(-\d{4})?", "a ZIP code"),
    V.MRN_10D: (r"\d{10}", "a 10-digit medical record number"),
    V.MRN_GENERIC: (r"[A-Za-z0-9_-]+", "a medical record number"),
    V.VMRN: (r"[0-9]{4,9}", "a Vanderbilt medical record number"),
    V.ALPHA_ONLY: (r"[A-Za-z]+", "letters only"),
}
_COMPILED = {v: re.compile(pattern, re.ASCII) for v, (pattern, _) in _PATTERNS.items()}
_DECIMALS = {
    V.NUMBER_1DP: 1,
    V.NUMBER_2DP: 2,
    V.NUMBER_3DP: 3,
    V.NUMBER_4DP: 4,
    V.NUMBER_1DP_COMMA_DECIMAL: 1,
    V.NUMBER_2DP_COMMA_DECIMAL: 2,
    V.NUMBER_3DP_COMMA_DECIMAL: 3,
    V.NUMBER_4DP_COMMA_DECIMAL: 4,
}
_NUMBERS = frozenset({V.NUMBER, *_DECIMALS}) | COMMA_DECIMAL
_TIMES = frozenset({V.TIME, V.TIME_HH_MM_SS, V.TIME_MM_SS})
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
    # An sql field's choices come from a query RadCollab cannot run: its value is kept.
    if field.validation is None or kind is FieldType.SQL:
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
    if validation in IDENTIFYING_VALIDATION:
        return _identifier(field)
    if validation in _DATE_FORMATS:
        parsed = _parse_moment(field, validation, text)
    elif validation in _TIMES:
        parsed = _parse_time(field, validation, text)
    elif validation is V.INTEGER:
        parsed = _parse_integer(field, text)
    elif validation in _NUMBERS:
        parsed = _parse_number(field, validation, text)
    else:
        return _check_pattern(field, validation, text)
    if isinstance(parsed, Checked):
        return parsed
    stored, moment = parsed
    warning = _range_warning(field, validation, text, moment, today=today, now=now)
    return Checked(stored, warning=warning)


def _identifier(field: Field) -> Checked:
    """The value is not repeated in the message: it identifies a person."""
    return Checked(
        "",
        error=(
            f"field {field.name}: a Social Security number identifies a person; RadCollab "
            "keeps pseudonymised data only, so it is not stored. Leave the field empty."
        ),
    )


def _error(field: Field, text: str, problem: str, expected: str) -> Checked:
    return Checked("", error=f"field {field.name}: {text!r} {problem}; expected {expected}")


def _expected_with_example(validation: V) -> str:
    if validation in _DATE_FORMATS:
        fmt = _DATE_FORMATS[validation]
        example = _format_moment(_example_moment(fmt), fmt.order, fmt.clock)
        return f"{expected_format(validation)}, such as {example}"
    example = _EXAMPLES[validation]
    return f"{_DESCRIBED[validation]}, such as {example}" if example else _DESCRIBED[validation]


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


def _parse_time(field: Field, validation: V, text: str) -> tuple[str, _Moment] | Checked:
    """HH:MM, HH:MM:SS or MM:SS, stored with two digits for each part."""
    expected = _expected_with_example(validation)
    if validation is V.TIME_MM_SS:
        match = _MM_SS.fullmatch(text)
        if match is None:
            return _error(field, text, "is not minutes and seconds", expected)
        minute, second = int(match.group(1)), int(match.group(2))
        return f"{minute:02d}:{second:02d}", time(0, minute, second)
    if validation is V.TIME_HH_MM_SS:
        match = _HH_MM_SS.fullmatch(text)
        if match is None:
            return _error(field, text, "is not a time", expected)
        hour, minute, second = (int(part) for part in match.groups())
        clock = time(hour, minute, second)
        return clock.strftime("%H:%M:%S"), clock
    parsed = _parse_clock(text, seconds=False)
    if parsed is None:
        return _error(field, text, "is not a time", expected)
    return parsed.strftime("%H:%M"), parsed


def _parse_integer(field: Field, text: str) -> tuple[str, _Moment] | Checked:
    if not _INTEGER.fullmatch(text):
        return _error(field, text, "is not an integer", _expected_with_example(V.INTEGER))
    number = int(text)
    return str(number), Decimal(number)


def _parse_number(field: Field, validation: V, text: str) -> tuple[str, _Moment] | Checked:
    """A number stored as REDCap stores it: no plus sign, a leading zero, the field's own
    decimal mark (a comma for the comma types) and, for a fixed number of places, that
    many digits after it."""
    comma = validation in COMMA_DECIMAL
    match = (_COMMA_NUMBER if comma else _NUMBER).fullmatch(text)
    if match is None or not (match.group(2) or match.group(3)):
        problem = "is not a number" + (" written with a decimal comma" if comma else "")
        return _error(field, text, problem, _expected_with_example(validation))
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    places = _DECIMALS.get(validation)
    if places is not None and len(fraction) > places:
        problem = f"has {len(fraction)} decimal places"
        return _error(field, text, problem, _expected_with_example(validation))
    if places is not None:
        fraction = fraction.ljust(places, "0")
    whole = whole.lstrip("0") or "0"
    number = Decimal(whole + (f".{fraction}" if fraction else ""))
    stored = whole + (("," if comma else ".") + fraction if fraction else "")
    if sign == "-" and number != 0:
        stored, number = "-" + stored, -number
    return stored, number


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
    if validation not in _COMPILED:
        return Checked(text)  # autocomplete: a dropdown's choices are checked as choices
    if _COMPILED[validation].fullmatch(text):
        return Checked(text)
    return _error(field, text, f"is not {_PATTERNS[validation][1]}", expected)


def browser_pattern(validation: V) -> str | None:
    """REDCap's pattern for an HTML `pattern` attribute (anchored by the browser, read
    with the `v` flag), or None where the browser's own control or the server checks."""
    if validation in _PATTERNS:
        return _PATTERNS[validation][0].replace("_-]", "_\\-]")
    return _BROWSER_PATTERNS.get(validation)


_BROWSER_PATTERNS: dict[V, str] = {
    V.TIME: r"([01]?\d|2[0-3]):[0-5]\d",
    V.TIME_HH_MM_SS: r"(\d|[01]\d|2[0-3]):[0-5]\d:[0-5]\d",
    V.TIME_MM_SS: r"[0-5]\d:[0-5]\d",
    V.INTEGER: r"[\-+]?\d+",
    V.NUMBER: r"[\-+]?(\d+\.?\d*|\.\d+)",
    **{v: rf"[\-+]?\d*(\.\d{{0,{n}}})?" for v, n in _DECIMALS.items() if v not in COMMA_DECIMAL},
    V.NUMBER_COMMA_DECIMAL: r"[\-+]?(\d+,?\d*|,\d+)",
    **{v: rf"[\-+]?\d*(,\d{{0,{n}}})?" for v, n in _DECIMALS.items() if v in COMMA_DECIMAL},
}


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
        shown = {V.TIME_HH_MM_SS: "%H:%M:%S", V.TIME_MM_SS: "%M:%S"}
        return value.strftime(shown.get(validation, "%H:%M"))
    if validation in COMMA_DECIMAL:
        return str(value).replace(".", ",")
    return str(value)
