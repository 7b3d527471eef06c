"""REDCap's flat records CSV read against a data dictionary, one row at a time.

The header's first column is the record-id field (the dictionary's first field), then
any of `redcap_repeat_instrument`, `redcap_repeat_instance`, `redcap_data_access_group`,
the fields (a checkbox as one `field___code` column per option, 0 or 1) and the
`<form>_complete` status columns (0, 1 or 2), in any order. Rows are numbered as a
spreadsheet shows them: the header is row 1, and a cell spanning lines is still one row.

`RecordReader` yields one `RecordRow` per data row, each carrying its own errors and
warnings, so a caller can stream; `validate_all` runs the whole file and returns every
finding for a preview; `read_valid_records` yields rows and raises at the first error,
for the import that follows a clean preview. Only the keys seen (record id, instrument,
instance) are kept between rows, to find repeated rows and a record given two sites.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from formats.datadictionary import DataDictionary, Field, FieldType
from formats.records.columns import (
    DAG_COLUMN,
    EVENT_COLUMN,
    REPEAT_INSTANCE_COLUMN,
    REPEAT_INSTRUMENT_COLUMN,
    checkbox_column,
    status_column,
)
from formats.records.validate import Checked, check_value

BOM = "\ufeff"
# Columns REDCap writes with "export survey fields"; RadCollab has no surveys.
SURVEY_COLUMNS = frozenset({"redcap_survey_identifier", "redcap_survey_return_code"})
HEADER_ROW = 1
_STATUS_CODES = frozenset({"0", "1", "2"})
_TICKS = {"0": False, "1": True}
# Checks remembered per field: a study's cells repeat (codes, small integers, dates), and
# a 100,000-row import checks millions of them. Bounded, so free text cannot grow it.
_REMEMBERED_PER_FIELD = 4_096
_NOT_IMPORTED = {
    FieldType.CALC: "is calculated; its values are recalculated on import, not read",
    FieldType.FILE: "is a file upload; files are not imported from CSV, so its cells are skipped",
}

Value = str | frozenset[str]


@dataclass(frozen=True)
class Finding:
    """A problem (or a warning) at one row; `column` is the field or column at fault."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.message}"


@dataclass(frozen=True)
class RecordRow:
    """One data row: the values given (checkboxes as sets of ticked codes) and statuses.

    `event` is the row's `redcap_event_name` in a longitudinal study, None in a classic
    one; a row of an event that repeats whole has an `instance` and no `instrument`.
    """

    row: int
    record_id: str
    instrument: str | None
    instance: int | None
    group: str | None
    values: dict[str, Value]
    statuses: dict[str, int]
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    event: str | None = None


@dataclass(frozen=True)
class Events:
    """A longitudinal study's events as the reader checks rows against them.

    `forms`: unique event name -> the forms designated to it; `repeating`: event -> the
    forms that repeat there; `repeating_events`: the events that repeat whole.
    """

    forms: Mapping[str, frozenset[str]]
    repeating: Mapping[str, frozenset[str]] = field(default_factory=dict)
    repeating_events: frozenset[str] = frozenset()

    @property
    def only(self) -> str | None:
        """The one event of a single-event study, which a file may leave unnamed."""
        return next(iter(self.forms)) if len(self.forms) == 1 else None


@dataclass(frozen=True)
class Validation:
    """Everything a preview shows: counts, every error, every warning, and notices."""

    rows: int
    records: int
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    notices: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


class RecordsCsvError(ValueError):
    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = tuple(findings)
        super().__init__("\n".join(str(finding) for finding in self.findings))


@dataclass(frozen=True)
class _Column:
    """What one header cell holds: a field's value, a checkbox option, or a status."""

    index: int
    name: str
    field: Field | None = None
    code: str | None = None
    form: str | None = None


@dataclass
class _Seen:
    rows: dict[tuple[str, str | None, int | None, str | None], int] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    event: str | None = None  # a classic study's file: the one event it names


class RecordReader:
    """Iterate the rows of one flat CSV; the header is read (and checked) at once."""

    def __init__(
        self,
        source: Iterable[str],
        dictionary: DataDictionary,
        *,
        today: date,
        now: datetime,
        repeating_forms: Collection[str] = (),
        groups: Collection[str] | None = None,
        skip: Mapping[str, str] | None = None,
        events: Events | None = None,
    ) -> None:
        """`source` is a text stream opened with newline=""; `groups`, when given, are the
        data-access-group names (site codes) a row may name; `skip` names columns (or
        checkbox stems) that are read past with a notice giving the reason; `events`, a
        longitudinal study's (each row then names its event in redcap_event_name)."""
        self.dictionary = dictionary
        self.events = events
        self.skip = dict(skip or {})
        self.today, self.now = today, now
        self.repeating_forms = frozenset(repeating_forms)
        self.groups = None if groups is None else frozenset(groups)
        self.file_errors: list[Finding] = []
        self.notices: list[Finding] = []
        self.rows_read = 0
        self.width = 0
        self.data_columns: list[_Column] = []
        self._csv = csv.reader(source, strict=True)
        self._seen = _Seen()
        self._checks: dict[str, dict[str, Checked]] = {}
        self._header = self._read_header()

    @property
    def header_ok(self) -> bool:
        return self._header is not None and not self.file_errors

    def __iter__(self) -> Iterator[RecordRow]:
        if self._header is None:
            return
        row_number = HEADER_ROW
        try:
            for cells in self._csv:
                row_number += 1
                if any(cell.strip() for cell in cells):
                    self.rows_read += 1
                    yield self._read_row(row_number, cells)
        except (UnicodeDecodeError, csv.Error) as error:
            self.file_errors.append(Finding(row_number + 1, "", _unreadable(error)))

    def _read_header(self) -> dict[str, _Column] | None:
        try:
            header = next(self._csv, None)
        except (UnicodeDecodeError, csv.Error) as error:
            self.file_errors.append(Finding(HEADER_ROW, "", _unreadable(error)))
            return None
        if not header:
            self.file_errors.append(Finding(HEADER_ROW, "", "the file is empty; no header row"))
            return None
        header[0] = header[0].removeprefix(BOM)
        self.width = len(header)
        columns = self._columns(header)
        self._check_event_column(columns)
        self.data_columns = [
            column
            for column in (columns or {}).values()
            if column.field is not None or column.form is not None
        ]
        return columns

    def _columns(self, header: list[str]) -> dict[str, _Column] | None:
        id_field = self.dictionary.fields[0].name
        if header[0].strip() != id_field:
            message = f"column {header[0]!r}: the first column must be the record id, {id_field!r}"
            self.file_errors.append(Finding(HEADER_ROW, header[0], message))
            return None
        known = _known_columns(self.dictionary)
        columns: dict[str, _Column] = {}
        for index, raw_name in enumerate(header[1:], start=1):
            name = raw_name.strip()
            if name in columns:
                self._header_error(name, "appears more than once in the header")
            elif name in known:
                columns[name] = _Column(index, name, *known[name])
                self._note_skipped(columns[name])
            elif name and (reason := self._not_applied(name)):
                self.notices.append(Finding(HEADER_ROW, name, f"column {name}: {reason}"))
            elif name or index < len(header) - 1:
                self._header_error(name or f"(column {index + 1})", _unknown(name, self))
        return columns

    def _check_event_column(self, columns: dict[str, _Column] | None) -> None:
        if columns is None:
            return
        events = self.events
        if events is None and EVENT_COLUMN in columns:
            message = (
                f"column {EVENT_COLUMN}: this study has no events, so a file of one event is "
                "read as the records' data; a file of several events needs the study's "
                "events defined first"
            )
            self.notices.append(Finding(HEADER_ROW, EVENT_COLUMN, message))
        elif events is not None and EVENT_COLUMN not in columns and events.only is None:
            self._header_error(
                EVENT_COLUMN,
                "is missing: this study has several events, so each row names its event "
                f"({', '.join(events.forms)})",
            )

    def repeating_at(self, event: str | None) -> frozenset[str]:
        """The forms that repeat at the event (the study's repeating forms if classic)."""
        if self.events is None:
            return self.repeating_forms
        return frozenset(self.events.repeating.get(event or "", frozenset()))

    def _not_applied(self, name: str) -> str | None:
        """Why a column REDCap writes is read past here, if it is one (None: unknown)."""
        stem = name.partition("___")[0]
        if name in self.skip or stem in self.skip:
            return self.skip.get(name) or self.skip[stem]
        found = self.dictionary.get(stem)
        if found is not None and found.field_type is FieldType.DESCRIPTIVE:
            return f"{stem} is a descriptive field and holds no data; its cells are skipped"
        if name in SURVEY_COLUMNS or (
            name.endswith("_timestamp") and name.removesuffix("_timestamp") in self.forms
        ):
            return "survey information is not kept here; its cells are skipped"
        return None

    @cached_property
    def forms(self) -> frozenset[str]:
        return frozenset(self.dictionary.forms())

    def _header_error(self, column: str, message: str) -> None:
        self.file_errors.append(Finding(HEADER_ROW, column, f"column {column}: {message}"))

    def _note_skipped(self, column: _Column) -> None:
        if column.field is not None and column.field.field_type in _NOT_IMPORTED:
            message = f"column {column.name}: {_NOT_IMPORTED[column.field.field_type]}"
            self.notices.append(Finding(HEADER_ROW, column.name, message))

    def _read_row(self, number: int, cells: list[str]) -> RecordRow:
        row = _RowReader(self, number, cells)
        return row.read(self._header or {})

    def check(self, field: Field, text: str) -> Checked:
        """`check_value` of one stripped cell, remembered: the same cell checks the same."""
        remembered = self._checks.get(field.name)
        if remembered is None:
            remembered = self._checks[field.name] = {}
        checked = remembered.get(text)
        if checked is None:
            checked = check_value(field, text, today=self.today, now=self.now)
            if len(remembered) < _REMEMBERED_PER_FIELD:
                remembered[text] = checked
        return checked


class _RowReader:
    """The findings of one row while it is read."""

    def __init__(self, reader: RecordReader, number: int, cells: list[str]) -> None:
        self.reader, self.number, self.cells = reader, number, cells
        self.errors: list[Finding] = []
        self.warnings: list[Finding] = []
        self.event: str | None = None

    def cell(self, columns: dict[str, _Column], name: str) -> str:
        column = columns.get(name)
        if column is None or column.index >= len(self.cells):
            return ""
        return self.cells[column.index].strip()

    def error(self, column: str, message: str) -> None:
        self.errors.append(Finding(self.number, column, f"{_what(column)}: {message}"))

    def read(self, columns: dict[str, _Column]) -> RecordRow:
        self._check_width()
        record_id = self.cells[0].strip()
        if not record_id:
            self.error(self.reader.dictionary.fields[0].name, "is empty; every row needs one")
        self.event = self._event(columns)
        instrument, instance = self._repeat(columns)
        group = self._group(columns, record_id)
        values, statuses = self._values(columns, instrument)
        self._check_repeated(record_id, instrument, instance)
        return RecordRow(
            self.number,
            record_id,
            instrument,
            instance,
            group,
            values,
            statuses,
            tuple(self.errors),
            tuple(self.warnings),
            self.event,
        )

    def _event(self, columns: dict[str, _Column]) -> str | None:
        """The row's event: one of the study's, or None in a classic study."""
        name = self.cell(columns, EVENT_COLUMN)
        events = self.reader.events
        if events is None:
            first = self.reader._seen.event
            if name and first is None:
                self.reader._seen.event = name
            elif name and name != first:
                self.error(
                    EVENT_COLUMN,
                    f"{name!r} is a second event after {first!r}: this study has no events; "
                    "define them (the study's Events page) before importing several",
                )
            return None
        if not name and events.only is not None:
            return events.only
        if name not in events.forms:
            known = ", ".join(events.forms)
            if not name:
                self.error(EVENT_COLUMN, f"is empty: name the row's event ({known})")
            else:
                self.error(EVENT_COLUMN, f"{name!r} is not an event of this study ({known})")
            return None
        return name

    def _check_width(self) -> None:
        width = self.reader.width
        extra = [cell for cell in self.cells[width:] if cell.strip()]
        if extra:
            self.errors.append(
                Finding(
                    self.number,
                    "",
                    f"the row has {len(self.cells)} cells but the header only {width}; "
                    f"{extra[0]!r} is beyond the last column",
                )
            )

    def _repeat(self, columns: dict[str, _Column]) -> tuple[str | None, int | None]:
        instrument = self.cell(columns, REPEAT_INSTRUMENT_COLUMN) or None
        text = self.cell(columns, REPEAT_INSTANCE_COLUMN)
        repeating = self.reader.repeating_at(self.event)
        events = self.reader.events
        where = f" at {self.event}" if self.event else ""
        if events is not None and self.event in events.repeating_events:
            if instrument is not None:
                self.error(
                    REPEAT_INSTRUMENT_COLUMN,
                    f"{instrument!r}: the event {self.event} repeats whole, so its rows name "
                    "no instrument, only the instance",
                )
            if not text.isdigit() or int(text) < 1:
                self.error(
                    REPEAT_INSTANCE_COLUMN,
                    f"{text!r}: a row of the repeating event {self.event} needs its instance "
                    "(1, 2, ...)",
                )
                return None, None
            return None, int(text)
        if instrument is not None and instrument not in repeating:
            known = ", ".join(sorted(repeating)) or "none"
            self.error(
                REPEAT_INSTRUMENT_COLUMN,
                f"{instrument!r} is not a repeating instrument{where} (repeating: {known})",
            )
            instrument = None
        if instrument is None:
            if text:
                self.error(REPEAT_INSTANCE_COLUMN, f"{text!r} is given without an instrument")
            return instrument, None
        if not text.isdigit() or int(text) < 1:
            self.error(REPEAT_INSTANCE_COLUMN, f"{text!r} is not a positive whole number")
            return instrument, None
        return instrument, int(text)

    def _group(self, columns: dict[str, _Column], record_id: str) -> str | None:
        group = self.cell(columns, DAG_COLUMN) or None
        groups = self.reader.groups
        if group is None:
            return None
        if groups is not None and group not in groups:
            self.error(DAG_COLUMN, f"{group!r} is not a site of this study")
        first = self.reader._seen.groups.setdefault(record_id, group)
        if first != group:
            self.error(DAG_COLUMN, f"{group!r} differs from {first!r} given before for {record_id}")
        return group

    def _values(
        self, columns: dict[str, _Column], instrument: str | None
    ) -> tuple[dict[str, Value], dict[str, int]]:
        values: dict[str, Value] = {}
        ticked: dict[str, set[str]] = {}
        statuses: dict[str, int] = {}
        cells, width = self.cells, len(self.cells)
        repeating = self.reader.repeating_at(self.event)
        events = self.reader.events
        allowed = events.forms.get(self.event or "") if events is not None else None
        check = self.reader.check
        for column in self.reader.data_columns:
            text = cells[column.index].strip() if column.index < width else ""
            if not text:
                continue
            # The common case, a base row's cell of a form that does not repeat, needs
            # no further look; anything else is checked (and named) by _in_scope.
            if (
                instrument is not None
                or column.form in repeating
                or (allowed is not None and column.form not in allowed)
            ) and not self._in_scope(column, instrument, text):
                continue
            field = column.field
            if column.code is not None and field is not None:
                self._tick(column, text, ticked.setdefault(field.name, set()))
            elif field is not None:
                checked = check(field, text)
                if checked.error is None and checked.warning is None:
                    if field.field_type not in _NOT_IMPORTED:
                        values[field.name] = checked.value
                else:
                    self._value(field, text, values)
            elif column.form is not None:
                self._status(column, text, statuses)
        values.update({name: frozenset(codes) for name, codes in ticked.items()})
        return values, statuses

    def _in_scope(self, column: _Column, instrument: str | None, text: str) -> bool:
        form = column.field.form if column.field is not None else column.form
        repeating = self.reader.repeating_at(self.event)
        events = self.reader.events
        if events is not None and form not in events.forms.get(self.event or "", ()):
            # REDCap writes 0 in every checkbox column of every row; it says nothing, and an
            # unknown event is named once, in its own column.
            if self.event is not None and not (column.code is not None and text == "0"):
                self.error(
                    column.name,
                    f"{text!r} belongs to the form {form}, which is not collected at the "
                    f"event {self.event}",
                )
            return False
        if instrument is None and form in repeating:
            self.error(
                column.name,
                f"{text!r} belongs to the repeating instrument {form}; give it on a row "
                f"with {REPEAT_INSTRUMENT_COLUMN} {form}",
            )
            return False
        if instrument is not None and form != instrument:
            self.error(
                column.name,
                f"{text!r} belongs to the instrument {form}, not to this row's {instrument}",
            )
            return False
        return True

    def _tick(self, column: _Column, text: str, codes: set[str]) -> None:
        if text not in _TICKS:
            self.error(column.name, f"{text!r} is not 0 (unticked) or 1 (ticked)")
        elif _TICKS[text] and column.code is not None:
            codes.add(column.code)

    def _value(self, field: Field, text: str, values: dict[str, Value]) -> None:
        if field.field_type in _NOT_IMPORTED:
            return
        checked = self.reader.check(field, text)
        if checked.error is not None:
            self.errors.append(Finding(self.number, field.name, checked.error))
            return
        if checked.warning is not None:
            self.warnings.append(Finding(self.number, field.name, checked.warning))
        values[field.name] = checked.value

    def _status(self, column: _Column, text: str, statuses: dict[str, int]) -> None:
        if text not in _STATUS_CODES:
            message = f"{text!r} is not 0 (incomplete), 1 (unverified) or 2 (complete)"
            self.error(column.name, message)
        elif column.form is not None:
            statuses[column.form] = int(text)

    def _check_repeated(self, record_id: str, instrument: str | None, instance: int | None) -> None:
        if not record_id or (self.reader.events is not None and self.event is None):
            return
        key = (record_id, instrument, instance, self.event)
        first = self.reader._seen.rows.setdefault(key, self.number)
        if first != self.number:
            where = f" instance {instance} of {instrument}" if instrument else ""
            where += f" at {self.event}" if self.event else ""
            self.error(
                self.reader.dictionary.fields[0].name,
                f"record {record_id}{where} was already given on row {first}",
            )


def _what(column: str) -> str:
    if not column:
        return "the row"
    if column.startswith("redcap_") or column.endswith("_complete") or "___" in column:
        return f"column {column}"
    return f"field {column}"


def _known_columns(
    dictionary: DataDictionary,
) -> dict[str, tuple[Field | None, str | None, str | None]]:
    """Each column name a flat CSV may have, with its field, checkbox code and form."""
    known: dict[str, tuple[Field | None, str | None, str | None]] = {
        REPEAT_INSTRUMENT_COLUMN: (None, None, None),
        REPEAT_INSTANCE_COLUMN: (None, None, None),
        DAG_COLUMN: (None, None, None),
        EVENT_COLUMN: (None, None, None),
    }
    for fld in dictionary.fields[1:]:
        if fld.field_type is FieldType.CHECKBOX:
            for choice in fld.effective_choices:
                known[checkbox_column(fld, choice.code)] = (fld, choice.code, fld.form)
        elif fld.field_type is not FieldType.DESCRIPTIVE:
            known[fld.name] = (fld, None, fld.form)
    for form in dictionary.forms():
        known[status_column(form)] = (None, None, form)
    return known


def _unknown(name: str, reader: RecordReader) -> str:
    dictionary = reader.dictionary
    if not name:
        return "has no name in the header but holds cells"
    stem, _, code = name.partition("___")
    fld = dictionary.get(stem)
    if fld is not None and fld.field_type is FieldType.CHECKBOX:
        if code:
            return f"the checkbox field {stem} has no choice {code!r}"
        return f"the checkbox field {stem} is given as one column per choice, {stem}___<code>"
    if fld is not None and fld.field_type is FieldType.DESCRIPTIVE:
        return f"{stem} is a descriptive field and holds no data"
    return "is not a field of this study's data dictionary"


def _unreadable(error: UnicodeDecodeError | csv.Error) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "the file is not UTF-8 text from here on; save it as CSV UTF-8"
    return f"the CSV cannot be read from here on: {error}"


def validate_all(
    source: Iterable[str],
    dictionary: DataDictionary,
    *,
    today: date,
    now: datetime,
    repeating_forms: Collection[str] = (),
    groups: Collection[str] | None = None,
) -> Validation:
    """Read the whole file without keeping its rows; every finding, for a preview."""
    reader = RecordReader(
        source, dictionary, today=today, now=now, repeating_forms=repeating_forms, groups=groups
    )
    errors: list[Finding] = []
    warnings: list[Finding] = []
    records: set[str] = set()
    for row in reader:
        errors.extend(row.errors)
        warnings.extend(row.warnings)
        records.add(row.record_id)
    records.discard("")
    every_error = sorted([*reader.file_errors, *errors], key=lambda finding: finding.row)
    return Validation(
        reader.rows_read, len(records), tuple(every_error), tuple(warnings), tuple(reader.notices)
    )


def read_valid_records(
    source: Iterable[str],
    dictionary: DataDictionary,
    *,
    today: date,
    now: datetime,
    repeating_forms: Collection[str] = (),
    groups: Collection[str] | None = None,
) -> Iterator[RecordRow]:
    """Yield the rows of a file a preview found clean; raise RecordsCsvError at any error.

    Run inside the import's transaction, so that an error (the file changed since the
    preview) rolls back every row already written.
    """
    reader = RecordReader(
        source, dictionary, today=today, now=now, repeating_forms=repeating_forms, groups=groups
    )
    if reader.file_errors:
        raise RecordsCsvError(reader.file_errors)
    for row in reader:
        if row.errors:
            raise RecordsCsvError(row.errors)
        yield row
    if reader.file_errors:
        raise RecordsCsvError(reader.file_errors)
