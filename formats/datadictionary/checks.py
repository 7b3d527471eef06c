"""Checks across rows: names, form order and the variables that logic refers to."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from formats.datadictionary import columns as c
from formats.datadictionary.logic import referenced_variables
from formats.datadictionary.model import Field, Problem
from formats.datadictionary.rows import Row


def check_rows(rows: Sequence[Row]) -> Iterator[Problem]:
    """Problems that need every row, including rows whose field is left out."""
    if not rows:
        yield Problem(1, c.WHOLE_ROW, "the dictionary has no fields")
    yield from _repeated_names(rows)
    yield from _scattered_forms(rows)


def check_references(fields: Sequence[tuple[int, Field]], left_out: set[str]) -> Iterator[Problem]:
    """Branching logic and calculations may refer only to fields that are kept."""
    names = {field.name for _, field in fields}
    for line, field in fields:
        for column, logic in (
            (c.BRANCHING_LOGIC, field.branching_logic),
            (c.CHOICES, field.calculation),
        ):
            for name in referenced_variables(logic):
                if name not in names:
                    yield Problem(line, column, _missing(name, left_out))


def _missing(name: str, left_out: set[str]) -> str:
    if name in left_out:
        return f"refers to [{name}], which is left out because its field type is not supported"
    return f"refers to [{name}], which is not a variable of this dictionary"


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
