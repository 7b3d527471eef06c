"""Checks across rows: names, form order, and every branching logic and calculation."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from formats.datadictionary import columns as c
from formats.datadictionary.logic import LogicCheck
from formats.datadictionary.model import NOT_EVALUATED, Field, FieldType, Issue, Problem
from formats.datadictionary.rows import Findings, Row

_CONSEQUENCE = {
    c.BRANCHING_LOGIC: "the field is always shown",
    c.CHOICES: "the field keeps the values it is given (typed or imported)",
}


def check_rows(rows: Sequence[Row]) -> Iterator[Problem]:
    """Problems that need every row."""
    if not rows:
        yield Problem(1, c.WHOLE_ROW, "the dictionary has no fields")
    yield from _repeated_names(rows)
    yield from _scattered_forms(rows)


def check_logic(fields: Sequence[tuple[int, Field]], check: LogicCheck, findings: Findings) -> None:
    """Check every branching logic and calculation against the whole dictionary.

    What cannot be read is a problem; what reads but is not evaluated here is kept
    verbatim and reported on its field, with what that means for the form.
    """
    types = {field.name: str(field.field_type) for _, field in fields}
    for line, field in fields:
        for column, logic in _expressions(field):
            verdict = check(logic, types)
            findings.problems.extend(Problem(line, column, message) for message in verdict.problems)
            if verdict.not_evaluated and not verdict.problems:
                reasons = "; ".join(verdict.not_evaluated)
                message = f"{NOT_EVALUATED}: {reasons}; {_CONSEQUENCE[column]}"
                findings.issues.append(Issue(line, column, message, NOT_EVALUATED))


def _expressions(field: Field) -> Iterator[tuple[str, str]]:
    if field.branching_logic.strip():
        yield c.BRANCHING_LOGIC, field.branching_logic
    if field.field_type is FieldType.CALC and field.calculation.strip():
        yield c.CHOICES, field.calculation


def _repeated_names(rows: Sequence[Row]) -> Iterator[Problem]:
    first_line: dict[str, int] = {}
    for row in rows:
        name = row.text(c.NAME)
        if name in first_line:
            yield Problem(
                row.line, c.NAME, f"{name!r} is already defined on line {first_line[name]}"
            )
        elif name:
            first_line[name] = row.line


def _scattered_forms(rows: Sequence[Row]) -> Iterator[Problem]:
    last_line: dict[str, int] = {}
    previous = None
    for row in rows:
        if not row.has(c.FORM):
            return
        form = row.text(c.FORM)
        if form != previous and form in last_line:
            yield Problem(
                row.line,
                c.FORM,
                f"form {form!r} was left on line {last_line[form]} for another form; "
                "the fields of a form must be together",
            )
        last_line[form] = row.line
        previous = form
