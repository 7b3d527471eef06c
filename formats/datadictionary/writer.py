"""Writing a DataDictionary as REDCap's data-dictionary CSV.

A dictionary read from a file is written in that file's layout (its header, in its
order, with its other columns), each cell as it was read unless the field was changed
in that column since: then the changed value is written in REDCap's own form. A field
built in code is written from its values. See docs/data-dictionary.md, "Every cell kept".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Literal

from formats.datadictionary import columns as c
from formats.datadictionary.choices import format_choices, format_slider_labels
from formats.datadictionary.model import DataDictionary, Field, FieldType

LineEnding = Literal["\r\n", "\n"]
BOM = "\ufeff"


def write_data_dictionary(
    dictionary: DataDictionary,
    *,
    bom: bool | None = None,
    line_ending: LineEnding | None = None,
    columns: tuple[str, ...] | None = None,
) -> str:
    """The CSV text, to be saved as UTF-8.

    By default the layout, byte-order mark and line ending are those of the file the
    dictionary was read from (REDCap's 18 columns, no mark and CRLF for one built in
    code). `columns=HEADER` writes REDCap's 18 display columns and nothing else.
    """
    ending = line_ending if line_ending is not None else dictionary.line_ending
    if ending not in ("\r\n", "\n"):
        raise ValueError(f"line_ending must be '\\r\\n' or '\\n', not {ending!r}")
    layout = columns if columns is not None else _layout(dictionary)
    records = [layout, *(row_cells(field, layout) for field in dictionary.fields)]
    mark = dictionary.bom if bom is None else bom
    return (BOM if mark else "") + "".join(_record(cells) + ending for cells in records)


def _record(cells: tuple[str, ...]) -> str:
    """One CSV record without its line ending.

    The csv module quotes a cell holding a carriage return only when its own line ending
    contains one, so records are always written with CRLF and the chosen ending added after.
    """
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().removesuffix("\r\n")


def field_cells(field: Field) -> tuple[str, ...]:
    """The field's row in REDCap's 18 display columns (c.HEADER)."""
    return row_cells(field, c.HEADER)[: len(c.HEADER)]


def row_cells(field: Field, layout: tuple[str, ...]) -> tuple[str, ...]:
    """The field's row for a header `layout`: each REDCap column as read unless changed,
    other columns as read (empty for a field built in code), then any cells the source
    row had beyond its header."""
    canonical = _canonical_at(layout)
    cells = [
        _cell(field, column) if column else _other(field, layout, index)
        for index, column in enumerate(canonical)
    ]
    source = field.source
    width = _extends(layout, source.columns) if source is not None else None
    if source is not None and width is not None:
        beyond = list(source.cells[width:])
        while beyond and not beyond[-1]:
            beyond.pop()
        cells += beyond
    return tuple(cells)


def _extends(layout: tuple[str, ...], columns: tuple[str, ...]) -> int | None:
    """Whether `layout` is the source's header (or that header without its nameless cells
    at the end), perhaps with REDCap columns added after: how many source cells it covers."""
    if layout[: len(columns)] == columns:
        return len(columns)
    trimmed = _trimmed(columns)
    if trimmed != columns and layout[: len(trimmed)] == trimmed:
        return len(trimmed)
    return None


def _cell(field: Field, column: str) -> str:
    """A REDCap column: the cell as read while the field still reads as it did there."""
    source = field.source
    if source is not None:
        read = source.read
        if all(getattr(field, name) == getattr(read, name) for name in _ATTRIBUTES[column]):
            index = _index_of(source.columns).get(column)
            if index is not None:
                return source.cells[index] if index < len(source.cells) else ""
    return _WRITERS[column](field)


def _other(field: Field, layout: tuple[str, ...], index: int) -> str:
    """A column that is not REDCap's: the source's cell under the same header."""
    source = field.source
    if source is None:
        return ""
    width = _extends(layout, source.columns)
    if width is not None:
        return source.cells[index] if index < min(len(source.cells), width) else ""
    header = layout[index]
    canonical = _canonical_at(source.columns)
    for position, name in enumerate(source.columns):
        if name == header and canonical[position] is None:
            return source.cells[position] if position < len(source.cells) else ""
    return ""


def _layout(dictionary: DataDictionary) -> tuple[str, ...]:
    """The dictionary's own header, and any REDCap column it lacks that a field now fills."""
    present = {column for column in _canonical_at(dictionary.columns) if column}
    api = bool(dictionary.columns) and c.normalised(dictionary.columns[0]) == "fieldname"
    missing = [
        column
        for column in c.HEADER
        if column not in present
        and any(_WRITERS[column](field) for field in _changed(dictionary, column))
    ]
    names = dict(zip(c.HEADER, c.API_HEADER if api else c.HEADER, strict=True))
    # Empty cells at the end of the header are not columns (docs/data-dictionary.md): a
    # column added goes where the header's cells end, and what a row holds under those
    # blanks stays beyond the header, after it (`row_cells`).
    own = _trimmed(dictionary.columns) if missing else dictionary.columns
    return (*own, *(names[column] for column in missing))


def _trimmed(columns: tuple[str, ...]) -> tuple[str, ...]:
    end = len(columns)
    while end and not columns[end - 1]:
        end -= 1
    return columns[:end]


def _changed(dictionary: DataDictionary, column: str) -> Iterator[Field]:
    return (f for f in dictionary.fields if f.source is None or _differs(f, column))


def _differs(field: Field, column: str) -> bool:
    read = field.source.read if field.source else None
    return read is None or any(getattr(field, a) != getattr(read, a) for a in _ATTRIBUTES[column])


@lru_cache(maxsize=64)
def _canonical_at(layout: tuple[str, ...]) -> tuple[str | None, ...]:
    """For each header cell, the REDCap column it is (its first occurrence only)."""
    seen: set[str] = set()
    found: list[str | None] = []
    for name in layout:
        column = c.column_of(name)
        found.append(column if column and column not in seen else None)
        if column:
            seen.add(column)
    return tuple(found)


@lru_cache(maxsize=64)
def _index_of(layout: tuple[str, ...]) -> dict[str, int]:
    return {column: i for i, column in enumerate(_canonical_at(layout)) if column}


def _choices_cell(field: Field) -> str:
    if field.field_type is FieldType.CALC:
        return field.calculation
    if field.field_type is FieldType.SLIDER:
        return format_slider_labels(field.slider_labels)
    return format_choices(field.choices)


def _flag(value: bool) -> str:
    return "y" if value else ""


# The values each column is written from: a cell is written as read while they are unchanged.
_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    c.NAME: ("name",),
    c.FORM: ("form",),
    c.SECTION_HEADER: ("section_header",),
    c.FIELD_TYPE: ("field_type",),
    c.LABEL: ("label",),
    c.CHOICES: ("field_type", "choices", "calculation", "slider_labels"),
    c.NOTE: ("note",),
    c.VALIDATION: ("field_type", "validation"),
    c.MINIMUM: ("field_type", "validation", "validation_min"),
    c.MAXIMUM: ("field_type", "validation", "validation_max"),
    c.IDENTIFIER: ("identifier",),
    c.BRANCHING_LOGIC: ("branching_logic",),
    c.REQUIRED: ("required",),
    c.ALIGNMENT: ("alignment",),
    c.QUESTION_NUMBER: ("question_number",),
    c.MATRIX_GROUP: ("matrix_group",),
    c.MATRIX_RANKING: ("matrix_ranking",),
    c.ANNOTATION: ("annotation",),
}
_WRITERS: dict[str, Callable[[Field], str]] = {
    c.NAME: lambda f: f.name,
    c.FORM: lambda f: f.form,
    c.SECTION_HEADER: lambda f: f.section_header,
    c.FIELD_TYPE: lambda f: f.field_type.value,
    c.LABEL: lambda f: f.label,
    c.CHOICES: _choices_cell,
    c.NOTE: lambda f: f.note,
    c.VALIDATION: lambda f: f.validation.value if f.validation else "",
    c.MINIMUM: lambda f: f.validation_min,
    c.MAXIMUM: lambda f: f.validation_max,
    c.IDENTIFIER: lambda f: _flag(f.identifier),
    c.BRANCHING_LOGIC: lambda f: f.branching_logic,
    c.REQUIRED: lambda f: _flag(f.required),
    c.ALIGNMENT: lambda f: f.alignment.value if f.alignment else "",
    c.QUESTION_NUMBER: lambda f: f.question_number,
    c.MATRIX_GROUP: lambda f: f.matrix_group,
    c.MATRIX_RANKING: lambda f: _flag(f.matrix_ranking),
    c.ANNOTATION: lambda f: f.annotation,
}
