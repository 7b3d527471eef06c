"""Sorting the records of a file: the evidence that a record is a work already known.

The platform's outputs that share a DOI, PMID or title key with the file, and the
file's earlier entries, are the candidates (`Candidates`); `_match` weighs the evidence
(the rules are in the package's docstring) and `_judge` gives each record its state:
new, duplicate, possible or refused. Nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

from formats.bibliography import Record
from formats.bibliography.text import fold, title_key
from outputs.imports.entries import (
    BATCH,
    DUPLICATE,
    IDENTIFIERS,
    MERGED_FIELDS,
    NEW,
    POSSIBLE,
    PRESENTED,
    PUBLISHED_FORMS,
    REFUSED,
    Entry,
    Preview,
    Progress,
    _title_of,
)
from outputs.matching import PeopleIndex
from outputs.models import Author, Output, split_name

if TYPE_CHECKING:
    from accounts.models import User


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
