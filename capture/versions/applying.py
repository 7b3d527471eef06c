"""Applying the proposed version: values moved, mapped or archived, rules rewritten."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record, unsaved_event
from capture.logic import Stored
from capture.logic import changes as logic_changes
from capture.logic.changes import RuleChange
from capture.models import DictionaryVersion, Entry, Record, Study
from capture.services import audit_scope, current_dictionary, read_dictionary
from capture.versions.changing import _moves_off_events, designated_missing
from capture.versions.preview import Fate, Impact, _plan, _present, convert, impact
from capture.versions.reading import BATCH, applied_version, digest
from core.exceptions import EditConflict
from formats.datadictionary import columns as dd_columns

if TYPE_CHECKING:
    from accounts.models import User

# An entry's changes for its audit row, by field: (value before, value after), None for none.
Changes = dict[str, tuple[Stored | None, Stored | None]]


@transaction.atomic
def version_apply(
    *,
    actor: User,
    version: DictionaryVersion,
    expected: str,
    archive_invalid: bool = False,
) -> Impact:
    """Apply a proposal: move, map and archive values, then make it the version in use.

    `expected` is the fingerprint of the proposal the person previewed: if the proposal
    or the applied version changed since, EditConflict. Refused with every reason
    (ValidationError naming fields and codes) while mappings are missing, renames are
    wrong, or values would become invalid without `archive_invalid`.
    """
    study = Study.objects.select_for_update().get(pk=version.study_id)
    version = DictionaryVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != DictionaryVersion.State.PROPOSED:
        raise ValidationError("That version is no longer a proposal.")
    if digest(version.csv) != expected or version.number != applied_version(study).number + 1:
        raise EditConflict(
            "The proposal or the study's dictionary changed since this preview: look at "
            "the preview again before applying.",
            current={},
            version=version.number,
        )
    # Lock every record of the study: a save waits, then sees the new version.
    list(Record.objects.filter(study=study).select_for_update().values_list("pk", flat=True))
    found = impact(study, version)
    refusals = found.refusals(archive_invalid=archive_invalid)
    refusals += designated_missing(study, version.csv)
    if refusals:
        raise ValidationError({"dictionary": refusals})
    base = found.base
    old = current_dictionary(study).fields
    if found.rewritten:
        version.csv = rewrite_rules(version.csv, found.rewritten)
    new_dictionary, _, _ = read_dictionary(version.csv)
    fates = _plan(old, new_dictionary.fields, version.renames, version.mappings, base, Impact(0, 0))
    stranded = _moves_off_events(study, fates)
    if stranded:
        raise ValidationError({"dictionary": stranded})
    reason = f"Dictionary v{version.number} applied"
    archived = _migrate(actor, study, fates, reason)
    version.state = DictionaryVersion.State.APPLIED
    version.applied_by, version.applied_at = actor, timezone.now()
    version.archived = {key: {"field": name, "version": base} for key, name in archived.items()}
    version.summary = found.as_dict()
    version.save(update_fields=["csv", "state", "applied_by", "applied_at", "archived", "summary"])
    audit_record(
        actor=actor,
        action="dictionary.apply",
        obj=study,
        changes={
            "dictionary_version": (base, version.number),
            "renamed": (None, {o: n for o, n, _ in found.renamed}),
            "removed": (None, [f for f, _, _ in found.removed]),
            "mappings": (None, version.mappings),
            "archived": (None, sorted(archived)),
            "logic_rewritten": (
                None,
                {f"{r.field} ({r.column})": [r.proposed, r.after] for r in found.rewritten},
            ),
        },
        reason=version.note,
        scope=audit_scope(study),
    )
    return found


def _migrate(actor: User, study: Study, fates: dict[str, Fate], reason: str) -> dict[str, str]:
    """Rewrite the entries the change touches; return the archive keys written (-> field).

    Records are taken a batch at a time and written before the next batch is read, so
    memory stays flat and no write happens under an open cursor over the same table.
    """
    active = {name: fate for name, fate in fates.items() if not fate.trivial}
    if not active:
        return {}
    forms = sorted(
        {f.old.form for f in active.values()}
        | {f.new.form for f in active.values() if f.new is not None}
    )
    entries = Entry.objects.filter(record__study=study, instrument__in=forms)
    record_ids = list(entries.order_by("record_id").values_list("record_id", flat=True).distinct())
    repeating = set(study.repeating_instruments)
    now = timezone.now()
    archived: dict[str, str] = {}
    for start in range(0, len(record_ids), BATCH):
        batch = entries.filter(record_id__in=record_ids[start : start + BATCH])
        changed: list[tuple[Entry, Changes]] = []
        for record, group in _by_record(batch):
            for entry, before in _move_values(record, group, active, repeating, now, archived):
                changes = {
                    k: (before.get(k), entry.data.get(k))
                    for k in sorted(set(before) | set(entry.data))
                    if before.get(k) != entry.data.get(k)
                }
                if changes:
                    entry.version += 1
                    entry.updated_by = actor
                    changed.append((entry, changes))
        _write_batch(actor, study, changed, reason)
    return archived


def _write_batch(
    actor: User, study: Study, changed: list[tuple[Entry, Changes]], reason: str
) -> None:
    updated = [entry for entry, _ in changed if entry.pk]
    Entry.objects.bulk_update(updated, ["data", "version", "updated_by"], batch_size=BATCH)
    Entry.objects.bulk_create([entry for entry, _ in changed if not entry.pk], batch_size=BATCH)
    rows = [
        unsaved_event(
            actor=actor,
            action="entry.dictionary",
            obj=entry,
            changes=changes,
            reason=reason,
            site=entry.record.study_site.site,
            scope=audit_scope(study),
        )
        for entry, changes in changed
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=BATCH)


def _by_record(entries: QuerySet[Entry]) -> Iterator[tuple[Record, list[Entry]]]:
    found = entries.select_related("record__study_site__site").order_by(
        "record_id", "event_id", "instrument", "instance"
    )
    current: Record | None = None
    group: list[Entry] = []
    for entry in list(found):
        if current is not None and entry.record_id != current.pk:
            yield current, group
            group = []
        current = entry.record
        group.append(entry)
    if current is not None:
        yield current, group


def _move_values(
    record: Record,
    entries: list[Entry],
    active: dict[str, Fate],
    repeating: set[str],
    now: datetime,
    archived: dict[str, str],
) -> list[tuple[Entry, dict[str, Stored]]]:
    """The record's entries after the change, each with its data before (new ones: {}).

    In a longitudinal study a value moves within its event: slots are (event, form,
    instance), the event None in a classic study.
    """
    by_slot = {(e.event_id, e.instrument, e.instance): e for e in entries}
    before = {slot: dict(e.data) for slot, e in by_slot.items()}
    datas = {slot: dict(data) for slot, data in before.items()}
    landing: list[tuple[tuple[int | None, str, int], str, Stored]] = []
    for (event, form, instance), data in datas.items():
        for name, fate in active.items():
            if fate.old.form != form or name not in data:
                continue
            value = data.pop(name)
            if fate.new is None:
                if _present(value):
                    data[fate.key] = value
                    archived[fate.key] = name
                continue
            new_value, aside, _ = convert(fate, value, now)
            if aside is not None and _present(aside):
                data[fate.key] = aside
                archived[fate.key] = name
            target_instance = instance if fate.new.form in repeating else 1
            landing.append(((event, fate.new.form, target_instance), fate.new.name, new_value))
    for slot, name, value in landing:
        if slot not in datas:
            if not _present(value):
                continue
            datas[slot] = {}
        datas[slot][name] = value
    outcome = []
    for slot, data in datas.items():
        entry = by_slot.get(slot)
        if entry is None:
            entry = Entry(
                record=record, event_id=slot[0], instrument=slot[1], instance=slot[2], version=0
            )
        entry.data = data
        outcome.append((entry, before.get(slot, {})))
    return outcome


_RULE_COLUMNS = {
    logic_changes.BRANCHING: dd_columns.BRANCHING_LOGIC,
    logic_changes.CALCULATION: dd_columns.CHOICES,
}


def rewrite_rules(csv_text: str, rules: list[RuleChange]) -> str:
    """The dictionary text with each rule's cell replaced by its rewritten text.

    Only those cells change: every other row, cell and column (even one RadCollab does
    not read) is kept, so the version stores what was uploaded plus the rewrites.
    """
    bom = "\ufeff" if csv_text.startswith("\ufeff") else ""
    records = list(csv.reader(io.StringIO(csv_text.removeprefix(bom), newline="")))
    header = next((cells for cells in records if cells), [])
    # Columns by name as the reader finds them: any spelling, any order, the API's too.
    at: dict[str, int] = {}
    for index, name in enumerate(header):
        column = dd_columns.column_of(name)
        if column is not None:
            at.setdefault(column, index)
    wanted = {(r.field, _RULE_COLUMNS[r.column]): r.after for r in rules}
    for cells in records[records.index(header) + 1 :] if header else []:
        name = cells[at[dd_columns.NAME]].strip() if len(cells) > at[dd_columns.NAME] else ""
        for (field_name, column), text in wanted.items():
            if field_name == name and column in at and len(cells) > at[column]:
                cells[at[column]] = text
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(records)
    return bom + buffer.getvalue()
