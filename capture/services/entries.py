"""Saving one instrument of a record (`entry_save`) in its named steps: read, validate,
apply branching, calculate, screen identifiers, write, audit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from capture import completeness
from capture.actiontags import tag_errors
from capture.logic import Context, Resolution, Stored, resolve
from capture.models import Entry, Event, Record, Study
from capture.services.common import audit_scope
from capture.services.context import event_problem, instance_problem, logic_context, record_values
from capture.services.dictionary import Dictionary, current_dictionary
from capture.services.screening import identifier_errors, text_errors
from core.exceptions import EditConflict
from formats.datadictionary import Field, FieldType
from formats.records import check_value

if TYPE_CHECKING:
    from accounts.models import User

NOT_ENTERED = frozenset({FieldType.CALC, FieldType.DESCRIPTIVE})
FREE_TEXT = frozenset({FieldType.TEXT, FieldType.NOTES})


class NeedsConfirmation(Exception):
    """Values outside their expected range: saved only once the person confirms them."""

    def __init__(self, warnings: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in warnings.items()))
        self.warnings = warnings


@dataclass
class SaveResult:
    entry: Entry
    cleared: list[str] = field(default_factory=list)  # hidden by branching, value removed


@transaction.atomic
def entry_save(
    *,
    actor: User,
    record: Record,
    instrument: str,
    values: Mapping[str, object],
    instance: int = 1,
    version: int | None = None,
    status: int = Entry.Status.INCOMPLETE,
    confirmed: bool = False,
    reason: str = "",
    event: Event | None = None,
) -> SaveResult:
    """Check, resolve branching and calculations, and save one instrument of a record.

    `values` holds what the person typed: a string per field, a list of codes for a
    checkbox. Type errors and identifiers refuse the save (ValidationError per field);
    range warnings raise NeedsConfirmation unless `confirmed`. A stale `version`
    raises EditConflict with the saved values; a locked record or entry refuses. In a
    longitudinal study `event` names the visit, and the instrument must be designated to it.
    The record-id field always holds the record's own id: RadCollab gives it, nobody
    types it, and a different one is refused. Every value written is screened for
    patient identifiers here, so no page, API call or script can skip the screen.

    The steps, each a function of its own: read, validate, apply branching, calculate,
    screen identifiers, save, audit.
    """
    if status not in Entry.Status.values:
        raise ValidationError({"status": STATUS_PROBLEM})
    now = timezone.now()
    target = entry_read(
        actor=actor,
        record=record,
        instrument=instrument,
        instance=instance,
        version=version,
        event=event,
        now=now,
    )
    checked = entry_validate(target, values, reason=reason, now=now)
    resolved = entry_apply_branching(target, checked.values)
    after, cleared = entry_calculate(target, checked.values, resolved)
    screened = entry_screen_identifiers(target, checked.values, after)
    errors = {**screened, **checked.errors}
    if errors:
        raise ValidationError(errors)
    if checked.warnings and not confirmed:
        raise NeedsConfirmation(checked.warnings)
    changes = entry_write(actor, target, after, status=int(status))
    entry_audit(actor, target, changes, reason=reason, cleared=cleared, typed=checked.values)
    return SaveResult(target.entry, cleared)


# A save's changes for the audit row, by field: (value before or None, value after); the
# form's status under `__status`, as (label before, label after).
Changes = dict[str, tuple[Stored | None, Stored]]

STATUS_PROBLEM = "Choose the form's status: 0 Incomplete, 1 Unverified or 2 Complete."


@dataclass
class EntryTarget:
    """What a save reads before it checks anything: the record (locked), the dictionary
    in force, the instrument's fields, the entry it writes (new and unsaved when there is
    none yet) with its values before, and what logic reads besides the values."""

    record: Record
    instrument: str
    event: Event | None
    dictionary: Dictionary
    fields: list[Field]
    entry: Entry
    before: dict[str, Stored]
    logic: Context


@dataclass(frozen=True)
class CheckedValues:
    """The typed values as stored (`values`), the problems that refuse the save
    (`errors`, by field) and the values outside their range (`warnings`)."""

    values: dict[str, Stored]
    errors: dict[str, str]
    warnings: dict[str, str]


def entry_read(
    *,
    actor: User,
    record: Record,
    instrument: str,
    instance: int,
    version: int | None,
    event: Event | None,
    now: datetime,
) -> EntryTarget:
    """Step 1, read: lock the record, then read the dictionary, the fields and the entry.

    Refuses an instrument the study lacks, an event it is not designated to, a locked
    record or entry, an instance that cannot be saved and a stale `version`."""
    study = record.study
    record = Record.objects.select_for_update().get(pk=record.pk)
    # Read after the lock: applying a dictionary version locks the study's records, so a
    # save waiting on it sees the new version, never writes under the old one.
    dictionary = current_dictionary(study)
    fields = dictionary.fields_of(instrument)
    if not fields:
        raise ValidationError({"instrument": f"The study has no instrument {instrument!r}."})
    problem = event_problem(study, event, instrument)
    if problem:
        raise ValidationError({"event": problem})
    entry = _entry_to_save(study, record, instrument, instance, version, event)
    logic = logic_context(
        record=record, instrument=instrument, instance=instance, actor=actor, now=now, event=event
    )
    before: dict[str, Stored] = dict(entry.data) if entry.pk else {}
    return EntryTarget(record, instrument, event, dictionary, fields, entry, before, logic)


def entry_validate(
    target: EntryTarget, values: Mapping[str, object], *, reason: str, now: datetime
) -> CheckedValues:
    """Step 2, validate: each typed value against its field's type and range, the action
    tags' limits, the record id (the record's own or nothing) and the reason's text."""
    typed = dict(values)
    dictionary = target.dictionary
    own = _record_id_errors(dictionary, target.record, typed.pop(dictionary.record_id_field, None))
    own.update(text_errors(reason=reason))
    checked, type_errors, warnings = _check(target.fields, typed, timezone.localtime(now))
    # A value of the wrong type is named first; a tag's limit only for a well-typed one.
    for name, problem in tag_errors(
        target.fields, checked, target.before, pipes=dictionary.pipes, context=target.logic
    ).items():
        type_errors.setdefault(name, problem)
    return CheckedValues(checked, {**type_errors, **own}, warnings)


def entry_apply_branching(target: EntryTarget, checked: Mapping[str, Stored]) -> Resolution[Stored]:
    """Step 3, apply branching: resolve the dictionary's logic over the typed values and
    the record's other forms (which fields show, what each calculation gives)."""
    context = record_values(target.record, except_instrument=target.instrument, event=target.event)
    context.update(checked)
    return resolve(target.dictionary.active_logic, context, context=target.logic)


def entry_calculate(
    target: EntryTarget, checked: Mapping[str, Stored], resolved: Resolution[Stored]
) -> tuple[dict[str, Stored], list[str]]:
    """Step 4, calculate: the values to write (typed ones, calculations, the record's id,
    blanks where branching hides a field) and the names of the fields it cleared."""
    return _values_to_write(
        target.dictionary, target.record, target.fields, checked, resolved, target.before
    )


def entry_screen_identifiers(
    target: EntryTarget, checked: Mapping[str, Stored], after: Mapping[str, Stored]
) -> dict[str, str]:
    """Step 5, screen: patient identifiers in what was typed (a hidden field's value still
    reaches the audit row that clears it) and in what is written (calculations)."""
    return {**identifier_errors(target.fields, checked), **identifier_errors(target.fields, after)}


def entry_write(
    actor: User, target: EntryTarget, after: dict[str, Stored], *, status: int
) -> Changes:
    """Step 6, save: the entry's values and status, one version up, and the site's
    completeness count; gives the changes (old, new) by field for the audit row."""
    entry, before = target.entry, target.before
    changes = {
        name: (before.get(name), value)
        for name, value in after.items()
        if _normal(before.get(name)) != _normal(value)
    }
    complete_change = completeness.complete_change(
        None if entry.pk is None else entry.status, status
    )
    if entry.status != status:
        changes["__status"] = (Entry.Status(entry.status).label, Entry.Status(status).label)
    # Keys that are no field of the dictionary (values archived by a dictionary version)
    # are kept as they are: a save never deletes them.
    kept = {k: v for k, v in before.items() if k not in target.dictionary.by_name}
    entry.data = {**after, **kept}
    entry.status = status
    entry.version += 1
    entry.updated_by = actor
    entry.save()
    completeness.adjust(target.record.study_site_id, complete=complete_change)
    return changes


def entry_audit(
    actor: User,
    target: EntryTarget,
    changes: Changes,
    *,
    reason: str,
    cleared: list[str],
    typed: Mapping[str, Stored],
) -> None:
    """Step 7, audit: the entry created or changed (with the reason), and the values that
    branching cleared, each with the value the person had typed."""
    entry, record = target.entry, target.record
    site, scope = record.study_site.site, audit_scope(record.study)
    if changes or entry.version == 1:
        audit_record(
            actor=actor,
            action="entry.create" if entry.version == 1 else "entry.update",
            obj=entry,
            changes=changes,
            reason=reason,
            site=site,
            scope=scope,
        )
    if cleared:
        audit_record(
            actor=actor,
            action="entry.clear_hidden",
            obj=entry,
            changes={name: (typed.get(name), "") for name in cleared},
            reason="Hidden by branching logic: its value was cleared.",
            site=site,
            scope=scope,
        )


def _entry_to_save(
    study: Study,
    record: Record,
    instrument: str,
    instance: int,
    version: int | None,
    event: Event | None = None,
) -> Entry:
    """The entry a save writes (a new one, unsaved, when there is none yet), or why not."""
    if record.locked:
        raise PermissionDenied(f"Record {record.label} is locked.")
    problem = instance_problem(study, record, instrument, instance, event)
    if problem:
        raise ValidationError({"instance": problem})
    entry = Entry.objects.filter(
        record=record, event=event, instrument=instrument, instance=instance
    ).first()
    if entry is None:
        return Entry(
            record=record, event=event, instrument=instrument, instance=instance, version=0
        )
    if entry.locked:
        raise PermissionDenied(f"{instrument} of {record.label} is locked.")
    if version is not None and entry.version != version:
        raise EditConflict(
            f"{entry.updated_by or 'Someone'} saved {record.label} {instrument} since you "
            "opened it. Their values are shown beside yours.",
            current=dict(entry.data),
            version=entry.version,
        )
    return entry


def _record_id_errors(dictionary: Dictionary, record: Record, typed: object) -> dict[str, str]:
    """A record id typed in must be the record's own (REDCap scripts send it with each row)."""
    if str(typed if typed is not None else "").strip() in ("", record.label):
        return {}
    return {
        dictionary.record_id_field: (
            f"The record ID is {record.label}: RadCollab gives it and it cannot be changed."
        )
    }


def _values_to_write(
    dictionary: Dictionary,
    record: Record,
    fields: list[Field],
    checked: Mapping[str, Stored],
    resolved: Resolution[Stored],
    before: Mapping[str, Stored],
) -> tuple[dict[str, Stored], list[str]]:
    """The instrument's values as saved: typed ones, calculations, the record's own id, and
    blanks where branching hides a field (the names of those that held a value). A
    calculation RadCollab does not evaluate keeps the value it held (an imported one)."""
    after: dict[str, Stored] = {}
    cleared: list[str] = []
    for f in fields:
        if f.field_type == FieldType.DESCRIPTIVE:
            continue
        if f.name == dictionary.record_id_field:
            after[f.name] = record.label
            continue
        if f.field_type != FieldType.CALC:
            value = checked.get(f.name, "")
        elif dictionary.logic[f.name].calc is not None:
            value = resolved.values.get(f.name, "")
        else:
            value = before.get(f.name, "")
        if f.name in resolved.hidden and _present(value):
            cleared.append(f.name)
            value = [] if f.field_type == FieldType.CHECKBOX else ""
        if f.name in resolved.hidden and f.field_type == FieldType.CALC:
            value = ""
        after[f.name] = value
    return after, cleared


def _check(
    fields: list[Field], values: Mapping[str, object], now: datetime
) -> tuple[dict[str, Stored], dict[str, str], dict[str, str]]:
    """Each typed value checked against its field: the stored values, errors and warnings."""
    checked: dict[str, Stored] = {}
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    for f in fields:
        if f.field_type in NOT_ENTERED or f.name not in values:
            continue
        raw = values[f.name]
        if f.field_type == FieldType.CHECKBOX:
            codes = raw if isinstance(raw, list | tuple | set) else [raw]
            raw_text = ",".join(str(code) for code in codes if str(code).strip())
        else:
            raw_text = str(raw or "")
        result = check_value(f, raw_text, today=now.date(), now=now)
        if result.error:
            errors[f.name] = result.error
            continue
        if result.warning:
            warnings[f.name] = result.warning
        if f.field_type == FieldType.CHECKBOX:
            checked[f.name] = [c for c in result.value.split(",") if c]
        else:
            checked[f.name] = result.value
    return checked, errors, warnings


def _present(value: Stored) -> bool:
    return bool(value) if isinstance(value, list) else value not in (None, "")


def _normal(value: Stored | None) -> Stored:
    if isinstance(value, list):
        return sorted(value)
    return value if value is not None else ""
