"""The import service: the preview, the kept draft of an upload, and the commit.

`import_preview` reads the file and sorts its entries (`sorting.py`), writing nothing;
`import_commit` does the same inside one transaction, then writes the chosen entries and
merges the duplicates (`writing.py`), all or nothing, with one audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from formats.bibliography import BibliographyError, Format, Problem, Record, read_entries, sniff
from outputs.imports.entries import NEW, REFUSED, Entry, Preview, Progress
from outputs.imports.sorting import _classify
from outputs.imports.writing import _create, _link_became, _merge, _refresh_mentors
from outputs.matching import PeopleIndex
from outputs.models import OutputImport
from outputs.services import authorship_request

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class ImportResult:
    batch: OutputImport
    created: int
    merged: int
    refused: int
    skipped: int = 0


def import_preview(
    *,
    person: User,
    text: str | bytes,
    fmt: str | None = None,
    progress: Progress | None = None,
    index: PeopleIndex | None = None,
) -> Preview:
    """What committing would do, writing nothing."""
    try:
        reading = read_entries(text, fmt or None)
    except BibliographyError as error:
        return Preview(format=Format(fmt) if fmt in set(Format) else None, problems=error.problems)
    people = index or PeopleIndex.load(importer=person)
    preview = _classify(person, reading.records, progress, people)
    preview.entries.extend(_unreadable(p) for p in reading.problems)
    preview.entries.sort(key=lambda e: e.index)
    preview.format, preview.encoding = reading.format, reading.encoding
    return preview


def _unreadable(problem: Problem) -> Entry:
    stub = Record(index=problem.index, label="", line=None, source_type="", kind=None, title="")
    return Entry(stub, REFUSED, problem.message, problem=problem)


def import_draft_create(
    *, person: User, text: str, fmt: str | None, filename: str = ""
) -> OutputImport:
    """Keep an uploaded file for a short while, so that its preview can be committed."""
    cutoff = timezone.now() - dt.timedelta(days=1)
    OutputImport.objects.filter(state=OutputImport.State.DRAFT, created_at__lt=cutoff).delete()
    return OutputImport.objects.create(
        person=person,
        format=fmt or (sniff(text) or ""),
        filename=filename[:200],
        text=text,
        digest=_digest(text),
    )


@transaction.atomic
def import_commit(
    *,
    actor: User | None,
    person: User,
    text: str,
    fmt: str | None = None,
    filename: str = "",
    draft: OutputImport | None = None,
    progress: Progress | None = None,
    chosen: Collection[int] | None = None,
) -> ImportResult:
    """Write the chosen entries, merge the duplicates, skip the refused: all or nothing.

    `chosen` holds the file positions of the entries to import: every new entry when
    None; a possible duplicate only when chosen (it is then a separate output).
    """
    index = PeopleIndex.load(importer=person)
    preview = import_preview(person=person, text=text, fmt=fmt, progress=progress, index=index)
    if preview.problems:
        messages = [str(p) for p in preview.problems]
        raise ValidationError(["The import is refused, nothing was written.", *messages])
    wanted = [
        e
        for e in preview.new + preview.possible
        if (e.index in chosen if chosen is not None else e.state == NEW)
    ]
    duplicates = [e for e in preview.duplicates if e.twin is None or e.twin in wanted]
    if not (wanted or duplicates):
        raise ValidationError("Nothing to import: no entry was chosen, or every one was refused.")
    created, asked = _create(person, wanted, progress, index)
    merged = _merge(person, [e for e in duplicates if e.existing is not None], index)
    _link_became(person, wanted)
    batch = draft or OutputImport(person=person, filename=filename[:200], digest=_digest(text))
    batch.format = str(preview.format or fmt or "")
    batch.state = OutputImport.State.COMMITTED
    batch.text = ""
    batch.created_count, batch.merged_count = len(created), len(merged)
    batch.refused_count = len(preview.refused)
    batch.committed_at = timezone.now()
    batch.save()
    skipped = len(preview.new) + len(preview.possible) - len(wanted)
    audit_record(
        actor=actor,
        action="outputs.import",
        obj=batch,
        changes={
            "created": (None, [o.pk for o in created]),
            "merged": (None, [o.pk for o in merged]),
            "refused": (None, [e.where for e in preview.refused]),
            "skipped": (None, skipped),
        },
    )
    authorship_request(actor=person, asked=asked)
    _refresh_mentors(created + merged)
    return ImportResult(batch, len(created), len(merged), len(preview.refused), skipped)


def _digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()
