"""Captured values for statistics: the de-identified columns an analyst may read.

The stats app reads study data only through here, under capture's own rules: the person
needs `Can.EXPORT_DEIDENTIFIED` (with its two-factor gate) and gets the records of the
sites that right covers — every site for the statistician and the study admin. Only
fields a de-identified export keeps are offered, and of those only the ones a statistic
can use: numbers, codes (radio, dropdown, yes/no, slider, calculated) and each checkbox
option as a 0/1 column (`field___code`, as REDCap exports it). Dates and free text never
leave capture this way, so no value needs shifting. In a longitudinal study one event is
analysed at a time (one record is one case): its forms' fields, its values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from capture import access
from capture.access import Can
from capture.logic import Stored
from capture.models import Entry, Event, Study
from capture.services import current_dictionary
from formats.datadictionary import NUMERIC_VALIDATION, Field, FieldType
from formats.exports import is_dropped

if TYPE_CHECKING:
    from accounts.models import User

CODED = frozenset({FieldType.RADIO, FieldType.DROPDOWN, FieldType.YESNO, FieldType.TRUEFALSE})
CHUNK = 2_000


@dataclass(frozen=True)
class AnalysisField:
    """A column a statistic can read: numeric values, or codes with their labels."""

    name: str
    label: str
    form: str
    numeric: bool
    choices: tuple[tuple[str, str], ...] = ()
    source: str = ""  # the dictionary field a checkbox option column comes from
    comma: bool = False  # stored with a decimal comma (`12,5`), read as 12.5

    @property
    def title(self) -> str:
        return f"{self.label} ({self.name})"


@dataclass(frozen=True)
class AnalysisValues:
    """One row per record (label and site code), one list of raw values per field."""

    records: list[str]
    sites: list[str]
    columns: dict[str, list[str | None]]


def analysis_events(study: Study) -> list[Event]:
    """A longitudinal study's events, one of which an analysis reads; none for a classic one."""
    return list(
        Event.objects.filter(study=study)
        .prefetch_related("designations")
        .order_by("arm__number", "order", "pk")
    )


def analysis_event(study: Study, event: str) -> Event | None:
    """The event named (None in a classic study); a longitudinal study's must be one of its."""
    events = analysis_events(study)
    if not events:
        return None
    found = next((e for e in events if e.unique_name == event), None)
    if found is None:
        names = ", ".join(e.unique_name for e in events)
        raise ValidationError({"event": f"Choose the event to analyse, one of {names}."})
    return found


def analysis_fields(user: User, study: Study, event: str = "") -> list[AnalysisField]:
    """The fields the person may analyse (at the event), in dictionary order."""
    access.require(user, study, Can.EXPORT_DEIDENTIFIED)
    return _fields(study, analysis_event(study, event))


def _fields(study: Study, event: Event | None = None) -> list[AnalysisField]:
    dictionary = current_dictionary(study)
    repeating = set(study.repeating_instruments)
    forms: set[str] | None = None
    if event is not None:
        designations = list(event.designations.all())
        forms = set() if event.repeating else {d.instrument for d in designations}
        repeating = {d.instrument for d in designations if d.repeating}
    found: list[AnalysisField] = []
    for f in dictionary.fields[1:]:  # the first field is the record id
        # One record is one case: instances of a repeating instrument (lesions, visits)
        # are correlated within a record, which the statistics do not model.
        if f.form in repeating or is_dropped(f) or (forms is not None and f.form not in forms):
            continue
        found.extend(_columns_of(f))
    return found


def _columns_of(f: Field) -> list[AnalysisField]:
    label = f.plain_label or f.name
    if f.field_type is FieldType.CHECKBOX:
        return [
            AnalysisField(
                f"{f.name}___{choice.code}", f"{label}: {choice.label}", f.form, False,
                (("1", "Ticked"), ("0", "Not ticked")), f.name,
            )
            for choice in f.choices
        ]  # fmt: skip
    if f.field_type in CODED:
        choices = tuple((c.code, c.label) for c in f.effective_choices)
        numeric = all(_is_number(code) for code, _ in choices)
        return [AnalysisField(f.name, label, f.form, numeric, choices, f.name)]
    if f.field_type in (FieldType.CALC, FieldType.SLIDER) or (
        f.field_type is FieldType.TEXT and f.validation in NUMERIC_VALIDATION
    ):
        return [AnalysisField(f.name, label, f.form, True, (), f.name, f.decimal_comma)]
    return []


def _is_number(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True


def analysis_values(
    user: User, study: Study, names: Sequence[str], event: str = ""
) -> AnalysisValues:
    """The named columns for every record the person may take, de-identified (at the event).

    A name that is not an analysable field is refused with a `KeyError` naming it, so
    nothing outside `analysis_fields` can be read through here.
    """
    access.require(user, study, Can.EXPORT_DEIDENTIFIED)
    the_event = analysis_event(study, event)
    fields = {f.name: f for f in _fields(study, the_event)}
    unknown = [name for name in names if name not in fields]
    if unknown:
        raise KeyError(f"{unknown[0]} is not a field you may analyse in this study.")
    records = access.records_for(user, study, Can.EXPORT_DEIDENTIFIED)
    rows = list(
        records.order_by("study_site__code", "number").values_list(
            "pk", "label", "study_site__code"
        )
    )
    position = {pk: index for index, (pk, _, _) in enumerate(rows)}
    columns: dict[str, list[str | None]] = {name: [None] * len(rows) for name in names}
    forms = {fields[name].form for name in names}
    entries = Entry.objects.filter(
        record__in=records, instrument__in=forms, instance=1, event=the_event
    )
    wanted = [fields[name] for name in names]
    for record_id, data in entries.values_list("record_id", "data").iterator(chunk_size=CHUNK):
        at = position[record_id]
        for f in wanted:
            if f.source in data:
                columns[f.name][at] = _value(f, data[f.source])
    return AnalysisValues(
        records=[label for _, label, _ in rows],
        sites=[code for _, _, code in rows],
        columns=columns,
    )


def _value(f: AnalysisField, stored: Stored) -> str | None:
    if f.name != f.source:  # a checkbox option: ticked or not
        code = f.name.rpartition("___")[2]
        return "1" if code in (stored or []) else "0"
    if isinstance(stored, list):  # only a checkbox keeps a list, read option by option above
        return ",".join(stored)
    if stored == "":
        return None
    if f.comma and isinstance(stored, str):
        return stored.replace(",", ".")  # REDCap's `_comma_decimal` types: 12,5 is 12.5
    return stored
