from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formats.bibliography import BibliographyError, Format, read, sniff
from formats.bibliography.text import clean_doi, name_key, title_key


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("radiology.bib", Format.BIBTEX),
        ("refs.ris", Format.RIS),
        ("pubmed.xml", Format.PUBMED_XML),
        ("medline.txt", Format.MEDLINE),
        ("orcid_works.json", Format.ORCID_JSON),
        ("crossref_work.json", Format.CROSSREF_JSON),
    ],
)
def test_each_format_is_recognised_and_read(fixture_text, name, fmt):
    text = fixture_text(name)
    assert sniff(text) == fmt
    assert read(text)  # sniffed
    assert read(text, fmt)


def test_an_unrecognised_file_asks_for_the_format():
    with pytest.raises(BibliographyError, match="format is not recognised"):
        read("just some words")


def test_an_unknown_format_name_is_named():
    with pytest.raises(BibliographyError, match="'endnote' is not one of"):
        read("x", "endnote")


def test_titles_match_across_case_accents_and_punctuation():
    assert title_key("Diffusion-weighted MRI: a <i>multicentre</i> Étude.") == title_key(
        "diffusion weighted mri a multicentre etude"
    )


def test_names_match_without_honorifics_or_accents():
    assert name_key("Dr Jörg  Müller") == name_key("jorg muller") == "jorg muller"
    assert name_key("Øystein Smørgrav") == "oystein smorgrav"


def test_dois_are_normalised():
    assert clean_doi("https://doi.org/10.1148/RADIOL.2020") == "10.1148/radiol.2020"
    assert clean_doi("doi: 10.1148/x") == "10.1148/x"
    assert clean_doi("11.1/x") == ""


@given(st.text())
def test_title_key_is_idempotent(text):
    assert title_key(title_key(text)) == title_key(text)


@given(st.text(max_size=300))
def test_readers_never_crash_on_arbitrary_text(text):
    for fmt in Format:
        with contextlib.suppress(BibliographyError):
            read(text, fmt)
