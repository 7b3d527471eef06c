"""Identifiers typed by a person, and the API answers of Crossref, PubMed and ORCID read as
records (recorded responses in fixtures/responses, no network)."""

from __future__ import annotations

import json

import pytest

from formats.bibliography import Kind, Status, read
from formats.bibliography.identifiers import (
    DOI,
    ORCID,
    PMID,
    Identifier,
    orcid_checksum_ok,
    orcid_works,
    parse_identifier,
    parse_identifiers,
)
from formats.bibliography.writers import write_bibtex


def response(fixture_text, name):
    return fixture_text(f"responses/{name}")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("10.1148/radiol.2021203656", Identifier(DOI, "10.1148/radiol.2021203656")),
        ("https://doi.org/10.1148/RADIOL.2021203656", Identifier(DOI, "10.1148/radiol.2021203656")),
        ("doi: 10.1000/xyz", Identifier(DOI, "10.1000/xyz")),
        ("31234567", Identifier(PMID, "31234567")),
        ("PMID: 31234567", Identifier(PMID, "31234567")),
        ("0000-0002-1825-0097", Identifier(ORCID, "0000-0002-1825-0097")),
        ("https://orcid.org/0000-0002-1694-233X", Identifier(ORCID, "0000-0002-1694-233X")),
        ("0000000218250097", Identifier(ORCID, "0000-0002-1825-0097")),
    ],
)
def test_parse_identifier_recognises_each_shape(written, expected):
    assert parse_identifier(written) == expected


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("0000-0002-1825-0098", "check digit"),
        ("10.1148", "not a whole DOI"),
        ("pneumothorax", "is not a DOI"),
        ("1234567890", "is not a DOI"),
        ("0", "is not a DOI"),
    ],
)
def test_parse_identifier_names_what_is_wrong(written, words):
    problem = parse_identifier(written)
    assert isinstance(problem, str)
    assert words in problem
    assert written in problem


def test_orcid_checksum():
    assert orcid_checksum_ok("0000-0002-1825-0097")
    assert orcid_checksum_ok("0000-0002-1694-233X")
    assert orcid_checksum_ok("0000-0001-5109-3700")
    assert not orcid_checksum_ok("0000-0002-1825-0096")
    assert not orcid_checksum_ok("0000-0002-1825")


def test_parse_identifiers_keeps_order_drops_repeats_and_lists_every_problem():
    text = "10.1148/radiol.2021203656\n\nPMID: 33037401, https://doi.org/10.1148/RADIOL.2021203656;"
    text += "\nnot-an-id\n0000-0002-1825-0098"
    found, problems = parse_identifiers(text)
    assert found == [Identifier(DOI, "10.1148/radiol.2021203656"), Identifier(PMID, "33037401")]
    assert len(problems) == 2
    assert "not-an-id" in problems[0]
    assert "0000-0002-1825-0098" in problems[1]


def test_parse_identifiers_limit():
    found, problems = parse_identifiers("\n".join(str(n) for n in range(1, 8)), limit=5)
    assert len(found) == 7
    assert problems == ["7 identifiers: at most 5 at a time"]


def test_crossref_work_answer_maps_every_citation_field(fixture_text):
    text = response(fixture_text, "crossref_10.1148_radiol.2021203656.json")
    (record,) = read(text, "crossref_json")
    assert record.kind == Kind.ARTICLE
    assert record.title.startswith("Pneumothorax Detection on Chest Radiographs")
    assert record.doi == "10.1148/radiol.2021203656"
    assert record.venue == "Radiology"
    assert record.date is not None
    assert (record.date.year, record.date.month) == (2021, 5)
    assert (record.volume, record.issue, record.first_page, record.last_page) == (
        "299",
        "2",
        "432",
        "440",
    )
    assert record.publisher == "Radiological Society of North America (RSNA)"
    assert record.issn == "0033-8419; 1527-1315"
    assert record.status == Status.PUBLISHED
    first = record.authors[0]
    assert (first.family, first.given, first.orcid) == ("Okafor", "Amara", "0000-0002-1825-0097")
    assert first.affiliations == ("Department of Radiology, St Elsewhere Hospital",)
    assert record.authors[2].family == "Gonçalves"
    assert "p < 0.01" in record.abstract


def test_crossref_posted_content_is_a_preprint_and_a_group_author_is_kept(fixture_text):
    (record,) = read(response(fixture_text, "crossref_10.1101_2023.01.15.23284567.json"))
    assert record.kind == Kind.PREPRINT
    assert [a.family for a in record.authors] == ["Mensah", "UK Radiology Trainee Collaborative"]
    assert record.date is not None
    assert (record.date.year, record.date.month, record.date.day) == (2023, 1, 16)


def test_crossref_type_radcollab_does_not_keep_has_no_kind(fixture_text):
    (record,) = read(response(fixture_text, "crossref_peer_review.json"), "crossref_json")
    assert record.kind is None
    assert record.source_type == "peer-review"


def test_pubmed_efetch_answer_read_by_the_pubmed_reader(fixture_text):
    (record,) = read(response(fixture_text, "pubmed_33037401.xml"), "pubmed_xml")
    assert record.pmid == "33037401"
    assert record.doi == "10.1007/s00330-020-07301-2"
    assert (record.volume, record.issue, record.pages) == ("31", "3", "1520-1528")
    assert record.authors[0].orcid == "0000-0002-1825-0097"


def test_orcid_works_answer_gives_each_work_with_its_identifiers(fixture_text):
    data = json.loads(response(fixture_text, "orcid_0000-0002-1825-0097_works.json"))
    works = orcid_works(data)
    assert [(w.put_code, w.doi, w.pmid) for w in works] == [
        ("101", "10.1148/radiol.2021203656", ""),
        ("102", "", "33037401"),
        ("103", "", ""),
    ]
    assert works[2].summary["type"] == "conference-poster"
    assert orcid_works({"errors": []}) == []
    assert orcid_works({"group": [{"work-summary": []}, "junk"]}) == []


def test_orcid_summary_reads_as_a_record_of_its_owner(fixture_text):
    data = json.loads(response(fixture_text, "orcid_0000-0002-1825-0097_works.json"))
    summary = orcid_works(data)[2].summary
    (record,) = read(json.dumps(summary), "orcid_json")
    assert record.kind == Kind.POSTER
    assert record.owner_orcid == "0000-0002-1825-0097"
    assert record.venue == "ECR 2024"


def test_looked_up_records_survive_the_bibtex_draft(fixture_text):
    """The look-up stores what it read as BibTeX; reading it back keeps every field."""
    records = [
        *read(response(fixture_text, "crossref_10.1148_radiol.2021203656.json")),
        *read(response(fixture_text, "pubmed_33037401.xml")),
    ]
    back = read(write_bibtex(records), "bibtex")
    for before, after in zip(records, back, strict=True):
        for name in ("kind", "title", "doi", "pmid", "venue", "volume", "issue", "pages", "issn"):
            assert getattr(after, name) == getattr(before, name), name
        assert [(a.family, a.given, a.orcid) for a in after.authors] == [
            (a.family, a.given, a.orcid) for a in before.authors
        ]
