"""One import service for every bibliography format: read, preview, commit all-or-nothing.

    preview = import_preview(person=me, text=text, fmt="bibtex")   # writes nothing
    result = import_commit(actor=me, person=me, text=text, fmt="bibtex", chosen={1, 4})

The pure reader (formats.bibliography.read_entries) reads the file entry by entry; a
file that is empty, not text or not a bibliography is refused whole, with its reason.
The preview then lists every entry as one of:

- new: nothing like it on the platform or earlier in the file. When it has the title of
  a conference abstract, poster or talk by the same first or last author (or is that
  presentation of a known article), it is still new, and the two are linked: the
  presentation "became" the article. They are never merged;
- duplicate, with what it matched and why: the same DOI or PMID is the same work;
  otherwise the same title needs the same year (±1), the same kind and an overlapping
  first or last author. Committing fills the empty fields of the output it duplicates
  (a DOI or PMID only onto an output of the same kind); nothing is doubled;
- possible: the same title without that evidence, "possibly the same as …"; the
  person decides (import it as a separate output, or leave it out);
- refused, with the problem: an entry that could not be read, a type RadCollab does
  not keep, no authors, a field too long, or the same work as an output someone else
  recorded without the person among its authors.

The person imports the new entries (and the possible ones they tick) and skips the
refused ones in one confirmation. Committing re-reads the text and re-sorts the
entries inside one transaction, so what is written is what the database holds at
that moment, never a stale preview, and all of it or none of it is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core import bulk
from core.extensions import provided
from formats.bibliography import (
    BibliographyError,
    Format,
    Kind,
    Problem,
    Record,
    read_entries,
    sniff,
)
from formats.bibliography.text import fold, title_key
from outputs.matching import PeopleIndex
from outputs.models import Author, Output, OutputImport, split_name
from outputs.services import LinkRule, authorship_request

if TYPE_CHECKING:
    from accounts.models import User

NEW, DUPLICATE, POSSIBLE, REFUSED = "new", "duplicate", "possible", "refused"
# Filled on a duplicate when empty; the order is the order a preview lists them in.
MERGED_FIELDS = (
    "doi",
    "pmid",
    "venue",
    "date",
    "abstract",
    "volume",
    "issue",
    "pages",
    "article_number",
    "publisher",
    "issn",
)
FIELD_LABELS = {
    "doi": "DOI",
    "pmid": "PMID",
    "venue": "venue",
    "date": "date",
    "abstract": "abstract",
    "volume": "volume",
    "issue": "issue",
    "pages": "pages",
    "article_number": "article number",
    "publisher": "publisher",
    "issn": "ISSN",
}
# Identifiers name one work of one kind: never copied onto an output of another kind.
IDENTIFIERS = ("doi", "pmid")
PRESENTED = frozenset({Kind.ABSTRACT, Kind.POSTER, Kind.ORAL})
PUBLISHED_FORMS = frozenset({Kind.ARTICLE, Kind.PREPRINT, Kind.CHAPTER})
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
    # "became" links: the presentation this entry became, or the article it became.
    became_from: Output | Entry | None = None
    became: Output | Entry | None = None
    problem: Problem | None = None
    created: Output | None = None

    @property
    def where(self) -> str:
        return self.problem.where if self.problem else self.record.where

    @property
    def index(self) -> int:
        return self.record.index

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.record.warnings

    @property
    def kind_label(self) -> str:
        return Output.Kind(str(self.record.kind)).label if self.record.kind else ""

    @property
    def link_note(self) -> str:
        """'became the article “…”' or 'the abstract “…” became this'."""
        if self.became is not None:
            return f"will be linked: this became “{_title_of(self.became)}”"
        if self.became_from is not None:
            return f"will be linked: “{_title_of(self.became_from)}” became this"
        return ""


def _title_of(target: Output | Entry) -> str:
    return target.title if isinstance(target, Output) else target.record.title


@dataclass
class Preview:
    format: Format | None
    entries: list[Entry] = field(default_factory=list)
    problems: tuple[Problem, ...] = ()  # the file as a whole: nothing can be imported
    encoding: str = ""

    def _in(self, state: str) -> list[Entry]:
        return [e for e in self.entries if e.state == state]

    @property
    def new(self) -> list[Entry]:
        return self._in(NEW)

    @property
    def duplicates(self) -> list[Entry]:
        return self._in(DUPLICATE)

    @property
    def possible(self) -> list[Entry]:
        return self._in(POSSIBLE)

    @property
    def refused(self) -> list[Entry]:
        return self._in(REFUSED)

    @property
    def can_commit(self) -> bool:
        return not self.problems and bool(self.new or self.duplicates or self.possible)


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


# --- sorting the records -------------------------------------------------------------


@dataclass
class Candidate:
    """An output on the platform or an earlier entry of the file, as matching sees it."""

    target: Output | Entry
    kind: str
    year: int | None
    doi: str
    pmid: str
    authors: frozenset[str]  # folded family names of the first and last author

    @property
    def title(self) -> str:
        return _title_of(self.target)

    @property
    def where(self) -> str:
        if isinstance(self.target, Output):
            return f"“{self.target.title}” ({self.target.get_kind_display().lower()})"
        return f"{self.target.record.where} in this file"


def _ends(families: Sequence[str]) -> frozenset[str]:
    """The folded last words of the first and last author's family names."""
    named = [f for f in families if f.strip()]
    return frozenset(_family_key(f) for f in named[:1] + named[-1:]) - {""}


@lru_cache(maxsize=65_536)
def _family_key(family: str) -> str:
    words = fold(family).split()
    return words[-1] if words else ""


def _record_candidate(entry: Entry) -> Candidate:
    record = entry.record
    return Candidate(
        target=entry,
        kind=str(record.kind),
        year=record.date.year if record.date else None,
        doi=record.doi,
        pmid=record.pmid,
        authors=_ends([a.family for a in record.authors]),
    )


class Candidates:
    """Candidates by DOI, PMID and title key."""

    def __init__(self) -> None:
        self.by: dict[str, dict[str, list[Candidate]]] = {
            "doi": defaultdict(list),
            "pmid": defaultdict(list),
            "title_key": defaultdict(list),
        }

    def add(self, candidate: Candidate, title: str) -> None:
        for name, value in (
            ("doi", candidate.doi),
            ("pmid", candidate.pmid),
            ("title_key", title_key(title)),
        ):
            if value:
                self.by[name][value].append(candidate)


@dataclass
class Match:
    state: str  # DUPLICATE, POSSIBLE, or NEW with a "became" link
    candidate: Candidate
    reason: str
    became: bool = False


def _match(record: Record, candidates: Candidates) -> Match | None:
    """The evidence that `record` is a work already known (see the module docstring)."""
    for name, label in (("doi", "DOI"), ("pmid", "PMID")):
        value = getattr(record, name)
        for candidate in candidates.by[name].get(value, []) if value else []:
            return Match(DUPLICATE, candidate, f"the same {label} as {candidate.where}")
    authors = _ends([a.family for a in record.authors])
    year = record.date.year if record.date else None
    kind = str(record.kind)
    became: Match | None = None
    possible: Match | None = None
    for candidate in candidates.by["title_key"].get(title_key(record.title), []):
        if (record.doi and candidate.doi and record.doi != candidate.doi) or (
            record.pmid and candidate.pmid and record.pmid != candidate.pmid
        ):
            continue  # different identifiers: different works under one title
        same_year = (
            year is not None and candidate.year is not None and abs(year - candidate.year) <= 1
        )
        same_kind = kind == candidate.kind
        same_author = bool(authors & candidate.authors)
        if same_year and same_kind and same_author:
            reason = (
                f"the same title, year (±1), kind and first or last author as {candidate.where}"
            )
            return Match(DUPLICATE, candidate, reason)
        kinds = {kind, candidate.kind}
        if same_author and kinds & PRESENTED and kinds & PUBLISHED_FORMS and not same_kind:
            became = became or Match(NEW, candidate, "", became=True)
            continue
        missing = [
            label
            for label, ok in (("year", same_year), ("kind", same_kind), ("author", same_author))
            if not ok
        ]
        reason = f"possibly the same as {candidate.where}: the same title, but not the same " + (
            ", ".join(missing)
        )
        possible = possible or Match(POSSIBLE, candidate, reason)
    return became or possible


def _known(records: Sequence[Record]) -> tuple[Candidates, dict[int, Output]]:
    """The platform's outputs that share a DOI, PMID or title key with the file."""
    dois = {r.doi for r in records if r.doi}
    pmids = {r.pmid for r in records if r.pmid}
    keys = {title_key(r.title) for r in records}
    found: dict[int, Output] = {}
    for name, values in (("doi", dois), ("pmid", pmids), ("title_key", keys)):
        for chunk in _chunks(sorted(values)):
            for output in Output.objects.filter(**{f"{name}__in": chunk}):
                found.setdefault(output.pk, output)
    families: dict[int, list[str]] = defaultdict(list)
    for ids in _chunks(sorted(found)):
        rows = Author.objects.filter(output_id__in=ids).order_by("output_id", "position")
        for output_id, family, name in rows.values_list("output_id", "family", "name"):
            families[output_id].append(family or split_name(name)[0])
    candidates = Candidates()
    for output in sorted(found.values(), key=lambda o: o.pk):
        candidate = Candidate(
            target=output,
            kind=output.kind,
            year=output.date.year if output.date else None,
            doi=output.doi,
            pmid=output.pmid,
            authors=_ends(families[output.pk]),
        )
        candidates.add(candidate, output.title)
    return candidates, found


T = TypeVar("T")


def _chunks(values: Sequence[T], size: int = 900) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _classify(
    person: User, records: Sequence[Record], progress: Progress | None, index: PeopleIndex
) -> Preview:
    known, outputs = _known(records)
    editable = _editable_ids(person, list(outputs))
    unlinked_me = _unlinked_author_of(person, list(outputs), index)
    seen = Candidates()
    preview = Preview(format=None)
    for count, record in enumerate(records, start=1):
        entry = _judge(record, known, editable, unlinked_me, seen)
        preview.entries.append(entry)
        if entry.state in (NEW, POSSIBLE):
            seen.add(_record_candidate(entry), record.title)
        if progress and (count % BATCH == 0 or count == len(records)):
            progress("check", count, len(records))
    return preview


def _judge(
    record: Record,
    known: Candidates,
    editable: set[int],
    unlinked_me: set[int],
    seen: Candidates,
) -> Entry:
    refusal = _refusal(record)
    if refusal:
        return Entry(record, REFUSED, refusal)
    in_file = _match(record, seen)
    if in_file is not None and in_file.state == DUPLICATE:
        twin = cast(Entry, in_file.candidate.target)
        fills = _fills(twin.values, record, same_kind=twin.record.kind == record.kind)
        twin.values.update(fills)
        return Entry(record, DUPLICATE, in_file.reason, twin=twin, fills=list(fills))
    on_platform = _match(record, known)
    if on_platform is not None and on_platform.state == DUPLICATE:
        existing = cast(Output, on_platform.candidate.target)
        if existing.pk not in editable and existing.pk not in unlinked_me:
            reason = (
                f"already on RadCollab as “{existing.title}”, recorded by someone else "
                "without you among its linked authors: ask them to add you"
            )
            return Entry(record, REFUSED, reason, existing=existing)
        current = {f: getattr(existing, f) for f in MERGED_FIELDS}
        fills = _fills(current, record, same_kind=existing.kind == record.kind)
        reason = f"already recorded: {on_platform.reason}"
        return Entry(record, DUPLICATE, reason, existing=existing, fills=list(fills))
    entry = Entry(record, NEW, values=_values(record))
    match = on_platform if on_platform is not None else in_file
    for found in (in_file, on_platform):
        if found is not None and found.became:
            match = found
    if match is None:
        return entry
    if match.became:
        target = match.candidate.target
        if record.kind in PRESENTED:
            entry.became = target
        else:
            entry.became_from = target
        return entry
    entry.state, entry.reason = POSSIBLE, match.reason
    entry.existing = match.candidate.target if isinstance(match.candidate.target, Output) else None
    return entry


def _refusal(record: Record) -> str:
    if record.kind is None:
        return (
            f"its type ({record.source_type}) does not say what kind of output it is "
            "(a @misc is imported when it is an arXiv, medRxiv or bioRxiv preprint): "
            "add it by hand and choose its kind"
        )
    if not record.authors and not record.owner_orcid:
        return "it lists no authors"
    too_long = [
        label
        for label, value, limit in (
            ("title", record.title, 500),
            ("venue", record.venue, 300),
            ("DOI", record.doi, 200),
            ("volume", record.volume, 50),
            ("issue", record.issue, 50),
            ("pages", record.pages, 50),
            ("article number", record.article_number, 50),
            ("publisher", record.publisher, 300),
            ("ISSN", record.issn, 60),
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
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "article_number": record.article_number,
        "publisher": record.publisher,
        "issn": record.issn,
    }


def _fills(current: dict[str, Any], record: Record, *, same_kind: bool = True) -> dict[str, Any]:
    """The fields of `record` that would fill an empty field of `current`; a DOI or PMID
    only when both are the same kind of work."""
    offered = _values(record)
    return {
        f: offered[f]
        for f in MERGED_FIELDS
        if offered[f] and not current.get(f) and (same_kind or f not in IDENTIFIERS)
    }


def _editable_ids(person: User, ids: list[int]) -> set[int]:
    owned = Output.objects.filter(pk__in=ids, added_by=person).values_list("pk", flat=True)
    authored = Author.objects.filter(output_id__in=ids, person=person).values_list(
        "output_id", flat=True
    )
    return set(owned) | set(authored)


def _unlinked_author_of(person: User, ids: list[int], index: PeopleIndex) -> set[int]:
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


AuthorRow = tuple[int, int, str, int | None, int | None, str, str, str, str]
AUTHOR_COLUMNS = (
    "output",
    "position",
    "name",
    "person",
    "pending_person",
    "orcid",
    "family",
    "given",
    "affiliation",
)


def _create(
    person: User, entries: list[Entry], progress: Progress | None, index: PeopleIndex
) -> tuple[list[Output], dict[Output, set[int]]]:
    """Write the new outputs and their authors; also return, per output, the people
    named on it whose link waits for them (the importer's own link needs no answer)."""
    outputs = [_output(person, entry) for entry in entries]
    created = Output.objects.bulk_create(outputs, batch_size=BATCH)
    rule = LinkRule.of(person)
    rows: list[AuthorRow] = []
    asked: dict[Output, set[int]] = {}
    for output, entry in zip(created, entries, strict=True):
        entry.created = output
        mine = _author_rows(output.pk, entry.record, index, person, rule)
        asked[output] = {row[4] for row in mine if row[4] is not None}
        rows.extend(mine)
    _insert_authors(rows, progress)
    return created, asked


def _insert_authors(rows: list[AuthorRow], progress: Progress | None) -> None:
    """Author rows straight to the database (`core.bulk`): a 5,000-entry file has some
    40,000 of them, and building a model instance for each is most of the time
    bulk_create would take."""
    table = bulk.Table(Author, AUTHOR_COLUMNS)
    step = BATCH * 4
    for start in range(0, len(rows), step):
        table.insert(rows[start : start + step])
        if progress:
            progress("write", min(start + step, len(rows)), len(rows))


def _output(person: User, entry: Entry) -> Output:
    record, values = entry.record, entry.values
    date = values["date"]
    return Output(
        kind=str(record.kind),
        title=record.title,
        title_key=title_key(record.title),
        venue=values["venue"],
        date=date.first_day() if date else None,
        date_precision=date.precision if date else Output.Precision.DAY,
        status=str(record.status),
        doi=values["doi"],
        pmid=values["pmid"],
        abstract=values["abstract"],
        volume=values["volume"],
        issue=values["issue"],
        pages=values["pages"],
        article_number=values["article_number"],
        publisher=values["publisher"],
        issn=values["issn"],
        more_authors=record.et_al,
        affiliations="\n".join(record.affiliations),
        added_by=person,
    )


def _author_rows(
    output_id: int, record: Record, index: PeopleIndex, person: User, rule: LinkRule
) -> list[AuthorRow]:
    """(output, position, name, person, pending person, ORCID, family, given, affiliation)
    for each author of a new output: the importer is linked at once, anyone else they
    name waits for their answer."""
    if not record.authors:  # an ORCID work summary: the record's owner is the importer
        family, given = split_name(str(person))
        return [
            (
                output_id,
                1,
                str(person)[:200],
                person.pk,
                None,
                record.owner_orcid,
                family,
                given,
                "",
            )
        ]
    rows: list[AuthorRow] = []
    for position, name in enumerate(record.authors, start=1):
        found = index.match(name.display, name.orcid, name.family, name.given)
        rows.append(
            (
                output_id,
                position,
                name.display,
                *rule.split(found),
                name.orcid,
                name.family[:200],
                name.given[:200],
                "\n".join(name.affiliations),
            )
        )
    return rows


def _link_became(person: User, entries: list[Entry]) -> None:
    """Link each new presentation to the article it became (or the reverse), when both
    are now on the platform and the person may change the one that points."""
    changed: list[Output] = []
    for entry in entries:
        if entry.created is None:
            continue
        if entry.became is not None:
            target = _output_of(entry.became)
            if target is not None:
                entry.created.became = target
                changed.append(entry.created)
        elif entry.became_from is not None:
            source = _output_of(entry.became_from)
            mine = source is not None and (
                source.added_by_id == person.pk
                or source.authors.filter(person=person).exists()
                or isinstance(entry.became_from, Entry)
            )
            if source is not None and mine and source.became_id is None:
                source.became = entry.created
                changed.append(source)
    Output.objects.bulk_update(changed, ["became"], batch_size=BATCH)


def _output_of(target: Output | Entry) -> Output | None:
    return target if isinstance(target, Output) else target.created


def _merge(person: User, entries: list[Entry], index: PeopleIndex) -> list[Output]:
    """Fill the empty fields of each duplicated output once, however many entries match it."""
    ids = sorted({e.existing.pk for e in entries if e.existing is not None})
    outputs = Output.objects.select_for_update().in_bulk(ids)
    changed: set[int] = set()
    for entry in entries:
        assert entry.existing is not None
        output = outputs[entry.existing.pk]
        current = {f: getattr(output, f) for f in MERGED_FIELDS}
        same_kind = output.kind == entry.record.kind
        for name, value in _fills(current, entry.record, same_kind=same_kind).items():
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


def _claim(person: User, ids: list[int], index: PeopleIndex) -> None:
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
    recount = provided("track_records_recount")  # the mentors app's, a higher layer
    if recount is None:
        return
    ids = [o.pk for o in outputs]
    people: set[int] = set()
    for chunk in range(0, len(ids), 900):
        rows = Author.objects.filter(output_id__in=ids[chunk : chunk + 900], person__isnull=False)
        people.update(rows.values_list("person_id", flat=True))
    recount(people)
