"""The rules of data capture: studies, sites, roles, records, entries, queries and locks.

Every change is written with its audit row in one transaction, scoped to the study
(`audit_scope`), so the study's own log shows it and the network's audit page does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, diff_fields
from capture import completeness
from capture.actiontags import tag_errors
from capture.logic import (
    Context,
    DictionaryLogicError,
    FieldLogic,
    Resolution,
    read_with_logic,
    resolve,
)
from capture.models import (
    DataQuery,
    DictionaryVersion,
    Entry,
    Event,
    QueryMessage,
    Record,
    Study,
    StudyRole,
    StudySite,
)
from capture.piping import Pipes
from core.exceptions import EditConflict
from core.identifiers import describe, find_identifiers
from formats.datadictionary import (
    DataDictionary,
    DataDictionaryError,
    Field,
    FieldType,
    Issue,
)
from formats.records import check_value

if TYPE_CHECKING:
    from accounts.models import User

SITE_CODE = re.compile(r"^[A-Z0-9]{2,12}$")
NOT_ENTERED = frozenset({FieldType.CALC, FieldType.DESCRIPTIVE})
FREE_TEXT = frozenset({FieldType.TEXT, FieldType.NOTES})


def audit_scope(study: Study) -> str:
    return f"study:{study.pk}"


# --- The dictionary -------------------------------------------------------------------


@dataclass(frozen=True)
class Dictionary:
    """A parsed dictionary version with its compiled logic, shared by every request."""

    version_id: int
    fields: tuple[Field, ...]
    logic: dict[str, FieldLogic]

    @property
    def instruments(self) -> list[str]:
        return list(self.by_form)

    def fields_of(self, instrument: str) -> list[Field]:
        return list(self.by_form.get(instrument, ()))

    @cached_property
    def by_form(self) -> dict[str, tuple[Field, ...]]:
        forms: dict[str, list[Field]] = {}
        for f in self.fields:
            forms.setdefault(f.form, []).append(f)
        return {form: tuple(fields) for form, fields in forms.items()}

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def record_id_field(self) -> str:
        return self.fields[0].name

    @cached_property
    def pipes(self) -> Pipes:
        """What piping (`[field]` in a label or a tag) reads of the dictionary."""
        return Pipes.of(self.fields)

    @cached_property
    def issues(self) -> tuple[tuple[str, Issue], ...]:
        """What the study's dictionary keeps but RadCollab does not apply ("kept, not
        applied") or run ("not evaluated here"), as (field name, issue), field by field."""
        return tuple((f.name, issue) for f in self.fields for issue in f.issues)

    @cached_property
    def active_logic(self) -> dict[str, FieldLogic]:
        """Only the fields that have logic, in order: what `resolve` needs to visit."""
        return {name: logic for name, logic in self.logic.items() if logic.branching or logic.calc}


def read_dictionary(
    csv_text: str, events: tuple[str, ...] = ()
) -> tuple[DataDictionary, tuple[Issue, ...], dict[str, FieldLogic]]:
    """Parse and compile a REDCap dictionary, or raise ValidationError naming every problem.

    One pass (`read_with_logic`): columns, choices, validation and logic problems come
    together, and logic RadCollab does not evaluate is kept and reported on its field.
    `events`, a longitudinal study's unique event names, are what `[event][field]` reads.
    """
    try:
        read = read_with_logic(csv_text, events)
    except (DataDictionaryError, DictionaryLogicError) as error:
        raise ValidationError({"dictionary": str(error)}) from error
    if not read.dictionary.fields:
        raise ValidationError({"dictionary": "The dictionary has no fields."})
    return read.dictionary, read.result.issues, read.logic


@lru_cache(maxsize=64)
def _dictionary(version_id: int, csv_text: str, events: tuple[str, ...] = ()) -> Dictionary:
    dictionary, _, logic = read_dictionary(csv_text, events)
    return Dictionary(version_id, dictionary.fields, logic)


def current_dictionary(study: Study) -> Dictionary:
    """The applied version records are entered against (a proposed one is not yet in use)."""
    version = (
        study.versions.filter(state=DictionaryVersion.State.APPLIED)
        .order_by("-number")
        .only("pk", "csv", "design")
        .first()
    )
    if version is None:
        raise ValidationError("The study has no data dictionary yet.")
    # The version in use records the study's events (capture.longitudinal).
    events = tuple(e["unique_name"] for e in (version.design or {}).get("events", []))
    return _dictionary(version.pk, version.csv, events)


# --- Studies, sites and roles ---------------------------------------------------------


@transaction.atomic
def study_create(
    *, actor: User, title: str, dictionary_csv: str, protocol_summary: str = ""
) -> tuple[Study, tuple[Issue, ...]]:
    """A study in design with its first dictionary; the creator becomes its admin.

    Returns the issues the dictionary reader read past (what RadCollab does not support),
    so the person sees them instead of losing them silently.
    """
    if not title.strip():
        raise ValidationError({"title": "A study needs a title."})
    _, issues, _ = read_dictionary(dictionary_csv)
    study = Study.objects.create(
        title=title.strip(), protocol_summary=protocol_summary, created_by=actor
    )
    DictionaryVersion.objects.create(
        study=study,
        number=1,
        csv=dictionary_csv,
        created_by=actor,
        applied_by=actor,
        applied_at=timezone.now(),
    )
    StudyRole.objects.create(study=study, person=actor, role=StudyRole.Role.ADMIN)
    audit_record(
        actor=actor,
        action="study.create",
        obj=study,
        changes={"title": (None, study.title), "dictionary_version": (None, 1)},
        scope=audit_scope(study),
    )
    return study, issues


@transaction.atomic
def study_add_site(*, actor: User, study: Study, site: Any, code: str) -> StudySite:
    code = code.strip().upper()
    if not SITE_CODE.match(code):
        raise ValidationError({"code": "Use 2 to 12 capital letters or digits, e.g. STT."})
    if StudySite.objects.filter(study=study, code=code).exists():
        raise ValidationError({"code": f"Another site of this study already uses {code}."})
    if StudySite.objects.filter(study=study, site=site).exists():
        raise ValidationError({"site": f"{site} already takes part in this study."})
    study_site = StudySite.objects.create(study=study, site=site, code=code)
    completeness.start(study_site)
    audit_record(
        actor=actor,
        action="study.site_add",
        obj=study,
        changes={"site": (None, f"{code} {site}")},
        site=site,
        scope=audit_scope(study),
    )
    return study_site


@transaction.atomic
def study_grant_role(
    *,
    actor: User,
    study: Study,
    person: User,
    role: str,
    study_site: StudySite | None = None,
) -> StudyRole:
    from capture.access import SITE_BOUND, forget_roles

    if role not in StudyRole.Role.values:
        raise ValidationError({"role": f"Unknown study role {role!r}."})
    if role in SITE_BOUND and study_site is None:
        raise ValidationError({"study_site": "This role works at one site: choose it."})
    if study_site is not None and study_site.study_id != study.pk:
        raise ValidationError({"study_site": "That site does not take part in this study."})
    if study.require_gcp and not _has_valid_gcp(person):
        raise ValidationError(
            {"person": f"{person} has no valid Good Clinical Practice certificate on record."}
        )
    granted, created = StudyRole.objects.get_or_create(
        study=study, person=person, role=role, study_site=study_site, ended_at=None
    )
    if created:
        audit_record(
            actor=actor,
            action="study.role_grant",
            obj=study,
            changes={"role": (None, f"{person}: {granted}")},
            site=study_site.site if study_site else None,
            scope=audit_scope(study),
        )
    forget_roles(person)
    return granted


def _has_valid_gcp(person: User) -> bool:
    from training.selectors import has_valid_gcp

    return has_valid_gcp(person)


SETTINGS = (
    "protocol_summary",
    "pseudonymisation_rules",
    "require_gcp",
    "allow_file_fields",
    "record_ids",
    "retention_days",
)


@transaction.atomic
def study_update_settings(
    *, actor: User, study: Study, repeating_instruments: list[str], **values: Any
) -> Study:
    """The study's settings; which instruments repeat is fixed once records exist."""
    instruments = current_dictionary(study).instruments
    unknown = sorted(set(repeating_instruments) - set(instruments))
    if unknown:
        raise ValidationError({"repeating_instruments": f"No instrument {', '.join(unknown)}."})
    if repeating_instruments != study.repeating_instruments and study.records.exists():
        raise ValidationError(
            {"repeating_instruments": "Records exist: which instruments repeat cannot change."}
        )
    record_ids = values.get("record_ids", study.record_ids)
    if record_ids not in Study.RecordIds.values:
        raise ValidationError({"record_ids": f"Unknown record-id scheme {record_ids!r}."})
    if record_ids != study.record_ids and study.records.exists():
        raise ValidationError({"record_ids": "Records exist: the record ids cannot change."})
    before = {name: getattr(study, name) for name in (*SETTINGS, "repeating_instruments")}
    for name in SETTINGS:
        if name in values:
            setattr(study, name, values[name])
    study.repeating_instruments = repeating_instruments
    study.full_clean()
    study.save()
    after = {name: getattr(study, name) for name in before}
    audit_record(
        actor=actor,
        action="study.settings",
        obj=study,
        changes=diff_fields(before, after),
        scope=audit_scope(study),
    )
    return study


@transaction.atomic
def study_go_live(*, actor: User, study: Study, acknowledged: bool = False) -> Study:
    """Design → live, refused while the dictionary would let identifiers in.

    When the dictionary holds what RadCollab keeps but does not apply or evaluate (the
    study page lists it, field by field), the admin must acknowledge that list.
    """
    dictionary = current_dictionary(study)
    unapplied = dictionary.issues
    problems = [
        f"{f.name}: flagged as an identifier (Identifier? = y); RadCollab stores no "
        "patient identifiers"
        for f in dictionary.fields
        if f.identifier
    ]
    if not study.allow_file_fields:
        problems += [
            f"{f.name}: file-upload fields need the admin's permission in a live study"
            for f in dictionary.fields
            if f.field_type == FieldType.FILE
        ]
    if not study.study_sites.exists():
        problems.append("add at least one participating site")
    if unapplied and not acknowledged:
        problems.append(
            f"the dictionary has {len(unapplied)} item(s) RadCollab keeps but does not apply "
            "or evaluate (listed on the study page): tick that you have read the list"
        )
    if problems:
        raise ValidationError({"status": problems})
    old = study.status
    study.status = Study.Status.LIVE
    study.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="study.status",
        obj=study,
        changes={"status": (old, study.status)},
        reason=(
            f"Acknowledged {len(unapplied)} item(s) kept, not applied or not evaluated here."
            if unapplied
            else ""
        ),
        scope=audit_scope(study),
    )
    return study


# --- Records and entries --------------------------------------------------------------


@transaction.atomic
def record_create(*, actor: User, study: Study, study_site: StudySite) -> Record:
    if study.status == Study.Status.CLOSED:
        raise ValidationError("The study is closed: no new records.")
    site = StudySite.objects.select_for_update().get(pk=study_site.pk)
    number = site.next_number
    # With REDCap's ids an import may already have used CODE-n at this site: skip it.
    if study.record_ids == Study.RecordIds.REDCAP:
        while Record.objects.filter(study_site=site, label=f"{site.code}-{number}").exists():
            number += 1
    StudySite.objects.filter(pk=site.pk).update(next_number=number + 1)
    record = Record.objects.create(
        study=study,
        study_site=site,
        number=number,
        label=f"{site.code}-{number}",
        created_by=actor,
    )
    completeness.adjust(site.pk, records=1)
    audit_record(
        actor=actor,
        action="record.create",
        obj=record,
        site=site.site,
        scope=audit_scope(study),
    )
    return record


class NeedsConfirmation(Exception):
    """Values outside their expected range: saved only once the person confirms them."""

    def __init__(self, warnings: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in warnings.items()))
        self.warnings = warnings


@dataclass
class SaveResult:
    entry: Entry
    cleared: list[str] = field(default_factory=list)  # hidden by branching, value removed


def record_values(
    record: Record, *, except_instrument: str = "", event: Event | None = None
) -> dict[str, Any]:
    """The record's values across its other instruments (first instance), as logic reads them.

    The instrument being saved is left out: its posted values stand for it, and a later
    instance of a repeating instrument must not see instance 1's values as its own. In a
    longitudinal study `[field]` means the field at the same event, as in REDCap.
    """
    values: dict[str, Any] = {}
    entries = record.entries.filter(instance=1, event=event).only("pk", "instrument", "data")
    for entry in entries:
        if entry.instrument != except_instrument:
            values.update(entry.data)
    return values


def logic_context(
    *,
    record: Record,
    instrument: str,
    instance: int,
    actor: User,
    now: Any,
    event: Event | None = None,
) -> Context:
    """What branching logic and calculations read besides the values: today and now in the
    study's time zone (the deployment's), the record's name, its site as REDCap's data
    access group, the person's user name (`user_name`) and, on a repeating form, the
    instance and the values of the record's other instances of it."""
    local = timezone.localtime(now)
    repeating = repeats(record.study, event, instrument)
    instances: dict[str, dict[int, Any]] = {}
    if repeating:
        others = Entry.objects.filter(record=record, event=event, instrument=instrument).exclude(
            instance=instance
        )
        for number, data in others.values_list("instance", "data"):
            for name, value in (data or {}).items():
                instances.setdefault(name, {})[number] = value
    return Context(
        today=local.date(),
        now=local,
        record_name=record.label,
        dag_name=record.study_site.code.lower(),
        event_name=event.unique_name if event is not None else None,
        user_name=user_name(actor),
        instance=instance if repeating else None,
        instances=instances,
        events=event_values(record) if event is not None else {},
    )


def event_values(record: Record) -> dict[str, dict[str, Any]]:
    """The record's values at each event (first instances), as `[event][field]` reads them."""
    found: dict[str, dict[str, Any]] = {}
    rows = record.entries.filter(instance=1, event__isnull=False).values_list(
        "event__unique_name", "data"
    )
    for name, data in rows:
        found.setdefault(name, {}).update(data or {})
    return found


def user_name(actor: User | None) -> str:
    """`[user-name]`: the part of the person's sign-in email before the @ (RadCollab has no
    user names, and a whole email in a value is refused as an identifier)."""
    return str(getattr(actor, "email", "") or "").partition("@")[0]


def repeats(study: Study, event: Event | None, instrument: str) -> bool:
    """Whether the instrument may have more than one instance (at this event)."""
    if event is None:
        return instrument in study.repeating_instruments
    if event.repeating:
        return True
    return any(d.instrument == instrument and d.repeating for d in event.designations.all())


def event_problem(study: Study, event: Event | None, instrument: str) -> str:
    """Why the instrument may not be entered at this event, or "" when it may."""
    if event is None:
        if study.events.exists():
            return "Choose the event (visit) this form belongs to."
        return ""
    if event.study_id != study.pk:
        return f"The study has no event {event.unique_name!r}."
    if not any(d.instrument == instrument for d in event.designations.all()):
        return f"{instrument} is not collected at {event.label}."
    return ""


def instance_numbers(record: Record, instrument: str, event: Event | None = None) -> list[int]:
    """The saved instances of one instrument of a record (at an event), in order."""
    return list(
        Entry.objects.filter(record=record, instrument=instrument, event=event)
        .order_by("instance")
        .values_list("instance", flat=True)
    )


def instance_problem(
    study: Study, record: Record, instrument: str, instance: int, event: Event | None = None
) -> str:
    """Why this instance may not be opened or saved, or "" when it may.

    A non-repeating instrument has instance 1 only. A repeating one has its saved
    instances and the next one after the highest, so instances are numbered without
    gaps, as REDCap numbers them in its exports.
    """
    if instance < 1:
        return f"Instance {instance} of {instrument}: instances are numbered from 1."
    if instance == 1:
        return ""
    if not repeats(study, event, instrument):
        return f"{instrument} does not repeat: it has instance 1 only."
    saved = instance_numbers(record, instrument, event)
    following = (saved[-1] if saved else 0) + 1
    if instance not in saved and instance != following:
        return (
            f"{record.label} has no instance {instance} of {instrument}; the next is {following}."
        )
    return ""


@transaction.atomic
def entry_save(
    *,
    actor: User,
    record: Record,
    instrument: str,
    values: dict[str, Any],
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
    before: dict[str, Any]
    logic: Context


@dataclass(frozen=True)
class CheckedValues:
    """The typed values as stored (`values`), the problems that refuse the save
    (`errors`, by field) and the values outside their range (`warnings`)."""

    values: dict[str, Any]
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
    now: Any,
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
    before: dict[str, Any] = dict(entry.data) if entry.pk else {}
    return EntryTarget(record, instrument, event, dictionary, fields, entry, before, logic)


def entry_validate(
    target: EntryTarget, values: dict[str, Any], *, reason: str, now: Any
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


def entry_apply_branching(target: EntryTarget, checked: dict[str, Any]) -> Resolution:
    """Step 3, apply branching: resolve the dictionary's logic over the typed values and
    the record's other forms (which fields show, what each calculation gives)."""
    context = record_values(target.record, except_instrument=target.instrument, event=target.event)
    context.update(checked)
    return resolve(target.dictionary.active_logic, context, context=target.logic)


def entry_calculate(
    target: EntryTarget, checked: dict[str, Any], resolved: Resolution
) -> tuple[dict[str, Any], list[str]]:
    """Step 4, calculate: the values to write (typed ones, calculations, the record's id,
    blanks where branching hides a field) and the names of the fields it cleared."""
    return _values_to_write(
        target.dictionary, target.record, target.fields, checked, resolved, target.before
    )


def entry_screen_identifiers(
    target: EntryTarget, checked: dict[str, Any], after: dict[str, Any]
) -> dict[str, str]:
    """Step 5, screen: patient identifiers in what was typed (a hidden field's value still
    reaches the audit row that clears it) and in what is written (calculations)."""
    return {**identifier_errors(target.fields, checked), **identifier_errors(target.fields, after)}


def entry_write(
    actor: User, target: EntryTarget, after: dict[str, Any], *, status: int
) -> dict[str, tuple[Any, Any]]:
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
    changes: dict[str, tuple[Any, Any]],
    *,
    reason: str,
    cleared: list[str],
    typed: dict[str, Any],
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


def _record_id_errors(dictionary: Dictionary, record: Record, typed: Any) -> dict[str, str]:
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
    checked: dict[str, Any],
    resolved: Any,
    before: dict[str, Any],
) -> tuple[dict[str, Any], list[str]]:
    """The instrument's values as saved: typed ones, calculations, the record's own id, and
    blanks where branching hides a field (the names of those that held a value). A
    calculation RadCollab does not evaluate keeps the value it held (an imported one)."""
    after: dict[str, Any] = {}
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
    fields: list[Field], values: dict[str, Any], now: Any
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """Each typed value checked against its field: the stored values, errors and warnings."""
    checked: dict[str, Any] = {}
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


def identifier_errors(fields: list[Field], values: dict[str, Any]) -> dict[str, str]:
    """Every value about to be written that looks like a patient identifier, by field."""
    errors: dict[str, str] = {}
    for f in fields:
        if f.name in values and (problem := identifier_problem(f, values[f.name])):
            errors[f.name] = problem
    return errors


def text_errors(**texts: str) -> dict[str, str]:
    """Free text kept beside the values (a reason, a query) that looks like an identifier."""
    return {
        name: describe(findings)
        for name, text in texts.items()
        if text and (findings := find_identifiers(text))
    }


def screen_text(**texts: str) -> None:
    """Refuse free text that looks like a patient identifier, naming the box it is in."""
    if errors := text_errors(**texts):
        raise ValidationError(errors)


def identifier_problem(field: Field, value: Any) -> str | None:
    """Why a value is refused, if it looks like a patient identifier (forms and imports).

    Any field's value, whatever its type or validation: a number can be an NHS number and
    a field validated as an email or phone number holds nothing else.
    `field` is kept for the callers: every field is screened alike.
    """
    text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")
    findings = find_identifiers(text) if text.strip() else []
    return describe(findings) if findings else None


def _present(value: Any) -> bool:
    return bool(value) if isinstance(value, list) else value not in (None, "")


def _normal(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value)
    return value if value is not None else ""


# --- Locks and signatures -------------------------------------------------------------


@transaction.atomic
def record_lock(*, actor: User, record: Record, password: str | None = None) -> Record:
    """Lock a whole record; with the person's password re-entered the lock is also signed."""
    record = Record.objects.select_for_update().select_related("study_site__site").get(pk=record.pk)
    if record.locked:
        raise ValidationError(f"Record {record.label} is already locked.")
    signed = False
    if password is not None:
        if not check_password(password, actor.password):
            wrong = "That password is not right: nothing was locked."
            raise ValidationError({"password": wrong})
        signed = True
    record.locked, record.signed = True, signed
    record.locked_by, record.locked_at = actor, timezone.now()
    record.save(update_fields=["locked", "signed", "locked_by", "locked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="record.sign" if signed else "record.lock",
        obj=record,
        changes={"locked": (False, True), "signed": (False, signed)},
        site=record.study_site.site,
        scope=audit_scope(record.study),
    )
    return record


@transaction.atomic
def record_unlock(*, actor: User, record: Record, reason: str) -> Record:
    """Unlock a record: its signature is void, and the reason is required and audited."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is unlocked."})
    screen_text(reason=reason)
    record = Record.objects.select_for_update().select_related("study_site__site").get(pk=record.pk)
    if not record.locked:
        raise ValidationError(f"Record {record.label} is not locked.")
    was_signed = record.signed
    record.locked, record.signed, record.locked_by, record.locked_at = False, False, None, None
    record.save(update_fields=["locked", "signed", "locked_by", "locked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="record.unlock",
        obj=record,
        changes={"locked": (True, False), "signed": (was_signed, False)},
        reason=reason,
        site=record.study_site.site,
        scope=audit_scope(record.study),
    )
    return record


# --- Queries (data resolution) --------------------------------------------------------


@transaction.atomic
def query_raise(*, actor: User, entry: Entry, field_name: str, text: str) -> DataQuery:
    if not text.strip():
        raise ValidationError({"text": "Write what is in doubt about the value."})
    if field_name not in entry.data:
        raise ValidationError({"field": f"{entry.instrument} has no field {field_name!r}."})
    screen_text(text=text)
    query = DataQuery.objects.create(entry=entry, field=field_name, raised_by=actor)
    QueryMessage.objects.create(query=query, author=actor, text=text.strip())
    completeness.adjust(entry.record.study_site_id, open_queries=1)
    _audit_query(actor, query, "query.raise", (None, DataQuery.State.OPEN), text)
    return query


@transaction.atomic
def query_answer(*, actor: User, query: DataQuery, text: str) -> DataQuery:
    if not text.strip():
        raise ValidationError({"text": "Write the answer."})
    if query.state == DataQuery.State.CLOSED:
        raise ValidationError("The query is closed; reopen it first.")
    return _move(actor, query, DataQuery.State.ANSWERED, "query.answer", text)


@transaction.atomic
def query_close(*, actor: User, query: DataQuery, text: str = "") -> DataQuery:
    if query.state == DataQuery.State.CLOSED:
        raise ValidationError("The query is already closed.")
    return _move(actor, query, DataQuery.State.CLOSED, "query.close", text)


@transaction.atomic
def query_reopen(*, actor: User, query: DataQuery, text: str) -> DataQuery:
    if query.state != DataQuery.State.CLOSED:
        raise ValidationError("Only a closed query can be reopened.")
    if not text.strip():
        raise ValidationError({"text": "Say why the query is reopened."})
    return _move(actor, query, DataQuery.State.OPEN, "query.reopen", text)


def _move(actor: User, query: DataQuery, state: str, action: str, text: str) -> DataQuery:
    screen_text(text=text)
    old = query.state
    query.state = state
    query.save(update_fields=["state", "updated_at"])
    completeness.adjust(
        query.entry.record.study_site_id, open_queries=completeness.open_change(old, state)
    )
    if text.strip():
        QueryMessage.objects.create(query=query, author=actor, text=text.strip())
    _audit_query(actor, query, action, (old, state), text)
    return query


def _audit_query(
    actor: User, query: DataQuery, action: str, state: tuple[Any, Any], text: str
) -> None:
    record = query.entry.record
    audit_record(
        actor=actor,
        action=action,
        obj=query,
        changes={"state": state, "field": (None, query.field)},
        reason=text,
        site=record.study_site.site,
        scope=audit_scope(record.study),
    )
