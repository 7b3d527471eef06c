"""XLSX through openpyxl's write-only mode: rows go to disk as they come, never all in memory.

Sheets: `records` (the main table), `checkboxes` (with long checkboxes) and `variables`
(each column's name, label, type and value labels). Numbers, dates and date-times are
typed cells; codes are numbers where every code is a whole number. A text that starts
with `=` is written as a text cell, never as a formula, in every sheet: data, labels,
the checkbox table and the variables sheet (`_append`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import IO, TypeAlias

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from formats.exports.model import ExportError, ExportRecord, ExportSummary, Progress
from formats.exports.plan import CODED_KINDS, Column, ExportPlan, Kind, Tally

MAX_ROWS = 1_048_576
MAX_CELL_TEXT = 32_767
# What a cell becomes in the workbook: a typed value, a text cell, or nothing (blank).
Value: TypeAlias = "str | int | float | date | datetime | WriteOnlyCell | None"
Converter = Callable[[str], Value]


def write_xlsx(
    plan: ExportPlan,
    records: Iterable[ExportRecord],
    out: str | IO[bytes],
    *,
    total: int | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the workbook to a path or a binary stream."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("records")
    ticks = book.create_sheet("checkboxes") if plan.long_checkboxes else None
    _write_variables(book.create_sheet("variables"), plan)
    _append(sheet, [column.name for column in plan.columns])
    if ticks is not None:
        _append(ticks, [column.name for column in plan.checkbox_columns])
    converters = [_converter(column, sheet, labels=plan.options.labels) for column in plan.columns]
    text = _text_converter(ticks) if ticks is not None else str
    rows = tick_rows = 0
    tally = Tally()
    for emitted in plan.rows(records, total=total, progress=progress, tally=tally):
        rows += 1
        _check_rows(rows, "records")
        _append(
            sheet, [convert(cell) for convert, cell in zip(converters, emitted.cells, strict=True)]
        )
        if ticks is not None:
            for tick in emitted.checkbox_rows:
                tick_rows += 1
                _check_rows(tick_rows, "checkboxes")
                _append(ticks, [text(cell) for cell in tick])
    book.save(out)
    return ExportSummary(tally.records, rows, tick_rows, len(plan.columns))


def _check_rows(rows: int, sheet: str) -> None:
    if rows >= MAX_ROWS:
        raise ExportError(
            f"the {sheet} sheet would pass Excel's limit of {MAX_ROWS:,} rows; "
            "export CSV, SPSS or Stata instead, or a wide layout"
        )


def _append(sheet: WriteOnlyWorksheet, values: list[Value]) -> None:
    """Append a row; openpyxl would make any plain string that starts with `=` a formula."""
    sheet.append(
        [_text_cell(sheet, v) if isinstance(v, str) and v.startswith("=") else v for v in values]
    )


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _write_variables(sheet: WriteOnlyWorksheet, plan: ExportPlan) -> None:
    _append(sheet, ["table", "variable", "label", "type", "value labels"])
    for table, columns in (("records", plan.columns), ("checkboxes", plan.checkbox_columns)):
        for column in columns:
            labels = " | ".join(f"{code}, {label}" for code, label in column.value_labels)
            _append(sheet, [table, column.name, column.label, column.kind.value, labels])


def _converter(column: Column, sheet: WriteOnlyWorksheet, *, labels: bool) -> Converter:
    kind = column.kind
    if kind in CODED_KINDS:
        if labels:
            names = dict(column.value_labels)
            return lambda cell: names.get(cell, cell) or None
        return _number(int) if column.numeric_codes else _text_converter(sheet)
    if kind in {Kind.INSTANCE, Kind.INTEGER}:
        return _number(int)
    if kind is Kind.NUMBER:
        return _number(float)
    if kind is Kind.DATE:
        return lambda cell: date.fromisoformat(cell) if cell else None
    if kind is Kind.DATETIME:
        return lambda cell: datetime.fromisoformat(cell) if cell else None
    return _text_converter(sheet)


def _number(kind: Callable[[str], int | float]) -> Converter:
    def convert(cell: str) -> int | float | str | None:
        if not cell:
            return None
        try:
            return kind(cell)
        except ValueError:
            return cell  # A calculated value that is not a number stays as written.

    return convert


def _text_converter(sheet: WriteOnlyWorksheet) -> Converter:
    def convert(cell: str) -> str | WriteOnlyCell | None:
        if not cell:
            return None
        if len(cell) > MAX_CELL_TEXT:
            raise ExportError(
                f"a value of {len(cell):,} characters is longer than an Excel cell holds "
                f"({MAX_CELL_TEXT:,}); export CSV instead: {cell[:40]!r}..."
            )
        return _text_cell(sheet, cell) if cell.startswith("=") else cell

    return convert
