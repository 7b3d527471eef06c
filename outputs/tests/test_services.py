from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from core.exceptions import EditConflict
from outputs.models import Author, Output
from outputs.services import AuthorIn, output_create, output_delete, output_update
from outputs.tests.factories import make_output
from people.models import Term

pytestmark = pytest.mark.django_db


def test_creating_an_output_matches_authors_by_exact_normalised_name(personas):
    helen = UserFactory.create(full_name="Dr Helen Marsh")
    output = output_create(
        actor=personas.trainee,
        kind=Output.Kind.ARTICLE,
        title="  A study  ",
        authors=[AuthorIn("Trainee"), AuthorIn("helen marsh"), AuthorIn("Someone Else")],
        doi="https://doi.org/10.1000/ABC",
        themes=Term.objects.filter(name="MRI"),
    )
    people = [(a.person, a.pending_person) for a in output.authors.all()]
    assert people == [(personas.trainee, None), (None, helen), (None, None)]
    assert output.title == "A study"
    assert output.doi == "10.1000/abc"
    assert output.added_by == personas.trainee
    assert [t.name for t in output.themes.all()] == ["MRI"]
    assert AuditEvent.objects.filter(action="output.create", object_id=str(output.pk)).exists()


def test_two_people_with_the_same_name_are_not_guessed(personas):
    UserFactory.create(full_name="Sam Lee")
    UserFactory.create(full_name="Sam Lee")
    output = output_create(actor=None, kind="article", title="T", authors=[AuthorIn("Sam Lee")])
    assert output.authors.get().person is None


def test_an_author_is_linked_by_an_orcid_known_from_another_output(personas):
    output_create(
        actor=None,
        kind="article",
        title="First",
        authors=[AuthorIn("M. Mentor", person=personas.mentor, orcid="0000-0002-1825-0097")],
    )
    second = output_create(
        actor=None,
        kind="article",
        title="Second",
        authors=[AuthorIn("Whoever", orcid="0000-0002-1825-0097")],
    )
    assert second.authors.get().person == personas.mentor


def test_bad_values_are_named_and_nothing_is_written(personas):
    with pytest.raises(ValidationError) as raised:
        output_create(actor=None, kind="article", title="T", authors=[AuthorIn("A")], doi="nope")
    assert "doi" in raised.value.message_dict
    with pytest.raises(ValidationError, match="at least one author"):
        output_create(actor=None, kind="article", title="T", authors=[])
    with pytest.raises(ValidationError) as raised:
        output_create(actor=None, kind="novel", title="T", authors=[AuthorIn("A")])
    assert "kind" in raised.value.message_dict
    assert not Output.objects.exists()


def _update(output, person, version, **changes):
    values = {
        "kind": output.kind,
        "title": output.title,
        "venue": output.venue,
        "date": output.date,
        "date_precision": output.date_precision,
        "status": output.status,
        "doi": output.doi,
        "pmid": output.pmid,
        "abstract": output.abstract,
        "amount": None,
        "currency": "",
        "ends_on": None,
    }
    values.update(changes)
    authors = changes.pop("authors", None) or [AuthorIn(str(person), person=person)]
    values.pop("authors", None)
    return output_update(actor=person, output=output, version=version, authors=authors, **values)


def test_a_second_stale_save_is_refused_with_the_saved_values(personas):
    output = make_output(personas.trainee)
    _update(output, personas.trainee, 1, venue="Radiology")
    with pytest.raises(EditConflict) as raised:
        _update(output, personas.trainee, 1, venue="European Radiology")
    assert raised.value.current == {"venue": "Radiology"}
    assert raised.value.version == 2
    output.refresh_from_db()
    assert output.venue == "Radiology"


def test_an_update_rewrites_authors_and_audits_the_changes(personas):
    output = make_output(personas.trainee)
    _update(
        output,
        personas.trainee,
        1,
        date=dt.date(2024, 1, 1),
        authors=[
            AuthorIn("Mentor", person=personas.mentor),
            AuthorIn("Trainee", person=personas.trainee),
        ],
    )
    assert [(a.person, a.pending_person) for a in Author.objects.filter(output=output)] == [
        (None, personas.mentor),
        (personas.trainee, None),
    ]
    event = AuditEvent.objects.get(action="output.update")
    assert event.changes["date"] == [None, "2024-01-01"]
    assert event.changes["authors"][1] == ["Mentor", "Trainee"]


def test_deleting_leaves_an_audit_row(personas):
    output = make_output(personas.trainee)
    output_delete(actor=personas.trainee, output=output)
    assert not Output.objects.exists()
    assert AuditEvent.objects.filter(action="output.delete").exists()


def test_a_mentors_track_record_follows_their_outputs(personas):
    from mentors.tests.factories import make_mentor

    profile = make_mentor(personas.mentor)
    make_output(personas.mentor, date=dt.date.today())  # noqa: DTZ011
    profile.stats.refresh_from_db()
    assert profile.stats.outputs_5y == 1
