"""Evaluating a tree against one record's values. logic.js does the same, step for step."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from . import dates
from .errors import LogicError
from .nodes import Binary, Boolean, Call, Negate, Node, Number, Text, Variable
from .values import (
    Value,
    equal,
    is_blank,
    looks_numeric,
    round_number,
    to_bool,
    to_number,
    to_text,
)


@dataclass(frozen=True)
class Context:
    """What an expression may read besides the record: the clock and the missing-data codes.

    Pass the study's local date and time as `today` and `now`; without them the
    current UTC date and time are used.
    """

    today: date | None = None
    now: datetime | None = None
    missing_codes: frozenset[str] = field(default_factory=frozenset)

    def today_text(self) -> str:
        return (self.today or datetime.now(UTC).date()).isoformat()

    def now_text(self) -> str:
        moment = self.now or datetime.now(UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S")


def evaluate(
    node: Node,
    values: Mapping[str, Any],
    *,
    today: date | None = None,
    now: datetime | None = None,
    missing_codes: Collection[str] = (),
) -> Value:
    """The value of `node` for a record whose fields hold `values` (raw REDCap strings).

    A checkbox field's value is the collection of its checked codes. Missing fields
    are blank. The result is None (blank), a bool, a float or a str.
    """
    context = Context(today, now, frozenset(missing_codes))
    return _Evaluator(values, context).run(node)


def is_shown(node: Node | None, values: Mapping[str, Any], *, today: date | None = None) -> bool:
    """Whether a field with this branching logic is shown; no logic means always shown."""
    return node is None or to_bool(evaluate(node, values, today=today))


class _Evaluator:
    def __init__(self, values: Mapping[str, Any], context: Context) -> None:
        self.values = values
        self.context = context

    def run(self, node: Node) -> Value:
        if isinstance(node, Number | Text | Boolean):
            return node.value
        if isinstance(node, Variable):
            return self.variable(node)
        if isinstance(node, Negate):
            number = to_number(self.run(node.operand))
            return None if number is None else -number
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def variable(self, node: Variable) -> Value:
        raw = self.values.get(node.name)
        if node.code is not None:
            return "1" if node.code in _checked(raw) else "0"
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float):
            return _finite(float(raw))
        if isinstance(raw, str) and not is_blank(raw):
            return raw
        return None

    def binary(self, node: Binary) -> Value:
        if node.op == "and":
            return to_bool(self.run(node.left)) and to_bool(self.run(node.right))
        if node.op == "or":
            return to_bool(self.run(node.left)) or to_bool(self.run(node.right))
        left, right = self.run(node.left), self.run(node.right)
        if node.op in ("=", "<>"):
            return equal(left, right) == (node.op == "=")
        if node.op in ("<", "<=", ">", ">="):
            return _order(node.op, left, right)
        return _arithmetic(node.op, to_number(left), to_number(right))

    def call(self, node: Call) -> Value:
        if node.name == "if":
            condition, yes, no = node.args
            return self.run(yes) if to_bool(self.run(condition)) else self.run(no)
        args = [self.run(arg) for arg in node.args]
        if node.name == "datediff":
            return self.datediff(args)
        if node.name == "isblankormissingcode":
            value = args[0]
            return is_blank(value) or to_text(value) in self.context.missing_codes
        implementation = _FUNCTIONS.get(node.name)
        if implementation is None:
            raise LogicError(f"unknown function {node.name!r}", 0)
        return implementation(args)

    def datediff(self, args: list[Value]) -> Value:
        first, second, unit, *extra = args
        signed = False
        date_format = "ymd"
        for option in extra:
            if isinstance(option, bool):
                signed = option
            elif isinstance(option, str) and option.lower() in ("true", "false"):
                signed = option.lower() == "true"
            elif isinstance(option, str):
                date_format = option.lower()
        texts = [to_text(first).strip().lower(), to_text(second).strip().lower()]
        whole_days = "today" in texts
        clock = {"today": self.context.today_text(), "now": self.context.now_text()}
        moments = [dates.parse_moment(clock.get(text, text), date_format) for text in texts]
        if moments[0] is None or moments[1] is None or not isinstance(unit, str):
            return None
        return dates.datediff(moments[0], moments[1], unit, signed=signed, whole_days=whole_days)


def _checked(raw: Any) -> set[str]:
    if isinstance(raw, str):
        return {raw} if raw else set()
    if isinstance(raw, Collection):
        return {str(code) for code in raw}
    return set()


def _finite(number: float) -> float | None:
    return number if math.isfinite(number) else None


def _order(op: str, left: Value, right: Value) -> bool:
    if is_blank(left) or is_blank(right):
        return False
    a, b = to_number(left), to_number(right)
    if a is not None and b is not None:
        return _compare(op, a, b)
    return _compare(op, to_text(left), to_text(right))


_Ordered = TypeVar("_Ordered", float, str)


def _compare(op: str, a: _Ordered, b: _Ordered) -> bool:
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _arithmetic(op: str, a: float | None, b: float | None) -> Value:
    if a is None or b is None:
        return None
    if op == "+":
        return _finite(a + b)
    if op == "-":
        return _finite(a - b)
    if op == "*":
        return _finite(a * b)
    if op == "/":
        return None if b == 0 else _finite(a / b)
    try:
        return _finite(math.pow(a, b))
    except (ValueError, OverflowError, ZeroDivisionError):
        return None


def _numbers(args: list[Value]) -> list[float] | None:
    """The numbers among the arguments, skipping blanks; None if any is text."""
    numbers: list[float] = []
    for arg in args:
        if is_blank(arg):
            continue
        number = to_number(arg)
        if number is None:
            return None
        numbers.append(number)
    return numbers


def _aggregate(combine: Callable[[list[float]], float]) -> Callable[[list[Value]], Value]:
    def apply(args: list[Value]) -> Value:
        numbers = _numbers(args)
        return _finite(combine(numbers)) if numbers else None

    return apply


def _sum(numbers: list[float]) -> float:
    total = 0.0
    for number in numbers:
        total += number
    return total


def _median(numbers: list[float]) -> float:
    ordered = sorted(numbers)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _rounding(mode: str) -> Callable[[list[Value]], Value]:
    def apply(args: list[Value]) -> Value:
        number = to_number(args[0])
        places = to_number(args[1]) if len(args) > 1 else 0.0
        if number is None or places is None:
            return None
        return round_number(number, math.trunc(places), mode)

    return apply


def _unary(function: Callable[[float], float | None]) -> Callable[[list[Value]], Value]:
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


_FUNCTIONS: dict[str, Callable[[list[Value]], Value]] = {
    "sum": _aggregate(_sum),
    "min": _aggregate(min),
    "max": _aggregate(max),
    "mean": _aggregate(lambda numbers: _sum(numbers) / len(numbers)),
    "median": _aggregate(_median),
    "round": _rounding("round"),
    "roundup": _rounding("roundup"),
    "rounddown": _rounding("rounddown"),
    "abs": _unary(abs),
    "sqrt": _unary(lambda number: math.sqrt(number) if number >= 0 else None),
    "mod": _mod,
    "isnumber": _isnumber,
}
