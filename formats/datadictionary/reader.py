"""Reading REDCap's data-dictionary CSV: all or nothing, with every finding at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import TextIO

from formats.datadictionary import columns as c
from formats.datadictionary.checks import check_references, check_rows
from formats.datadictionary.fields import read_field
from formats.datadictionary.model import (
    DataDictionary,
    DataDictionaryError,
    Field,
    ImportResult,
    Issue,
    Problem,
)
from formats.datadictionary.rows import Findings, Row
from formats.datadictionary.writer import BOM, field_cells

Record = tuple[int, list[str]]


def read_data_dictionary(source: str | bytes | TextIO) -> ImportResult:
    """Read a dictionary; raise DataDictionaryError listing every problem if it is unusable."""
    records = _records(_text(source))
    header_line, header = _header(records)
    findings = Findings(issues=list(_unknown_columns(header_line, header, records[1:])))
    rows = [_row(header, record, findings) for record in records[1:] if any(record[1])]
    kept = [(row, field) for row in rows if (field := read_field(row)) is not None]
    left_out = {row.text(c.NAME) for row in rows} - {field.name for _, field in kept}
    findings.problems.extend(check_rows(rows))
    findings.problems.extend(check_references([(r.line, f) for r, f in kept], left_out))
    if findings.problems:
        raise DataDictionaryError(tuple(sorted(findings.problems, key=_position)))
    issues = findings.issues + list(_written_differently(kept, findings.issues))
    fields = tuple(field for _, field in kept)
    return ImportResult(DataDictionary(fields), tuple(sorted(issues, key=_position)))


def _text(source: str | bytes | TextIO) -> str:
    if isinstance(source, bytes):
        text = _decode(source)
    elif isinstance(source, str):
        text = source
    else:
        text = source.read()
    return text.removeprefix(BOM)


def _decode(data: bytes) -> str:
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


def _header(records: list[Record]) -> Record:
    if not records:
        raise DataDictionaryError((Problem(1, c.WHOLE_ROW, "the file is empty"),))
    line, header = records[0]
    problems = tuple(_header_problems(line, header))
    if problems:
        raise DataDictionaryError(problems)
    return line, header


def _header_problems(line: int, header: list[str]) -> Iterator[Problem]:
    known = [name for name in header if name in c.HEADER]
    missing = [name for name in c.HEADER if name not in known]
    repeated = [name for name in c.HEADER if known.count(name) > 1]
    lookalikes = {name.strip().casefold(): name for name in header if name not in c.HEADER}
    for name in missing:
        found = lookalikes.get(name.casefold())
        hint = f"; {found!r} differs only in spaces or capitals" if found is not None else ""
        message = f"the header has no such column; REDCap has 18, in a fixed order{hint}"
        yield Problem(line, name, message)
    for name in repeated:
        yield Problem(line, name, "appears more than once in the header")
    if missing or repeated:
        return
    for position, (found, expected) in enumerate(zip(known, c.HEADER, strict=True), start=1):
        if found != expected:
            yield Problem(
                line, found, f"is out of order: REDCap's column {position} is {expected!r}"
            )


def _unknown_columns(line: int, header: list[str], body: Sequence[Record]) -> Iterator[Issue]:
    for index, name in enumerate(header):
        if name in c.HEADER:
            continue
        filled = sum(1 for _, cells in body if index < len(cells) and cells[index].strip())
        if name.strip() or filled:
            cells = "cell" if filled == 1 else "cells"
            message = f"is not a REDCap data-dictionary column; left out, {filled} filled {cells}"
            yield Issue(line, name or f"(column {index + 1})", message)


def _row(header: list[str], record: Record, findings: Findings) -> Row:
    line, cells = record
    known = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
    row = Row(line, {name: known[name] for name in c.HEADER}, findings)
    for index in range(len(header), len(cells)):
        if cells[index].strip():
            row.issue(f"(column {index + 1})", f"{cells[index]!r} is beyond the header; left out")
    return row


def _written_differently(kept: list[tuple[Row, Field]], issues: list[Issue]) -> Iterator[Issue]:
    """Any other cell that would not be written back exactly, so nothing changes silently."""
    reported = {(issue.line, issue.column) for issue in issues}
    for row, field in kept:
        for column, written in zip(c.HEADER, field_cells(field), strict=True):
            read = row.raw(column)
            if written != read and (row.line, column) not in reported:
                yield Issue(row.line, column, f"is written back as {written!r}, not {read!r}")


def _position(finding: Problem | Issue) -> tuple[int, int]:
    column = c.HEADER.index(finding.column) if finding.column in c.HEADER else len(c.HEADER)
    return finding.line, column
