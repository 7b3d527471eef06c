"""Pure readers of bibliographic files (no Django here).

`read_entries(data, fmt)` reads a file entry by entry: a `Reading` with the entries
read and a `Problem` for each entry that could not be (named by its position, key or
PMID, and line). Only a file that cannot be read at all raises `BibliographyError`:
empty, not text in any encoding reference managers write (`decode`), or not a
bibliography format. `read(text, fmt)` is the strict form: any problem raises.
`sniff(text)` guesses the format. Names and titles come out as Unicode: LaTeX in
BibTeX is decoded through pylatexenc.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from formats.bibliography.bibtex import scan_bibtex
from formats.bibliography.common import Collector
from formats.bibliography.jsonworks import scan_crossref_json, scan_orcid_json
from formats.bibliography.model import (
    BibliographyError,
    Format,
    Kind,
    Name,
    PartialDate,
    Problem,
    Reading,
    Record,
    Status,
)
from formats.bibliography.pubmed import scan_medline, scan_pubmed_xml
from formats.bibliography.ris import scan_ris
from formats.bibliography.text import clean_doi, clean_orcid, name_key, title_key

SCANNERS: dict[Format, Callable[[str], Collector]] = {
    Format.BIBTEX: scan_bibtex,
    Format.RIS: scan_ris,
    Format.PUBMED_XML: scan_pubmed_xml,
    Format.MEDLINE: scan_medline,
    Format.ORCID_JSON: scan_orcid_json,
    Format.CROSSREF_JSON: scan_crossref_json,
}
# Tried in this order after a byte-order mark: Windows reference managers (EndNote, older
# JabRef) write cp1252; latin-1 reads any byte, so control characters are checked after.
ENCODINGS = ("utf-8", "cp1252", "latin-1")
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
NOT_BIBLIOGRAPHY = (
    "it is not a bibliography file: no BibTeX entry (@article{…), RIS record (TY  - …), "
    "MEDLINE record (PMID- …), PubMed XML or ORCID/Crossref JSON was found in it"
)
_BIBTEX = re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)
_RIS = re.compile(r"^TY  - ", re.MULTILINE)
_MEDLINE = re.compile(r"^PMID- ", re.MULTILINE)


def decode(data: bytes | str) -> tuple[str, str]:
    """(text, encoding) of an uploaded file, line ends made '\\n'; BibliographyError when it
    is empty or not text in UTF-8, UTF-16 with a BOM, or cp1252/latin-1."""
    if isinstance(data, str):
        text, encoding = data.removeprefix("\ufeff"), "utf-8"
    else:
        text, encoding = _decode_bytes(data)
    if not text.strip():
        raise BibliographyError((Problem(0, "the file", "it is empty"),))
    binary = BINARY.search(text)
    if binary is not None:
        line = text.count("\n", 0, binary.start()) + 1
        message = f"it is not a text file (a control character on line {line})"
        raise BibliographyError((Problem(0, "the file", message),))
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode_bytes(data: bytes) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).removeprefix("\ufeff"), encoding
            except UnicodeDecodeError as error:
                message = f"it starts as {encoding} text but is not ({error.reason})"
                raise BibliographyError((Problem(0, "the file", message),)) from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def read_entries(data: bytes | str, fmt: Format | str | None = None) -> Reading:
    """The file read entry by entry (see the module's docstring)."""
    text, encoding = decode(data)
    if fmt and fmt not in set(Format):
        known = ", ".join(f.value for f in Format)
        raise BibliographyError((Problem(0, "the format", f"{fmt!r} is not one of {known}"),))
    chosen = Format(fmt) if fmt else sniff(text)
    if chosen is None:
        raise BibliographyError((Problem(0, "the file", NOT_BIBLIOGRAPHY),))
    records, problems = SCANNERS[chosen](text).reading()
    return Reading(chosen, records, problems, encoding)


def sniff(text: str) -> Format | None:
    """The format a file's text looks like, or None when it looks like none of them."""
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    if head.startswith("<"):
        return Format.PUBMED_XML if "PubmedArticle" in head or "PubmedBookArticle" in head else None
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
    return SCANNERS[chosen](text).result()


__all__ = [
    "SCANNERS",
    "BibliographyError",
    "Format",
    "Kind",
    "Name",
    "PartialDate",
    "Problem",
    "Reading",
    "Record",
    "Status",
    "clean_doi",
    "clean_orcid",
    "decode",
    "name_key",
    "read",
    "read_entries",
    "sniff",
    "title_key",
]
