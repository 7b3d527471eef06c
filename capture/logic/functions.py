"""The functions of REDCap logic that read only their arguments. logic.js mirrors each.

Text functions count characters (code points, as Python does; logic.js counts the same
way), compare without regard to case (`lower()` on both sides, as REDCap does), and read
any value as its text (a number as `format_value` writes it, blank as "").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from . import dates
from .values import Value, is_blank, looks_numeric, round_number, to_number, to_text

Function = Callable[[list[Value]], Value]

# PHP's trim(): space, tab, line feed, carriage return, NUL and vertical tab.
_TRIMMED = " \t\n\r\x00\x0b"
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


def _finite(number: float) -> float | None:
    return number if math.isfinite(number) else None


def numbers(args: list[Value]) -> list[float] | None:
    """The numbers among the arguments, skipping blanks; None if any is text."""
    found: list[float] = []
    for arg in args:
        if is_blank(arg):
            continue
        number = to_number(arg)
        if number is None:
            return None
        found.append(number)
    return found


def _aggregate(combine: Callable[[list[float]], float | None]) -> Function:
    def apply(args: list[Value]) -> Value:
        found = numbers(args)
        if not found:
            return None
        result = combine(found)
        return None if result is None else _finite(result)

    return apply


def _sum(found: list[float]) -> float:
    total = 0.0
    for number in found:
        total += number
    return total


def _median(found: list[float]) -> float:
    ordered = sorted(found)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _stdev(found: list[float]) -> float | None:
    """The sample standard deviation (n - 1); blank for fewer than two numbers."""
    if len(found) < 2:
        return None
    mean = _sum(found) / len(found)
    squares = 0.0
    for number in found:
        squares += (number - mean) * (number - mean)
    return math.sqrt(squares / (len(found) - 1))


def _rounding(mode: str) -> Function:
    def apply(args: list[Value]) -> Value:
        number = to_number(args[0])
        places = to_number(args[1]) if len(args) > 1 else 0.0
        if number is None or places is None:
            return None
        return round_number(number, math.trunc(places), mode)

    return apply


def _unary(function: Callable[[float], float | None]) -> Function:
    def apply(args: list[Value]) -> Value:
        number = to_number(args[0])
        return None if number is None else function(number)

    return apply


def _mod(args: list[Value]) -> Value:
    a, b = to_number(args[0]), to_number(args[1])
    if a is None or b is None or b == 0:
        return None
    return math.fmod(a, b)


def _isnumber(args: list[Value]) -> Value:
    value = args[0]
    if isinstance(value, float):
        return True
    return isinstance(value, str) and looks_numeric(value)


def _isinteger(args: list[Value]) -> Value:
    value = args[0]
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and _INTEGER.fullmatch(value) is not None


def _date_part(index: int) -> Function:
    def apply(args: list[Value]) -> Value:
        parts = dates.date_parts(to_text(args[0]))
        return None if parts is None else float(parts[index])

    return apply


def _texts(function: Callable[[str, str], Value]) -> Function:
    """A function of two texts, compared without regard to case."""

    def apply(args: list[Value]) -> Value:
        return function(to_text(args[0]).lower(), to_text(args[1]).lower())

    return apply


def _count(value: Value) -> int | None:
    number = to_number(value)
    return None if number is None else math.trunc(number)


def _left(args: list[Value]) -> Value:
    count = _count(args[1])
    if count is None:
        return None
    return to_text(args[0])[:count] if count > 0 else ""


def _right(args: list[Value]) -> Value:
    count = _count(args[1])
    if count is None:
        return None
    return to_text(args[0])[-count:] if count > 0 else ""


def _mid(args: list[Value]) -> Value:
    start, count = _count(args[1]), _count(args[2])
    if start is None or count is None:
        return None
    start = max(start, 1) - 1
    return to_text(args[0])[start : start + count] if count > 0 else ""


def _find(needle: str, haystack: str) -> Value:
    """Where `needle` starts in `haystack`, counting from 1; 0 when it is not there."""
    return float(haystack.find(needle) + 1) if needle else 0.0


FUNCTIONS: dict[str, Function] = {
    "sum": _aggregate(_sum),
    "min": _aggregate(min),
    "max": _aggregate(max),
    "mean": _aggregate(lambda found: _sum(found) / len(found)),
    "median": _aggregate(_median),
    "stdev": _aggregate(_stdev),
    "round": _rounding("round"),
    "roundup": _rounding("roundup"),
    "rounddown": _rounding("rounddown"),
    "abs": _unary(abs),
    "sqrt": _unary(lambda number: math.sqrt(number) if number >= 0 else None),
    "mod": _mod,
    "isnumber": _isnumber,
    "isinteger": _isinteger,
    "year": _date_part(0),
    "month": _date_part(1),
    "day": _date_part(2),
    "contains": _texts(lambda haystack, needle: needle in haystack),
    "not_contain": _texts(lambda haystack, needle: needle not in haystack),
    "starts_with": _texts(lambda haystack, needle: haystack.startswith(needle)),
    "ends_with": _texts(lambda haystack, needle: haystack.endswith(needle)),
    "find": _texts(_find),
    "left": _left,
    "right": _right,
    "mid": _mid,
    "length": lambda args: float(len(to_text(args[0]))),
    "concat": lambda args: "".join(to_text(arg) for arg in args),
    "upper": lambda args: to_text(args[0]).upper(),
    "lower": lambda args: to_text(args[0]).lower(),
    "trim": lambda args: to_text(args[0]).strip(_TRIMMED),
}
