from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from outputs.imports import import_commit, import_preview
from outputs.models import Author, Output, OutputImport
from outputs.services import AuthorIn, output_create
from outputs.tests.factories import BIBTEX_WITH_DUPLICATE_AND_BROKEN, GOOD_BIBTEX, make_output

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "formats" / "bibliography" / "tests" / "fixtures"


@pytest.fixture
def trainee(personas):
    personas.trainee.full_name = "Test Trainee"
    personas.trainee.save(update_fields=["full_name"])
    return personas.trainee


def test_the_preview_sorts_entries_into_new_duplicate_and_refused(trainee):
    preview = import_preview(person=trainee, text=GOOD_BIBTEX, fmt="bibtex")
    assert [e.record.label for e in preview.new] == ["key newone2023"]
    (duplicate,) = preview.duplicates
    assert duplicate.reason == (
        "the same title, year (±1), kind and first or last author as "
        "entry 1 (key newone2023, line 2) in this file"
    )
    assert duplicate.fills == ["doi"]
    (refused,) = preview.refused
    assert "its type (@misc) does not say what kind of output it is" in refused.reason
    assert preview.can_commit
    assert not Output.objects.exists()


def test_committing_writes_new_entries_merged_with_their_in_file_twins(trainee):
    result = import_commit(actor=trainee, person=trainee, text=GOOD_BIBTEX, fmt="bibtex")
    assert (result.created, result.merged, result.refused) == (1, 0, 1)
    output = Output.objects.get()
    assert output.doi == "10.1000/audit.2023"  # filled from the second entry
    assert output.title == "Out-of-hours CT head requests: an audit"
    assert output.abstract == "First line second line"
    assert output.date_display == "Jun 2023"
    assert output.added_by == trainee
    assert [(a.name, a.person) for a in output.authors.all()] == [
        ("Test Trainee", trainee),
        ("Amélie Dupré", None),
    ]
    batch = OutputImport.objects.get()
    assert (batch.state, batch.created_count, batch.text) == ("committed", 1, "")
    event = AuditEvent.objects.get(action="outputs.import")
    assert event.changes["created"] == [None, [output.pk]]


def test_a_duplicate_of_an_existing_output_fills_its_empty_fields_and_is_not_doubled(trainee):
    existing = make_output(
        trainee, title="Out-of-hours CT head requests: an audit", date=dt.date(2022, 5, 1)
    )
    result = import_commit(actor=trainee, person=trainee, text=GOOD_BIBTEX, fmt="bibtex")
    assert (result.created, result.merged) == (0, 1)
    existing.refresh_from_db()
    assert Output.objects.count() == 1
    assert existing.venue == "Clinical Radiology"
    assert existing.doi == "10.1000/audit.2023"
    assert existing.version == 2
    result = import_commit(actor=trainee, person=trainee, text=GOOD_BIBTEX, fmt="bibtex")
    assert Output.objects.count() == 1


def test_a_title_match_with_a_different_doi_is_a_different_work(trainee):
    make_output(trainee, title="Out-of-hours CT head requests: an audit", doi="10.1000/other")
    text = (
        "@article{a, author={Trainee, Test}, "
        "title={Out-of-hours CT head requests: an audit}, doi={10.1000/mine}}"
    )
    preview = import_preview(person=trainee, text=text)
    assert len(preview.new) == 1


def test_a_malformed_entry_is_refused_alone_and_the_rest_is_imported(trainee):
    make_output(
        trainee, title="Diffusion-weighted MRI in stroke mimics", doi="10.1007/s00330-020-07301-2"
    )
    preview = import_preview(person=trainee, text=BIBTEX_WITH_DUPLICATE_AND_BROKEN)
    assert not preview.problems
    assert [e.state for e in preview.entries] == ["duplicate", "new", "refused"]
    (broken,) = preview.refused
    assert broken.where == "entry 3 (key broken2024, line 17)"
    assert broken.reason.startswith("it is not valid BibTeX")
    assert preview.can_commit
    result = import_commit(actor=trainee, person=trainee, text=BIBTEX_WITH_DUPLICATE_AND_BROKEN)
    assert (result.created, result.merged, result.refused) == (1, 1, 1)
    assert Output.objects.count() == 2


def test_a_file_that_is_not_bibliography_is_refused_whole_with_its_reason(trainee):
    preview = import_preview(person=trainee, text="Dear colleague, my papers are attached.")
    assert [str(p) for p in preview.problems] == [
        "the file: it is not a bibliography file: no BibTeX entry (@article{…), RIS record "
        "(TY  - …), MEDLINE record (PMID- …), PubMed XML or ORCID/Crossref JSON was found in it"
    ]
    assert not preview.can_commit
    with pytest.raises(ValidationError) as raised:
        import_commit(actor=trainee, person=trainee, text="   ")
    assert raised.value.messages == [
        "The import is refused, nothing was written.",
        "the file: it is empty",
    ]
    assert not OutputImport.objects.exists()


def test_someone_elses_output_is_refused_unless_the_importer_is_among_its_authors(
    trainee, personas
):
    other = output_create(
        actor=personas.mentor,
        kind="article",
        title="Diffusion-weighted MRI in stroke mimics",
        doi="10.1000/dwi",
        authors=[AuthorIn("Mentor", person=personas.mentor)],
    )
    text = (
        "@article{a, author={Trainee, Test}, doi={10.1000/dwi}, "
        "title={Diffusion-weighted MRI in stroke mimics}}"
    )
    (refused,) = import_preview(person=trainee, text=text).refused
    assert "recorded by someone else" in refused.reason
    Author.objects.create(output=other, position=2, name="T. Trainee")
    (duplicate,) = import_preview(person=trainee, text=text).duplicates
    assert duplicate.existing == other
    import_commit(actor=trainee, person=trainee, text=text)
    assert other.authors.get(position=2).person == trainee


def test_authors_are_matched_to_people_and_the_importer_by_initial(trainee):
    """The importer is linked at once; the other person named waits for their answer."""
    helen = UserFactory.create(full_name="Helen Marsh")
    text = "@article{a, author={T. Trainee and Marsh, Helen and Nobody, Known}, title={T}}"
    import_commit(actor=trainee, person=trainee, text=text)
    authors = Author.objects.order_by("position")
    assert [a.person for a in authors] == [trainee, None, None]
    assert [a.pending_person for a in authors] == [None, helen, None]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("refs.ris", "ris"),
        ("pubmed.xml", "pubmed_xml"),
        ("medline.txt", "medline"),
        ("crossref_work.json", "crossref_json"),
    ],
)
def test_every_format_goes_through_the_same_service(trainee, name, fmt):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    result = import_commit(actor=trainee, person=trainee, text=text, fmt=fmt)
    assert result.created >= 1
    article = Output.objects.get(doi="10.1007/s00330-020-07301-2")
    first = article.authors.first()
    assert first is not None
    assert first.name == "Jörg Müller"


def test_pubmed_then_bibtex_of_the_same_paper_merges_by_doi(trainee):
    import_commit(actor=trainee, person=trainee, text=(FIXTURES / "pubmed.xml").read_text())
    result = import_commit(
        actor=trainee, person=trainee, text=(FIXTURES / "radiology.bib").read_text()
    )
    assert result.merged == 1
    assert Output.objects.filter(doi="10.1007/s00330-020-07301-2").count() == 1


def test_an_orcid_summary_makes_the_importer_its_author(trainee):
    text = (FIXTURES / "orcid_works.json").read_text()
    result = import_commit(actor=trainee, person=trainee, text=text)
    assert result.created == 2
    author = Author.objects.filter(output__kind="poster").get()
    assert (author.person, author.orcid) == (trainee, "0000-0002-1825-0097")


def test_a_file_of_only_refused_entries_writes_nothing(trainee):
    with pytest.raises(ValidationError, match="every one was refused"):
        import_commit(actor=trainee, person=trainee, text="@misc{t, author={A, B}, title={T}}")


ABSTRACT_THEN_ARTICLE = r"""
@inproceedings{abstract2021,
  author = {Trainee, Test and Patel, Nisha},
  title = {Stroke mimics on diffusion MRI},
  booktitle = {UKIO 2021},
  year = {2021}
}

@ARTICLE{article2022,
  AUTHOR = {Trainee, Test and Patel, Nisha and Smith, Helen},
  TITLE = {Stroke mimics on diffusion {MRI}},
  JOURNAL = {Clinical Radiology},
  YEAR = {2022},
  VOLUME = {77},
  NUMBER = {3},
  PAGES = {201--209},
  DOI = {10.1016/j.crad.2022.01.001},
  PUBLISHER = {Elsevier},
  ISSN = {0009-9260}
}

@article{other2022,
  author = {Someone, Else},
  title = {Stroke mimics on diffusion MRI},
  journal = {Neuroradiology},
  year = {2015}
}
"""


def test_an_abstract_and_its_later_article_are_linked_not_merged(trainee):
    preview = import_preview(person=trainee, text=ABSTRACT_THEN_ARTICLE)
    abstract, article, other = preview.entries
    assert (abstract.state, article.state) == ("new", "new")
    assert article.became_from is abstract
    assert article.link_note == "will be linked: “Stroke mimics on diffusion MRI” became this"
    assert other.state == "possible"
    assert other.reason.startswith(
        "possibly the same as entry 1 (key abstract2021, line 2) in this file: the same title"
    )
    result = import_commit(actor=trainee, person=trainee, text=ABSTRACT_THEN_ARTICLE)
    assert (result.created, result.skipped) == (2, 1)
    saved_abstract = Output.objects.get(kind="abstract")
    saved_article = Output.objects.get(kind="article")
    assert saved_abstract.became == saved_article
    assert saved_abstract.doi == ""  # the article's DOI is never copied onto the abstract
    assert (saved_article.volume, saved_article.issue, saved_article.pages) == (
        "77",
        "3",
        "201-209",
    )
    assert (saved_article.publisher, saved_article.issn) == ("Elsevier", "0009-9260")
    author = saved_article.authors.get(position=2)
    assert (author.family, author.given, author.name) == ("Patel", "Nisha", "Nisha Patel")


def test_a_possible_duplicate_is_imported_only_when_chosen(trainee):
    result = import_commit(
        actor=trainee, person=trainee, text=ABSTRACT_THEN_ARTICLE, chosen={1, 2, 3}
    )
    assert (result.created, result.skipped) == (3, 0)
    assert Output.objects.filter(title="Stroke mimics on diffusion MRI").count() == 3


def test_a_known_abstract_becomes_the_new_article_and_keeps_its_own_kind(trainee):
    abstract = make_output(
        trainee,
        title="Stroke mimics on diffusion MRI",
        kind="abstract",
        date=dt.date(2021, 6, 1),
        authors=[AuthorIn("Test Trainee", person=trainee)],
    )
    text = ABSTRACT_THEN_ARTICLE.split("@article{other2022")[0].split("@ARTICLE")[1]
    preview = import_preview(person=trainee, text="@ARTICLE" + text)
    (entry,) = preview.entries
    assert (entry.state, entry.became_from) == ("new", abstract)
    import_commit(actor=trainee, person=trainee, text="@ARTICLE" + text)
    abstract.refresh_from_db()
    assert abstract.became.kind == "article"
    assert abstract.doi == ""


def test_the_same_doi_or_pmid_is_the_same_work_whatever_the_title(trainee):
    existing = make_output(trainee, title="Old title", doi="10.1000/x", pmid="123")
    by_doi = "@article{a, author={Trainee, Test}, title={New title}, doi={10.1000/X}}"
    (entry,) = import_preview(person=trainee, text=by_doi).entries
    assert (entry.state, entry.existing) == ("duplicate", existing)
    assert "the same DOI as “Old title” (journal article)" in entry.reason
    by_pmid = "@article{a, author={Trainee, Test}, title={Other}, pmid={123}, volume={4}}"
    (entry,) = import_preview(person=trainee, text=by_pmid).entries
    assert entry.state == "duplicate"
    assert entry.fills == ["volume"]


def test_a_title_match_without_year_kind_and_author_is_only_possible(trainee):
    make_output(trainee, title="Stroke mimics on diffusion MRI", date=dt.date(2010, 1, 1))
    text = "@article{a, author={Else, Someone}, title={Stroke mimics on diffusion MRI}, year=2022}"
    (entry,) = import_preview(person=trainee, text=text).entries
    assert entry.state == "possible"
    assert entry.reason.endswith("but not the same year, author")


def test_readers_warnings_and_kinds_reach_the_preview(trainee):
    text = (
        "@misc{p, author={Trainee, Test}, title={A preprint}, doi={10.1101/2024.01.01.1}}\n"
        "@article{s, author={Trainee, Test}, title={Short}, doi={10/cn2h9c}, year={in press}}\n"
        "@phdthesis{t, author={Trainee, Test}, title={A thesis}, school={Leeds}, year=2020}\n"
    )
    preview = import_preview(person=trainee, text=text)
    assert [e.kind_label for e in preview.new] == ["Preprint", "Journal article", "Thesis"]
    assert preview.new[1].warnings == (
        "the DOI 10/cn2h9c is a short DOI: stored as given, check that it resolves",
    )
    import_commit(actor=trainee, person=trainee, text=text)
    short = Output.objects.get(title="Short")
    assert (short.doi, short.status, short.date) == ("10/cn2h9c", "in_press", None)
