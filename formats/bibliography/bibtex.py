"""BibTeX as reference managers write it, through bibtexparser 2 and its middlewares.

bibtexparser splits the file into blocks (a broken block fails alone) and its
`NormalizeFieldKeys` middleware makes field names case-insensitive (`AUTHOR =`,
`Title=`). Values are then resolved here, because bibtexparser's string middleware
replaces whole values only: `@STRING` macros joined with `#` (`jean # " " # cesar`),
BibTeX's month macros (`jul`), braces and quotes. Names are split as BibTeX splits
them (bibtexparser's `split_multiple_persons_names` and `parse_single_name_into_parts`),
then LaTeX is decoded (formats.bibliography.latex, pylatexenc behind a fast path).

Every entry is read on its own: a broken entry is a problem named by its key and
line, the rest of the file is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.middlewares.names import (
    InvalidNameError,
    NameParts,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
)

from formats.bibliography.common import (
    OTHERS,
    Collector,
    EntryProblem,
    doi_and_warning,
    first_month,
    lenient_date,
    need_title,
    page_range,
    status_of,
    year_and_status,
)
from formats.bibliography.latex import latex_to_unicode
from formats.bibliography.model import Kind, Name, PartialDate, Record, Status
from formats.bibliography.text import clean_pmid, orcids_for, squash

INNERMOST_BRACES = re.compile(r"\{[^{}]*\}")
KEY_IN_RAW = re.compile(r"\s*@\w+\s*[{(]\s*([^,\s{}=]+)")
MONTH_MACROS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}
KINDS: dict[str, Kind] = {
    "article": Kind.ARTICLE,
    "unpublished": Kind.ARTICLE,
    "inproceedings": Kind.ABSTRACT,
    "conference": Kind.ABSTRACT,
    "proceedings": Kind.ABSTRACT,
    "book": Kind.BOOK,
    "mvbook": Kind.BOOK,
    "booklet": Kind.BOOK,
    "incollection": Kind.CHAPTER,
    "inbook": Kind.CHAPTER,
    "phdthesis": Kind.THESIS,
    "mastersthesis": Kind.THESIS,
    "thesis": Kind.THESIS,
    "techreport": Kind.REPORT,
    "report": Kind.REPORT,
    "manual": Kind.REPORT,
    "dataset": Kind.DATASET,
    "data": Kind.DATASET,
    "software": Kind.SOFTWARE,
    "softwareversion": Kind.SOFTWARE,
    "softwaremodule": Kind.SOFTWARE,
    "codefragment": Kind.SOFTWARE,
    "preprint": Kind.PREPRINT,
}
# Types that are a preprint only when an identifier says so; otherwise unknown.
MISC_TYPES = frozenset({"misc", "online", "electronic", "www"})
PREPRINT_SIGNS = re.compile(
    r"\b(?:arxiv|medrxiv|biorxiv|preprints?|ssrn|research\s*square)\b", re.I
)
PREPRINT_DOI = re.compile(r"^10\.(?:1101|48550|21203|2139|20944|31219)/")
POSTER = re.compile(r"\bposter\b", re.I)
ORAL = re.compile(r"\b(?:oral|talk|presentation|lecture|slides?)\b", re.I)
# What looks like a missing space or a shouted separator between authors.
JOINED_AND = re.compile(r"(?:\band(?=[A-Z])|(?<=\.)and\s)")
SHOUTED_AND = re.compile(r"\s(?:AND|And)\s")
# BibTeX's own spelling, braced or not, and what other writers put there.
BIBTEX_OTHERS = OTHERS | {"{others}"}


def scan_bibtex(text: str) -> Collector:
    """Every entry of a .bib file read, and a problem for each one that is not."""
    library = bibtexparser.parse_string(text, parse_stack=[middlewares.NormalizeFieldKeys()])
    macros = _macros(library.strings)
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
            found.records.append(_record(index, line, block, macros))
        except EntryProblem as problem:
            found.problem(index, str(problem), f"key {block.key}", line)
    return found


def read_bibtex(text: str) -> tuple[Record, ...]:
    """Every entry of a .bib file, or BibliographyError naming each broken entry."""
    return scan_bibtex(text).result()


def _macros(strings: list[bibtexparser.model.String]) -> dict[str, str]:
    """@STRING definitions, later ones may use earlier ones; keys are case-insensitive."""
    macros: dict[str, str] = {}
    for string in strings:
        macros[string.key.lower()] = resolve(str(string.value), macros, lambda _: None)
    return macros


def resolve(raw: str, macros: dict[str, str], warn: Callable[[str], None]) -> str:
    """A raw BibTeX value: `{…}`, `"…"`, a number, a macro, or those joined by `#`."""
    parts = []
    for part in _split_hash(raw):
        piece = part.strip()
        if len(piece) >= 2 and (piece[0], piece[-1]) in (("{", "}"), ('"', '"')):
            parts.append(piece[1:-1])
        elif piece.isdigit():
            parts.append(piece)
        elif piece.lower() in macros:
            parts.append(macros[piece.lower()])
        elif piece.lower() in MONTH_MACROS:
            parts.append(MONTH_MACROS[piece.lower()])
        elif piece:
            warn(f"the abbreviation {piece!r} is not defined by an @STRING; kept as written")
            parts.append(piece)
    return "".join(parts)


def _split_hash(raw: str) -> list[str]:
    """The parts of `a # "b" # {c}`: a `#` inside braces or quotes is text."""
    if "#" not in raw:
        return [raw]
    parts, depth, quoted, start = [], 0, False, 0
    for position, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:position])
            start = position + 1
    parts.append(raw[start:])
    return parts


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


def _record(index: int, line: int, entry: Entry, macros: dict[str, str]) -> Record:
    warnings: list[str] = []
    raw = {
        key: resolve(str(field.value), macros, _warner(key, warnings))
        for key, field in entry.fields_dict.items()
    }
    value = {key: squash(latex_to_unicode(text)) for key, text in raw.items() if key != "author"}
    source_type = entry.entry_type.lower()
    year, status = year_and_status(value.get("year"))
    status = status or status_of(value.get("pubstate", "")) or _note_status(value)
    date = _date(value, year, warnings)
    doi, doubt = doi_and_warning(value.get("doi", ""))
    if doubt:
        warnings.append(doubt)
    authors, et_al = _authors(raw.get("author", ""), warnings)
    authors = _with_orcids(authors, value.get("orcid-numbers", ""))
    first, last = page_range(value.get("pages", ""))
    return Record(
        index=index,
        label=f"key {entry.key}",
        line=line,
        source_type=f"@{source_type}",
        kind=_kind(source_type, value, doi),
        title=need_title(value.get("title", "")),
        authors=authors,
        venue=value.get("journal")
        or value.get("journaltitle")
        or value.get("booktitle")
        or value.get("eventtitle")
        or value.get("school")
        or value.get("institution")
        or value.get("series")
        or value.get("organization")
        or "",
        date=date,
        doi=doi,
        pmid=clean_pmid(value.get("pmid", "")),
        abstract=value.get("abstract", ""),
        keywords=tuple(
            k.strip() for k in re.split(r"[,;]", value.get("keywords", "")) if k.strip()
        ),
        status=status or Status.PUBLISHED,
        volume=value.get("volume", ""),
        issue=value.get("number") or value.get("issue", ""),
        first_page=first,
        last_page=last,
        article_number=value.get("eid")
        or value.get("articleno")
        or value.get("article-number", ""),
        publisher=value.get("publisher", ""),
        issn=value.get("issn", ""),
        affiliations=tuple(
            squash(a)
            for a in re.split(
                r"\n|;", latex_to_unicode(raw.get("affiliation", raw.get("affiliations", "")))
            )
            if a.strip()
        ),
        et_al=et_al,
        warnings=tuple(warnings),
    )


def _warner(field: str, warnings: list[str]) -> Callable[[str], None]:
    return lambda message: warnings.append(f"{field}: {message}")


def _date(value: dict[str, str], year: str | None, warnings: list[str]) -> PartialDate | None:
    if year is None and value.get("date"):  # biblatex: date = {2020-03-15}
        parts = value["date"].split("/")[0].split("-")
        year, month, day = [*parts, None, None][:3]
        return lenient_date(year, month, day, warnings)
    return lenient_date(year, first_month(value.get("month")), value.get("day"), warnings)


def _note_status(value: dict[str, str]) -> Status | None:
    note = value.get("note", "").strip()
    return status_of(note) if len(note) < 40 else None


def _kind(source_type: str, value: dict[str, str], doi: str) -> Kind | None:
    signs = " ".join(
        value.get(k, "")
        for k in (
            "journal",
            "eprinttype",
            "archiveprefix",
            "howpublished",
            "publisher",
            "note",
            "url",
        )
    )
    is_preprint = bool(PREPRINT_SIGNS.search(signs) or PREPRINT_DOI.match(doi))
    if source_type in MISC_TYPES:
        if is_preprint or value.get("eprint"):
            return Kind.PREPRINT
        return Kind.GRANT if value.get("type", "").casefold() == "grant" else None
    if source_type == "article" and is_preprint and PREPRINT_SIGNS.search(value.get("journal", "")):
        return Kind.PREPRINT  # Google Scholar: journal = {arXiv preprint arXiv:…}
    kind = KINDS.get(source_type)
    if kind == Kind.ABSTRACT:
        described = " ".join(value.get(k, "") for k in ("type", "note", "howpublished"))
        if POSTER.search(described):
            return Kind.POSTER
        if ORAL.search(described):
            return Kind.ORAL
    return kind


def _authors(raw: str, warnings: list[str]) -> tuple[tuple[Name, ...], bool]:
    """The names as BibTeX splits them (on ' and ' outside braces, in any case), with
    'and others' as the et-al flag and a warning where the separators look wrong."""
    outside = _outside_braces(raw)
    if JOINED_AND.search(outside):
        warnings.append(
            "the author list has 'and' joined to a name (a missing space?); "
            "it was split as BibTeX splits it: check the authors"
        )
    if SHOUTED_AND.search(outside):
        warnings.append(
            "the author list separates names with a capitalised 'AND'; "
            "BibTeX reads it as a separator: check the authors"
        )
    names: list[Name] = []
    et_al = False
    for written in split_multiple_persons_names(raw):
        if written.strip().lower() in BIBTEX_OTHERS:
            et_al = True
            continue
        if written.count(",") > 2 and _outside_braces(written).count(",") > 2:
            warnings.append(f"the author {squash(written)!r} has more than two commas")
        try:
            parts = _name_parts(written)
        except InvalidNameError as error:
            raise EntryProblem(f"the author {squash(written)!r} cannot be read: {error}") from None
        family = squash(latex_to_unicode(" ".join([*parts.von, *parts.last])))
        given = squash(latex_to_unicode(" ".join(parts.first)))
        if parts.jr:
            family = f"{family} {latex_to_unicode(' '.join(parts.jr))}".strip()
        if not family and not given:
            continue
        names.append(Name(family=family or given, given=given if family else ""))
    return tuple(names), et_al


ORCID_NUMBER = re.compile(r"^(?P<name>.+?)\s*/\s*(?P<orcid>\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")


def _with_orcids(authors: tuple[Name, ...], numbers: str) -> tuple[Name, ...]:
    """Web of Science's `orcid-numbers = {Family, Given/0000-0002-…; …}` onto the authors
    (`orcids_for`: each ORCID to the author listed under that name, one author only)."""
    if not numbers:
        return authors
    listed = [
        (found.group("name"), found.group("orcid"))
        for part in numbers.split(";")
        if (found := ORCID_NUMBER.match(part.strip()))
    ]
    orcids = orcids_for([f"{a.family}, {a.given}" for a in authors], listed)
    return tuple(
        replace(a, orcid=orcid or a.orcid) for a, orcid in zip(authors, orcids, strict=True)
    )


@lru_cache(maxsize=65_536)
def _name_parts(written: str) -> NameParts:
    """Names repeat across a bibliography: each is parsed once (the parts are not changed)."""
    return parse_single_name_into_parts(written, strict=False)


def _outside_braces(text: str) -> str:
    """The text at brace depth 0 (a braced corporate name may contain ' and ')."""
    if "{" not in text:
        return text
    flat = text
    while "{" in flat:  # innermost groups first, in C
        shorter = INNERMOST_BRACES.sub("", flat)
        if shorter == flat:
            break
        flat = shorter
    if "{" not in flat and "}" not in flat:
        return flat
    depth, kept = 0, []  # unbalanced braces: count them one by one
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            kept.append(char)
    return "".join(kept)
