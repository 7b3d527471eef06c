"""RIS (EndNote, Zotero, Mendeley, journal sites) through rispy, one record at a time.

rispy reads a record between `TY  -` and `ER  -`; this module first finds those
records itself, so that a record left open, a tag outside any record, or a record
without a type is named by its line instead of vanishing silently.
"""

from __future__ import annotations

import re
from typing import Any

import rispy

from formats.bibliography.common import Collector, EntryProblem, need_title, partial_date
from formats.bibliography.model import Kind, Name, Record
from formats.bibliography.text import clean_doi, clean_pmid, squash

TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
KINDS: dict[str, Kind] = {
    "JOUR": Kind.ARTICLE,
    "JFULL": Kind.ARTICLE,
    "EJOUR": Kind.ARTICLE,
    "MGZN": Kind.ARTICLE,
    "ABST": Kind.ABSTRACT,
    "CONF": Kind.ABSTRACT,
    "CPAPER": Kind.ABSTRACT,
    "CHAP": Kind.CHAPTER,
    "ECHAP": Kind.CHAPTER,
    "GRANT": Kind.GRANT,
    "SLIDE": Kind.ORAL,
}
DATE = re.compile(r"^(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")
PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")


def read_ris(text: str) -> tuple[Record, ...]:
    found = Collector()
    for index, (line, chunk) in enumerate(_chunks(text, found), start=1):
        try:
            entries = rispy.loads(chunk)
            if len(entries) != 1:
                raise EntryProblem("it could not be read as one RIS record")
            found.records.append(_record(index, line, entries[0]))
        except EntryProblem as problem:
            found.problem(index, str(problem), "", line)
    return found.result()


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


def _record(index: int, line: int, entry: dict[str, Any]) -> Record:
    source_type = str(entry.get("type_of_reference", "")).strip().upper()
    if not source_type:
        raise EntryProblem("it has no type (TY)")
    title = entry.get("title") or entry.get("primary_title") or ""
    venue = (
        entry.get("journal_name")
        or entry.get("secondary_title")
        or entry.get("alternate_title3")
        or entry.get("alternate_title1")
        or ""
    )
    return Record(
        index=index,
        label=f"TY {source_type}",
        line=line,
        source_type=source_type,
        kind=KINDS.get(source_type),
        title=need_title(squash(str(title))),
        authors=tuple(
            _name(n) for n in [*entry.get("first_authors", []), *entry.get("authors", [])]
        ),
        venue=squash(str(venue)),
        date=_date(entry),
        doi=_doi(str(entry.get("doi", ""))),
        pmid=_pmid(entry),
        abstract=squash(str(entry.get("abstract") or entry.get("notes_abstract") or "")),
        keywords=tuple(str(k) for k in entry.get("keywords", [])),
    )


def _name(written: str) -> Name:
    """'Müller, Jörg' or 'Müller, J.' (RIS puts the family name first); 'Jörg Müller' too."""
    family, comma, given = written.partition(",")
    if comma:
        return Name(family=squash(family), given=squash(given.split(",")[0]))
    *givens, last = written.split() or [""]
    return Name(family=last, given=" ".join(givens))


def _date(entry: dict[str, Any]) -> Any:
    for key in ("date", "year", "publication_year"):
        value = str(entry.get(key, "")).strip()
        if value:
            match = DATE.match(value)
            if match is None:
                raise EntryProblem(f"the date {value!r} is not YYYY/MM/DD")
            return partial_date(match.group(1), match.group(2), match.group(3))
    return None


def _doi(value: str) -> str:
    if value.strip() and not clean_doi(value):
        raise EntryProblem(f"the DOI {value.strip()!r} is not a DOI (10.xxxx/…)")
    return clean_doi(value)


def _pmid(entry: dict[str, Any]) -> str:
    for note in [
        *entry.get("notes", []),
        str(entry.get("custom2", "")),
        str(entry.get("accession_number", "")),
    ]:
        found = PMID_NOTE.search(str(note))
        if found:
            return found.group(1)
    database = str(entry.get("name_of_database", "")).casefold()
    return clean_pmid(str(entry.get("accession_number", ""))) if "pubmed" in database else ""
