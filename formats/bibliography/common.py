"""What every reader shares: checking an entry's date and title, and collecting problems."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from formats.bibliography.model import (
    BibliographyError,
    PartialDate,
    Problem,
    Record,
    Status,
    where,
)
from formats.bibliography.text import DOI_PREFIX, clean_doi, month_number

EARLIEST_YEAR = 1800
LATEST_YEAR = 2100
# What reference managers write in place of the authors they left out (compared folded).
OTHERS = frozenset({"et al.", "et al", "others"})


class EntryProblem(Exception):
    """Raised inside a reader for one entry; the reader names the entry and carries on."""


# What reference managers write instead of a year for work not yet out.
STATUS_WORDS = (
    (
        re.compile(
            r"^(?:in[\s-]*press|inpress|forthcoming|early\s+(?:view|access)|"
            r"epub\s+ahead\s+of\s+print|ahead\s+of\s+print|online\s+first)\.?$",
            re.I,
        ),
        Status.IN_PRESS,
    ),
    (re.compile(r"^(?:accepted(?:\s+for\s+publication)?)\.?$", re.I), Status.ACCEPTED),
    (re.compile(r"^(?:submitted|under\s+review|in\s+review)\.?$", re.I), Status.SUBMITTED),
)
YEAR_WITH_SUFFIX = re.compile(r"^(\d{4})[a-z]?$")
DASHES = "\u2013\u2014"  # en and em dash
PAGE_RANGE = re.compile(rf"^\s*([^\s\-{DASHES}]+)\s*(?:-+|[{DASHES}])\s*([^\s\-{DASHES}]+)\s*$")
MONTH_RANGE = re.compile(rf"[\s/\-{DASHES},]+")


def status_of(value: str) -> Status | None:
    """'in press', 'In Press.', 'forthcoming' → IN_PRESS; None when it is not a status."""
    text = " ".join(value.split())
    for pattern, status in STATUS_WORDS:
        if pattern.match(text):
            return status
    return None


def year_and_status(value: str | None) -> tuple[str | None, Status | None]:
    """A year field as reference managers write it: '2020', '2020a' (a disambiguating
    letter) or a status such as 'in press' (no year, the status kept)."""
    text = (value or "").strip().strip("{}").strip()
    if not text:
        return None, None
    status = status_of(text)
    if status is not None:
        return None, status
    suffixed = YEAR_WITH_SUFFIX.match(text)
    return (suffixed.group(1) if suffixed else text), None


def first_month(value: str | None) -> str | None:
    """The first month of a range ('Jul-Aug', 'July/August', 'Jul--Aug') or the month."""
    text = (value or "").strip().strip(".")
    if not text:
        return None
    words = [w for w in MONTH_RANGE.split(text) if w]
    return words[0] if words else None


def page_range(value: str) -> tuple[str, str]:
    """'123--130', '123-30' (MEDLINE shortens), 'e123', '123' → (first, last)."""
    text = " ".join(value.split())
    if not text:
        return "", ""
    match = PAGE_RANGE.match(text)
    if match is None:
        return text, ""
    first, last = match.groups()
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last  # 123-30 is 123-130
    return first, last


def partial_date(
    year: str | int | None, month: str | int | None = None, day: str | int | None = None
) -> PartialDate | None:
    """A checked date from its parts as a source writes them; None when there is no year."""
    if year is None or str(year).strip() == "":
        return None
    text = str(year).strip()
    if not text.isdigit() or not EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
        raise EntryProblem(f"the year {text!r} is not a year between 1800 and 2100")
    found_month = _month(month)
    found_day = _day(day) if found_month else None
    if found_day:
        try:
            dt.date(int(text), found_month or 1, found_day)
        except ValueError:
            raise EntryProblem(f"{text}-{found_month:02d}-{found_day:02d} is not a date") from None
    return PartialDate(int(text), found_month, found_day)


def _month(month: str | int | None) -> int | None:
    if month is None or str(month).strip() == "":
        return None
    found = month_number(str(month))
    if found is None:
        raise EntryProblem(f"the month {str(month)!r} is not a month")
    return found


def _day(day: str | int | None) -> int | None:
    if day is None or str(day).strip() == "":
        return None
    text = str(day).strip()
    if not text.isdigit():
        raise EntryProblem(f"the day {text!r} is not a day of the month")
    return int(text)


def need_title(title: str) -> str:
    if not title.strip():
        raise EntryProblem("it has no title")
    return title.strip()


class Collector:
    """Gathers the records and problems of one file; `result()` returns or raises."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.problems: list[Problem] = []

    def problem(self, index: int, message: str, label: str = "", line: int | None = None) -> None:
        self.problems.append(Problem(index, where(index, label, line), message))

    def file_problem(self, message: str) -> None:
        self.problems.append(Problem(0, "the file", message))

    def reading(self) -> tuple[tuple[Record, ...], tuple[Problem, ...]]:
        """The entries read and a problem per entry that was not; BibliographyError only
        when the file as a whole cannot be read or holds nothing at all."""
        whole = [p for p in self.problems if p.index == 0]
        if whole:
            raise BibliographyError(tuple(whole), tuple(self.records))
        if not self.records and not self.problems:
            raise BibliographyError((Problem(0, "the file", "it holds no entries"),))
        return tuple(self.records), tuple(self.problems)

    def result(self) -> tuple[Record, ...]:
        if self.problems:
            raise BibliographyError(tuple(self.problems), tuple(self.records))
        if not self.records:
            raise BibliographyError((Problem(0, "the file", "it holds no entries"),))
        return tuple(self.records)


def first(values: Sequence[str] | None) -> str:
    return values[0] if values else ""


SHORT_DOI = re.compile(r"^10/[a-z0-9]+$")


def doi_and_warning(value: str) -> tuple[str, str]:
    """A DOI as stored, and a warning when it is doubtful.

    A short DOI ('10/cn2h9c', from shortdoi.org) is stored as given and flagged; text
    that is no DOI at all is left out with a warning, and the entry is still read.
    """
    text = value.strip()
    if not text:
        return "", ""
    doi = clean_doi(text)
    if doi:
        return doi, ""
    short = DOI_PREFIX.sub("", text).strip().lower()
    if SHORT_DOI.match(short):
        return short, f"the DOI {short} is a short DOI: stored as given, check that it resolves"
    return "", f"the DOI {text!r} is not a DOI (10.xxxx/…) and was left out"


def lenient_date(
    year: str | None, month: str | None, day: str | None, warnings: list[str]
) -> PartialDate | None:
    """A date from its parts; a month or day that cannot be read is dropped with a
    warning (the year is what matters), a year that cannot be read is a problem."""
    try:
        return partial_date(year, month, day)
    except EntryProblem as problem:
        found = partial_date(year)  # raises when the year itself is the trouble
        warnings.append(f"{problem}; only the year was kept")
        return found
