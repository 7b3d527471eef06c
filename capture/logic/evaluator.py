"""Evaluating a tree against one record's values. logic.js does the same, step for step.

What an expression reads comes from two places: `values`, the record's fields as REDCap
stores them, and a `Context`, what the app knows besides (the clock, missing-data codes,
the record's name and data access group, the event, the user, the current instance of a
repeating form and the values of the others). The tree itself carries what the data
dictionary says (choice labels for `[field:label]`, decimal commas), set by `annotate`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TypeVar

from . import dates
from .errors import LogicError
from .functions import FUNCTIONS
from .nodes import Binary, Boolean, Call, Negate, Node, Number, Smart, Text, Variable
from .values import Raw, Value, equal, is_blank, to_bool, to_number, to_text

_OWN = -1  # "the values being evaluated": instance numbers start at 1
_COMMA_NUMBER = re.compile(r"\s*[+-]?(?:\d+,?\d*|,\d+)\s*")


@dataclass(frozen=True)
class Context:
    """What an expression may read besides the record's values.

    - `today`, `now`: the study's local date and time (UTC when not given);
    - `missing_codes`: the study's missing-data codes, for `isblankormissingcode`;
    - `record_name`, `dag_name`, `event_name`, `user_name`: `[record-name]`,
      `[record-dag-name]` (the group's unique name), `[event-name]` (the unique event
      name), `[user-name]`; blank when not given;
    - `instance`: the instance of the repeating form being entered (`[current-instance]`);
      None when the form does not repeat;
    - `instances`: the record's values in other instances, by field, then by instance
      number: `{"score": {1: "4", 2: "7"}}` answers `[score][1]`, `[score][last-instance]`;
    - `is_form`: True on a data-entry form (`[is-form]` is 1, `[is-survey]` 0);
    - `events`: in a longitudinal study, the record's values at each event (first
      instance), by unique event name: `[week_6_arm_1][score]`; the values being evaluated
      stand for the current event (`event_name`).
    """

    today: date | None = None
    now: datetime | None = None
    missing_codes: frozenset[str] = field(default_factory=frozenset)
    record_name: str | None = None
    dag_name: str | None = None
    event_name: str | None = None
    user_name: str | None = None
    instance: int | None = None
    instances: Mapping[str, Mapping[int, Raw]] = field(
        default_factory=dict, compare=False, hash=False
    )
    is_form: bool = True
    events: Mapping[str, Mapping[str, Raw]] = field(default_factory=dict, compare=False, hash=False)

    def today_text(self) -> str:
        return (self.today or datetime.now(UTC).date()).isoformat()

    def now_text(self) -> str:
        moment = self.now or datetime.now(UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S")


def make_context(
    context: Context | None,
    today: date | None = None,
    now: datetime | None = None,
    missing_codes: Collection[str] = (),
) -> Context:
    """`context` with any of `today`, `now` and `missing_codes` given separately."""
    found = context or Context()
    if today is None and now is None and not missing_codes:
        return found
    return replace(
        found,
        today=found.today if today is None else today,
        now=found.now if now is None else now,
        missing_codes=frozenset(missing_codes) if missing_codes else found.missing_codes,
    )


def evaluate(
    node: Node,
    values: Mapping[str, Raw],
    *,
    today: date | None = None,
    now: datetime | None = None,
    missing_codes: Collection[str] = (),
    context: Context | None = None,
) -> Value:
    """The value of `node` for a record whose fields hold `values` (raw REDCap strings).

    A checkbox field's value is the collection of its checked codes. Missing fields
    are blank. The result is None (blank), a bool, a float or a str.
    """
    return _Evaluator(values, make_context(context, today, now, missing_codes)).run(node)


def is_shown(
    node: Node | None,
    values: Mapping[str, Raw],
    *,
    today: date | None = None,
    context: Context | None = None,
) -> bool:
    """Whether a field with this branching logic is shown; no logic means always shown."""
    return node is None or to_bool(evaluate(node, values, today=today, context=context))


class _Evaluator:
    def __init__(self, values: Mapping[str, Raw], context: Context) -> None:
        self.values = values
        self.context = context

    def run(self, node: Node) -> Value:
        if isinstance(node, Number | Text | Boolean):
            return node.value
        if isinstance(node, Variable):
            return self.variable(node)
        if isinstance(node, Smart):
            return self.smart(node.name)
        if isinstance(node, Negate):
            number = to_number(self.run(node.operand))
            return None if number is None else -number
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def variable(self, node: Variable) -> Value:
        raw = self.lookup(node)
        if node.code is not None:
            return "1" if node.code in _checked(raw) else "0"
        if node.option == "label":
            return _label(raw, dict(node.labels))
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float):
            return _finite(float(raw))
        if isinstance(raw, str):
            if is_blank(raw):
                return None
            return _decimal_point(raw) if node.comma else raw
        if node.option == "value" and raw is not None:
            return ", ".join(_checked(raw)) or None
        return None

    def lookup(self, node: Variable) -> Raw:
        """The field's raw value in the instance (or at the event) the reference names."""
        if node.event is not None and node.event != self.context.event_name:
            return self.context.events.get(node.event, {}).get(node.name)
        if node.instance is None:
            return self.values.get(node.name)
        number = self.instance_number(node.name, node.instance)
        if number == _OWN or (number is not None and number == self.context.instance):
            return self.values.get(node.name)
        if number is None:
            return None
        return self.context.instances.get(node.name, {}).get(number)

    def instance_number(self, name: str, instance: str) -> int | None:
        """The instance `[field][instance]` reads: a number, _OWN for the values being
        evaluated (a form that does not repeat), or None for no instance at all."""
        current = self.context.instance
        if instance.isdigit():
            return int(instance)
        if instance == "current-instance":
            return _OWN if current is None else current
        if instance in ("previous-instance", "next-instance"):
            step = -1 if instance == "previous-instance" else 1
            return None if current is None else current + step
        known = set(self.context.instances.get(name, {}))
        if current is not None:
            known.add(current)
        if not known:
            return _OWN
        return min(known) if instance == "first-instance" else max(known)

    def smart(self, name: str) -> Value:
        context = self.context
        if name == "current-instance":
            return None if context.instance is None else float(context.instance)
        if name == "is-form":
            return context.is_form
        if name == "is-survey":
            return not context.is_form
        text = {
            "record-name": context.record_name,
            "record-dag-name": context.dag_name,
            "event-name": context.event_name,
            "user-name": context.user_name,
        }[name]
        return None if text is None or is_blank(text) else text

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
        implementation = FUNCTIONS.get(node.name)
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


def _checked(raw: Raw) -> list[str]:
    """A checkbox field's ticked codes: a list of them, or one code as text."""
    if isinstance(raw, str):
        return [raw] if raw else []
    if isinstance(raw, Collection):
        return [str(code) for code in raw]
    return []


def _label(raw: Raw, labels: Mapping[str, str]) -> Value:
    """`[field:label]`: the label of each code (a checkbox's ticked ones joined by ", "),
    or the value itself where it is not a code."""
    if raw is None or isinstance(raw, bool | int | float):
        text = "" if raw is None else to_text(raw if isinstance(raw, bool) else float(raw))
        return labels.get(text, text) or None
    if isinstance(raw, str):
        return None if is_blank(raw) else labels.get(raw, raw) or None
    return ", ".join(labels.get(code, code) for code in _checked(raw)) or None


def _decimal_point(text: str) -> str:
    """A number written with a decimal comma (`12,5`) as logic reads numbers (`12.5`)."""
    return text.replace(",", ".") if _COMMA_NUMBER.fullmatch(text) else text


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
