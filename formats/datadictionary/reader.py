"""Reading REDCap's data-dictionary CSV: every finding of the file in one pass.

The file is refused at once only when it cannot be read as a dictionary at all: not
UTF-8, CSV that does not parse, empty, or without a `Variable / Field Name` column.
Otherwise every row is read, and every problem of every kind (header, names, choices,
validation, logic) is collected before the dictionary is refused or returned, so a
person can fix them all in one go. What RadCollab does not apply is kept and reported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from formats.datadictionary import columns as c
from formats.datadictionary.checks import check_logic, check_rows
from formats.datadictionary.fields import read_field
from formats.datadictionary.logic import LogicCheck, check_references
from formats.datadictionary.model import (
    NOT_APPLIED,
    DataDictionary,
    DataDictionaryError,
    Field,
    ImportResult,
    Issue,
    Problem,
    Source,
)
from formats.datadictionary.rows import Findings, Row
from formats.datadictionary.writer import BOM

Record = tuple[int, list[str]]


@dataclass(frozen=True)
class _Layout:
    """The header as read: where each REDCap column is, and what it holds besides."""

    line: int
    header: tuple[str, ...]
    positions: dict[str, int]  # REDCap column -> index of its first occurrence


def read_data_dictionary(
    source: str | bytes | TextIO, *, logic: LogicCheck | None = None
) -> ImportResult:
    """Read a dictionary; raise DataDictionaryError listing every problem if it is unusable.

    `logic` checks each branching logic and calculation; without it only the variables
    they name are checked. See `formats.datadictionary.logic`.
    """
    text = _text(source)
    records = _records(text.removeprefix(BOM))
    layout = _layout(records)
    findings = Findings(
        problems=list(_header_problems(layout)),
        issues=list(_other_columns(layout, records[1:])),
    )
    rows = [_row(layout, record, findings) for record in records[1:] if any(record[1])]
    fields = [(row, read_field(row)) for row in rows]
    findings.problems.extend(check_rows(rows))
    located = [(row.line, field) for row, field in fields]
    check_logic(located, logic or check_references, findings)
    if findings.problems:
        raise DataDictionaryError(tuple(sorted(findings.problems, key=_position)))
    issues = tuple(sorted(findings.issues, key=_position))
    by_line: dict[int, list[Issue]] = {}
    for issue in issues:
        by_line.setdefault(issue.line, []).append(issue)
    dictionary = DataDictionary(
        tuple(_kept(row, field, layout, by_line.get(row.line, [])) for row, field in fields),
        columns=layout.header,
        bom=text.startswith(BOM),
        line_ending=_line_ending(text),
    )
    return ImportResult(dictionary, issues)


def _text(source: str | bytes | TextIO) -> str:
    if isinstance(source, bytes):
        return _decode(source)
    if isinstance(source, str):
        return source
    return source.read()


# What a file that is not CSV text starts with, and what to say about it.
_NOT_TEXT = (
    (b"PK\x03\x04", "the file is an Excel workbook (or another zip file), not CSV"),
    (b"\xd0\xcf\x11\xe0", "the file is an old Excel workbook, not CSV"),
    (b"%PDF", "the file is a PDF, not CSV"),
    (b"\xff\xfe", "the file is UTF-16 text (Excel's 'Unicode text'), not UTF-8"),
    (b"\xfe\xff", "the file is UTF-16 text, not UTF-8"),
)


def _decode(data: bytes) -> str:
    for start, what in _NOT_TEXT:
        if data.startswith(start):
            problem = Problem(1, c.WHOLE_ROW, f"{what}; save the dictionary as CSV UTF-8")
            raise DataDictionaryError((problem,))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problem = Problem(line, c.WHOLE_ROW, "the file is not UTF-8 text; save it as CSV UTF-8")
        raise DataDictionaryError((problem,)) from None


def _records(text: str) -> list[Record]:
    """Each CSV record with the line it starts on; a quoted cell may span several lines."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[Record] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        problem = Problem(start, c.WHOLE_ROW, f"the CSV cannot be read: {error}")
        raise DataDictionaryError((problem,)) from None
    return [record for record in records if record[1]]


def _line_ending(text: str) -> str:
    """The source's line ending: LF when its first line ends so, else CRLF (REDCap's)."""
    at = text.find("\n")
    return "\n" if at > 0 and text[at - 1] != "\r" and "\r" not in text[:at] else "\r\n"


def _layout(records: list[Record]) -> _Layout:
    if not records:
        raise DataDictionaryError((Problem(1, c.WHOLE_ROW, "the file is empty"),))
    line, header = records[0]
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        column = c.column_of(name)
        if column is not None:
            positions.setdefault(column, index)
    if c.NAME not in positions:
        raise DataDictionaryError((Problem(line, c.NAME, _not_a_dictionary(header)),))
    return _Layout(line, tuple(header), positions)


def _not_a_dictionary(header: list[str]) -> str:
    first = header[0].strip() if header else ""
    if first.startswith("<"):
        what = "this looks like XML (REDCap's project XML?), not the data dictionary's CSV"
    elif first.startswith(("{", "[")):
        what = "this looks like JSON, not the data dictionary's CSV"
    elif first == "record_id" or first.endswith("_id"):
        what = "this looks like a records export, not the data dictionary"
    else:
        what = "this is not a REDCap data dictionary"
    shown = ", ".join(repr(name) for name in header[:4]) + (", ..." if len(header) > 4 else "")
    return (
        f"{what}: its header has no 'Variable / Field Name' (or field_name) column; "
        f"the first line reads {shown}"
    )


def _header_problems(layout: _Layout) -> Iterator[Problem]:
    for column in c.REQUIRED_COLUMNS:
        if column not in layout.positions:
            yield Problem(layout.line, column, "the header has no such column; REDCap needs it")
    for column, first in layout.positions.items():
        again = [
            index + 1
            for index, name in enumerate(layout.header)
            if index != first and c.column_of(name) == column
        ]
        if again:
            where = ", ".join(str(index) for index in again)
            message = f"appears more than once in the header (columns {first + 1} and {where})"
            yield Problem(layout.line, column, message)


def _other_columns(layout: _Layout, body: Sequence[Record]) -> Iterator[Issue]:
    """Columns that are not REDCap's: kept, with their cells, and reported once."""
    known = set(layout.positions.values())
    for index, name in enumerate(layout.header):
        if index in known or c.column_of(name) is not None:
            continue
        filled = sum(1 for _, cells in body if index < len(cells) and cells[index].strip())
        if name.strip() or filled:
            cells = "cell" if filled == 1 else "cells"
            what = (
                "is REDCap's old Field Units column"
                if c.normalised(name) == c.normalised(c.FIELD_UNITS)
                else "is not a REDCap data-dictionary column"
            )
            message = f"{what}; it is {NOT_APPLIED}, with its {filled} filled {cells}"
            yield Issue(layout.line, name or f"(column {index + 1})", message)


def _row(layout: _Layout, record: Record, findings: Findings) -> Row:
    line, cells = record
    known = {
        column: cells[index] if index < len(cells) else ""
        for column, index in layout.positions.items()
    }
    row = Row(line, known, findings, frozenset(layout.positions), tuple(cells))
    for index in range(len(layout.header), len(cells)):
        if cells[index].strip():
            row.issue(
                f"(column {index + 1})",
                f"{cells[index]!r} is beyond the header; it is {NOT_APPLIED}",
            )
    return row


def _kept(row: Row, field: Field, layout: _Layout, issues: list[Issue]) -> Field:
    """The field with the row it came from and the issues found on that row."""
    return replace(
        field, source=Source(layout.header, row.written, field, row.line), issues=tuple(issues)
    )


def _position(finding: Problem | Issue) -> tuple[int, int]:
    column = c.HEADER.index(finding.column) if finding.column in c.HEADER else len(c.HEADER)
    return finding.line, column
