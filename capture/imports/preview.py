"""The preview of an upload: every problem of the file, and what it would change.

Existing records and their locks are looked up only among the person's own sites
(`access.records_for`), so a preview tells nothing of another site's records. The rows
of existing records are compared with what is stored a batch at a time (`_Diff`,
`row_changes`): a record the file leaves as it is counts as unchanged, and a locked one
is refused only when the file would change it. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from capture import access
from capture.access import Can
from capture.imports.checks import (
    BATCH,
    Change,
    ImportCheck,
    Progress,
    Values,
    _check_row,
    _clash,
    _Context,
    _context,
    _reader,
    _shown,
)
from capture.logic import Stored
from capture.models import Entry, Record, Study, StudySite
from formats.records import Finding, RecordRow
from formats.records.flatcsv import Value

if TYPE_CHECKING:
    from accounts.models import User


def import_preview(
    *, actor: User, study: Study, text: str, progress: Progress | None = None
) -> ImportCheck:
    """Read the whole file and report every problem; nothing is written.

    For each record that exists, every value the file changes (old → new) is listed; a
    record the file leaves as it is counts as unchanged, and a locked one is refused only
    when the file would change it. `progress`, when given, hears the rows read every
    5,000 rows and at the end.
    """
    context = _context(actor, study)
    check = ImportCheck()
    reader = _reader(context, text)
    seen: dict[str, StudySite | None] = {}
    first_row: dict[str, int] = {}
    known = _known_records(actor, study)
    diff = _Diff(context, check)
    for row in reader:
        _check_row(context, row, check, seen)
        first_row.setdefault(row.record_id, row.row)
        if row.record_id in known:
            diff.add(known[row.record_id], row)
        if progress and check.rows % BATCH == 0:
            progress(check.rows)
    diff.flush()
    if progress:
        progress(check.rows)
    check.errors = sorted([*reader.file_errors, *check.errors], key=lambda f: f.row)
    check.notices.extend(reader.notices)
    check.records = len(seen)
    if context.free_ids:
        for label in known:
            given = context.folded.get(label.lower())
            if label not in seen and given is not None:
                message = f"record id {given[0]!r} differs only in case from the record {label}"
                check.errors.append(Finding(given[1], "record_id", message))
    existing = 0
    for label in seen.keys() & known.keys():
        site = seen[label]
        stored = known[label]
        same = [item for item in stored if site is None or item.site_id == site.pk]
        existing += bool(same)
        found = (same or stored)[0]
        problem = _clash(label, site, found.site_id)
        if problem is None and found.locked and label in check.changes:
            problem = _locked_change(label, check.changes[label])
        if problem:
            check.errors.append(Finding(first_row[label], "record_id", problem))
    check.errors.sort(key=lambda f: f.row)
    check.unchanged_records = existing - len(check.changes.keys() & seen.keys())
    check.updated_records = existing - check.unchanged_records
    check.new_records = check.records - existing
    return check


@dataclass(frozen=True)
class _Known:
    pk: int
    site_id: int
    locked: bool


def _known_records(actor: User, study: Study) -> dict[str, list[_Known]]:
    """The records an import may find, by id (ids are unique per site)."""
    found: dict[str, list[_Known]] = {}
    for label, site_id, locked, pk in _known(actor, study).iterator(chunk_size=10_000):
        found.setdefault(label, []).append(_Known(pk, site_id, locked))
    return found


def _locked_change(label: str, changes: list[Change]) -> str:
    shown = ", ".join(f"{name} ({_shown(old)} → {_shown(new)})" for name, old, new in changes[:5])
    more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
    return f"record {label} is locked and the file would change {shown}{more}"


# (record, instrument, instance, event id or None) -> (values, status)
StoredEntries = dict[tuple[int, str, int, int | None], tuple[dict[str, Stored], int]]


def _stored(record_ids: Collection[int]) -> StoredEntries:
    """(record, instrument, instance, event) -> (values, status) of the records' entries."""
    entries = Entry.objects.filter(record_id__in=record_ids).values_list(
        "record_id", "instrument", "instance", "event_id", "data", "status"
    )
    return {(r, i, n, e): (data, status) for r, i, n, e, data, status in entries}


def _normal(value: Stored | Value | None) -> Stored:
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(v) for v in value)
    return "" if value is None else value


def row_changes(
    record_id: int,
    rows: Sequence[RecordRow],
    stored: StoredEntries,
    forms: dict[str, str],
    blanks: dict[int, Values] | None = None,
    events: dict[str, int] | None = None,
) -> list[Change]:
    """What a record's rows would change: each value given (and each blank that erases,
    in an overwrite) that differs from what is stored, and each status that differs.
    `events` (unique name -> id) places a longitudinal study's rows at their events."""
    changes: list[Change] = []
    for row in rows:
        instance = row.instance or 1
        event = (events or {}).get(row.event) if row.event else None
        given: dict[str, Stored | Value] = {**(blanks or {}).get(row.row, {}), **row.values}
        for name, value in given.items():
            key = (record_id, row.instrument or forms[name], instance, event)
            old = stored.get(key, ({}, None))[0].get(name)
            if _normal(old) != _normal(value):
                changes.append((name, _normal(old), _normal(value)))
        for form, status in row.statuses.items():
            key = (record_id, form, instance if row.instrument or row.instance else 1, event)
            old_status = stored.get(key, ({}, None))[1]
            if old_status != status:
                changes.append((f"{form}_complete", old_status, status))
    return changes


class _Diff:
    """Collects the rows of existing records and compares them with what is stored, a
    batch of records at a time, so a re-import of a whole study stays in bounded memory."""

    SHOWN = 2_000  # records whose changes are kept for the preview to list

    def __init__(self, context: _Context, check: ImportCheck) -> None:
        self.check = check
        self.forms = {f.name: f.form for f in context.dictionary.fields}
        self.events = context.event_ids
        self.pending: dict[str, tuple[list[_Known], list[RecordRow]]] = {}

    def add(self, known: list[_Known], row: RecordRow) -> None:
        self.pending.setdefault(row.record_id, (known, []))[1].append(row)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        ids = [item.pk for known, _ in self.pending.values() for item in known]
        stored = _stored(ids)
        for label, (known, rows) in self.pending.items():
            for item in known:
                changes = row_changes(item.pk, rows, stored, self.forms, events=self.events)
                if changes:
                    kept = self.check.changes.setdefault(label, [])
                    if len(self.check.changes) <= self.SHOWN:
                        kept.extend(changes)
                    break
        self.pending = {}


def _known(actor: User, study: Study) -> QuerySet[Record, tuple[str, int, bool, int]]:
    """The records an import may find (label, study site, locked): those of the person's sites.

    Never the study's others, so that no count, message or timing of a preview tells
    whether a record of another site exists or is locked (capture.access's rule). A
    record id names its site by its code, so the file's ids of other sites are refused
    whatever exists there.
    """
    records = access.records_for(actor, study, Can.ENTER)
    return records.values_list("label", "study_site_id", "locked", "pk")
