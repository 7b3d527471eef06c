"""What a value is while an expression runs, and how one kind becomes another.

A value is blank (`None`), a boolean, a number (`float`) or text (`str`). Field values
arrive as text, as REDCap stores them; every rule here is mirrored in logic.js.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

Value = None | bool | float | str

# A field's value as a record stores it: REDCap's text, or a checkbox's ticked codes.
Stored = str | list[str]
# A field's value as logic reads it: what a record stores or blank (None); a number or a
# boolean as a caller (or a JSON case) may give it.
Raw = None | bool | float | str | Collection[str]

_NUMERIC = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*")


def is_blank(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def looks_numeric(text: str) -> bool:
    return _NUMERIC.fullmatch(text) is not None


def to_number(value: Value) -> float | None:
    """The number a value stands for, or None (blank, or text that is not a number)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and looks_numeric(value):
        return float(value)
    return None


def to_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return number_text(value)
    return value


def to_bool(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if is_blank(value):
        return False
    number = to_number(value)
    return number != 0 if number is not None else True


def equal(left: Value, right: Value) -> bool:
    """`=` in logic: numeric when both sides read as numbers, else exact text; blank only
    equals blank."""
    if is_blank(left) or is_blank(right):
        return is_blank(left) and is_blank(right)
    a, b = to_number(left), to_number(right)
    if a is not None and b is not None:
        return a == b
    return to_text(left) == to_text(right)


def format_value(value: Value) -> str:
    """The text a calc field shows and stores: blank is '', true is '1', 2.50 is '2.5'."""
    return to_text(value)


def number_text(number: float) -> str:
    """The shortest decimal that reads back as `number`, never in exponent form."""
    if not math.isfinite(number):
        return ""
    if number == 0:
        return "0"
    text = format(Decimal(repr(number)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_MODES = {"round": ROUND_HALF_UP, "roundup": ROUND_CEILING, "rounddown": ROUND_FLOOR}


def round_number(number: float, places: int, mode: str) -> float:
    """Round the decimal that `number` shows as, so round(1.005, 2) is 1.01 as people expect.

    `round` takes halves away from zero; `roundup` goes towards +infinity and
    `rounddown` towards -infinity, as REDCap's own functions do.
    """
    places = max(-400, min(400, places))  # beyond any double's digits; keeps Decimal in range
    exact = Decimal(number_text(number))
    exponent = exact.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -places:
        return number  # already has no more than `places` decimals
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=_MODES[mode])
    return float(rounded) + 0.0
