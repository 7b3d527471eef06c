"""Longitudinal studies: a study's arms, events and instrument designations, as REDCap has them.

A study is longitudinal when it has events (`Event`); each entry then names its event
and `redcap_event_name` in exports and imports is the event's unique name. A classic
study has no events and its entries none (`Entry.event` null): it works as before.

`design_of` reads the study's design as the pure `formats.longitudinal.Design`, and
`design_replace` applies a new one in one transaction: events and designations are
matched by unique name, kept, changed, added or removed. Nothing that holds data is
removed: an event or a designation with entries is refused, naming the records. A
classic study that holds data and becomes longitudinal has its entries moved to its
first event (REDCap does the same), and each change is audited.

The design is versioned with the dictionary: the version in use records it
(`DictionaryVersion.design`). In design without data the draft's copy is replaced; a
study that holds data gets a new applied version with the same dictionary and the new
design, so the version history says when events changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from audit.services import audit_record
from capture.models import Arm, Designation, DictionaryVersion, Entry, Event, Study
from capture.services import audit_scope, current_dictionary
from capture.versions.reading import applied_version, needs_versioning
from formats import longitudinal as design_format
from formats.longitudinal import Design

if TYPE_CHECKING:
    from accounts.models import User

MAX_NAMED = 10  # records named in a refusal; the count is always given


# --- Reading --------------------------------------------------------------------------


def is_longitudinal(study: Study) -> bool:
    return study.events.exists()


def events_of(study: Study) -> list[Event]:
    """The study's events in REDCap's order (arm, then order), their designations loaded."""
    return list(
        Event.objects.filter(study=study)
        .select_related("arm")
        .prefetch_related("designations")
        .order_by("arm__number", "order", "pk")
    )


def design_of(study: Study) -> Design:
    events = events_of(study)
    return Design(
        arms=tuple(
            design_format.Arm(number=a.number, name=a.name)
            for a in Arm.objects.filter(study=study).order_by("number")
        ),
        events=tuple(
            design_format.Event(
                label=e.label,
                arm=e.arm.number,
                unique_name=e.unique_name,
                day_offset=e.day_offset,
                offset_min=e.offset_min,
                offset_max=e.offset_max,
                custom_label=e.custom_label,
                repeating=e.repeating,
            )
            for e in events
        ),
        designations=tuple(
            design_format.Designation(
                event=e.unique_name,
                form=d.instrument,
                repeating=d.repeating,
                custom_label=d.custom_label,
            )
            for e in events
            for d in e.designations.all()
        ),
    )


# --- Changing -------------------------------------------------------------------------


@dataclass
class DesignChange:
    """What `design_replace` did, for the page and the audit row."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    designated: list[str] = field(default_factory=list)
    undesignated: list[str] = field(default_factory=list)
    arms_renamed: list[str] = field(default_factory=list)
    moved_entries: int = 0
    version: int = 0

    @property
    def anything(self) -> bool:
        return bool(
            self.added
            or self.changed
            or self.removed
            or self.designated
            or self.undesignated
            or self.arms_renamed
            or self.moved_entries
        )


@transaction.atomic
def design_replace(*, actor: User, study: Study, design: Design, note: str = "") -> DesignChange:
    """Make the study's arms, events and designations the design's; all or nothing.

    Raises ValidationError with every reason (a design that is inconsistent, names an
    instrument the dictionary lacks, or removes what holds data).
    """
    study = Study.objects.select_for_update().get(pk=study.pk)
    if study.status == Study.Status.CLOSED:
        raise ValidationError({"events": "The study is closed: its events are final."})
    if study.versions.filter(state=DictionaryVersion.State.PROPOSED).exists():
        raise ValidationError(
            {
                "events": "A dictionary change is proposed: apply or discard it before "
                "changing events."
            }
        )
    instruments = list(current_dictionary(study).instruments)
    problems = design.problems(instruments)
    problems += _data_problems(study, design)
    if problems:
        raise ValidationError({"events": problems})
    before = design_of(study)
    change = _write(study, design, before)
    old_names = {arm.number: arm.name for arm in before.arms}
    change.arms_renamed = [
        f"{old_names[arm.number]} → {arm.name}"
        for arm in design.arms
        if arm.number in old_names and old_names[arm.number] != arm.name
    ]
    change.moved_entries = _move_classic_entries(study, design)
    if change.anything or before.arms != design.arms:
        change.version = _record_version(actor, study, design, note)
        audit_record(
            actor=actor,
            action="study.events",
            obj=study,
            changes={
                "events_added": (None, change.added),
                "events_changed": (None, change.changed),
                "events_removed": (None, change.removed),
                "designated": (None, change.designated),
                "undesignated": (None, change.undesignated),
                "arms_renamed": (None, change.arms_renamed),
                "entries_moved_to_first_event": (None, change.moved_entries),
                "dictionary_version": (None, change.version),
            },
            reason=note,
            scope=audit_scope(study),
        )
    return change


def _data_problems(study: Study, design: Design) -> list[str]:
    """Removals of what holds data, and a classic study's data that has no event to go to."""
    problems: list[str] = []
    keep = {(d.event, d.form) for d in design.designations}
    names = {e.unique_name for e in design.events}
    used = (
        Entry.objects.filter(record__study=study, event__isnull=False)
        .values("event__unique_name", "instrument")
        .annotate(n=Count("pk"))
    )
    for row in used:
        event, form, n = row["event__unique_name"], row["instrument"], row["n"]
        if event not in names:
            problems.append(f"Event {event!r} holds {n} entries: it cannot be removed.")
        elif (event, form) not in keep:
            problems.append(
                f"{form!r} holds {n} entries at event {event!r}: it must stay designated there."
            )
    classic = set(
        Entry.objects.filter(record__study=study, event__isnull=True)
        .values_list("instrument", flat=True)
        .distinct()
    )
    if classic and not design.events:
        return problems
    if classic:
        first = design.events[0].unique_name
        missing = sorted(classic - set(design.forms_of(first)))
        if missing:
            problems.append(
                f"The records' data goes to the first event, {first!r}: designate "
                f"{', '.join(missing)} to it."
            )
    return sorted(set(problems), key=problems.index)


def _write(study: Study, design: Design, before: Design) -> DesignChange:
    change = DesignChange()
    arms = _write_arms(study, design)
    existing = {e.unique_name: e for e in Event.objects.filter(study=study)}
    kept: dict[str, Event] = {}
    for order, spec in enumerate(design.events, start=1):
        event = existing.get(spec.unique_name) or Event(study=study, unique_name=spec.unique_name)
        values = {
            "arm": arms[spec.arm],
            "label": spec.label,
            "day_offset": spec.day_offset,
            "offset_min": spec.offset_min,
            "offset_max": spec.offset_max,
            "custom_label": spec.custom_label,
            "repeating": spec.repeating,
            "order": order,
        }
        if event.pk is None:
            change.added.append(spec.unique_name)
        elif before.event(spec.unique_name) != spec or event.order != order:
            change.changed.append(spec.unique_name)
        for name, value in values.items():
            setattr(event, name, value)
        event.save()
        kept[spec.unique_name] = event
    removed = [name for name in existing if name not in kept]
    Event.objects.filter(study=study, unique_name__in=removed).delete()
    change.removed = removed
    Arm.objects.filter(study=study).exclude(number__in=list(arms)).delete()
    _write_designations(design, before, kept, change)
    return change


def _write_arms(study: Study, design: Design) -> dict[int, Arm]:
    arms: dict[int, Arm] = {}
    for spec in design.arms:
        arm, _ = Arm.objects.update_or_create(
            study=study, number=spec.number, defaults={"name": spec.name}
        )
        arms[spec.number] = arm
    return arms


def _write_designations(
    design: Design, before: Design, events: dict[str, Event], change: DesignChange
) -> None:
    old = {(d.event, d.form): d for d in before.designations}
    new = {(d.event, d.form): d for d in design.designations}
    gone = [key for key in old if key not in new and key[0] in events]
    for event_name, form in gone:
        Designation.objects.filter(event=events[event_name], instrument=form).delete()
    for (event_name, form), spec in new.items():
        Designation.objects.update_or_create(
            event=events[event_name],
            instrument=form,
            defaults={"repeating": spec.repeating, "custom_label": spec.custom_label},
        )
    change.designated = [f"{f} @ {e}" for e, f in new if (e, f) not in old]
    change.undesignated = [f"{f} @ {e}" for e, f in old if (e, f) not in new]


def _move_classic_entries(study: Study, design: Design) -> int:
    if not design.events:
        return 0
    first = Event.objects.get(study=study, unique_name=design.events[0].unique_name)
    return Entry.objects.filter(record__study=study, event__isnull=True).update(event=first)


def _record_version(actor: User, study: Study, design: Design, note: str) -> int:
    """The version in use records the design: the draft's copy, or a new applied version."""
    current = applied_version(study)
    snapshot = design.as_dict()
    if not needs_versioning(study):
        current.design = snapshot
        current.save(update_fields=["design"])
        return current.number
    version = DictionaryVersion.objects.create(
        study=study,
        number=current.number + 1,
        csv=current.csv,
        note=(note or "Arms, events or designations changed")[:300],
        design=snapshot,
        summary={"design_only": True},
        created_by=actor,
        applied_by=actor,
        applied_at=timezone.now(),
    )
    return version.number


def design_from_files(
    *,
    study: Study,
    events: bytes,
    arms: bytes | None = None,
    designations: bytes | None = None,
    repeating: bytes | None = None,
) -> tuple[Design, list[str]]:
    """Read REDCap's CSVs against the study's instruments; ValidationError with every problem."""
    instruments = list(current_dictionary(study).instruments)
    try:
        return design_format.design_from_csv(
            arms=arms,
            events=events,
            designations=designations,
            repeating=repeating,
            instruments=instruments,
        )
    except design_format.DesignError as error:
        raise ValidationError({"events": error.problems}) from error
