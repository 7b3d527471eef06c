"""One record's form as a whole: which fields show, and what each calc field holds.

logic.js runs the same loop in the browser, so a person sees what the server saves.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from .evaluator import Context, evaluate, make_context
from .nodes import JSON, JSONValue, Node, from_json
from .values import Raw, format_value, to_bool

# The values a record's form holds (`Stored` on the server), and what a calc adds (text).
V = TypeVar("V", bound=Raw)


@dataclass(frozen=True)
class FieldLogic:
    """A field's branching logic (shown only if true) and calculation, either optional.

    `not_evaluated` lists (column, reason) for logic kept verbatim but not run here: that
    branching is absent (the field is always shown), that calculation too (the field
    keeps the values it is given).
    """

    branching: Node | None = None
    calc: Node | None = None
    not_evaluated: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> JSON:
        data: JSON = {}
        if self.branching is not None:
            data["branching"] = self.branching.to_json()
        if self.calc is not None:
            data["calc"] = self.calc.to_json()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, JSONValue]) -> FieldLogic:
        branching, calc = data.get("branching"), data.get("calc")
        return cls(
            None if branching is None else from_json(branching),
            None if calc is None else from_json(calc),
        )


@dataclass(frozen=True)
class Resolution(Generic[V]):
    values: dict[str, V]  # the record's values with every calc field filled in
    hidden: frozenset[str]  # fields whose branching logic hides them


def resolve(
    fields: Mapping[str, FieldLogic],
    values: Mapping[str, V],
    *,
    today: date | None = None,
    now: datetime | None = None,
    missing_codes: Collection[str] = (),
    context: Context | None = None,
) -> Resolution[V | str]:
    """Fill calc fields and decide what is hidden, until nothing changes.

    A hidden field counts as blank for every other field's logic, so hiding a question
    also hides the questions that hang on its answer, as REDCap does when it erases a
    hidden value. A hidden calc field is blank. Fields are visited in the order of
    `fields` (the dictionary's order); cycles of calc fields stop after one pass per field.
    """
    current: dict[str, V | str] = dict(values)
    hidden: set[str] = set()
    made = make_context(context, today, now, missing_codes)
    for _ in range(len(fields) + 1):
        changed = False
        for name, logic in fields.items():
            view = _View(current, hidden)
            if logic.branching is not None:
                shown = to_bool(evaluate(logic.branching, view, context=made))
                if shown == (name in hidden):
                    hidden.symmetric_difference_update({name})
                    changed = True
            if logic.calc is not None:
                result = (
                    "" if name in hidden else format_value(evaluate(logic.calc, view, context=made))
                )
                if current.get(name) != result:
                    current[name] = result
                    changed = True
        if not changed:
            break
    return Resolution(current, frozenset(hidden))


class _View(Mapping[str, Raw]):
    """The record as logic sees it: hidden fields read as blank."""

    def __init__(self, values: Mapping[str, Raw], hidden: Collection[str]) -> None:
        self._values = values
        self._hidden = hidden

    def __getitem__(self, name: str) -> Raw:
        if name in self._hidden:
            return None
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)
