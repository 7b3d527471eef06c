"""Imports of records in REDCap's flat CSV: a preview that lists every problem, then all or nothing.

The pure reader (`formats.records.RecordReader`) checks every cell against the
dictionary; this module adds what needs the study: the site of each record (its
`redcap_data_access_group`, a study-site code, or the person's only site), record ids of
the form `CODE-n` with the site's code exactly, the person's right to enter at that site,
locks, and identifiers in free text. Existing records and their locks are looked up only
among the person's own sites (`access.records_for`), so a preview tells nothing of
another site's records. The commit re-reads the file inside one transaction and writes
records and entries in batches with one audit row per record, so 100,000 records stay
fast and a single bad row leaves nothing behind. It runs as a task, one attempt at a
time (`capture.jobs`): the records and the import's *done* state commit together.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record, unsaved_event
from capture import access, completeness, jobs
from capture.access import Can
from capture.logic import Context, Resolution, Stored, resolve, variables
from capture.logic.nodes import Smart, Variable, walk
from capture.models import DataImport, Entry, Event, Record, Study, StudySite
from capture.services import (
    Dictionary,
    audit_scope,
    current_dictionary,
    identifier_problem,
    user_name,
)
from capture.versions.reading import archive_keys
from core import bulk
from core.files import save_to_field
from core.identifiers import describe, find_identifiers
from core.logging_tools import log_failure
from formats.datadictionary import DataDictionary, Field, FieldType
from formats.records import Finding, RecordReader, RecordRow
from formats.records.flatcsv import HEADER_ROW, Events, Value

if TYPE_CHECKING:
    from accounts.models import User

BATCH = 5_000
Progress = Callable[[int], None]
logger = logging.getLogger(__name__)
UNDER_WAY = frozenset({DataImport.State.QUEUED, DataImport.State.RUNNING})


# A value as a preview compares it: stored (a checkbox's codes sorted), or a form's status.
Compared = Stored | int | None
Change = tuple[str, Compared, Compared]  # field (or <form>_complete), stored value, the file's


@dataclass
class ImportCheck:
    """What a preview shows: counts, every error and warning, by row and field."""

    rows: int = 0
    records: int = 0
    new_records: int = 0
    updated_records: int = 0
    unchanged_records: int = 0  # records that exist and that the file leaves as they are
    # Record id -> every value the file changes in it (field, old, new), for the preview.
    changes: dict[str, list[Change]] = field(default_factory=dict)
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    notices: list[Finding] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)  # as the file gives them, in order

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_changes(self) -> list[tuple[str, list[tuple[str, str, str]]]]:
        """Each updated record with its changes as the preview shows them (old → new)."""
        return [
            (label, [(name, _shown(old), _shown(new)) for name, old, new in changes])
            for label, changes in self.changes.items()
        ]


class ImportRefused(Exception):
    def __init__(self, check: ImportCheck) -> None:
        super().__init__("\n".join(str(error) for error in check.errors[:50]))
        self.check = check


@dataclass
class _Context:
    study: Study
    dictionary: Dictionary
    sites: dict[str, StudySite]  # code (lower case) -> study site the person may enter at
    default_site: StudySite | None
    # Every field a row may write: each value is screened for identifiers, as the entry
    # form screens it (a number field can hold an NHS number).
    screened: tuple[Field, ...] = ()
    # REDCap's own record ids, kept as given (Study.RecordIds.REDCAP), instead of CODE-n.
    free_ids: bool = False
    # Ids of the file by their small letters: two that differ only in case are refused.
    folded: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Columns read past with a notice: values archived by dictionary versions.
    skip: dict[str, str] = field(default_factory=dict)
    # A longitudinal study's events, as the reader checks rows (None: classic), and the
    # id of each by its unique name.
    events: Events | None = None
    event_ids: dict[str, int] = field(default_factory=dict)
    # What screening found in each value already screened (None: nothing). Across a
    # study's rows the same values come back (scores, counts, dates), and screening is
    # most of a row's cost; every field is screened alike, so the text is the key.
    screened_values: dict[str, str | None] = field(default_factory=dict)


def _context(actor: User, study: Study) -> _Context:
    access.require(actor, study, Can.ENTER)
    if study.status != Study.Status.LIVE:
        raise PermissionDenied("Records are imported into a live study only.")
    sites = {s.code.lower(): s for s in access.site_choices(actor, study, Can.ENTER)}
    default = next(iter(sites.values())) if len(sites) == 1 else None
    dictionary = current_dictionary(study)
    free = study.record_ids == Study.RecordIds.REDCAP
    context = _Context(study, dictionary, sites, default, tuple(dictionary.fields), free)
    context.skip = dict.fromkeys(archive_keys(study), ARCHIVED)
    context.events, context.event_ids = _events(study)
    return context


def _events(study: Study) -> tuple[Events | None, dict[str, int]]:
    """The study's events as the reader checks rows against them; None if it has none."""
    events = list(Event.objects.filter(study=study).prefetch_related("designations"))
    if not events:
        return None, {}
    return (
        Events(
            forms={
                e.unique_name: frozenset(d.instrument for d in e.designations.all()) for e in events
            },
            repeating={
                e.unique_name: frozenset(d.instrument for d in e.designations.all() if d.repeating)
                for e in events
            },
            repeating_events=frozenset(e.unique_name for e in events if e.repeating),
        ),
        {e.unique_name: e.pk for e in events},
    )


ARCHIVED = (
    "values a dictionary version archived stay as they are (an export with archived "
    "values has this column); its cells are skipped"
)


def _as_imported(f: Field, dictionary: Dictionary) -> Field:
    """A calculation RadCollab does not evaluate is read from the file like a text field:
    it keeps the values it is given (issue 15, item 2); every other calc is recalculated."""
    if f.field_type == FieldType.CALC and dictionary.logic[f.name].calc is None:
        return replace(f, field_type=FieldType.TEXT, calculation="")
    return f


def _reader(context: _Context, text: str) -> RecordReader:
    now = timezone.now()
    return RecordReader(
        io.StringIO(text.lstrip("\ufeff"), newline=""),
        DataDictionary(
            tuple(_as_imported(f, context.dictionary) for f in context.dictionary.fields)
        ),
        today=timezone.localdate(),
        now=now,
        repeating_forms=context.study.repeating_instruments,
        groups=None,
        skip=context.skip,
        events=context.events,
    )


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


def _shown(value: Compared) -> str:
    """A value as the preview shows it: a checkbox's codes joined, nothing as (empty)."""
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return "(empty)" if value in (None, "") else str(value)


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


def _check_row(
    context: _Context, row: RecordRow, check: ImportCheck, seen: dict[str, StudySite | None]
) -> None:
    """Everything one row can tell on its own: cells, site and id, identifiers."""
    check.rows += 1
    check.errors.extend(row.errors)
    check.warnings.extend(row.warnings)
    if row.record_id and row.record_id not in seen:
        seen[row.record_id] = _site_of(context, row, check)
        if context.free_ids:
            _check_case(context, row, check)
    check.errors.extend(_identifiers(context, row))


def _clash(label: str, site: StudySite | None, site_id: int) -> str | None:
    """Why an existing record cannot take the file's rows, if it cannot (a lock refuses
    only the rows that would change the record: `_locked_change`)."""
    if site is not None and site_id != site.pk:
        return f"record {label} belongs to another site"
    return None


LABEL = re.compile(r"^([A-Za-z0-9]+)-([1-9][0-9]{0,9})$")
MAX_NUMBER = 2_147_483_647  # the largest record number every database stores


# REDCap's record names: letters, digits, spaces, _ - . @, at most 100 characters.
FREE_ID = re.compile(r"^[\w.@-](?:[\w .@-]{0,98}[\w.@-])?$")


def _check_case(context: _Context, row: RecordRow, check: ImportCheck) -> None:
    """Two ids of the file that differ only in case would be one record in REDCap: refused."""
    first = context.folded.setdefault(row.record_id.lower(), (row.record_id, row.row))
    if first[0] != row.record_id:
        check.errors.append(
            Finding(
                row.row,
                "record_id",
                f"record id {row.record_id!r} differs only in case from {first[0]!r} on row "
                f"{first[1]}; REDCap would take them for one record",
            )
        )


def _free_site(context: _Context, row: RecordRow, check: ImportCheck) -> StudySite | None:
    """A REDCap id's site: its redcap_data_access_group, or the person's only site."""
    if FREE_ID.match(row.record_id) is None:
        check.errors.append(
            Finding(
                row.row,
                "record_id",
                f"record id {row.record_id!r}: use letters, digits, spaces, _ - . or @, "
                "at most 100 characters",
            )
        )
        return None
    if findings := find_identifiers(row.record_id):
        message = f"record id: {describe(findings)}"
        check.errors.append(Finding(row.row, "record_id", message))
        return None
    site = context.sites.get(row.group.lower()) if row.group else context.default_site
    if site is None:
        message = (
            f"{row.group!r} is not a site of this study where you may enter records"
            if row.group
            else "you enter at several sites: name each record's site in redcap_data_access_group"
        )
        check.errors.append(Finding(row.row, "redcap_data_access_group", message))
    return site


def _site_of(context: _Context, row: RecordRow, check: ImportCheck) -> StudySite | None:
    """The site a record goes to, or None with an error naming the row."""
    if context.free_ids:
        return _free_site(context, row, check)
    if row.group:
        site = context.sites.get(row.group.lower())
        if site is None:
            check.errors.append(
                Finding(
                    row.row,
                    "redcap_data_access_group",
                    f"{row.group!r} is not a site of this study where you may enter records",
                )
            )
            return None
    elif context.default_site is not None:
        site = context.default_site
    elif (named := _named_site(context, row.record_id)) is not None:
        site = named
    else:
        check.errors.append(
            Finding(
                row.row,
                "redcap_data_access_group",
                "you enter at several sites: name each record's site in redcap_data_access_group",
            )
        )
        return None
    match = LABEL.match(row.record_id)
    # The code exactly as the site has it: `sth-1` beside an existing `STH-1` would be a
    # second record with the same number.
    if match is None or match.group(1) != site.code or int(match.group(2)) > MAX_NUMBER:
        check.errors.append(
            Finding(
                row.row,
                "record_id",
                f"record id {row.record_id!r} must be {site.code}-<number> for site "
                f"{site.code}: the code written just so, then a number up to {MAX_NUMBER:,}",
            )
        )
        return None
    return site


SCREENED_KEPT = 50_000  # distinct values whose screening a file remembers


def _identifiers(context: _Context, row: RecordRow) -> Iterator[Finding]:
    known = context.screened_values
    values = row.values
    for found in context.screened:
        value = values.get(found.name)
        if not isinstance(value, str) or not value:
            continue
        if value in known:
            problem = known[value]
        else:
            problem = identifier_problem(found, value)
            if len(known) < SCREENED_KEPT:
                known[value] = problem
        if problem:
            yield Finding(row.row, found.name, f"field {found.name}: {problem}")


@transaction.atomic
def import_commit(
    *,
    actor: User,
    study: Study,
    text: str,
    progress: Progress | None = None,
    overwrite: bool = False,
    given: Sequence[Collection[str]] | None = None,
) -> ImportCheck:
    """Write every record of a clean file, or nothing: ImportRefused at the first problem.

    One pass, checking each row as the preview does and each batch's existing records,
    so a file that changed (or records locked) since its preview still writes nothing.
    A blank cell leaves the stored value as it is, unless `overwrite` (REDCap's
    `overwriteBehavior=overwrite`): then it erases it. `given`, one entry per data row,
    names the columns a row really gave (an API's JSON item may leave keys out, which
    erases nothing); without it every column of the header counts as given.
    """
    context = _context(actor, study)
    check = ImportCheck()
    reader = _reader(context, text)
    if reader.file_errors:
        check.errors.extend(reader.file_errors)
        raise ImportRefused(check)
    writer = _Writer(actor, context, check)
    seen: dict[str, StudySite | None] = {}
    batch: dict[str, list[RecordRow]] = {}
    done = 0
    for row in reader:
        _check_row(context, row, check, seen)
        if check.errors:
            raise ImportRefused(check)
        if overwrite:
            writer.blanks[row.row] = _blanks(reader, row, given)
        if row.record_id not in batch and len(batch) >= BATCH:
            done += writer.write(batch)
            batch = {}
            if progress:
                progress(done)
        batch.setdefault(row.record_id, []).append(row)
    if reader.file_errors:
        check.errors.extend(reader.file_errors)
        raise ImportRefused(check)
    if batch:
        done += writer.write(batch)
    writer.finish()
    if progress:
        progress(done)
    check.records = len(seen)
    check.record_ids = list(seen)
    audit_record(
        actor=actor,
        action="records.import",
        obj=study,
        changes={"records": (None, check.records), "rows": (None, check.rows)},
        scope=audit_scope(study),
    )
    return check


Instance = tuple[str, int, int | None]  # instrument, instance, event id (None: classic)
Values = dict[str, Stored]
# A record's changes for its audit row, by field: (value before or None, value after).
Changes = dict[str, tuple[Stored | None, Stored]]
# A new entry's row (ENTRY_COLUMNS): record, instrument, instance, data (JSON), status,
# updated_by, event.
EntryRow = tuple[int, str, int, str, int, int, int | None]
RECORD_COLUMNS = ("study", "study_site", "number", "label", "created_by")
ENTRY_COLUMNS = ("record", "instrument", "instance", "data", "status", "updated_by", "event")
AUDIT_COLUMNS = (
    "at",
    "action",
    "actor_id",
    "actor_label",
    "object_type",
    "object_id",
    "object_label",
    "site_id",
    "site_label",
    "changes",
    "reason",
    "scope",
)


class _Writer:
    """Writes the batches of a checked file: records, entries and audit rows in bulk.

    New rows go to the database in its own form (`core.bulk`) rather than through
    model instances, and the study's existing record ids are read once, at the start;
    only a batch that touches existing records reads (and locks) them with their entries.
    """

    def __init__(self, actor: User, context: _Context, check: ImportCheck) -> None:
        self.actor, self.context, self.check = actor, context, check
        self.study, self.dictionary = context.study, context.dictionary
        self.now = timezone.now()
        self.forms = {f.name: f.form for f in self.dictionary.fields}
        self.logic = _Logic(self.dictionary, self.now, actor)
        # Per instrument, the fields a resolution can change: calcs and branching fields.
        self.with_logic = {
            form: [
                f for f in fields if f.field_type == FieldType.CALC or f.name in self.logic.fields
            ]
            for form, fields in self.dictionary.by_form.items()
        }
        known = access.records_for(actor, self.study, Can.ENTER).values_list(
            "label", "study_site_id", "pk"
        )
        # (label, study site) -> record: ids are unique per site.
        self.known: dict[tuple[str, int], int] = {
            (label, site): pk for label, site, pk in known.iterator(chunk_size=10_000)
        }
        self.labels = {label for label, _ in self.known}
        self.folded = {label.lower(): label for label in self.labels} if context.free_ids else {}
        self.highest: dict[int, int] = {}  # study site -> highest record number written
        # REDCap ids carry no number: each new record takes its site's next one.
        self.numbers: dict[int, int] = {}
        self.records_added: dict[int, int] = {}
        self.complete_added: dict[int, int] = {}
        self.records = bulk.Table(Record, RECORD_COLUMNS)
        self.entries = bulk.Table(Entry, ENTRY_COLUMNS)
        self.events = bulk.Table(AuditEvent, AUDIT_COLUMNS)
        self.scope = audit_scope(self.study)
        self.at = bulk.db_datetime(self.now)
        self.templates: dict[int, list[object]] = {}
        self.blanks: dict[int, Values] = {}  # row number -> fields a blank cell erases

    def write(self, batch: dict[str, list[RecordRow]]) -> int:
        sites = {label: self._site(rows) for label, rows in batch.items()}
        existing = self._existing([label for label in batch if label in self.labels], batch)
        for label, rows in batch.items():
            other = self.folded.get(label.lower(), label)
            if other != label and label not in self.labels:
                message = f"record id {label!r} differs only in case from the record {other}"
                self.check.errors.append(Finding(rows[0].row, "record_id", message))
                raise ImportRefused(self.check)
        stored = self._stored_entries(existing)
        unchanged = self._unchanged(existing, batch, stored)
        if unchanged:
            batch = {label: rows for label, rows in batch.items() if label not in unchanged}
            existing = {label: r for label, r in existing.items() if label not in unchanged}
        ids = self._insert_records([label for label in batch if label not in existing], sites)
        ids.update({label: record.pk for label, record in existing.items()})
        new_entries: list[EntryRow] = []
        updated: list[Entry] = []
        events: list[tuple[object, ...]] = []
        for label, rows in batch.items():
            record_id, site = ids[label], sites[label]
            changes = self._record_entries(
                record_id, site, rows, stored, new_entries, updated, label=label
            )
            events.append(self._event(record_id, label, site, changes))
        self.entries.insert(new_entries)
        Entry.objects.bulk_update(
            updated, ["data", "status", "version", "updated_by"], batch_size=1_000
        )
        self.events.insert(events)
        self.check.updated_records += len(existing)
        self.check.unchanged_records += len(unchanged)
        self.check.new_records += len(batch) - len(existing)
        return len(batch) + len(unchanged)

    def _unchanged(
        self,
        existing: dict[str, Record],
        batch: dict[str, list[RecordRow]],
        stored: dict[tuple[int, str, int, int | None], Entry],
    ) -> set[str]:
        """Records the file leaves as they are: nothing is written to them (no new entry
        version, no audit row), and a lock does not refuse them. A locked record the file
        would change refuses the whole import, naming what would change."""
        plain = {key: (entry.data, entry.status) for key, entry in stored.items()}
        unchanged: set[str] = set()
        for label, record in existing.items():
            changes = row_changes(
                record.pk, batch[label], plain, self.forms, self.blanks, self.context.event_ids
            )
            if not changes:
                unchanged.add(label)
            elif record.locked:
                message = _locked_change(label, changes)
                self.check.errors.append(Finding(batch[label][0].row, "record_id", message))
                raise ImportRefused(self.check)
        return unchanged

    def _site(self, rows: list[RecordRow]) -> StudySite:
        site = _site_for_rows(self.context, rows)
        assert site is not None  # rows without a site were refused
        return site

    def _existing(self, labels: list[str], batch: dict[str, list[RecordRow]]) -> dict[str, Record]:
        """The batch's records already in the study, locked for update; refused if at another
        site (a locked record is refused only if the file changes it: `_unchanged`)."""
        if not labels:
            return {}
        mine = access.records_for(self.actor, self.study, Can.ENTER)
        found = mine.select_for_update().filter(label__in=labels)
        by_label: dict[str, list[Record]] = {}
        for record in found:
            by_label.setdefault(record.label, []).append(record)
        records: dict[str, Record] = {}
        for label, stored in by_label.items():
            rows = batch[label]
            site = self._site(rows)
            same = [record for record in stored if record.study_site_id == site.pk]
            record = (same or stored)[0]
            problem = _clash(label, site, record.study_site_id)
            if problem:
                self.check.errors.append(Finding(rows[0].row, "record_id", problem))
                raise ImportRefused(self.check)
            records[label] = record
        return records

    def _insert_records(self, labels: list[str], sites: dict[str, StudySite]) -> dict[str, int]:
        rows = []
        for label in labels:
            site = sites[label]
            number = self._number(site, label)
            self.highest[site.pk] = max(self.highest.get(site.pk, 0), number)
            self.records_added[site.pk] = self.records_added.get(site.pk, 0) + 1
            rows.append((self.study.pk, site.pk, number, label, self.actor.pk))
        made = dict(zip(labels, self.records.insert_with_ids(rows), strict=True))
        self.known.update({(label, sites[label].pk): pk for label, pk in made.items()})
        self.labels.update(made)
        if self.context.free_ids:
            self.folded.update({label.lower(): label for label in made})
        return made

    def _number(self, site: StudySite, label: str) -> int:
        """CODE-n's n; for a REDCap id, the site's next number (locked till the commit)."""
        if not self.context.free_ids:
            return int(label.rsplit("-", 1)[1])
        if site.pk not in self.numbers:
            locked = StudySite.objects.select_for_update().get(pk=site.pk)
            self.numbers[site.pk] = locked.next_number
        number = self.numbers[site.pk]
        self.numbers[site.pk] += 1
        return number

    def _stored_entries(
        self, existing: dict[str, Record]
    ) -> dict[tuple[int, str, int, int | None], Entry]:
        if not existing:
            return {}
        entries = Entry.objects.filter(record__in=[r.pk for r in existing.values()])
        return {(e.record_id, e.instrument, e.instance, e.event_id): e for e in entries}

    def _record_entries(
        self,
        record_id: int,
        site: StudySite,
        rows: list[RecordRow],
        stored: dict[tuple[int, str, int, int | None], Entry],
        new_entries: list[EntryRow],
        updated: list[Entry],
        *,
        label: str = "",
    ) -> Changes:
        """One record's entries merged with what is stored, logic applied; its changes.

        In a longitudinal study logic reads the values of the same event, as on the form.
        """
        touched = _entries_of(rows, self.forms, self.context.event_ids)
        # Blanks that erase (overwrite) reach only entries that exist or get a value.
        blanks = _entries_of_blanks(rows, self.blanks, self.forms, self.context.event_ids)
        for key, blank in blanks.items():
            if key in touched or (record_id, *key) in stored:
                values, status = touched.get(key, ({}, None))
                touched[key] = ({**blank, **values}, status)
        merged: dict[int | None, Values] = {}
        data_of: dict[Instance, Values] = {}
        for key, (values, _) in touched.items():
            entry = stored.get((record_id, *key))
            data_of[key] = {**entry.data, **values} if entry else values
            if key[1] == 1:
                merged.setdefault(key[2], {}).update(data_of[key])
        if stored and self.context.events is not None:
            # The event's stored forms that the file leaves alone are read by its logic too.
            for (rid, form, instance, event), entry in stored.items():
                same = rid == record_id and instance == 1 and event in merged
                if same and (form, 1, event) not in touched:
                    merged[event] = {**entry.data, **merged[event]}
        resolved = {
            event: self.logic.resolve(
                values, label, site.code, at=self._at(event, merged, stored, record_id)
            )
            for event, values in merged.items()
        }
        changes: Changes = {}
        complete = 0
        for key, (_, status) in touched.items():
            entry = stored.get((record_id, *key))
            data = data_of[key]
            if key[1] == 1:
                self._apply_logic(key[0], data, resolved[key[2]])
            before = entry.data if entry else {}
            changes.update(
                {k: (before.get(k), v) for k, v in data.items() if before.get(k, "") != v}
            )
            if entry is None:
                status = status if status is not None else Entry.Status.INCOMPLETE
                complete += status == Entry.Status.COMPLETE
                new_entries.append(
                    (record_id, key[0], key[1], bulk.db_json(data), status, self.actor.pk, key[2])
                )
                continue
            if status is not None:
                complete += completeness.complete_change(entry.status, status)
                entry.status = status
            entry.data = data
            entry.version += 1
            entry.updated_by = self.actor
            updated.append(entry)
        self.complete_added[site.pk] = self.complete_added.get(site.pk, 0) + complete
        return changes

    def _at(
        self,
        event: int | None,
        merged: dict[int | None, Values],
        stored: dict[tuple[int, str, int, int | None], Entry],
        record_id: int,
    ) -> tuple[str, dict[str, Values]] | None:
        """For logic that reads `[event][field]`: the event's name and the record's values
        at each event, the file's over what is stored."""
        if event is None or not self.logic.cross_event:
            return None
        names = {pk: name for name, pk in self.context.event_ids.items()}
        values: dict[str, Values] = {}
        for (rid, _, instance, at), entry in stored.items():
            if rid == record_id and instance == 1 and at is not None:
                values.setdefault(names[at], {}).update(entry.data)
        for at, given in merged.items():
            if at is not None:
                values.setdefault(names[at], {}).update(given)
        return names[event], values

    def _apply_logic(self, instrument: str, data: Values, resolved: Resolution[Stored]) -> None:
        """Calculated fields recalculated, fields hidden by branching cleared."""
        for f in self.with_logic.get(instrument, ()):
            if f.field_type == FieldType.CALC and f.name in resolved.values:
                data[f.name] = resolved.values[f.name]
            elif f.field_type == FieldType.CALC:
                # A calculation not evaluated here keeps the value it is given.
                data[f.name] = data.get(f.name, "")
            elif f.name in resolved.hidden and f.name in data:
                data[f.name] = [] if f.field_type == FieldType.CHECKBOX else ""

    def _event(
        self, record_id: int, label: str, site: StudySite, changes: Changes
    ) -> tuple[object, ...]:
        """The row `unsaved_event` makes for the record, from one made per site.

        Making a model instance per record costs more than the insert; the record's id,
        label and changes (plain strings and lists already) are all that differ.
        """
        template = self.templates.get(site.pk)
        if template is None:
            event = unsaved_event(
                actor=self.actor,
                action="record.import",
                obj=Record(pk=0, label=""),
                site=site.site,
                scope=self.scope,
            )
            template = self.templates[site.pk] = [getattr(event, name) for name in AUDIT_COLUMNS]
            template[0] = self.at
        row = template.copy()
        row[5], row[6] = str(record_id), label
        row[9] = bulk.db_json({name: [old, new] for name, (old, new) in changes.items()})
        return tuple(row)

    def finish(self) -> None:
        """Each site's next record number past the file's, and its completeness counts."""
        for site_id, number in self.highest.items():
            StudySite.objects.filter(pk=site_id, next_number__lte=number).update(
                next_number=number + 1
            )
        for site_id in self.records_added.keys() | self.complete_added.keys():
            completeness.adjust(
                site_id,
                records=self.records_added.get(site_id, 0),
                complete=self.complete_added.get(site_id, 0),
            )


class _Logic:
    """`resolve` for each record, remembered by the values its logic reads.

    Which fields show and what each calc holds depend only on the values the branching
    and calculations read (and on today and now, fixed for the import), and across a
    study's records those values repeat; so each distinct set is resolved once.
    """

    REMEMBERED = 20_000

    def __init__(self, dictionary: Dictionary, now: datetime, actor: User | None = None) -> None:
        self.fields = dictionary.active_logic
        local = timezone.localtime(now)
        # What the form's logic reads besides the values, as on the entry form
        # (`services.logic_context`): the study's today and now, the person importing.
        self.context = Context(today=local.date(), now=local, user_name=user_name(actor))
        read: dict[str, None] = dict.fromkeys(self.fields)
        smart: set[str] = set()
        for logic in self.fields.values():
            for node in (logic.branching, logic.calc):
                if node is not None:
                    read.update(dict.fromkeys(variables(node)))
                    smart.update(n.name for n in walk(node) if isinstance(n, Smart))
        self.read = tuple(read)
        # The record's own name and site matter only to logic that reads them.
        self.per_record = bool(smart & {"record-name", "record-dag-name"})
        # Logic that reads another event's field is resolved afresh for each record.
        self.cross_event = any(
            isinstance(n, Variable) and n.event is not None
            for logic in self.fields.values()
            for node in (logic.branching, logic.calc)
            if node is not None
            for n in walk(node)
        )
        self.calcs = tuple(name for name, logic in self.fields.items() if logic.calc)
        self.remembered: dict[tuple[Hashed, ...], Resolution[Stored]] = {}

    def resolve(
        self,
        values: Values,
        label: str = "",
        site_code: str = "",
        at: tuple[str, dict[str, Values]] | None = None,
    ) -> Resolution[Stored]:
        if at is not None:
            context = replace(
                self.context, record_name=label, dag_name=site_code.lower(), event_name=at[0],
                events=at[1],
            )  # fmt: skip
            resolved = resolve(self.fields, values, context=context)
            return Resolution({n: resolved.values.get(n, "") for n in self.calcs}, resolved.hidden)
        key = tuple(_hashable(values.get(name)) for name in self.read)
        if self.per_record:
            key += (label, site_code)
        found = self.remembered.get(key)
        if found is None:
            context = (
                replace(self.context, record_name=label, dag_name=site_code.lower())
                if self.per_record
                else self.context
            )
            fresh = resolve(self.fields, values, context=context)
            # Keep only what the import reads: calc values and what is hidden.
            calcs = {name: fresh.values.get(name, "") for name in self.calcs}
            found = Resolution(calcs, fresh.hidden)
            if len(self.remembered) < self.REMEMBERED:
                self.remembered[key] = found
        return found


# A value the logic reads, as part of the key its resolution is remembered by.
Hashed = str | tuple[str, ...] | None


def _hashable(value: Stored | None) -> Hashed:
    return tuple(value) if isinstance(value, list) else value


def _blanks(
    reader: RecordReader, row: RecordRow, given: Sequence[Collection[str]] | None
) -> Values:
    """The fields whose cells this row leaves blank, for an import that overwrites.

    Only columns of the row's own instrument (a repeating row) or of the instruments
    that do not repeat (a base row), and only those the row really gave.
    """
    index = row.row - HEADER_ROW - 1
    names = given[index] if given is not None and 0 <= index < len(given) else None
    repeating = reader.repeating_at(row.event)
    collected = reader.events.forms.get(row.event or "") if reader.events is not None else None
    blanks: Values = {}
    for column in reader.data_columns:
        found = column.field
        if found is None or found.field_type in (FieldType.CALC, FieldType.FILE):
            continue
        if names is not None and column.name not in names:
            continue
        in_scope = found.form == row.instrument if row.instrument else found.form not in repeating
        if collected is not None and found.form not in collected:
            in_scope = False
        if not in_scope or found.name in row.values:
            continue
        blanks[found.name] = [] if found.field_type == FieldType.CHECKBOX else ""
    return blanks


def _entries_of_blanks(
    rows: list[RecordRow], blanks: dict[int, Values], forms: dict[str, str], events: dict[str, int]
) -> dict[Instance, Values]:
    found: dict[Instance, Values] = {}
    for row in rows:
        event = events.get(row.event) if row.event else None
        for name, value in blanks.get(row.row, {}).items():
            key = (row.instrument or forms[name], row.instance or 1, event)
            found.setdefault(key, {})[name] = value
    return found


def _site_for_rows(context: _Context, rows: list[RecordRow]) -> StudySite | None:
    group = next((row.group for row in rows if row.group), None)
    if group:
        return context.sites.get(group.lower())
    if context.free_ids:
        return context.default_site
    return context.default_site or _named_site(context, rows[0].record_id)


def _named_site(context: _Context, record_id: str) -> StudySite | None:
    """The site a `CODE-n` record id names, when it is one of the person's own sites."""
    match = LABEL.match(record_id)
    site = context.sites.get(match.group(1).lower()) if match else None
    return site if site is not None and match is not None and match.group(1) == site.code else None


def _entries_of(
    rows: list[RecordRow], forms: dict[str, str], events: dict[str, int] | None = None
) -> dict[Instance, tuple[Values, int | None]]:
    """Split a record's rows into instrument instances (at their events): values (lists for
    checkboxes), status. A repeating event's row gives each of its forms that instance."""
    values_of: dict[Instance, Values] = {}
    status_of: dict[Instance, int] = {}
    for row in rows:
        instrument, instance = row.instrument, row.instance or 1
        event = (events or {}).get(row.event) if row.event else None
        for name, value in row.values.items():
            key = (instrument or forms[name], instance, event)
            values = values_of.get(key)
            if values is None:
                values = values_of[key] = {}
            values[name] = sorted(value) if isinstance(value, frozenset | set) else value
        for form, status in row.statuses.items():
            key = (form, instance if instrument or row.instance else 1, event)
            status_of[key] = status
            values_of.setdefault(key, {})
    return {key: (values, status_of.get(key)) for key, values in values_of.items()}


def import_upload(
    *, actor: User, study: Study, name: str, text: str
) -> tuple[DataImport, ImportCheck]:
    """Keep an uploaded file for its commit and preview it; nothing of the study changes."""
    check = import_preview(actor=actor, study=study, text=text)
    upload = DataImport(study=study, requested_by=actor, records=check.records)
    content = ContentFile(text.encode("utf-8"))
    save_to_field(upload.file, name or "records.csv", content, field="file")
    upload.save()
    return upload, check


@transaction.atomic
def import_start(*, actor: User, study: Study, pk: int) -> DataImport:
    """Queue the commit of one's own previewed file, once; anyone else's is a 404."""
    upload = _own_upload(actor, study, pk)
    access.require(actor, study, Can.ENTER)
    if upload.state != DataImport.State.PREVIEWED:
        raise ValidationError(
            "This file is imported already, or being imported; upload it again to preview it."
        )
    DataImport.objects.filter(pk=upload.pk).update(state=DataImport.State.QUEUED)
    upload.state = DataImport.State.QUEUED
    attempt = upload.attempt
    transaction.on_commit(lambda: _enqueue(upload.pk, attempt))
    return upload


@transaction.atomic
def import_retry(*, actor: User, study: Study, pk: int) -> DataImport:
    """Queue a failed import again (its file is checked again as it is written)."""
    upload = _own_upload(actor, study, pk)
    access.require(actor, study, Can.ENTER)
    attempt = jobs.retry(upload, actor=actor)
    transaction.on_commit(lambda: _enqueue(upload.pk, attempt))
    return upload


def imports_of(actor: User, study: Study) -> QuerySet[DataImport]:
    """The person's own imports into the study, newest first; stalled ones marked failed."""
    mine = DataImport.objects.filter(study=study, requested_by=actor)
    jobs.fail_stale(mine)
    return mine


def _own_upload(actor: User, study: Study, pk: int) -> DataImport:
    found = DataImport.objects.select_for_update().filter(pk=pk, study=study, requested_by=actor)
    upload = found.first()
    if upload is None:
        raise Http404("No such import.")
    return upload


def _enqueue(upload_id: int, attempt: int) -> None:
    from capture.tasks import run_import

    run_import.enqueue(import_id=upload_id, attempt=attempt)


class _Superseded(Exception):
    """The attempt was marked failed or retried while it ran: roll its writes back."""


def import_run(upload_id: int, attempt: int | None = None) -> DataImport:
    """The task's work: commit one attempt at the file; never raises.

    The import and its `done` state commit together, and only while this attempt still
    owns the import; a refusal is recorded for the person, anything else also logged
    with its traceback.
    """
    upload = DataImport.objects.select_related("study", "requested_by").get(pk=upload_id)
    attempt = attempt or upload.attempt
    if not jobs.claim(DataImport, upload.pk, attempt):
        return upload
    # Recorded after the exception is gone, with whatever it held.
    failure = _attempt(upload, attempt)
    if failure is not None:
        try:
            jobs.fail(DataImport, upload.pk, attempt, failure)
        except DatabaseError:
            # Left running: it is marked failed when it stops reporting progress.
            logger.exception(
                "Import %s (attempt %s): its failure was not saved", upload.pk, attempt
            )
    upload.refresh_from_db()
    return upload


def _attempt(upload: DataImport, attempt: int) -> str | None:
    """Write the file's records; None, or what went wrong in words for the person."""
    progress = jobs.OutsideProgress(DataImport, upload.pk, attempt)
    try:
        with upload.file.open("rb") as handle:
            text = handle.read().decode("utf-8-sig")
        with transaction.atomic():
            check = import_commit(
                actor=upload.requested_by,
                study=upload.study,
                text=text,
                progress=lambda done: progress.beat(done=done),
            )
            finished = DataImport.objects.filter(
                pk=upload.pk, attempt=attempt, state=DataImport.State.RUNNING
            )
            if not finished.update(state=DataImport.State.DONE, done=check.records):
                raise _Superseded
    except _Superseded:
        logger.warning("Import %s (attempt %s) was superseded; rolled back", upload.pk, attempt)
        return None
    except (ImportRefused, PermissionDenied) as refused:
        return str(refused)
    except Exception:
        reference = log_failure(logger, "import.failed", import_id=upload.pk, attempt=attempt)
        return jobs.unexpected(reference, "the import")
    finally:
        progress.close()
    return None
