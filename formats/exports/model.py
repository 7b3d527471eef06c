"""What an export reads (records, one REDCap row each) and the choices that shape it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from enum import StrEnum

Progress = Callable[[int, int | None], None]
"""Called with (records done, records in all or None) now and then, and at the end."""

PROGRESS_EVERY = 1000


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One row of a record, as REDCap's flat export has it.

    `instrument` and `instance` are None for the record's non-repeating data, and name
    the repeating instrument and its instance (1, 2, ...) otherwise; a repeating event's
    row has no instrument and its instance. `event` is the unique event name in a
    longitudinal study (a row per record and event), None in a classic one. `values` maps field
    names to stored values (`check_value`'s storage form); a checkbox holds a set of
    ticked codes or the codes joined by commas. `statuses` maps form names to 0, 1, 2.
    The rows of one record come together, the non-repeating row first.
    """

    record_id: str
    site_code: str = ""
    instrument: str | None = None
    instance: int | None = None
    values: Mapping[str, str | Set[str]] = field(default_factory=dict)
    statuses: Mapping[str, int] = field(default_factory=dict)
    event: str | None = None


class CheckboxLayout(StrEnum):
    WIDE = "wide"  # one 0/1 column per option: `findings___2`
    LONG = "long"  # a second table with one row per ticked option


class RepeatLayout(StrEnum):
    LONG = "long"  # one row per instance, as REDCap exports them
    WIDE = "wide"  # one row per record: `size__1`, `size__2`, ... up to the largest instance


@dataclass(frozen=True, kw_only=True)
class ExportOptions:
    """How to shape an export; `date_offset` is needed when `deidentify` is set.

    `date_offset(record_id)` gives the days by which that record's dates are shifted;
    it must give the same number for the same record every time (see `hmac_offset`).
    `spreadsheet_safe` (the default) makes a CSV safe to open in a spreadsheet: a text
    cell that a spreadsheet would run as a formula is written with a `'` before it
    (`formats.exports.csvout.spreadsheet_safe`); False writes text exactly as entered,
    for statistical software. XLSX cells are typed, so text is always text there.
    """

    labels: bool = False
    checkboxes: CheckboxLayout = CheckboxLayout.WIDE
    repeats: RepeatLayout = RepeatLayout.LONG
    repeating_forms: frozenset[str] = frozenset()
    deidentify: bool = False
    date_offset: Callable[[str], int] | None = None
    include_site: bool = True
    forms: tuple[str, ...] | None = None
    spreadsheet_safe: bool = True
    # A longitudinal study's unique event names (None: classic, no redcap_event_name);
    # `repeating_forms` then holds the forms that repeat at any event, and
    # `repeating_events` the events that repeat whole.
    events: tuple[str, ...] | None = None
    repeating_events: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ExportSummary:
    """What a writer wrote: input records read, rows written to each table."""

    records: int
    rows: int
    checkbox_rows: int
    columns: int
    renamed: Mapping[str, str] = field(default_factory=dict)


class ExportError(ValueError):
    """The export cannot be written as asked; the message says what and where."""
