"""The plain records every bibliography reader returns, and the error they raise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Format(StrEnum):
    BIBTEX = "bibtex"
    RIS = "ris"
    PUBMED_XML = "pubmed_xml"
    MEDLINE = "medline"
    ORCID_JSON = "orcid_json"
    CROSSREF_JSON = "crossref_json"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Format.BIBTEX: "BibTeX (.bib)",
    Format.RIS: "RIS (.ris)",
    Format.PUBMED_XML: "PubMed XML (efetch)",
    Format.MEDLINE: "MEDLINE / PubMed text (.nbib, .txt)",
    Format.ORCID_JSON: "ORCID works JSON",
    Format.CROSSREF_JSON: "Crossref work JSON",
}


class Kind(StrEnum):
    """What a record is, in RadCollab's words (the same values as `Output.Kind`)."""

    ARTICLE = "article"
    PREPRINT = "preprint"
    ABSTRACT = "abstract"
    POSTER = "poster"
    ORAL = "oral"
    BOOK = "book"
    CHAPTER = "chapter"
    THESIS = "thesis"
    REPORT = "report"
    DATASET = "dataset"
    SOFTWARE = "software"
    GRANT = "grant"


class Status(StrEnum):
    """Where a work stands (the same values as `Output.Status`)."""

    PUBLISHED = "published"
    IN_PRESS = "in_press"
    ACCEPTED = "accepted"
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class Name:
    """One author: family and given names as the source wrote them, decoded to Unicode."""

    family: str
    given: str = ""
    orcid: str = ""
    affiliations: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        return f"{self.given} {self.family}".strip()


@dataclass(frozen=True)
class PartialDate:
    """A publication date as precise as the source gives it: a year, a month or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)


@dataclass(frozen=True)
class Record:
    """One entry of an import file, read but not yet judged against the database.

    `kind` is None when the source's type has no RadCollab counterpart (a @misc that
    is not a preprint): the import service refuses such entries and names `source_type`.
    `warnings` are things read but doubtful (a short DOI, an author list whose
    separators look wrong): the entry is read, and the preview shows them beside it.
    `et_al` says the source ended its author list with "and others".
    """

    index: int  # position in the file, from 1
    label: str  # how the file names it: "key smith2020", "PMID 31234567", "record 3"
    line: int | None
    source_type: str
    kind: Kind | None
    title: str
    authors: tuple[Name, ...] = ()
    venue: str = ""
    date: PartialDate | None = None
    doi: str = ""
    pmid: str = ""
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    # An ORCID record names its owner rather than listing contributors in a summary.
    owner_orcid: str = ""
    status: Status = Status.PUBLISHED
    volume: str = ""
    issue: str = ""
    first_page: str = ""
    last_page: str = ""
    article_number: str = ""
    publisher: str = ""
    issn: str = ""
    # Affiliations the source gives for the work as a whole (RIS `AD`), in its order;
    # per-author affiliations are on each `Name`.
    affiliations: tuple[str, ...] = ()
    et_al: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return where(self.index, self.label, self.line)

    @property
    def pages(self) -> str:
        """'123-130', '123' or ''."""
        if self.first_page and self.last_page and self.last_page != self.first_page:
            return f"{self.first_page}-{self.last_page}"
        return self.first_page or self.last_page


@dataclass(frozen=True)
class Reading:
    """A file read entry by entry: the entries that could be read, and a problem for each
    one that could not (the file as a whole was fine, or `BibliographyError` is raised)."""

    format: Format
    records: tuple[Record, ...]
    problems: tuple[Problem, ...] = ()
    encoding: str = "utf-8"


def where(index: int, label: str = "", line: int | None = None) -> str:
    """'entry 3 (key smith2020, line 12)': how every message names an entry."""
    details = [part for part in (label, f"line {line}" if line else "") if part]
    return f"entry {index}" + (f" ({', '.join(details)})" if details else "")


@dataclass(frozen=True)
class Problem:
    """Why an entry could not be read; `index` 0 means the file as a whole."""

    index: int
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class BibliographyError(ValueError):
    """The file cannot be imported as it is: every problem found, and what was readable.

    `readable` holds the entries that did parse, so that a preview can still report
    duplicates among them while refusing the import as a whole.
    """

    problems: tuple[Problem, ...]
    readable: tuple[Record, ...] = field(default=())

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = len(self.problems) - 5
        return shown + (f"; and {more} more" if more > 0 else "")
