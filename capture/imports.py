"""Imports of records in REDCap's flat CSV: a preview that lists every problem, then all or nothing.

The pure reader (`formats.records.RecordReader`) checks every cell against the
dictionary; this module adds what needs the study: the site of each record (its
`redcap_data_access_group`, a study-site code, or the person's only site), record ids of
the form `CODE-n`, the person's right to enter at that site, locks, and identifiers in
free text. The commit re-reads the file inside one transaction and writes records and
entries in batches with one audit row per record, so 100,000 records stay fast and a
single bad row leaves nothing behind.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record, unsaved_event
from capture import access
from capture.access import Can
from capture.logic import resolve
from capture.models import DataImport, Entry, Record, Study, StudySite
from capture.services import Dictionary, audit_scope, current_dictionary, identifier_problem
from formats.datadictionary import DataDictionary, FieldType
from formats.records import Finding, RecordReader, RecordRow

BATCH = 1_000
Progress = Callable[[int], None]


@dataclass
class ImportCheck:
    """What a preview shows: counts, every error and warning, by row and field."""

    rows: int = 0
    records: int = 0
    new_records: int = 0
    updated_records: int = 0
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    notices: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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


def _context(actor: Any, study: Study) -> _Context:
    access.require(actor, study, Can.ENTER)
    if study.status != Study.Status.LIVE:
        raise PermissionDenied("Records are imported into a live study only.")
    sites = {s.code.lower(): s for s in access.site_choices(actor, study, Can.ENTER)}
    default = next(iter(sites.values())) if len(sites) == 1 else None
    return _Context(study, current_dictionary(study), sites, default)


def _reader(context: _Context, text: str) -> RecordReader:
    now = timezone.now()
    return RecordReader(
        io.StringIO(text.lstrip("\ufeff"), newline=""),
        DataDictionary(context.dictionary.fields),
        today=timezone.localdate(),
        now=now,
        repeating_forms=context.study.repeating_instruments,
        groups=None,
    )


def import_preview(*, actor: Any, study: Study, text: str) -> ImportCheck:
    """Read the whole file and report every problem; nothing is written."""
    context = _context(actor, study)
    check = ImportCheck()
    reader = _reader(context, text)
    seen: dict[str, StudySite | None] = {}
    first_row: dict[str, int] = {}
    for row in reader:
        _check_row(context, row, check, seen)
        first_row.setdefault(row.record_id, row.row)
    check.errors = sorted([*reader.file_errors, *check.errors], key=lambda f: f.row)
    check.notices.extend(reader.notices)
    check.records = len(seen)
    existing = 0
    known = Record.objects.filter(study=study).values_list("label", "study_site_id", "locked")
    for label, site_id, locked in known.iterator(chunk_size=10_000):
        if label not in seen:
            continue
        existing += 1
        problem = _clash(label, seen[label], site_id, locked)
        if problem:
            check.errors.append(Finding(first_row[label], "record_id", problem))
    check.updated_records = existing
    check.new_records = check.records - check.updated_records
    return check


def _check_row(
    context: _Context, row: RecordRow, check: ImportCheck, seen: dict[str, StudySite | None]
) -> None:
    """Everything one row can tell on its own: cells, site and id, identifiers."""
    check.rows += 1
    check.errors.extend(row.errors)
    check.warnings.extend(row.warnings)
    if row.record_id and row.record_id not in seen:
        seen[row.record_id] = _site_of(context, row, check)
    check.errors.extend(_identifiers(context, row))


def _clash(label: str, site: StudySite | None, site_id: int, locked: bool) -> str | None:
    """Why an existing record cannot take the file's rows, if it cannot."""
    if site is not None and site_id != site.pk:
        return f"record {label} belongs to another site"
    if locked:
        return f"record {label} is locked"
    return None


LABEL = re.compile(r"^([A-Za-z0-9]+)-([1-9][0-9]*)$")


def _site_of(context: _Context, row: RecordRow, check: ImportCheck) -> StudySite | None:
    """The site a record goes to, or None with an error naming the row."""
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
    if match is None or match.group(1).upper() != site.code:
        check.errors.append(
            Finding(
                row.row,
                "record_id",
                f"record id {row.record_id!r} must be {site.code}-<number> for site {site.code}",
            )
        )
        return None
    return site


def _identifiers(context: _Context, row: RecordRow) -> Iterator[Finding]:
    for name, value in row.values.items():
        found = context.dictionary.field(name)
        if found is None or not isinstance(value, str):
            continue
        if problem := identifier_problem(found, value):
            yield Finding(row.row, name, f"field {name}: {problem}")


@transaction.atomic
def import_commit(
    *, actor: Any, study: Study, text: str, progress: Progress | None = None
) -> ImportCheck:
    """Write every record of a clean file, or nothing: ImportRefused at the first problem.

    One pass, checking each row as the preview does and each batch's existing records,
    so a file that changed (or records locked) since its preview still writes nothing.
    """
    context = _context(actor, study)
    check = ImportCheck()
    reader = _reader(context, text)
    if reader.file_errors:
        check.errors.extend(reader.file_errors)
        raise ImportRefused(check)
    seen: dict[str, StudySite | None] = {}
    batch: dict[str, list[RecordRow]] = {}
    done = 0
    for row in reader:
        _check_row(context, row, check, seen)
        if check.errors:
            raise ImportRefused(check)
        if row.record_id not in batch and len(batch) >= BATCH:
            done += _write(actor, context, batch, check)
            batch = {}
            if progress:
                progress(done)
        batch.setdefault(row.record_id, []).append(row)
    if reader.file_errors:
        check.errors.extend(reader.file_errors)
        raise ImportRefused(check)
    if batch:
        done += _write(actor, context, batch, check)
    if progress:
        progress(done)
    check.records = len(seen)
    audit_record(
        actor=actor,
        action="records.import",
        obj=study,
        changes={"records": (None, check.records), "rows": (None, check.rows)},
        scope=audit_scope(study),
    )
    return check


def _write(
    actor: Any, context: _Context, batch: dict[str, list[RecordRow]], check: ImportCheck
) -> int:
    study, dictionary = context.study, context.dictionary
    records = {
        r.label: r
        for r in Record.objects.filter(study=study, label__in=list(batch)).select_related(
            "study_site__site"
        )
    }
    for label, record in records.items():
        rows = batch[label]
        site = _site_for_rows(context, rows)
        problem = _clash(label, site, record.study_site_id, record.locked)
        if problem:
            check.errors.append(Finding(rows[0].row, "record_id", problem))
            raise ImportRefused(check)
    check.updated_records += len(records)
    check.new_records += len(batch) - len(records)
    new = []
    for label, rows in batch.items():
        if label not in records:
            site = _site_for_rows(context, rows)
            assert site is not None  # rows without a site were refused
            number = int(label.rsplit("-", 1)[1])
            new.append(
                Record(study=study, study_site=site, number=number, label=label, created_by=actor)
            )
    for record in Record.objects.bulk_create(new):
        records[record.label] = record
    _bump_numbers(study, new)

    existing = {
        (e.record_id, e.instrument, e.instance): e
        for e in Entry.objects.filter(record__in=[r.pk for r in records.values()])
    }
    created: list[Entry] = []
    updated: list[Entry] = []
    events: list[AuditEvent] = []
    forms = {f.name: f.form for f in dictionary.fields}
    now = timezone.now()
    for label, rows in batch.items():
        record = records[label]
        changes: dict[str, tuple[Any, Any]] = {}
        touched = _entries_of(rows, forms)
        merged: dict[str, Any] = {}
        for (instrument, instance), (values, status) in touched.items():
            entry = existing.get((record.pk, instrument, instance))
            before = dict(entry.data) if entry else {}
            data = {**before, **values}
            if instance == 1:
                merged.update(data)
            touched[(instrument, instance)] = (data, status)
        resolved = resolve(dictionary.active_logic, merged, today=now.date(), now=now)
        for (instrument, instance), (data, status) in touched.items():
            entry = existing.get((record.pk, instrument, instance))
            if instance == 1:
                for f in dictionary.fields_of(instrument):
                    if f.field_type == FieldType.CALC:
                        data[f.name] = resolved.values.get(f.name, "")
                    elif f.name in resolved.hidden and f.name in data:
                        data[f.name] = [] if f.field_type == FieldType.CHECKBOX else ""
            before = dict(entry.data) if entry else {}
            changes.update(
                {k: (before.get(k), v) for k, v in data.items() if before.get(k, "") != v}
            )
            if entry is None:
                created.append(
                    Entry(
                        record=record,
                        instrument=instrument,
                        instance=instance,
                        data=data,
                        status=status if status is not None else Entry.Status.INCOMPLETE,
                        updated_by=actor,
                    )
                )
            else:
                entry.data = data
                if status is not None:
                    entry.status = status
                entry.version += 1
                entry.updated_by = actor
                updated.append(entry)
        events.append(
            unsaved_event(
                actor=actor,
                action="record.import",
                obj=record,
                changes=changes,
                site=record.study_site.site,
                scope=audit_scope(study),
            )
        )
    Entry.objects.bulk_create(created, batch_size=BATCH)
    Entry.objects.bulk_update(
        updated, ["data", "status", "version", "updated_by"], batch_size=BATCH
    )
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(batch)


def _site_for_rows(context: _Context, rows: list[RecordRow]) -> StudySite | None:
    group = next((row.group for row in rows if row.group), None)
    return context.sites.get(group.lower()) if group else context.default_site


def _entries_of(
    rows: list[RecordRow], forms: dict[str, str]
) -> dict[tuple[str, int], tuple[dict[str, Any], int | None]]:
    """Split a record's rows into instrument instances: values (lists for checkboxes), status."""
    found: dict[tuple[str, int], tuple[dict[str, Any], int | None]] = {}
    for row in rows:
        for name, value in row.values.items():
            instrument = row.instrument or forms[name]
            key = (instrument, row.instance or 1)
            values, status = found.get(key, ({}, None))
            values[name] = sorted(value) if isinstance(value, frozenset | set) else value
            found[key] = (values, status)
        for form, status in row.statuses.items():
            key = (form, row.instance or 1) if row.instrument else (form, 1)
            values, _ = found.get(key, ({}, None))
            found[key] = (values, status)
    return found


def _bump_numbers(study: Study, new: list[Record]) -> None:
    """Keep each site's next record number past the numbers the file brought."""
    highest: dict[int, int] = {}
    for record in new:
        highest[record.study_site_id] = max(highest.get(record.study_site_id, 0), record.number)
    for site_id, number in highest.items():
        StudySite.objects.filter(pk=site_id, next_number__lte=number).update(next_number=number + 1)


def import_upload(
    *, actor: Any, study: Study, name: str, text: str
) -> tuple[DataImport, ImportCheck]:
    """Keep an uploaded file for its commit and preview it; nothing of the study changes."""
    check = import_preview(actor=actor, study=study, text=text)
    upload = DataImport(study=study, requested_by=actor, records=check.records)
    upload.file.save(name or "records.csv", ContentFile(text.encode("utf-8")), save=False)
    upload.save()
    return upload, check


def import_start(*, actor: Any, upload: DataImport) -> DataImport:
    if upload.requested_by_id != actor.pk or upload.state != DataImport.State.PREVIEWED:
        raise PermissionDenied("Only the person who uploaded this file can import it, once.")
    DataImport.objects.filter(pk=upload.pk).update(state=DataImport.State.RUNNING)
    transaction.on_commit(lambda: _enqueue(upload.pk))
    return upload


def _enqueue(upload_id: int) -> None:
    from capture.tasks import run_import

    run_import.enqueue(import_id=upload_id)


def import_run(upload_id: int) -> DataImport:
    """The task's work: commit the file, counting progress; a refusal is recorded, not raised."""
    upload = DataImport.objects.select_related("study", "requested_by").get(pk=upload_id)
    with upload.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")

    def progress(done: int) -> None:
        DataImport.objects.filter(pk=upload.pk).update(done=done)

    try:
        import_commit(actor=upload.requested_by, study=upload.study, text=text, progress=progress)
    except (ImportRefused, PermissionDenied) as error:
        DataImport.objects.filter(pk=upload.pk).update(
            state=DataImport.State.FAILED, error=str(error)[:4000]
        )
    else:
        DataImport.objects.filter(pk=upload.pk).update(state=DataImport.State.DONE)
    upload.refresh_from_db()
    return upload
