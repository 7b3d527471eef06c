from __future__ import annotations

import pytest

from formats.bibliography import BibliographyError, Kind, Name, PartialDate
from formats.bibliography.pubmed import read_medline, read_pubmed_xml


def test_it_reads_efetch_xml_with_inline_markup_and_a_structured_abstract(fixture_text):
    article, congress = read_pubmed_xml(fixture_text("pubmed.xml"))
    assert article.pmid == "33037401"
    assert article.title == "Diffusion-weighted MRI in stroke mimics: a multicentre étude"
    assert article.doi == "10.1007/s00330-020-07301-2"
    assert article.date == PartialDate(2021, 3)
    assert article.venue == "European radiology"
    assert article.abstract == (
        "PURPOSE: To measure how often diffusion-weighted imaging separates stroke from its "
        "mimics. METHODS: Retrospective, four centres."
    )
    assert article.authors == (
        Name("Müller", "Jörg", "0000-0002-1825-0097"),
        Name("Smørgrav", "Øystein"),
        Name("UK Radiology Trainee Collaborative"),
    )
    assert article.keywords == ("Stroke", "MRI")
    assert article.where == "entry 1 (PMID 33037401)"
    assert congress.kind == Kind.ABSTRACT
    assert congress.date == PartialDate(2022, 11)


def test_malformed_xml_is_refused_with_its_line():
    with pytest.raises(BibliographyError, match=r"the file: it is not well-formed XML \(line 2"):
        read_pubmed_xml("<PubmedArticleSet>\n<PubmedArticle></Oops>")


def test_an_entity_bomb_is_refused_not_expanded():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        "<PubmedArticleSet>&a;</PubmedArticleSet>"
    )
    with pytest.raises(Exception):  # noqa: B017, PT011 - defusedxml's own refusal
        read_pubmed_xml(bomb)


def test_another_xml_document_is_named():
    with pytest.raises(BibliographyError, match="the root element is <html>"):
        read_pubmed_xml("<html></html>")


def test_an_article_without_a_title_is_named_by_its_pmid(fixture_text):
    text = fixture_text("pubmed.xml").replace(
        "<ArticleTitle>Trainee-led audit of CT head requests out of hours.</ArticleTitle>", ""
    )
    with pytest.raises(BibliographyError) as raised:
        read_pubmed_xml(text)
    assert [str(p) for p in raised.value.problems] == ["entry 2 (PMID 36001122): it has no title"]


def test_it_reads_medline_text_with_continuation_lines_and_orcids(fixture_text):
    article, congress = read_medline(fixture_text("medline.txt"))
    assert article.title == (
        "Diffusion-weighted MRI in stroke mimics: a multicentre study of four hospitals"
    )
    assert article.abstract.endswith("from its mimics. METHODS: Retrospective, four centres.")
    assert article.authors == (
        Name("Müller", "Jörg", "0000-0002-1825-0097"),
        Name("Smørgrav", "Øystein"),
    )
    assert article.doi == "10.1007/s00330-020-07301-2"
    assert article.where == "entry 1 (PMID 33037401, line 1)"
    assert congress.kind == Kind.ABSTRACT
    assert congress.where == "entry 2 (PMID 36001122, line 19)"


def test_a_stray_medline_line_is_named():
    text = "PMID- 1\nTI  - Fine\nthis line has no tag\n"
    with pytest.raises(BibliographyError, match="line 3 is neither a 'TAG - value' line"):
        read_medline(text)


def test_a_medline_record_without_pmid_is_named():
    with pytest.raises(BibliographyError, match=r"entry 1 \(line 1\): it has no PMID line"):
        read_medline("TI  - A title\nDP  - 2020\n")
