"""The dictionary in force: a study's applied version, parsed and compiled once and
shared by every request."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.core.exceptions import ValidationError

from capture.logic import DictionaryLogicError, FieldLogic, read_with_logic
from capture.models import DictionaryVersion, Study
from capture.piping import Pipes
from formats.datadictionary import DataDictionary, DataDictionaryError, Field, Issue


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
