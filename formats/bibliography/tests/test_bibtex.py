from __future__ import annotations

import pytest

from formats.bibliography import BibliographyError, Kind, Name, PartialDate, read
from formats.bibliography.bibtex import read_bibtex


def test_it_reads_entries_with_latex_accents_as_unicode(fixture_text):
    article, abstract, chapter = read_bibtex(fixture_text("radiology.bib"))
    assert article.title == "Diffusion-weighted MRI in stroke mimics: a multicentre étude"
    assert article.authors[:4] == (
        Name("Müller", "Jörg"),
        Name("Smørgrav", "Øystein"),
        Name("Dupré", "Amélie"),
        Name("van der Berg", "Jan"),
    )
    assert chapter.authors == (Name("García-López", "María"), Name("Šimić", "Ivan"))
    assert abstract.authors[2] == Name("O'Brien", "Siobhán")


def test_a_braced_corporate_author_stays_one_name(fixture_text):
    article = read_bibtex(fixture_text("radiology.bib"))[0]
    assert article.authors[-1] == Name("Royal College of Radiologists")


def test_it_keeps_identifiers_dates_and_a_multi_line_abstract(fixture_text):
    article, abstract, chapter = read_bibtex(fixture_text("radiology.bib"))
    assert article.doi == "10.1007/s00330-020-07301-2"
    assert article.pmid == "33037401"
    assert article.date == PartialDate(2021, 3)
    assert article.venue == "European Radiology"
    assert article.abstract.startswith("Purpose: to measure how often diffusion-weighted imaging ")
    assert "\n" not in article.abstract
    assert article.keywords == ("stroke", "MRI", "diffusion")
    assert (article.kind, abstract.kind, chapter.kind) == (
        Kind.ARTICLE,
        Kind.ABSTRACT,
        Kind.CHAPTER,
    )
    assert abstract.date == PartialDate(2023, 6)
    assert abstract.venue == "UK Imaging and Oncology Congress"


def test_entries_are_named_by_position_key_and_line(fixture_text):
    article = read_bibtex(fixture_text("radiology.bib"))[0]
    assert article.where == "entry 1 (key mueller2021dwi, line 2)"


def test_a_broken_file_names_every_broken_entry_and_keeps_the_readable_ones(fixture_text):
    with pytest.raises(BibliographyError) as raised:
        read_bibtex(fixture_text("broken.bib"))
    problems = [str(p) for p in raised.value.problems]
    assert problems[0].startswith("entry 2 (key unclosed2021, line 8): it is not valid BibTeX")
    assert problems[1] == (
        "entry 3 (key fine2020, line 14): the key 'fine2020' is used by an earlier entry too"
    )
    assert problems[2] == (
        "entry 4 (key badyear, line 20): the year '20x2' is not a year between 1800 and 2100"
    )
    assert [r.label for r in raised.value.readable] == ["key fine2020"]


def test_an_entry_without_a_title_is_named():
    with pytest.raises(BibliographyError, match=r"entry 1 \(key x, line 1\): it has no title"):
        read_bibtex("@article{x, author={A, B}, year={2020}}")


def test_a_bad_doi_is_left_out_with_a_warning():
    (entry,) = read_bibtex("@article{x, title={T}, doi={not-a-doi}}")
    assert entry.doi == ""
    assert entry.warnings == ("the DOI 'not-a-doi' is not a DOI (10.xxxx/…) and was left out",)


def test_an_empty_file_is_refused():
    with pytest.raises(BibliographyError, match="the file: it holds no entries"):
        read("% nothing here\n", "bibtex")


def test_a_misc_entry_that_is_no_preprint_is_read_without_a_kind():
    (misc,) = read_bibtex("@misc{t, title={Slides}, author={A, B}, year={2020}}")
    assert misc.kind is None
    assert misc.source_type == "@misc"


def test_orcid_numbers_go_to_the_author_named_and_each_to_one_author_only():
    """Web of Science's `orcid-numbers`: "Åberg" and "Aberg" fold alike, so matching by
    the folded name alone gave Åberg's ORCID to both (found by the round-trip test)."""
    text = """@article{k,
      title = {T},
      author = {Aberg, Anna and Åberg, Björn and Muller, Jan},
      orcid-numbers = {Åberg, Björn/0000-0002-1825-0097; Müller, Jan/0000-0002-1694-233X},
    }"""
    (record,) = read_bibtex(text)
    assert [(a.family, a.orcid) for a in record.authors] == [
        ("Aberg", ""),
        ("Åberg", "0000-0002-1825-0097"),
        # Listed with its accent, written without: still that author's, as no one else's.
        ("Muller", "0000-0002-1694-233X"),
    ]
