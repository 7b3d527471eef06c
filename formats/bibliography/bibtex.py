"""BibTeX through bibtexparser 2, with LaTeX accents decoded by its pylatexenc middleware."""

from __future__ import annotations

import re
from typing import Any

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
)

from formats.bibliography.common import Collector, EntryProblem, need_title, partial_date
from formats.bibliography.latex import latex_to_unicode
from formats.bibliography.model import Kind, Name, Record
from formats.bibliography.text import clean_doi, clean_pmid, squash

KEY_IN_RAW = re.compile(r"\s*@\w+\s*[{(]\s*([^,\s{}=]+)")

KINDS: dict[str, Kind] = {
    "article": Kind.ARTICLE,
    "inproceedings": Kind.ABSTRACT,
    "conference": Kind.ABSTRACT,
    "proceedings": Kind.ABSTRACT,
    "incollection": Kind.CHAPTER,
    "inbook": Kind.CHAPTER,
    "unpublished": Kind.ARTICLE,
}


def read_bibtex(text: str) -> tuple[Record, ...]:
    """Every entry of a .bib file, or BibliographyError naming each broken entry."""
    library = bibtexparser.parse_string(
        text,
        append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()],
    )
    found = Collector()
    blocks = sorted(
        [*library.entries, *library.failed_blocks], key=lambda block: block.start_line or 0
    )
    for index, block in enumerate(blocks, start=1):
        line = (block.start_line or 0) + 1
        if isinstance(block, ParsingFailedBlock):
            found.problem(index, _failure(block, text), _failed_key(block), line)
            continue
        assert isinstance(block, Entry)
        try:
            found.records.append(_record(index, line, block))
        except EntryProblem as problem:
            found.problem(index, str(problem), f"key {block.key}", line)
    return found.result()


def _failure(block: ParsingFailedBlock, text: str) -> str:
    if isinstance(block, DuplicateBlockKeyBlock):
        return f"the key {block.key!r} is used by an earlier entry too"
    if isinstance(block, DuplicateFieldKeyBlock):
        return f"a field appears twice ({', '.join(sorted(block.duplicate_keys))})"
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or "unreadable entry"
    end = getattr(block.error, "end_index", None)
    at = f" (reading stopped at line {text.count(chr(10), 0, end) + 1})" if end else ""
    return f"it is not valid BibTeX{at}: {squash(reason)}"


def _failed_key(block: ParsingFailedBlock) -> str:
    key = getattr(block, "key", None) or (
        found.group(1) if (found := KEY_IN_RAW.match(block.raw or "")) else ""
    )
    return f"key {key}" if key else ""


def _record(index: int, line: int, entry: Entry) -> Record:
    fields = {key.lower(): value for key, value in entry.fields_dict.items()}
    value = {key: _text(field.value) for key, field in fields.items() if key != "author"}
    source_type = entry.entry_type.lower()
    return Record(
        index=index,
        label=f"key {entry.key}",
        line=line,
        source_type=f"@{source_type}",
        kind=KINDS.get(source_type),
        title=need_title(squash(value.get("title", ""))),
        authors=_authors(fields["author"].value if "author" in fields else []),
        venue=squash(value.get("journal") or value.get("booktitle") or value.get("publisher", "")),
        date=partial_date(value.get("year"), value.get("month"), value.get("day")),
        doi=_doi(value.get("doi", "")),
        pmid=clean_pmid(value.get("pmid", "")),
        abstract=squash(value.get("abstract", "")),
        keywords=tuple(k.strip() for k in value.get("keywords", "").split(",") if k.strip()),
    )


def _text(value: Any) -> str:
    """A field's value with LaTeX ({\\"u}, \\'{e}, {\\o}, --) decoded to Unicode.

    Decoded here, after the names are split, so that a braced corporate author
    ({World Health Organization}) stays one name.
    """
    return latex_to_unicode(value if isinstance(value, str) else str(value))


def _doi(value: str) -> str:
    if value.strip() and not clean_doi(value):
        raise EntryProblem(f"the DOI {value.strip()!r} is not a DOI (10.xxxx/…)")
    return clean_doi(value)


def _authors(names: Any) -> tuple[Name, ...]:
    if isinstance(names, str):
        raise EntryProblem(f"the author field could not be read: {names!r}")
    authors = []
    for parts in names:
        family = squash(_text(" ".join([*parts.von, *parts.last])))
        given = squash(_text(" ".join(parts.first)))
        if parts.jr:
            family = f"{family} {_text(' '.join(parts.jr))}"
        if not family and not given:
            continue
        authors.append(Name(family=family or given, given=given if family else "", orcid=""))
    return tuple(authors)
