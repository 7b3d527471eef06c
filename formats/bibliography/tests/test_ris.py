from __future__ import annotations

import pytest

from formats.bibliography import BibliographyError, Kind, Name, PartialDate
from formats.bibliography.ris import read_ris


def test_it_reads_ris_records(fixture_text):
    article, abstract = read_ris(fixture_text("refs.ris"))
    assert article.authors == (Name("Müller", "Jörg"), Name("Dupré", "Amélie"))
    assert article.date == PartialDate(2021, 3, 15)
    assert article.pmid == "33037401"
    assert article.abstract == (
        "Purpose: to measure how often diffusion-weighted imaging separates stroke from its mimics."
    )
    assert article.venue == "European Radiology"
    assert (article.kind, abstract.kind) == (Kind.ARTICLE, Kind.ABSTRACT)
    assert abstract.where == "entry 2 (TY CONF, line 13)"


def test_a_record_that_never_ends_is_named_by_its_line():
    text = "TY  - JOUR\nTI  - Fine\nER  - \n\nTY  - JOUR\nTI  - Open\n"
    with pytest.raises(BibliographyError) as raised:
        read_ris(text)
    assert [str(p) for p in raised.value.problems] == [
        "entry 2 (line 5): the record never ends (no 'ER  -' line)"
    ]
    assert [r.title for r in raised.value.readable] == ["Fine"]


def test_a_record_started_inside_another_is_named():
    text = "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \n"
    with pytest.raises(BibliographyError, match="a new record starts before this one ended"):
        read_ris(text)


def test_a_bad_day_keeps_the_year_with_a_warning():
    (entry,) = read_ris("TY  - JOUR\nTI  - T\nPY  - 2021/02/30\nER  - \n")
    assert entry.date is not None
    assert entry.date.year == 2021
    assert entry.date.month is None
    assert entry.warnings == ("2021-02-30 is not a date; only the year was kept",)


def test_an_orcid_note_goes_to_the_author_named_and_to_one_author_only():
    """ "Łukasz" and "Lukasz" fold alike, so matching the notes by the folded name alone
    gave one author's ORCID to both (found by the round-trip test, as for BibTeX)."""
    text = (
        "TY  - JOUR\r\n"
        "AU  - Lis, Lukasz\r\n"
        "AU  - Lis, Łukasz\r\n"
        "AU  - Muller, Jan\r\n"
        "TI  - T\r\n"
        "N1  - ORCID: Lis, Łukasz/0000-0002-1825-0097\r\n"
        "N1  - ORCID: Müller, Jan/0000-0002-1694-233X\r\n"
        "ER  - \r\n"
    )
    (record,) = read_ris(text)
    assert [(a.given, a.orcid) for a in record.authors] == [
        ("Lukasz", ""),
        ("Łukasz", "0000-0002-1825-0097"),
        # Noted with its accent, written without: still that author's, as no one else's.
        ("Jan", "0000-0002-1694-233X"),
    ]
