"""RIS (EndNote, Zotero, Mendeley, journal sites) through rispy, one record at a time.

rispy reads a record between `TY  -` and `ER  -`; this module first finds those
records itself, so that a record left open, a tag outside any record, or a record
without a type is named by its line instead of vanishing silently.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TypeAlias

import rispy

from formats.bibliography.common import (
    OTHERS,
    Collector,
    EntryProblem,
    doi_and_warning,
    lenient_date,
    need_title,
    page_range,
    status_of,
)
from formats.bibliography.model import Kind, Name, PartialDate, Record, Status
from formats.bibliography.text import clean_pmid, orcids_for, squash

TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
KINDS: dict[str, Kind] = {
    "JOUR": Kind.ARTICLE,
    "JFULL": Kind.ARTICLE,
    "EJOUR": Kind.ARTICLE,
    "MGZN": Kind.ARTICLE,
    "INPR": Kind.ARTICLE,
    "UNPB": Kind.ARTICLE,
    "MANSCPT": Kind.ARTICLE,
    "ABST": Kind.ABSTRACT,
    "CONF": Kind.ABSTRACT,
    "CPAPER": Kind.ABSTRACT,
    "SLIDE": Kind.ORAL,
    "BOOK": Kind.BOOK,
    "EBOOK": Kind.BOOK,
    "EDBOOK": Kind.BOOK,
    "CHAP": Kind.CHAPTER,
    "ECHAP": Kind.CHAPTER,
    "THES": Kind.THESIS,
    "RPRT": Kind.REPORT,
    "GOVDOC": Kind.REPORT,
    "DATA": Kind.DATASET,
    "AGGR": Kind.DATASET,
    "COMP": Kind.SOFTWARE,
    "GRANT": Kind.GRANT,
}
BOOK_TYPES = frozenset({"BOOK", "EBOOK", "EDBOOK", "CHAP", "ECHAP"})
# Types that are a preprint when an identifier says so (Zotero writes preprints as these).
MISC_TYPES = frozenset({"GEN", "ELEC", "WEB", "BLOG", "STAND"})
PREPRINT_SIGNS = re.compile(r"\b(?:arxiv|medrxiv|biorxiv|preprints?|ssrn)\b", re.IGNORECASE)
PREPRINT_DOI = re.compile(r"^10\.(?:1101|48550|21203|2139|20944|31219)/")
LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "AD", "SN", "C7"]
DATE = re.compile(r"^(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")
STATUS_NOTE = re.compile(r"^(?:publication\s+)?status:\s*(.+)$", re.IGNORECASE)
ORCID_NOTE = re.compile(
    r"^ORCID:\s*(?P<name>.+?)\s*/\s*(?P<orcid>\d{4}-\d{4}-\d{4}-\d{3}[\dX])$", re.IGNORECASE
)
PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
# One record as rispy reads it: a text per tag, a list for LIST_TAGS, and tags rispy does
# not know under "unknown_tag" (tag → its values).
Entry: TypeAlias = dict[str, str | list[str] | dict[str, list[str]]]


def read_ris(text: str) -> tuple[Record, ...]:
    return scan_ris(text).result()


def scan_ris(text: str) -> Collector:
    found = Collector()
    for index, (line, chunk) in enumerate(_chunks(text, found), start=1):
        try:
            entries = rispy.loads(chunk, list_tags=LIST_TAGS)
            if len(entries) != 1:
                raise EntryProblem("it could not be read as one RIS record")
            found.records.append(_record(index, line, entries[0]))
        except EntryProblem as problem:
            found.problem(index, str(problem), "", line)
    return found


def _chunks(text: str, found: Collector) -> list[tuple[int, str]]:
    """(first line, text) of each TY…ER record; structural problems go to `found`."""
    chunks: list[tuple[int, str]] = []
    start: int | None = None
    lines: list[str] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        match = TAG.match(raw.rstrip())
        tag = match.group(1) if match else None
        if start is None:
            if tag == "TY":
                start, lines = number, [raw]
            elif raw.strip():
                index = len(chunks) + 1
                found.problem(
                    index, f"line {number} is outside any record (a record starts with 'TY  -')"
                )
            continue
        if tag == "TY":
            found.problem(
                len(chunks) + 1, "a new record starts before this one ended ('ER  -')", "", start
            )
            start, lines = number, [raw]
            continue
        lines.append(raw)
        if tag == "ER":
            chunks.append((start, "\n".join(lines) + "\n"))
            start = None
    if start is not None:
        found.problem(len(chunks) + 1, "the record never ends (no 'ER  -' line)", "", start)
    return chunks


def _record(index: int, line: int, entry: Entry) -> Record:
    source_type = str(entry.get("type_of_reference", "")).strip().upper()
    if not source_type:
        raise EntryProblem("it has no type (TY)")
    warnings: list[str] = []
    title = entry.get("title") or entry.get("primary_title") or ""
    # The full title before the abbreviations (EndNote writes JO as "Eur Radiol").
    venue = (
        entry.get("secondary_title")
        or entry.get("alternate_title3")
        or entry.get("journal_name")
        or entry.get("alternate_title1")
        or ""
    )
    doi, doubt = doi_and_warning(str(entry.get("doi", "")))
    if doubt:
        warnings.append(doubt)
    date, status = _date(entry, warnings)
    notes = [str(n) for n in _list(entry, "notes")]
    status = status or next((found for n in notes if (found := _noted_status(n)) is not None), None)
    first, last = page_range(str(entry.get("start_page", "")))
    if entry.get("end_page"):
        last = str(entry["end_page"]).strip()
    if source_type == "INPR":
        status = status or Status.IN_PRESS
    names = [*_list(entry, "first_authors"), *_list(entry, "authors")]
    et_al = any(n.strip().casefold() in OTHERS for n in names)
    addresses = tuple(squash(str(a)) for a in _list(entry, "author_address") if str(a).strip())
    listed = [
        (match.group("name"), match.group("orcid"))
        for n in notes
        if (match := ORCID_NOTE.match(n.strip()))
    ]
    people = [_name(n) for n in names if n.strip().casefold() not in OTHERS]
    orcids = orcids_for([f"{p.family}, {p.given}" for p in people], listed)
    authors = [replace(p, orcid=orcid) for p, orcid in zip(people, orcids, strict=True)]
    return Record(
        index=index,
        label=f"TY {source_type}",
        line=line,
        source_type=source_type,
        kind=_kind(source_type, entry, str(venue), doi),
        title=need_title(squash(str(title))),
        authors=tuple(authors),
        venue=squash(str(venue)),
        date=date,
        doi=doi,
        pmid=_pmid(entry),
        abstract=squash(str(entry.get("abstract") or entry.get("notes_abstract") or "")),
        keywords=tuple(squash(str(k)) for k in _list(entry, "keywords") if str(k).strip()),
        status=status or Status.PUBLISHED,
        volume=squash(str(entry.get("volume", ""))),
        issue=squash(str(entry.get("number", ""))),
        first_page=first,
        last_page=last,
        article_number=squash(str((_list(entry, "custom7") or [""])[0])),
        publisher=squash(str(entry.get("publisher", ""))),
        issn=_issn(source_type, entry),
        affiliations=addresses,
        et_al=et_al,
        warnings=tuple(warnings),
    )


def _list(entry: Entry, tag: str) -> list[str]:
    """A list tag's values (rispy reads every tag of LIST_TAGS as a list)."""
    value = entry.get(tag, [])
    return value if isinstance(value, list) else list(value)


ISSN_SHAPE = re.compile(r"^\d{4}-\d{3}[\dXx]$")


def _issn(source_type: str, entry: Entry) -> str:
    """SN is an ISSN, or for books and chapters usually an ISBN (left out)."""
    values = [squash(str(v)) for v in _list(entry, "issn") if str(v).strip()]
    if source_type in BOOK_TYPES:
        values = [v for v in values if ISSN_SHAPE.match(v)]
    return "; ".join(values)


def _kind(source_type: str, entry: Entry, venue: str, doi: str) -> Kind | None:
    if source_type in MISC_TYPES:
        signs = " ".join(
            str(v)
            for v in (
                venue,
                entry.get("publisher", ""),
                entry.get("type_of_work", ""),
                *_list(entry, "urls"),
            )
        )
        return Kind.PREPRINT if PREPRINT_SIGNS.search(signs) or PREPRINT_DOI.match(doi) else None
    kind = KINDS.get(source_type)
    if kind == Kind.ABSTRACT:
        described = str(entry.get("type_of_work", ""))
        if re.search(r"\bposter\b", described, re.IGNORECASE):
            return Kind.POSTER
        if re.search(r"\b(?:oral|talk|presentation)\b", described, re.IGNORECASE):
            return Kind.ORAL
    if kind == Kind.ARTICLE and PREPRINT_SIGNS.search(venue):
        return Kind.PREPRINT
    return kind


def _name(written: str) -> Name:
    """'Müller, Jörg' or 'Müller, J.' (RIS puts the family name first); 'Jörg Müller' too.
    The ORCID iD a note gives for the name ('ORCID: Müller, Jörg/0000-…') comes after
    (`orcids_for`)."""
    family, comma, given = written.partition(",")
    if comma:
        family, given = squash(family), squash(given.split(",")[0])
    else:
        *givens, family = written.split() or [""]
        given = " ".join(givens)
    return Name(family=family, given=given)


def _noted_status(note: str) -> Status | None:
    found = STATUS_NOTE.match(note.strip())
    return status_of(found.group(1)) if found else None


def _date(entry: Entry, warnings: list[str]) -> tuple[PartialDate | None, Status | None]:
    """PY/DA/Y1 as 'YYYY', 'YYYY/MM/DD/' or 'YYYY///'; 'in press' is a status, no date."""
    status = None
    for key in ("date", "year", "publication_year"):
        value = str(entry.get(key, "")).strip()
        if not value:
            continue
        found = status_of(value)
        if found is not None:
            status = status or found
            continue
        match = DATE.match(value)
        if match is None:
            raise EntryProblem(f"the date {value!r} is not YYYY/MM/DD")
        return lenient_date(match.group(1), match.group(2), match.group(3), warnings), status
    return None, status


def _pmid(entry: Entry) -> str:
    for note in [
        *_list(entry, "notes"),
        str(entry.get("custom2", "")),
        str(entry.get("accession_number", "")),
    ]:
        found = PMID_NOTE.search(str(note))
        if found:
            return found.group(1)
    database = str(entry.get("name_of_database", "")).casefold()
    return clean_pmid(str(entry.get("accession_number", ""))) if "pubmed" in database else ""
