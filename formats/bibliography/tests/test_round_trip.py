"""Read → write BibTeX/RIS → read keeps every field a record stores."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formats.bibliography import Kind, Name, PartialDate, Record, Status, read
from formats.bibliography.text import squash
from formats.bibliography.writers import write_bibtex, write_ris

# What reference managers put in titles and names: accents, punctuation, LaTeX specials.
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 éüøçñßÅŁ.:()-'/?!<>&%$_"
    "\u03b1\u03b2\u00b1\u00d7\u00b0"
)
# Fields that say where an entry came from, not what it is.
PROVENANCE = ("index", "label", "line", "source_type", "warnings")


def text(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    return (
        st.text(ALPHABET, min_size=min_size, max_size=max_size)
        .map(squash)
        .filter(lambda s: len(s) >= min_size and "--" not in s)
    )


WORD = st.text("abcdefghijklmnopqrstuvwxyzéüøÅŁ-'", min_size=1, max_size=10).filter(
    lambda s: s[0].isalpha()
)
ORCID = st.from_regex(r"\A0000-000[1-3]-\d{4}-\d{3}[\dX]\Z")
PLACE = text(1, 30).filter(lambda s: ";" not in s)


@st.composite
def names(draw: st.DrawFn) -> Name:
    family = " ".join(draw(st.lists(WORD, min_size=1, max_size=2)))
    given = " ".join(draw(st.lists(WORD, max_size=2)))
    return Name(family=family, given=given, orcid=draw(st.one_of(st.just(""), ORCID)))


@st.composite
def dates(draw: st.DrawFn) -> PartialDate | None:
    day = draw(st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31))))
    if day is None:
        return None
    precision = draw(st.sampled_from(["year", "month", "day"]))
    return PartialDate(
        day.year,
        day.month if precision != "year" else None,
        day.day if precision == "day" else None,
    )


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, str]:
    first = draw(st.integers(1, 5000))
    last = draw(st.one_of(st.none(), st.integers(first + 1, first + 400)))
    return (str(first), str(last) if last else "")


@st.composite
def records(draw: st.DrawFn) -> Record:
    authors = draw(st.lists(names(), max_size=5, unique_by=lambda n: (n.family, n.given)))
    first, last = draw(st.one_of(st.just(("", "")), pages()))
    return Record(
        index=1,
        label="",
        line=None,
        source_type="",
        kind=draw(st.sampled_from(list(Kind))),
        title=draw(text(1)),
        authors=tuple(authors),
        venue=draw(text()),
        date=draw(dates()),
        doi=draw(st.one_of(st.just(""), st.from_regex(r"\A10\.\d{4,5}/[a-z0-9.]{1,12}\Z"))),
        pmid=draw(st.one_of(st.just(""), st.from_regex(r"\A[1-9]\d{0,7}\Z"))),
        abstract=draw(text(max_size=120)),
        keywords=tuple(draw(st.lists(text(1, 15).filter(lambda s: not {",", ";"} & set(s))))),
        status=draw(st.sampled_from(list(Status))),
        volume=draw(st.one_of(st.just(""), st.from_regex(r"\A[1-9]\d{0,3}\Z"))),
        issue=draw(st.one_of(st.just(""), st.from_regex(r"\A[1-9]\d?(-[1-9])?\Z"))),
        first_page=first,
        last_page=last,
        article_number=draw(st.one_of(st.just(""), st.from_regex(r"\Ae[1-9]\d{2,6}\Z"))),
        publisher=draw(text(max_size=20)),
        issn=draw(st.one_of(st.just(""), st.from_regex(r"\A\d{4}-\d{3}[\dX]\Z"))),
        affiliations=tuple(draw(st.lists(PLACE, max_size=3, unique=True))),
        et_al=draw(st.booleans()) and bool(authors),
    )


def stored(record: Record) -> dict[str, object]:
    values = dataclasses.asdict(record)
    for name in PROVENANCE:
        values.pop(name)
    return values


@pytest.mark.parametrize(("writer", "fmt"), [(write_bibtex, "bibtex"), (write_ris, "ris")])
@settings(max_examples=150)
@given(st.lists(records(), min_size=1, max_size=4))
def test_written_records_read_back_the_same(writer, fmt, written):
    back = read(writer(written), fmt)
    assert [stored(r) for r in back] == [stored(r) for r in written]
    assert all(not r.warnings for r in back)


def test_a_read_file_written_again_reads_the_same(fixture_text):
    first = read(fixture_text("radiology.bib"), "bibtex")
    for writer, fmt in ((write_bibtex, "bibtex"), (write_ris, "ris")):
        again = read(writer(first), fmt)
        assert [stored(r) for r in again] == [stored(r) for r in first]
