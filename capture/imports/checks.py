"""The file as the study reads it: the result of a check, and what one row can tell.

`ImportCheck` is what a preview shows and `ImportRefused` what a commit raises; `_context`
gathers what the checks need of the study (the person's sites, the dictionary, events,
archived columns) and `_reader` reads the file through the pure `formats.records`
reader. `_check_row` adds what needs the study: the site of each record (its
`redcap_data_access_group`, a study-site code, or the person's only site), record ids of
the form `CODE-n` with the site's code exactly (or REDCap's own ids, no two differing
only in case) and identifiers in the values. The preview (`preview.py`) and the commit
(`commit.py`) check every row alike through it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from capture import access
from capture.access import Can
from capture.logic import Stored
from capture.models import Event, Study, StudySite
from capture.services import Dictionary, current_dictionary, identifier_problem
from capture.versions.reading import archive_keys
from core.identifiers import describe, find_identifiers
from formats.datadictionary import DataDictionary, Field, FieldType
from formats.records import Finding, RecordReader, RecordRow
from formats.records.flatcsv import Events

if TYPE_CHECKING:
    from accounts.models import User


BATCH = 5_000
Progress = Callable[[int], None]


# A value as a preview compares it: stored (a checkbox's codes sorted), or a form's status.
Compared = Stored | int | None
Change = tuple[str, Compared, Compared]  # field (or <form>_complete), stored value, the file's


@dataclass
class ImportCheck:
    """What a preview shows: counts, every error and warning, by row and field."""

    rows: int = 0
    records: int = 0
    new_records: int = 0
    updated_records: int = 0
    unchanged_records: int = 0  # records that exist and that the file leaves as they are
    # Record id -> every value the file changes in it (field, old, new), for the preview.
    changes: dict[str, list[Change]] = field(default_factory=dict)
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    notices: list[Finding] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)  # as the file gives them, in order

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_changes(self) -> list[tuple[str, list[tuple[str, str, str]]]]:
        """Each updated record with its changes as the preview shows them (old → new)."""
        return [
            (label, [(name, _shown(old), _shown(new)) for name, old, new in changes])
            for label, changes in self.changes.items()
        ]


class ImportRefused(Exception):
    def __init__(self, check: ImportCheck) -> None:
        super().__init__("\n".join(str(error) for error in check.errors[:50]))
        self.check = check


def _shown(value: Compared) -> str:
    """A value as the preview shows it: a checkbox's codes joined, nothing as (empty)."""
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return "(empty)" if value in (None, "") else str(value)


@dataclass
class _Context:
    study: Study
    dictionary: Dictionary
    sites: dict[str, StudySite]  # code (lower case) -> study site the person may enter at
    default_site: StudySite | None
    # Every field a row may write: each value is screened for identifiers, as the entry
    # form screens it (a number field can hold an NHS number).
    screened: tuple[Field, ...] = ()
    # REDCap's own record ids, kept as given (Study.RecordIds.REDCAP), instead of CODE-n.
    free_ids: bool = False
    # Ids of the file by their small letters: two that differ only in case are refused.
    folded: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Columns read past with a notice: values archived by dictionary versions.
    skip: dict[str, str] = field(default_factory=dict)
    # A longitudinal study's events, as the reader checks rows (None: classic), and the
    # id of each by its unique name.
    events: Events | None = None
    event_ids: dict[str, int] = field(default_factory=dict)
    # What screening found in each value already screened (None: nothing). Across a
    # study's rows the same values come back (scores, counts, dates), and screening is
    # most of a row's cost; every field is screened alike, so the text is the key.
    screened_values: dict[str, str | None] = field(default_factory=dict)


def _context(actor: User, study: Study) -> _Context:
    access.require(actor, study, Can.ENTER)
    if study.status != Study.Status.LIVE:
        raise PermissionDenied("Records are imported into a live study only.")
    sites = {s.code.lower(): s for s in access.site_choices(actor, study, Can.ENTER)}
    default = next(iter(sites.values())) if len(sites) == 1 else None
    dictionary = current_dictionary(study)
    free = study.record_ids == Study.RecordIds.REDCAP
    context = _Context(study, dictionary, sites, default, tuple(dictionary.fields), free)
    context.skip = dict.fromkeys(archive_keys(study), ARCHIVED)
    context.events, context.event_ids = _events(study)
    return context


def _events(study: Study) -> tuple[Events | None, dict[str, int]]:
    """The study's events as the reader checks rows against them; None if it has none."""
    events = list(Event.objects.filter(study=study).prefetch_related("designations"))
    if not events:
        return None, {}
    return (
        Events(
            forms={
                e.unique_name: frozenset(d.instrument for d in e.designations.all()) for e in events
            },
            repeating={
                e.unique_name: frozenset(d.instrument for d in e.designations.all() if d.repeating)
                for e in events
            },
            repeating_events=frozenset(e.unique_name for e in events if e.repeating),
        ),
        {e.unique_name: e.pk for e in events},
    )


ARCHIVED = (
    "values a dictionary version archived stay as they are (an export with archived "
    "values has this column); its cells are skipped"
)


def _as_imported(f: Field, dictionary: Dictionary) -> Field:
    """A calculation RadCollab does not evaluate is read from the file like a text field:
    it keeps the values it is given (issue 15, item 2); every other calc is recalculated."""
    if f.field_type == FieldType.CALC and dictionary.logic[f.name].calc is None:
        return replace(f, field_type=FieldType.TEXT, calculation="")
    return f


def _reader(context: _Context, text: str) -> RecordReader:
    now = timezone.now()
    return RecordReader(
        io.StringIO(text.lstrip("\ufeff"), newline=""),
        DataDictionary(
            tuple(_as_imported(f, context.dictionary) for f in context.dictionary.fields)
        ),
        today=timezone.localdate(),
        now=now,
        repeating_forms=context.study.repeating_instruments,
        groups=None,
        skip=context.skip,
        events=context.events,
    )


def _check_row(
    context: _Context, row: RecordRow, check: ImportCheck, seen: dict[str, StudySite | None]
) -> None:
    """Everything one row can tell on its own: cells, site and id, identifiers."""
    check.rows += 1
    check.errors.extend(row.errors)
    check.warnings.extend(row.warnings)
    if row.record_id and row.record_id not in seen:
        seen[row.record_id] = _site_of(context, row, check)
        if context.free_ids:
            _check_case(context, row, check)
    check.errors.extend(_identifiers(context, row))


def _clash(label: str, site: StudySite | None, site_id: int) -> str | None:
    """Why an existing record cannot take the file's rows, if it cannot (a lock refuses
    only the rows that would change the record: `_locked_change`)."""
    if site is not None and site_id != site.pk:
        return f"record {label} belongs to another site"
    return None


LABEL = re.compile(r"^([A-Za-z0-9]+)-([1-9][0-9]{0,9})$")
MAX_NUMBER = 2_147_483_647  # the largest record number every database stores


# REDCap's record names: letters, digits, spaces, _ - . @, at most 100 characters.
FREE_ID = re.compile(r"^[\w.@-](?:[\w .@-]{0,98}[\w.@-])?$")


def _check_case(context: _Context, row: RecordRow, check: ImportCheck) -> None:
    """Two ids of the file that differ only in case would be one record in REDCap: refused."""
    first = context.folded.setdefault(row.record_id.lower(), (row.record_id, row.row))
    if first[0] != row.record_id:
        check.errors.append(
            Finding(
                row.row,
                "record_id",
                f"record id {row.record_id!r} differs only in case from {first[0]!r} on row "
                f"{first[1]}; REDCap would take them for one record",
            )
        )


def _free_site(context: _Context, row: RecordRow, check: ImportCheck) -> StudySite | None:
    """A REDCap id's site: its redcap_data_access_group, or the person's only site."""
    if FREE_ID.match(row.record_id) is None:
        check.errors.append(
            Finding(
                row.row,
                "record_id",
                f"record id {row.record_id!r}: use letters, digits, spaces, _ - . or @, "
                "at most 100 characters",
            )
        )
        return None
    if findings := find_identifiers(row.record_id):
        message = f"record id: {describe(findings)}"
        check.errors.append(Finding(row.row, "record_id", message))
        return None
    site = context.sites.get(row.group.lower()) if row.group else context.default_site
    if site is None:
        message = (
            f"{row.group!r} is not a site of this study where you may enter records"
            if row.group
            else "you enter at several sites: name each record's site in redcap_data_access_group"
        )
        check.errors.append(Finding(row.row, "redcap_data_access_group", message))
    return site


def _site_of(context: _Context, row: RecordRow, check: ImportCheck) -> StudySite | None:
    """The site a record goes to, or None with an error naming the row."""
    if context.free_ids:
        return _free_site(context, row, check)
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
    elif (named := _named_site(context, row.record_id)) is not None:
        site = named
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
    # The code exactly as the site has it: `sth-1` beside an existing `STH-1` would be a
    # second record with the same number.
    if match is None or match.group(1) != site.code or int(match.group(2)) > MAX_NUMBER:
        check.errors.append(
            Finding(
                row.row,
                "record_id",
                f"record id {row.record_id!r} must be {site.code}-<number> for site "
                f"{site.code}: the code written just so, then a number up to {MAX_NUMBER:,}",
            )
        )
        return None
    return site


def _named_site(context: _Context, record_id: str) -> StudySite | None:
    """The site a `CODE-n` record id names, when it is one of the person's own sites."""
    match = LABEL.match(record_id)
    site = context.sites.get(match.group(1).lower()) if match else None
    return site if site is not None and match is not None and match.group(1) == site.code else None


SCREENED_KEPT = 50_000  # distinct values whose screening a file remembers


def _identifiers(context: _Context, row: RecordRow) -> Iterator[Finding]:
    known = context.screened_values
    values = row.values
    for found in context.screened:
        value = values.get(found.name)
        if not isinstance(value, str) or not value:
            continue
        if value in known:
            problem = known[value]
        else:
            problem = identifier_problem(found, value)
            if len(known) < SCREENED_KEPT:
                known[value] = problem
        if problem:
            yield Finding(row.row, found.name, f"field {found.name}: {problem}")


Instance = tuple[str, int, int | None]  # instrument, instance, event id (None: classic)
Values = dict[str, Stored]
