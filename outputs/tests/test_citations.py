from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from formats.bibliography import read
from outputs.citations import OWN_NAME, STYLES, as_record, cite, export_bibtex, export_ris, plain
from outputs.models import Output
from outputs.selectors import with_details
from outputs.services import AuthorIn, output_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(personas):
    return output_create(
        actor=personas.trainee,
        kind="article",
        title="Diffusion-weighted MRI in stroke mimics: p < 0.01",
        authors=[
            AuthorIn("Okafor, Amara N.", person=personas.trainee, affiliation="Manchester"),
            AuthorIn("Jörg Müller", orcid="0000-0002-1825-0097"),
            AuthorIn("UK Radiology Trainee Collaborative"),
        ],
        venue="European Radiology",
        date=dt.date(2021, 3, 1),
        date_precision="month",
        volume="31",
        issue="3",
        pages="1234-1242",
        doi="10.1007/s00330-020-07301-2",
        pmid="33037401",
        issn="1432-1084",
        publisher="Springer",
        affiliations="Department of Radiology, Manchester",
    )


def _outputs():
    return list(with_details(Output.objects.all()).order_by("pk"))


EXPECTED = {
    "vancouver": "Okafor AN, Müller J, UK Radiology Trainee Collaborative. Diffusion-weighted "
    "MRI in stroke mimics: p < 0.01. European Radiology. 2021 Mar;31(3):1234\u201342. ",
    "ama": "Okafor AN, Müller J, UK Radiology Trainee Collaborative. Diffusion-weighted MRI in "
    "stroke mimics: p < 0.01. European Radiology. 2021;31(3):1234-1242. "
    "doi:10.1007/s00330-020-07301-2.",
    "apa": "Okafor, A. N., Müller, J., & UK Radiology Trainee Collaborative (2021). "
    "Diffusion-weighted MRI in stroke mimics: p < 0.01. European Radiology, 31(3), "
    "1234\u20131242. https://doi.org/10.1007/s00330-020-07301-2",
    "harvard": "Okafor, A.N., Müller, J. and UK Radiology Trainee Collaborative (2021) "
    "“Diffusion-weighted MRI in stroke mimics: p < 0.01”, European Radiology, 31(3), "
    "pp. 1234\u20131242. Available at: https://doi.org/10.1007/s00330-020-07301-2.",
}
OWN = {
    "vancouver": "Okafor AN",
    "ama": "Okafor AN",
    "apa": "Okafor, A. N.",
    "harvard": "Okafor, A.N.",
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_each_style_cites_with_volume_pages_and_the_persons_own_name_bold(article, personas, style):
    (parts,) = cite(_outputs(), style=style, person=personas.trainee)
    assert plain(parts) == EXPECTED[style]
    assert [text for kind, text in parts if "B" in kind] == [OWN[style]]


def test_the_journal_is_italic_where_the_style_says_so(article):
    (parts,) = cite(_outputs(), style="ama")
    assert ("I", "European Radiology") in parts
    assert not any("B" in kind for kind, _ in parts)  # nobody's own name without a person


def test_every_kind_can_be_cited(personas):
    for kind in Output.Kind:
        output_create(
            actor=personas.trainee,
            kind=kind,
            title=f"A {kind.label.lower()}",
            authors=[AuthorIn("Amara Okafor", person=personas.trainee)],
            status="in_press" if kind == "article" else "published",
        )
    for style in STYLES:
        cited = [plain(p) for p in cite(_outputs(), style=style, person=personas.trainee)]
        assert len(cited) == len(Output.Kind)
        assert all("Okafor" in c for c in cited)
    vancouver = cite(_outputs(), style="vancouver")
    assert "in press" in plain(vancouver[0])


def test_the_own_name_pattern_keeps_the_full_stop_after_the_last_author():
    text = "Patel N, \ue000Okafor\ue001 A. T. 2021"
    match = OWN_NAME["bare"].search(text)
    assert match is not None
    assert match.group("rest") == " A"


def test_an_output_list_exported_as_bibtex_and_ris_reads_back_equal(article, personas):
    output_create(
        actor=personas.trainee,
        kind="poster",
        title="A poster & its 100% pages",
        authors=[AuthorIn("Amara Okafor", person=personas.trainee)],
        venue="UKIO 2022",
        date=dt.date(2022, 6, 5),
        status="accepted",
        more_authors=True,
    )
    outputs = _outputs()
    records = [_flattened(as_record(o)) for o in outputs]
    for text, fmt in ((export_bibtex(outputs), "bibtex"), (export_ris(outputs), "ris")):
        back = [
            dataclasses.replace(r, index=1, label="", line=None, source_type="")
            for r in read(text, fmt)
        ]
        assert back == [
            dataclasses.replace(r, label="", line=None, source_type="") for r in records
        ], fmt


def _flattened(record):
    """Both formats keep affiliations for the work as a whole, each author's in order."""
    places = list(record.affiliations)
    for author in record.authors:
        places += [p for p in author.affiliations if p not in places]
    authors = tuple(dataclasses.replace(a, affiliations=()) for a in record.authors)
    return dataclasses.replace(record, authors=authors, affiliations=tuple(places))


def test_the_cv_cites_in_vancouver_with_volume_and_pages(article, personas):
    import io

    from docx import Document as Docx

    from training.cv import cv_docx, cv_for, cv_pdf

    cv = cv_for(personas.trainee)
    (entry,) = [e for s in cv.sections for _, kind in s.kinds for e in kind]
    assert plain(entry.citation) == EXPECTED["vancouver"]
    text = "\n".join(p.text for p in Docx(io.BytesIO(cv_docx(cv))).paragraphs)
    assert "European Radiology. 2021 Mar;31(3):1234\u201342." in text
    bold = [r.text for p in Docx(io.BytesIO(cv_docx(cv))).paragraphs for r in p.runs if r.bold]
    assert "Okafor AN" in bold
    assert cv_pdf(cv_for(personas.trainee, style="apa")).startswith(b"%PDF")


def test_the_export_view_gives_each_format_and_names_a_bad_choice(client, article, personas):
    client.force_login(personas.trainee)
    ris = client.get("/outputs/export/?format=ris")
    assert ris.status_code == 200
    assert "VL  - 31" in ris.content.decode()
    bib = client.get("/outputs/export/?format=bib&kind=article")
    assert "pages = {1234--1242}" in bib.content.decode()
    for fmt, start in (("pdf", b"%PDF"), ("docx", b"PK")):
        response = client.get(f"/outputs/export/?format={fmt}&style=harvard")
        assert response.content.startswith(start)
    bad = client.get("/outputs/export/?format=xls&style=chicago")
    assert bad.status_code == 400
    assert "format: Select a valid choice" in bad.content.decode()
    assert "style: Select a valid choice" in bad.content.decode()
    page = client.get("/outputs/").content.decode()
    assert "/training/cv.pdf?style=apa" in page or "cv.pdf?style=apa" in page


def test_the_output_page_shows_the_citation_fields_and_the_became_link(client, article, personas):
    abstract = output_create(
        actor=personas.trainee,
        kind="abstract",
        title=article.title,
        authors=[AuthorIn("Amara Okafor", person=personas.trainee)],
    )
    abstract.became = article
    abstract.save()
    client.force_login(personas.trainee)
    page = client.get(article.get_absolute_url()).content.decode()
    for shown in ("31 (3)", "1234-1242", "Springer", "1432-1084", "Presented first as"):
        assert shown in page
    assert "Became" in client.get(abstract.get_absolute_url()).content.decode()
