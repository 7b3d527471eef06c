from __future__ import annotations

import pytest

from formats.bibliography import BibliographyError, Kind, Name, PartialDate
from formats.bibliography.jsonworks import read_crossref_json, read_orcid_json


def test_it_reads_orcid_work_summaries(fixture_text):
    article, poster = read_orcid_json(fixture_text("orcid_works.json"))
    assert article.doi == "10.1007/s00330-020-07301-2"
    assert article.pmid == "33037401"
    assert article.date == PartialDate(2021, 3)
    assert article.owner_orcid == "0000-0002-1825-0097"
    assert article.authors == ()
    assert poster.kind == Kind.POSTER
    assert poster.where == "entry 2 (put-code 90211)"


def test_it_reads_a_crossref_work_with_a_jats_abstract(fixture_text):
    (work,) = read_crossref_json(fixture_text("crossref_work.json"))
    assert work.title == "Diffusion-weighted MRI in stroke mimics: a multicentre étude"
    assert work.authors == (
        Name("Müller", "Jörg", "0000-0002-1825-0097"),
        Name("Dupré", "Amélie"),
        Name("UK Radiology Trainee Collaborative"),
    )
    assert work.date == PartialDate(2021, 3)
    assert (
        work.abstract
        == "Abstract Purpose To measure how often DWI separates stroke from its mimics."
    )
    assert work.kind == Kind.ARTICLE


def test_json_that_does_not_parse_is_named_with_its_line():
    with pytest.raises(BibliographyError, match=r"it is not JSON \(line 2, column 1"):
        read_crossref_json('{"message":\n}')


def test_a_crossref_work_without_a_title_is_named_by_its_doi():
    with pytest.raises(BibliographyError, match=r"entry 1 \(DOI 10.1/x\): it has no title"):
        read_crossref_json('{"message": {"DOI": "10.1/x", "title": []}}')


def test_a_json_file_of_another_shape_is_named():
    with pytest.raises(BibliographyError, match="not ORCID works JSON"):
        read_orcid_json('{"hello": 1}')


def test_malformed_parts_of_a_work_are_problems_not_crashes():
    """A work summary that is no object, or a number where a list belongs, used to raise
    AttributeError/TypeError out of the reader; now the entry is named as a problem."""
    with pytest.raises(BibliographyError, match=r"entry 1: it has no title"):
        read_orcid_json('{"group": [{"work-summary": ["not a work"]}]}')
    (work,) = read_crossref_json(
        '{"message": {"DOI": "10.1/x", "title": ["T"], "author": 3, "subject": 7,'
        ' "issued": "2021"}}'
    )
    assert work.authors == ()
    assert work.keywords == ()
    assert work.date is None
