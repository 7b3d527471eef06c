"""What a save and the entry form read of a record besides the typed values: its other
forms' values, the context logic reads (today, the record, the person, the instance, the
events), and where an instrument may be entered (its event, its instances)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from capture.logic import Context, Stored
from capture.models import Entry, Event, Record, Study

if TYPE_CHECKING:
    from accounts.models import User


def record_values(
    record: Record, *, except_instrument: str = "", event: Event | None = None
) -> dict[str, Stored]:
    """The record's values across its other instruments (first instance), as logic reads them.

    The instrument being saved is left out: its posted values stand for it, and a later
    instance of a repeating instrument must not see instance 1's values as its own. In a
    longitudinal study `[field]` means the field at the same event, as in REDCap.
    """
    values: dict[str, Stored] = {}
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
    now: datetime,
    event: Event | None = None,
) -> Context:
    """What branching logic and calculations read besides the values: today and now in the
    study's time zone (the deployment's), the record's name, its site as REDCap's data
    access group, the person's user name (`user_name`) and, on a repeating form, the
    instance and the values of the record's other instances of it."""
    local = timezone.localtime(now)
    repeating = repeats(record.study, event, instrument)
    instances: dict[str, dict[int, Stored]] = {}
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


def event_values(record: Record) -> dict[str, dict[str, Stored]]:
    """The record's values at each event (first instances), as `[event][field]` reads them."""
    found: dict[str, dict[str, Stored]] = {}
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
