"""Writes the batches of a checked file: records, entries and audit rows in bulk.

New rows go to the database in its own form (`core.bulk`) rather than through model
instances, so 100,000 records stay fast; a batch that touches existing records reads
(and locks) them with their entries, and a locked record the file would change, or a
record of another site, refuses the whole import.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from audit.models import AuditEvent
from audit.services import unsaved_event
from capture import access, completeness
from capture.access import Can
from capture.imports.checks import ImportCheck, ImportRefused, Values, _clash, _Context
from capture.imports.entries import _merged, _site_for_rows, _touched
from capture.imports.preview import _locked_change, row_changes
from capture.imports.resolution import _Logic
from capture.logic import Stored
from capture.models import Entry, Record, Study, StudySite
from capture.services import audit_scope
from core import bulk
from formats.records import Finding, RecordRow

if TYPE_CHECKING:
    from accounts.models import User
    from core.bulk import SQLValue


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
        self.audit = _AuditRows(actor, self.study, self.now)
        self.blanks: dict[int, Values] = {}  # row number -> fields a blank cell erases

    def write(self, batch: dict[str, list[RecordRow]]) -> int:
        sites = {label: self._site(rows) for label, rows in batch.items()}
        existing = self._existing([label for label in batch if label in self.labels], batch)
        self._refuse_case_twins(batch)
        stored = self._stored_entries(existing)
        unchanged = self._unchanged(existing, batch, stored)
        if unchanged:
            batch = {label: rows for label, rows in batch.items() if label not in unchanged}
            existing = {label: r for label, r in existing.items() if label not in unchanged}
        ids = self._insert_records([label for label in batch if label not in existing], sites)
        ids.update({label: record.pk for label, record in existing.items()})
        new_entries: list[EntryRow] = []
        updated: list[Entry] = []
        events: list[tuple[SQLValue, ...]] = []
        for label, rows in batch.items():
            record_id, site = ids[label], sites[label]
            changes = self._record_entries(
                record_id, site, rows, stored, new_entries, updated, label=label
            )
            events.append(self.audit.row(record_id, label, site, changes))
        self.entries.insert(new_entries)
        Entry.objects.bulk_update(
            updated, ["data", "status", "version", "updated_by"], batch_size=1_000
        )
        self.audit.table.insert(events)
        self.check.updated_records += len(existing)
        self.check.unchanged_records += len(unchanged)
        self.check.new_records += len(batch) - len(existing)
        return len(batch) + len(unchanged)

    def _refuse_case_twins(self, batch: dict[str, list[RecordRow]]) -> None:
        """A new REDCap id that differs only in case from a record's is refused: REDCap
        would take the two for one record."""
        for label, rows in batch.items():
            other = self.folded.get(label.lower(), label)
            if other != label and label not in self.labels:
                message = f"record id {label!r} differs only in case from the record {other}"
                self.check.errors.append(Finding(rows[0].row, "record_id", message))
                raise ImportRefused(self.check)

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
        event_ids = self.context.event_ids
        touched = _touched(record_id, rows, stored, self.blanks, self.forms, event_ids)
        longitudinal = self.context.events is not None
        data_of, merged = _merged(record_id, touched, stored, longitudinal=longitudinal)
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
                self.logic.apply(key[0], data, resolved[key[2]])
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


class _AuditRows:
    """Each record's audit row (`record.import`) in the database's form, for `core.bulk`.

    Making a model instance per record costs more than the insert; the record's id,
    label and changes (plain strings and lists already) are all that differ, so each row
    is a copy of one `unsaved_event` made per site.
    """

    def __init__(self, actor: User, study: Study, now: datetime) -> None:
        self.actor = actor
        self.table = bulk.Table(AuditEvent, AUDIT_COLUMNS)
        self.scope = audit_scope(study)
        self.at = bulk.db_datetime(now)
        self.templates: dict[int, list[SQLValue]] = {}

    def row(
        self, record_id: int, label: str, site: StudySite, changes: Changes
    ) -> tuple[SQLValue, ...]:
        """The row `unsaved_event` makes for the record, from the one made for its site."""
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
