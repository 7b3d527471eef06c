"""What every reader shares: checking an entry's date and title, and collecting problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from formats.bibliography.model import BibliographyError, PartialDate, Problem, Record, where
from formats.bibliography.text import month_number

EARLIEST_YEAR = 1800
LATEST_YEAR = 2100


class EntryProblem(Exception):
    """Raised inside a reader for one entry; the reader names the entry and carries on."""


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

    def result(self) -> tuple[Record, ...]:
        if self.problems:
            raise BibliographyError(tuple(self.problems), tuple(self.records))
        if not self.records:
            raise BibliographyError((Problem(0, "the file", "it holds no entries"),))
        return tuple(self.records)


def first(values: Sequence[str] | None) -> str:
    return values[0] if values else ""
