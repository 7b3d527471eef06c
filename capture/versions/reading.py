"""Reading a study's dictionary versions: the applied one, the proposal, the archive."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from django.core.exceptions import ValidationError

from capture.logic import changes as logic_changes
from capture.models import DictionaryVersion, Entry, Study
from capture.services import current_dictionary
from formats.datadictionary import (
    DataDictionary,
    Field,
    FieldType,
    read_data_dictionary,
)

ARCHIVE = logic_changes.ARCHIVE
CHOICE_TYPES = frozenset(
    {
        FieldType.DROPDOWN,
        FieldType.RADIO,
        FieldType.CHECKBOX,
        FieldType.YESNO,
        FieldType.TRUEFALSE,
    }
)
MAX_LISTED = 200  # invalid values listed per field; the total is always given
BATCH = 1_000
MAX_CSV_CHARS = 2 * 1024 * 1024


def archive_key(name: str, version: int) -> str:
    """Where a value set aside by a version is kept: `<field>__v<version that defined it>`."""
    return f"{name}__v{version}"


def digest(csv_text: str) -> str:
    """A short fingerprint of a dictionary's text: what a preview or a form was made from."""
    return hashlib.sha256(csv_text.encode()).hexdigest()[:16]


# --- Reading versions -----------------------------------------------------------------


def applied_version(study: Study) -> DictionaryVersion:
    version = (
        study.versions.filter(state=DictionaryVersion.State.APPLIED).order_by("-number").first()
    )
    if version is None:
        raise ValidationError("The study has no data dictionary yet.")
    return version


def proposal_of(study: Study) -> DictionaryVersion | None:
    return study.versions.filter(state=DictionaryVersion.State.PROPOSED).first()


def needs_versioning(study: Study) -> bool:
    """Whether a change must be previewed and applied: the study is live or holds data."""
    return study.status != Study.Status.DESIGN or Entry.objects.filter(record__study=study).exists()


def _fields(csv_text: str) -> tuple[Field, ...]:
    return read_data_dictionary(csv_text).dictionary.fields


def archived_fields(study: Study) -> list[Field]:
    """The definitions of archived values, named by their archive keys, in the order set aside.

    Each copies the field as the version that held it defined it (type, choices and labels
    still describe the archived codes), without logic, so exports can label it.
    """
    versions = study.versions.filter(state=DictionaryVersion.State.APPLIED).order_by("number")
    sources: dict[int, dict[str, Field]] = {}
    found: list[Field] = []
    for archived in versions.values_list("archived", flat=True):
        for key, origin in (archived or {}).items():
            number = int(origin["version"])
            if number not in sources:
                old = study.versions.filter(number=number).values_list("csv", flat=True).first()
                sources[number] = {f.name: f for f in _fields(old or "")} if old else {}
            source = sources[number].get(origin["field"])
            if source is not None:
                found.append(
                    replace(
                        source,
                        name=key,
                        label=f"{source.plain_label} [archived from v{number}]",
                        branching_logic="",
                        required=False,
                    )
                )
    return found


def archive_keys(study: Study) -> set[str]:
    keys: set[str] = set()
    for archived in study.versions.values_list("archived", flat=True):
        keys.update(archived or {})
    return keys


def export_dictionary(study: Study, *, archived: bool = False) -> DataDictionary:
    """The fields an export writes: the applied dictionary, then archived values if asked."""
    fields = list(current_dictionary(study).fields)
    if archived:
        fields += archived_fields(study)
    return DataDictionary(tuple(fields))


def proposal_csv(study: Study) -> str:
    """The text the form builder edits: the proposal if there is one, else the applied draft."""
    proposal = proposal_of(study)
    return proposal.csv if proposal else applied_version(study).csv
