"""The columns of an export and the rows, as stored strings, that every writer turns out.

A plan is made once from the dictionary and the options; `ExportPlan.rows(records)`
then walks the records once, never holding more than one record's rows, and yields
for each output row its cells (stored strings, "" when missing, dates already shifted
when de-identified) with the rows of the checkbox table that go with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from enum import StrEnum

from formats.datadictionary import DataDictionary, Field, FieldType, ValidationType
from formats.exports.deidentify import is_dropped, shift_stored
from formats.exports.model import (
    PROGRESS_EVERY,
    CheckboxLayout,
    ExportError,
    ExportOptions,
    ExportRecord,
    Progress,
    RepeatLayout,
)
from formats.records import (
    DAG_COLUMN,
    EVENT_COLUMN,
    REPEAT_INSTANCE_COLUMN,
    REPEAT_INSTRUMENT_COLUMN,
    STATUS_LABELS,
    checkbox_column,
    status_column,
)
from formats.records.validate import DATE_TYPES

V = ValidationType
Slot = tuple[str | None, int | None]
BASE: Slot = (None, None)
_INTEGER_CODE = re.compile(r"-?\d+")
_DATETIME_TYPES = frozenset(v for v in DATE_TYPES if v.value.startswith("datetime"))
_NUMBERS = frozenset({V.NUMBER, V.NUMBER_1DP, V.NUMBER_2DP, V.NUMBER_3DP, V.NUMBER_4DP})
CHECKED_LABELS = (("0", "Unchecked"), ("1", "Checked"))
STATUS_VALUE_LABELS = tuple((str(int(s)), label) for s, label in STATUS_LABELS.items())
CHECKBOX_TABLE_COLUMNS = ("field", "code", "label")


class Kind(StrEnum):
    ID = "id"
    GROUP = "group"
    INSTRUMENT = "instrument"
    EVENT = "event"
    INSTANCE = "instance"
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    CHOICE = "choice"
    CHECKED = "checked"
    STATUS = "status"


NUMERIC_KINDS = frozenset({Kind.INSTANCE, Kind.INTEGER, Kind.NUMBER})
CODED_KINDS = frozenset({Kind.CHOICE, Kind.CHECKED, Kind.STATUS})
# Columns whose cell is not a stored value shown as it is (`ExportPlan._getter`).
_NOT_PLAIN = frozenset(
    {Kind.ID, Kind.GROUP, Kind.INSTRUMENT, Kind.EVENT, Kind.INSTANCE, Kind.STATUS, Kind.CHECKED}
)


@dataclass(frozen=True)
class Column:
    """One output column; `value_labels` are (code, label) pairs for coded kinds."""

    name: str
    label: str
    kind: Kind
    field: str | None = None
    form: str | None = None
    slot: Slot | None = None
    code: str | None = None
    value_labels: tuple[tuple[str, str], ...] = ()

    @property
    def numeric_codes(self) -> bool:
        """Whether the codes are whole numbers, so SPSS and Stata can store them as numbers."""
        return all(_INTEGER_CODE.fullmatch(code) for code, _ in self.value_labels)

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS or (self.kind in CODED_KINDS and self.numeric_codes)


@dataclass(frozen=True)
class Emitted:
    """One main-table row and the checkbox-table rows of the same record rows."""

    cells: list[str]
    checkbox_rows: list[list[str]]


@dataclass
class Tally:
    """Counts kept while the plan walks the records, for the writer's summary."""

    records: int = 0


class ExportPlan:
    """The columns of the main table and of the checkbox table for one export."""

    def __init__(
        self,
        dictionary: DataDictionary,
        options: ExportOptions,
        *,
        max_instances: Mapping[str, int] | None = None,
    ) -> None:
        if not dictionary.fields:
            raise ExportError("the data dictionary has no fields to export")
        if options.deidentify and options.date_offset is None:
            raise ExportError("a de-identified export needs a date_offset per record")
        wide = options.repeats is RepeatLayout.WIDE
        if wide and options.events is not None:
            raise ExportError(
                "a longitudinal study is exported one row per record and event (long layout)"
            )
        if wide and options.repeating_forms and max_instances is None:
            raise ExportError(
                "a wide layout of repeating instruments needs max_instances; "
                "use scan_max_instances(records) for a first pass"
            )
        self.dictionary, self.options = dictionary, options
        self.max_instances = dict(max_instances or {})
        self.id_field = dictionary.fields[0]
        self.fields = self._selected_fields()
        self.columns = tuple(self._columns())
        self.checkbox_columns = self._checkbox_columns()
        self._checkbox_fields = [f for f in self.fields if f.field_type is FieldType.CHECKBOX]
        self._getters = [self._getter(column) for column in self.columns]
        self._plain, self._others = self._split_columns()

    @property
    def long_checkboxes(self) -> bool:
        return self.options.checkboxes is CheckboxLayout.LONG and bool(self._checkbox_fields)

    def _selected_fields(self) -> tuple[Field, ...]:
        forms = self.options.forms
        if forms is not None:
            unknown = sorted(set(forms) - set(self.dictionary.forms()))
            if unknown:
                raise ExportError(f"no such instrument in the dictionary: {', '.join(unknown)}")
        chosen = []
        for fld in self.dictionary.fields[1:]:
            if fld.field_type is FieldType.DESCRIPTIVE or (forms and fld.form not in forms):
                continue
            if self.options.deidentify and is_dropped(fld):
                continue
            chosen.append(fld)
        return tuple(chosen)

    def _forms(self) -> list[str]:
        forms = self.options.forms
        return [form for form in self.dictionary.forms() if forms is None or form in forms]

    def _repeats(self, form: str) -> bool:
        return form in self.options.repeating_forms

    def _columns(self) -> Iterator[Column]:
        yield Column(self.id_field.name, self.id_field.plain_label or "Record ID", Kind.ID)
        if self.options.events is not None:
            yield Column(EVENT_COLUMN, "Event", Kind.EVENT)
        if self.options.include_site:
            yield Column(DAG_COLUMN, "Data access group (site)", Kind.GROUP)
        wide = self.options.repeats is RepeatLayout.WIDE
        if not wide and (
            any(self._repeats(form) for form in self._forms()) or self.options.repeating_events
        ):
            yield Column(REPEAT_INSTRUMENT_COLUMN, "Repeat instrument", Kind.INSTRUMENT)
            yield Column(REPEAT_INSTANCE_COLUMN, "Repeat instance", Kind.INSTANCE)
        for form in self._forms():
            if wide and self._repeats(form):
                for instance in range(1, self.max_instances.get(form, 0) + 1):
                    yield from self._form_columns(form, (form, instance), f"__{instance}")
            else:
                yield from self._form_columns(form, (form, None) if self._repeats(form) else BASE)

    def _form_columns(self, form: str, slot: Slot, suffix: str = "") -> Iterator[Column]:
        where = f" [instance {slot[1]}]" if slot[1] is not None else ""
        for fld in self.fields:
            if fld.form != form:
                continue
            label = fld.plain_label + where
            if fld.field_type is FieldType.CHECKBOX:
                if self.options.checkboxes is CheckboxLayout.WIDE:
                    for choice in fld.effective_choices:
                        name = checkbox_column(fld, choice.code) + suffix
                        full = f"{fld.plain_label} (choice={choice.label}){where}"
                        yield Column(
                            name, full, Kind.CHECKED, fld.name, form, slot, choice.code,
                            CHECKED_LABELS,
                        )  # fmt: skip
                continue
            yield Column(
                fld.name + suffix, label, _kind(fld), fld.name, form, slot, None,
                tuple((c.code, c.label) for c in fld.effective_choices),
            )  # fmt: skip
        yield Column(
            status_column(form) + suffix, f"Complete? ({form}){where}", Kind.STATUS, None, form,
            slot, None, STATUS_VALUE_LABELS,
        )  # fmt: skip

    def _checkbox_columns(self) -> tuple[Column, ...]:
        if self.options.checkboxes is not CheckboxLayout.LONG:
            return ()
        columns = [Column(self.id_field.name, "Record ID", Kind.ID)]
        if self.options.events is not None:
            columns.append(Column(EVENT_COLUMN, "Event", Kind.EVENT))
        if any(self._repeats(form) for form in self._forms()) or self.options.repeating_events:
            columns.append(Column(REPEAT_INSTRUMENT_COLUMN, "Repeat instrument", Kind.INSTRUMENT))
            columns.append(Column(REPEAT_INSTANCE_COLUMN, "Repeat instance", Kind.INSTANCE))
        columns.append(Column("field", "Checkbox field", Kind.TEXT))
        columns.append(Column("code", "Ticked option (code)", Kind.TEXT))
        columns.append(Column("label", "Ticked option (label)", Kind.TEXT))
        return tuple(columns)

    def _split_columns(
        self,
    ) -> tuple[list[tuple[Slot, list[tuple[int, str]]]], list[tuple[int, Callable[[_Row], str]]]]:
        """The columns that show a stored value as it is, grouped by slot, and the others.

        Most cells of a row are stored values: reading them slot by slot, without a call
        per cell, is most of what makes a large export fast. A value column without a
        slot is always empty.
        """
        plain: dict[Slot, list[tuple[int, str]]] = {}
        others: list[tuple[int, Callable[[_Row], str]]] = []
        for index, column in enumerate(self.columns):
            if column.kind in _NOT_PLAIN or (
                self.options.deidentify and column.kind in {Kind.DATE, Kind.DATETIME}
            ):
                others.append((index, self._getters[index]))
            elif column.slot is not None:
                plain.setdefault(column.slot, []).append((index, column.field or ""))
        return list(plain.items()), others

    def cells(self, row: _Row) -> list[str]:
        """One output row's cells, as every getter would give them."""
        cells = [""] * len(self.columns)
        for index, getter in self._others:
            cells[index] = getter(row)
        slots = row.slots
        for slot, plain in self._plain:
            record = slots.get(slot)
            if record is None:
                continue
            values = record.values
            for index, name in plain:
                value = values.get(name, "")
                cells[index] = value if isinstance(value, str) else ",".join(sorted(value))
        return cells

    def _getter(self, column: Column) -> Callable[[_Row], str]:
        kind, name, slot = column.kind, column.field, column.slot
        if kind is Kind.ID:
            return lambda row: row.record_id
        if kind is Kind.GROUP:
            return lambda row: row.site
        if kind is Kind.INSTRUMENT:
            return lambda row: row.head.instrument or ""
        if kind is Kind.EVENT:
            return lambda row: row.head.event or ""
        if kind is Kind.INSTANCE:
            return lambda row: "" if row.head.instance is None else str(row.head.instance)
        if kind is Kind.STATUS:
            form = column.form or ""
            return lambda row: row.status(slot, form)
        if kind is Kind.CHECKED:
            code = column.code or ""
            return lambda row: row.ticked(slot, name or "", code)
        if self.options.deidentify and kind in {Kind.DATE, Kind.DATETIME}:
            return lambda row: shift_stored(row.value(slot, name or ""), row.offset())
        return lambda row: row.value(slot, name or "")

    def rows(
        self,
        records: Iterable[ExportRecord],
        *,
        total: int | None = None,
        progress: Progress | None = None,
        tally: Tally | None = None,
    ) -> Iterator[Emitted]:
        """Walk the records once; report (done, total) through `progress`."""
        tally = tally if tally is not None else Tally()
        done = 0
        forms = set(self._forms())
        for group in self._groups(records):
            kept = [r for r in group if r.instrument is None or r.instrument in forms]
            tally.records += len(group)
            if not kept:
                done += len(group)
                continue
            row = _Row(kept, self)
            cells = self.cells(row)
            ticks = self._checkbox_rows(kept) if self.long_checkboxes else []
            yield Emitted(cells, ticks)
            before, done = done, done + len(group)
            if progress is not None and done // PROGRESS_EVERY != before // PROGRESS_EVERY:
                progress(done, total)
        if progress is not None:
            progress(done, total)

    def _groups(self, records: Iterable[ExportRecord]) -> Iterator[list[ExportRecord]]:
        if self.options.repeats is RepeatLayout.LONG or not self.options.repeating_forms:
            for record in records:
                yield [record]
            return
        yield from _grouped(records)

    def _checkbox_rows(self, group: list[ExportRecord]) -> list[list[str]]:
        rows: list[list[str]] = []
        names = [c.name for c in self.checkbox_columns]
        repeat_columns = REPEAT_INSTANCE_COLUMN in names
        for record in group:
            for fld in self._checkbox_fields:
                ticked = _codes(record.values.get(fld.name))
                for choice in fld.effective_choices:
                    if choice.code not in ticked:
                        continue
                    row = [record.record_id]
                    if EVENT_COLUMN in names:
                        row.append(record.event or "")
                    if repeat_columns:
                        instance = "" if record.instance is None else str(record.instance)
                        row += [record.instrument or "", instance]
                    rows.append([*row, fld.name, choice.code, choice.label])
        return rows


def _kind(fld: Field) -> Kind:
    if fld.field_type in {FieldType.DROPDOWN, FieldType.RADIO}:
        return Kind.CHOICE
    if fld.field_type in {FieldType.YESNO, FieldType.TRUEFALSE}:
        return Kind.CHOICE
    if fld.field_type is FieldType.SLIDER:
        return Kind.INTEGER
    if fld.field_type is FieldType.CALC:
        return Kind.NUMBER
    validation = fld.validation
    if validation in _DATETIME_TYPES:
        return Kind.DATETIME
    if validation in DATE_TYPES:
        return Kind.DATE
    if validation is V.TIME:
        return Kind.TIME
    if validation is V.INTEGER:
        return Kind.INTEGER
    if validation in _NUMBERS:
        return Kind.NUMBER
    return Kind.TEXT


def _codes(value: str | Set[str] | None) -> Set[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset(code.strip() for code in value.split(",") if code.strip())
    return value


def _grouped(records: Iterable[ExportRecord]) -> Iterator[list[ExportRecord]]:
    """Consecutive rows of one record together; a record that comes back is refused."""
    finished: set[str] = set()
    group: list[ExportRecord] = []
    for record in records:
        if group and record.record_id != group[0].record_id:
            finished.add(group[0].record_id)
            yield group
            group = []
        if not group and record.record_id in finished:
            raise ExportError(
                f"the rows of record {record.record_id} do not come together; "
                "order the records by record id"
            )
        group.append(record)
    if group:
        yield group


class _Row:
    """The rows of one record (or one row), found by slot: base or (instrument, instance)."""

    __slots__ = ("_offset", "_plan", "head", "record_id", "site", "slots")

    def __init__(self, group: list[ExportRecord], plan: ExportPlan) -> None:
        self.head = group[0]
        self.record_id = self.head.record_id
        self.site = next((record.site_code for record in group if record.site_code), "")
        self._plan = plan
        self._offset: int | None = None
        wide = plan.options.repeats is RepeatLayout.WIDE
        self.slots: dict[Slot, ExportRecord] = {}
        for record in group:
            self.slots[_slot(record, wide=wide)] = record
            _check_instance(record, plan, wide=wide)
        # In a longitudinal study a form may repeat at one event and not at another: where
        # it does not, its values are in the event's own row (REDCap's layout).
        if plan.options.events is not None and BASE in self.slots:
            for form in plan.options.repeating_forms:
                self.slots.setdefault((form, None), self.slots[BASE])

    def value(self, slot: Slot | None, name: str) -> str:
        record = self.slots.get(slot) if slot is not None else None
        if record is None:
            return ""
        value = record.values.get(name, "")
        if isinstance(value, str):
            return value
        return ",".join(sorted(value))

    def ticked(self, slot: Slot | None, name: str, code: str) -> str:
        record = self.slots.get(slot) if slot is not None else None
        if record is None:
            return ""
        return "1" if code in _codes(record.values.get(name)) else "0"

    def status(self, slot: Slot | None, form: str) -> str:
        record = self.slots.get(slot) if slot is not None else None
        if record is None or form not in record.statuses:
            return ""
        return str(record.statuses[form])

    def offset(self) -> int:
        if self._offset is None:
            date_offset = self._plan.options.date_offset
            self._offset = date_offset(self.record_id) if date_offset is not None else 0
        return self._offset


def _slot(record: ExportRecord, *, wide: bool) -> Slot:
    if record.instrument is None:
        return BASE
    return (record.instrument, record.instance if wide else None)


def _check_instance(record: ExportRecord, plan: ExportPlan, *, wide: bool) -> None:
    if record.instrument is None:
        return
    if record.instrument not in plan.options.repeating_forms:
        raise ExportError(
            f"record {record.record_id} has a row of {record.instrument!r}, "
            "which is not a repeating instrument of this export"
        )
    if wide and (record.instance or 0) > plan.max_instances.get(record.instrument, 0):
        raise ExportError(
            f"record {record.record_id} has instance {record.instance} of "
            f"{record.instrument}, beyond max_instances "
            f"({plan.max_instances.get(record.instrument, 0)})"
        )


def scan_max_instances(records: Iterable[ExportRecord]) -> dict[str, int]:
    """The first pass of a wide export: the largest instance of each repeating instrument."""
    largest: dict[str, int] = {}
    for record in records:
        if record.instrument is not None and record.instance is not None:
            largest[record.instrument] = max(largest.get(record.instrument, 0), record.instance)
    return largest
