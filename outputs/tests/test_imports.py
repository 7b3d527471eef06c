from __future__ import annotations

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
    assert duplicate.reason == "the same work as entry 1 (key newone2023, line 2) in this file"
    assert duplicate.fills == ["doi"]
    (refused,) = preview.refused
    assert "its type (@phdthesis) is not an output RadCollab keeps" in refused.reason
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
    existing = make_output(trainee, title="Out-of-hours CT head requests: an audit")
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


def test_a_malformed_entry_refuses_the_whole_import_but_duplicates_are_still_reported(trainee):
    make_output(trainee, title="Diffusion-weighted MRI in stroke mimics")
    preview = import_preview(person=trainee, text=BIBTEX_WITH_DUPLICATE_AND_BROKEN)
    assert [str(p).split(":")[0] for p in preview.problems] == ["entry 3 (key broken2024, line 17)"]
    assert len(preview.duplicates) == 1
    assert len(preview.new) == 1
    assert not preview.can_commit
    with pytest.raises(ValidationError) as raised:
        import_commit(actor=trainee, person=trainee, text=BIBTEX_WITH_DUPLICATE_AND_BROKEN)
    assert raised.value.messages[0] == "The import is refused, nothing was written."
    assert "entry 3 (key broken2024, line 17)" in raised.value.messages[1]
    assert Output.objects.count() == 1
    assert not OutputImport.objects.exists()


def test_someone_elses_output_is_refused_unless_the_importer_is_among_its_authors(
    trainee, personas
):
    other = output_create(
        actor=personas.mentor,
        kind="article",
        title="Diffusion-weighted MRI in stroke mimics",
        authors=[AuthorIn("Mentor", person=personas.mentor)],
    )
    text = "@article{a, author={Trainee, Test}, title={Diffusion-weighted MRI in stroke mimics}}"
    (refused,) = import_preview(person=trainee, text=text).refused
    assert "recorded by someone else" in refused.reason
    Author.objects.create(output=other, position=2, name="T. Trainee")
    (duplicate,) = import_preview(person=trainee, text=text).duplicates
    assert duplicate.existing == other
    import_commit(actor=trainee, person=trainee, text=text)
    assert other.authors.get(position=2).person == trainee


def test_authors_are_matched_to_people_and_the_importer_by_initial(trainee):
    """The importer is linked at once; the other person named waits for their answer."""
    helen = UserFactory(full_name="Helen Marsh")
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
    assert article.authors.first().name == "Jörg Müller"


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
    with pytest.raises(ValidationError, match="every entry was refused"):
        import_commit(actor=trainee, person=trainee, text="@phdthesis{t, author={A, B}, title={T}}")
