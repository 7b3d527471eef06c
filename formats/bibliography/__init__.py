"""Pure readers of bibliographic files (no Django here).

`read(text, fmt)` returns the file's entries as plain `Record`s, or raises
`BibliographyError` naming every entry that cannot be read (by its position, key or
PMID, and line where the format has lines) together with the entries that could.
`sniff(text)` guesses the format. Names and titles come out as Unicode: LaTeX
accents in BibTeX are decoded through pylatexenc.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from formats.bibliography.bibtex import read_bibtex
from formats.bibliography.jsonworks import read_crossref_json, read_orcid_json
from formats.bibliography.model import (
    BibliographyError,
    Format,
    Kind,
    Name,
    PartialDate,
    Problem,
    Record,
)
from formats.bibliography.pubmed import read_medline, read_pubmed_xml
from formats.bibliography.ris import read_ris
from formats.bibliography.text import clean_doi, clean_orcid, name_key, title_key

READERS: dict[Format, Callable[[str], tuple[Record, ...]]] = {
    Format.BIBTEX: read_bibtex,
    Format.RIS: read_ris,
    Format.PUBMED_XML: read_pubmed_xml,
    Format.MEDLINE: read_medline,
    Format.ORCID_JSON: read_orcid_json,
    Format.CROSSREF_JSON: read_crossref_json,
}
_BIBTEX = re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)
_RIS = re.compile(r"^TY  - ", re.MULTILINE)
_MEDLINE = re.compile(r"^PMID- ", re.MULTILINE)


def sniff(text: str) -> Format | None:
    """The format a file's text looks like, or None when it looks like none of them."""
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    if head.startswith("<"):
        return Format.PUBMED_XML if "PubmedArticle" in head else None
    if head.startswith(("{", "[")):
        orcid = '"work-summary"' in head or '"bulk"' in head or '"put-code"' in head
        return Format.ORCID_JSON if orcid else Format.CROSSREF_JSON
    for pattern, fmt in ((_RIS, Format.RIS), (_MEDLINE, Format.MEDLINE), (_BIBTEX, Format.BIBTEX)):
        if pattern.search(head):
            return fmt
    return None


def read(text: str, fmt: Format | str | None = None) -> tuple[Record, ...]:
    """Read `text` as `fmt` (sniffed when None); BibliographyError if anything is wrong."""
    if fmt and fmt not in set(Format):
        known = ", ".join(f.value for f in Format)
        raise BibliographyError((Problem(0, "the format", f"{fmt!r} is not one of {known}"),))
    chosen = Format(fmt) if fmt else sniff(text)
    if chosen is None:
        problem = Problem(0, "the file", "its format is not recognised; choose it in the list")
        raise BibliographyError((problem,))
    return READERS[chosen](text)


__all__ = [
    "READERS",
    "BibliographyError",
    "Format",
    "Kind",
    "Name",
    "PartialDate",
    "Problem",
    "Record",
    "clean_doi",
    "clean_orcid",
    "name_key",
    "read",
    "sniff",
    "title_key",
]
