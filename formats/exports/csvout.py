"""CSV: REDCap's flat layout, raw codes or labels, written row by row to a text stream.

Unless the options ask for raw text, a text cell a spreadsheet would run as a formula
is written with a quote before it (`formats.csvsafe`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from typing import TextIO

from formats.csvsafe import spreadsheet_safe_cells
from formats.exports.model import ExportError, ExportRecord, ExportSummary, Progress
from formats.exports.plan import CODED_KINDS, ExportPlan, Tally

BOM = "\ufeff"


def write_csv(
    plan: ExportPlan,
    records: Iterable[ExportRecord],
    out: TextIO,
    *,
    checkboxes_out: TextIO | None = None,
    bom: bool = False,
    total: int | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the main table to `out` and, with long checkboxes, their table to `checkboxes_out`.

    Streams must be opened with newline=""; rows end with CRLF as RFC 4180 has them.
    `bom=True` starts each file with a byte-order mark, for spreadsheets that need it.
    With `plan.options.spreadsheet_safe` (the default) cells that could run as formulas
    are quoted in both tables; otherwise text is written exactly as stored.
    """
    if plan.long_checkboxes and checkboxes_out is None:
        raise ExportError("a long checkbox layout needs checkboxes_out for its second table")
    main = csv.writer(out, lineterminator="\r\n")
    ticks = csv.writer(checkboxes_out, lineterminator="\r\n") if checkboxes_out else None
    for stream in (out, checkboxes_out) if bom else ():
        if stream is not None:
            stream.write(BOM)
    main.writerow([column.name for column in plan.columns])
    if ticks is not None and plan.long_checkboxes:
        ticks.writerow([column.name for column in plan.checkbox_columns])
    shown = cell_labeller(plan) if plan.options.labels else None
    safe = plan.options.spreadsheet_safe
    rows = tick_rows = 0
    tally = Tally()
    for emitted in plan.rows(records, total=total, progress=progress, tally=tally):
        cells = shown(emitted.cells) if shown else emitted.cells
        main.writerow(spreadsheet_safe_cells(cells) if safe else cells)
        rows += 1
        if ticks is not None and emitted.checkbox_rows:
            ticks.writerows(
                map(spreadsheet_safe_cells, emitted.checkbox_rows)
                if safe
                else emitted.checkbox_rows
            )
            tick_rows += len(emitted.checkbox_rows)
    return ExportSummary(tally.records, rows, tick_rows, len(plan.columns))


def cell_labeller(plan: ExportPlan) -> Callable[[list[str]], list[str]]:
    """Replace codes by their labels in the coded columns; other cells are left as they are."""
    maps: list[tuple[int, dict[str, str]]] = [
        (index, dict(column.value_labels))
        for index, column in enumerate(plan.columns)
        if column.kind in CODED_KINDS
    ]

    def labelled(cells: list[str]) -> list[str]:
        for index, labels in maps:
            cells[index] = labels.get(cells[index], cells[index])
        return cells

    return labelled
