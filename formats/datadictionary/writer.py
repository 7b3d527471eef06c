"""Writing a DataDictionary as REDCap's data-dictionary CSV."""

from __future__ import annotations

import csv
import io
from typing import Literal

from formats.datadictionary.choices import format_choices, format_slider_labels
from formats.datadictionary.columns import HEADER
from formats.datadictionary.model import DataDictionary, Field, FieldType

LineEnding = Literal["\r\n", "\n"]
BOM = "\ufeff"


def write_data_dictionary(
    dictionary: DataDictionary, *, bom: bool = False, line_ending: LineEnding = "\r\n"
) -> str:
    """The CSV text, to be saved as UTF-8; `bom=True` helps older Excel recognise UTF-8."""
    if line_ending not in ("\r\n", "\n"):
        raise ValueError(f"line_ending must be '\\r\\n' or '\\n', not {line_ending!r}")
    records = [HEADER, *(field_cells(field) for field in dictionary.fields)]
    return (BOM if bom else "") + "".join(_record(cells) + line_ending for cells in records)


def _record(cells: tuple[str, ...]) -> str:
    """One CSV record without its line ending.

    The csv module quotes a cell holding a carriage return only when its own line ending
    contains one, so records are always written with CRLF and the chosen ending added after.
    """
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().removesuffix("\r\n")


def field_cells(field: Field) -> tuple[str, ...]:
    """The field's row, one cell per column of HEADER."""
    return (
        field.name,
        field.form,
        field.section_header,
        field.field_type.value,
        field.label,
        _choices_cell(field),
        field.note,
        field.validation.value if field.validation else "",
        field.validation_min,
        field.validation_max,
        _flag(field.identifier),
        field.branching_logic,
        _flag(field.required),
        field.alignment.value if field.alignment else "",
        field.question_number,
        field.matrix_group,
        "",  # Matrix ranking is not supported, so none is ever written.
        field.annotation,
    )


def _choices_cell(field: Field) -> str:
    if field.field_type is FieldType.CALC:
        return field.calculation
    if field.field_type is FieldType.SLIDER:
        return format_slider_labels(field.slider_labels)
    return format_choices(field.choices)


def _flag(value: bool) -> str:
    return "y" if value else ""
