"""One import service for every bibliography format: read, preview, commit all-or-nothing.

    preview = import_preview(person=me, text=text, fmt="bibtex")   # writes nothing
    result = import_commit(actor=me, person=me, text=text, fmt="bibtex")

The pure reader (formats.bibliography) turns the file into records or names every
malformed entry. The preview then sorts the records:

- new: nothing like it on the platform or earlier in the file;
- duplicate: the same work as an output the person owns (or is an unlinked author of),
  or as an earlier entry of the same file, found by DOI, PMID or normalised title
  (a title alone does not match when both DOIs or both PMIDs are known and differ).
  Committing fills the empty fields of the output it duplicates; nothing is doubled;
- refused, with the reason: a type RadCollab does not keep, no authors, a field too
  long, or the same work as an output someone else recorded without the person
  among its authors.

A file with any malformed entry is refused whole, and committing re-reads the text
and re-sorts the records inside the transaction, so what is written is what the
database holds at that moment, never a stale preview.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from audit.services import audit_record
from formats.bibliography import BibliographyError, Format, Problem, Record, read, sniff
from formats.bibliography.text import title_key
from outputs.matching import PeopleIndex
from outputs.models import Author, Output, OutputImport
from outputs.services import LinkRule, authorship_request

if TYPE_CHECKING:
    from django.db.models import Field

NEW, DUPLICATE, REFUSED = "new", "duplicate", "refused"
# Filled on a duplicate when empty; the order is the order a preview lists them in.
MERGED_FIELDS = ("doi", "pmid", "venue", "date", "abstract")
FIELD_LABELS = {
    "doi": "DOI",
    "pmid": "PMID",
    "venue": "venue",
    "date": "date",
    "abstract": "abstract",
}
BATCH = 500
Progress = Callable[[str, int, int], None]


@dataclass
class Entry:
    record: Record
    state: str
    reason: str = ""
    existing: Output | None = None
    twin: Entry | None = None  # the earlier entry of the same file this one duplicates
    fills: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Preview:
    format: Format | None
    entries: list[Entry] = field(default_factory=list)
    problems: tuple[Problem, ...] = ()

    def _in(self, state: str) -> list[Entry]:
        return [e for e in self.entries if e.state == state]

    @property
    def new(self) -> list[Entry]:
        return self._in(NEW)

    @property
    def duplicates(self) -> list[Entry]:
        return self._in(DUPLICATE)

    @property
    def refused(self) -> list[Entry]:
        return self._in(REFUSED)

    @property
    def can_commit(self) -> bool:
        return not self.problems and bool(self.new or self.duplicates)


@dataclass(frozen=True)
class ImportResult:
    batch: OutputImport
    created: int
    merged: int
    refused: int


def import_preview(
    *,
    person: Any,
    text: str,
    fmt: str | None = None,
    progress: Progress | None = None,
    index: PeopleIndex | None = None,
) -> Preview:
    """What committing would do, writing nothing; malformed entries land in `problems`."""
    chosen = Format(fmt) if fmt in set(Format) else sniff(text)
    people = index or PeopleIndex.load(importer=person)
    try:
        records = read(text, fmt or None)
    except BibliographyError as error:
        preview = _classify(person, error.readable, progress, people)
        preview.format, preview.problems = chosen, error.problems
        return preview
    preview = _classify(person, records, progress, people)
    preview.format = chosen
    return preview


def import_draft_create(
    *, person: Any, text: str, fmt: str | None, filename: str = ""
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
    actor: Any | None,
    person: Any,
    text: str,
    fmt: str | None = None,
    filename: str = "",
    draft: OutputImport | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Write every new entry and merge every duplicate, or nothing at all."""
    index = PeopleIndex.load(importer=person)
    preview = import_preview(person=person, text=text, fmt=fmt, progress=progress, index=index)
    if preview.problems:
        messages = [str(p) for p in preview.problems]
        raise ValidationError(["The import is refused, nothing was written.", *messages])
    if not (preview.new or preview.duplicates):
        raise ValidationError("Nothing to import: every entry was refused.")
    created, asked = _create(person, preview.new, progress, index)
    merged = _merge(person, [e for e in preview.duplicates if e.existing is not None], index)
    batch = draft or OutputImport(person=person, filename=filename[:200], digest=_digest(text))
    batch.format = str(preview.format or fmt or "")
    batch.state = OutputImport.State.COMMITTED
    batch.text = ""
    batch.created_count, batch.merged_count = len(created), len(merged)
    batch.refused_count = len(preview.refused)
    batch.committed_at = timezone.now()
    batch.save()
    audit_record(
        actor=actor,
        action="outputs.import",
        obj=batch,
        changes={
            "created": (None, [o.pk for o in created]),
            "merged": (None, [o.pk for o in merged]),
            "refused": (None, [e.record.where for e in preview.refused]),
        },
    )
    authorship_request(actor=person, asked=asked)
    _refresh_mentors(created + merged)
    return ImportResult(batch, len(created), len(merged), len(preview.refused))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- sorting the records -------------------------------------------------------------


class _Known:
    """The platform's outputs that share a DOI, PMID or title key with the file."""

    def __init__(self, records: Sequence[Record]) -> None:
        dois = {r.doi for r in records if r.doi}
        pmids = {r.pmid for r in records if r.pmid}
        keys = {title_key(r.title) for r in records}
        found: dict[int, Output] = {}
        for name, values in (("doi", dois), ("pmid", pmids), ("title_key", keys)):
            for chunk in _chunks(sorted(values)):
                for output in Output.objects.filter(**{f"{name}__in": chunk}):
                    found.setdefault(output.pk, output)
        self.by = {name: dict[str, Output]() for name in ("doi", "pmid", "title_key")}
        for output in sorted(found.values(), key=lambda o: o.pk):
            for name in self.by:
                value = getattr(output, name)
                if value:
                    self.by[name].setdefault(value, output)
        self.outputs = found

    def find(self, record: Record) -> Output | None:
        return _first_match(record, self.by, lambda o: (o.doi, o.pmid))


def _first_match(
    record: Record, by: dict[str, dict[str, Any]], ids: Callable[[Any], tuple[str, str]]
) -> Any:
    for name, value in (("doi", record.doi), ("pmid", record.pmid)):
        if value and value in by[name]:
            return by[name][value]
    candidate = by["title_key"].get(title_key(record.title))
    if candidate is None:
        return None
    doi, pmid = ids(candidate)
    differ = (record.doi and doi and record.doi != doi) or (
        record.pmid and pmid and record.pmid != pmid
    )
    return None if differ else candidate


def _chunks(values: Sequence[str], size: int = 900) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _classify(
    person: Any, records: Sequence[Record], progress: Progress | None, index: PeopleIndex
) -> Preview:
    known = _Known(records)
    editable = _editable_ids(person, list(known.outputs))
    unlinked_me = _unlinked_author_of(person, list(known.outputs), index)
    seen: dict[str, dict[str, Entry]] = {"doi": {}, "pmid": {}, "title_key": {}}
    preview = Preview(format=None)
    for count, record in enumerate(records, start=1):
        entry = _judge(record, person, known, editable, unlinked_me, seen)
        preview.entries.append(entry)
        if entry.state == NEW:
            for name, value in (
                ("doi", record.doi),
                ("pmid", record.pmid),
                ("title_key", title_key(record.title)),
            ):
                if value:
                    seen[name].setdefault(value, entry)
        if progress and (count % BATCH == 0 or count == len(records)):
            progress("check", count, len(records))
    return preview


def _judge(
    record: Record,
    person: Any,
    known: _Known,
    editable: set[int],
    unlinked_me: set[int],
    seen: dict[str, dict[str, Entry]],
) -> Entry:
    refusal = _refusal(record)
    if refusal:
        return Entry(record, REFUSED, refusal)
    twin = _first_match(record, seen, lambda e: (e.record.doi, e.record.pmid))
    if twin is not None:
        fills = _fills(twin.values, record)
        twin.values.update(fills)
        reason = f"the same work as {twin.record.where} in this file"
        return Entry(record, DUPLICATE, reason, twin=twin, fills=list(fills))
    existing = known.find(record)
    if existing is None:
        return Entry(record, NEW, values=_values(record))
    if existing.pk not in editable and existing.pk not in unlinked_me:
        reason = (
            f"already on RadCollab as “{existing.title}”, recorded by someone else "
            "without you among its linked authors: ask them to add you"
        )
        return Entry(record, REFUSED, reason, existing=existing)
    fills = _fills({f: getattr(existing, f) for f in MERGED_FIELDS}, record)
    reason = f"already recorded as “{existing.title}”"
    return Entry(record, DUPLICATE, reason, existing=existing, fills=list(fills))


def _refusal(record: Record) -> str:
    if record.kind is None:
        return (
            f"its type ({record.source_type}) is not an output RadCollab keeps: articles, "
            "conference abstracts, posters, talks, book chapters and grants"
        )
    if not record.authors and not record.owner_orcid:
        return "it lists no authors"
    too_long = [
        label
        for label, value, limit in (
            ("title", record.title, 500),
            ("venue", record.venue, 300),
            ("DOI", record.doi, 200),
        )
        if len(value) > limit
    ] + [f"author {a.display[:40]}…" for a in record.authors if len(a.display) > 200]
    return f"too long for RadCollab: {', '.join(too_long)}" if too_long else ""


def _values(record: Record) -> dict[str, Any]:
    return {
        "doi": record.doi,
        "pmid": record.pmid,
        "venue": record.venue,
        "date": record.date,
        "abstract": record.abstract,
    }


def _fills(current: dict[str, Any], record: Record) -> dict[str, Any]:
    """The fields of `record` that would fill an empty field of `current`."""
    offered = _values(record)
    return {f: offered[f] for f in MERGED_FIELDS if offered[f] and not current.get(f)}


def _editable_ids(person: Any, ids: list[int]) -> set[int]:
    owned = Output.objects.filter(pk__in=ids, added_by=person).values_list("pk", flat=True)
    authored = Author.objects.filter(output_id__in=ids, person=person).values_list(
        "output_id", flat=True
    )
    return set(owned) | set(authored)


def _unlinked_author_of(person: Any, ids: list[int], index: PeopleIndex) -> set[int]:
    """Outputs where an author without a person has this person's name (they may claim it)."""
    rows = Author.objects.filter(output_id__in=ids, person__isnull=True).values_list(
        "output_id", "name", "orcid"
    )
    return {
        output_id
        for output_id, name, orcid in rows
        if index.match(name, orcid, *_split(name)) == getattr(person, "pk", None)
    }


def _split(display: str) -> tuple[str, str]:
    words = display.split()
    return (words[-1], " ".join(words[:-1])) if words else ("", "")


# --- writing ---------------------------------------------------------------------------


AuthorRow = tuple[int, int, str, int | None, int | None, str]


def _create(
    person: Any, entries: list[Entry], progress: Progress | None, index: PeopleIndex
) -> tuple[list[Output], dict[Output, set[int]]]:
    """Write the new outputs and their authors; also return, per output, the people
    named on it whose link waits for them (the importer's own link needs no answer)."""
    outputs = [_output(person, entry) for entry in entries]
    created = Output.objects.bulk_create(outputs, batch_size=BATCH)
    rule = LinkRule.of(person)
    rows: list[AuthorRow] = []
    asked: dict[Output, set[int]] = {}
    for output, entry in zip(created, entries, strict=True):
        mine = _author_rows(output.pk, entry.record, index, person, rule)
        asked[output] = {row[4] for row in mine if row[4] is not None}
        rows.extend(mine)
    _insert_authors(rows, progress)
    return created, asked


def _insert_authors(rows: list[AuthorRow], progress: Progress | None) -> None:
    """Author rows straight to the database: a 5,000-entry file has some 40,000 of them,
    and building a model instance for each is most of the time bulk_create would take."""
    meta = Author._meta
    fields = ("output", "position", "name", "person", "pending_person", "orcid")
    columns = [cast("Field[Any, Any]", meta.get_field(name)).column for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES (%s, %s, %s, %s, %s, %s)"  # noqa: S608 - names from the model
    step = BATCH * 4
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            cursor.executemany(sql, rows[start : start + step])
            if progress:
                progress("write", min(start + step, len(rows)), len(rows))


def _output(person: Any, entry: Entry) -> Output:
    record, values = entry.record, entry.values
    date = values["date"]
    return Output(
        kind=str(record.kind),
        title=record.title,
        title_key=title_key(record.title),
        venue=values["venue"],
        date=date.first_day() if date else None,
        date_precision=date.precision if date else Output.Precision.DAY,
        status=Output.Status.PUBLISHED,
        doi=values["doi"],
        pmid=values["pmid"],
        abstract=values["abstract"],
        added_by=person,
    )


def _author_rows(
    output_id: int, record: Record, index: PeopleIndex, person: Any, rule: LinkRule
) -> list[AuthorRow]:
    """(output, position, name, person, pending person, ORCID) for each author of a new
    output: the importer is linked at once, anyone else they name waits for their answer."""
    if not record.authors:  # an ORCID work summary: the record's owner is the importer
        return [(output_id, 1, str(person)[:200], person.pk, None, record.owner_orcid)]
    rows: list[AuthorRow] = []
    for position, name in enumerate(record.authors, start=1):
        found = index.match(name.display, name.orcid, name.family, name.given)
        rows.append((output_id, position, name.display, *rule.split(found), name.orcid))
    return rows


def _merge(person: Any, entries: list[Entry], index: PeopleIndex) -> list[Output]:
    """Fill the empty fields of each duplicated output once, however many entries match it."""
    ids = sorted({e.existing.pk for e in entries if e.existing is not None})
    outputs = Output.objects.select_for_update().in_bulk(ids)
    changed: set[int] = set()
    for entry in entries:
        assert entry.existing is not None
        output = outputs[entry.existing.pk]
        current = {f: getattr(output, f) for f in MERGED_FIELDS}
        for name, value in _fills(current, entry.record).items():
            if name == "date":
                output.date, output.date_precision = value.first_day(), value.precision
            else:
                setattr(output, name, value)
            changed.add(output.pk)
    now = timezone.now()
    for pk in changed:
        outputs[pk].version += 1
        outputs[pk].updated_at = now
    Output.objects.bulk_update(
        [outputs[pk] for pk in sorted(changed)],
        [*MERGED_FIELDS, "date_precision", "version", "updated_at"],
        batch_size=BATCH,
    )
    _claim(person, ids, index)
    return [outputs[pk] for pk in ids]


def _claim(person: Any, ids: list[int], index: PeopleIndex) -> None:
    """Link the importing person to their unlinked author row on outputs that lack them."""
    rows = Author.objects.filter(output_id__in=ids).only(
        "pk", "output_id", "name", "orcid", "person_id", "pending_person_id"
    )
    by_output: dict[int, list[Author]] = {}
    for author in rows:
        by_output.setdefault(author.output_id, []).append(author)
    claimed = []
    for authors in by_output.values():
        if any(a.person_id == person.pk for a in authors):
            continue
        for author in authors:
            if (
                author.person_id is None
                and index.match(author.name, author.orcid, *_split(author.name)) == person.pk
            ):
                author.person_id, author.pending_person_id = person.pk, None
                claimed.append(author)
                break
    Author.objects.bulk_update(claimed, ["person", "pending_person"], batch_size=BATCH)
    # Claiming one's own authorship undoes an earlier refusal of it.
    Output.declined_by.through.objects.filter(
        output_id__in=[a.output_id for a in claimed], user_id=person.pk
    ).delete()


def _refresh_mentors(outputs: list[Output]) -> None:
    from mentors.stats import mentor_stats_refresh_for_people

    ids = [o.pk for o in outputs]
    people: set[int] = set()
    for chunk in range(0, len(ids), 900):
        rows = Author.objects.filter(output_id__in=ids[chunk : chunk + 900], person__isnull=False)
        people.update(rows.values_list("person_id", flat=True))
    mentor_stats_refresh_for_people(people)
