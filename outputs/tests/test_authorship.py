"""A person named as an author by someone else is credited only once they confirm it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from mentors.models import MentorStats
from mentors.stats import mentor_stats_refresh
from mentors.tests.factories import make_mentor
from outputs.access import may_edit, own_outputs
from outputs.imports import import_commit
from outputs.models import Author, Output
from outputs.services import (
    AuthorIn,
    authorship_confirm,
    authorship_decline,
    output_create,
    output_update,
)
from training import services as training_services
from training.cv import cv_for
from training.selectors import goals_of

pytestmark = pytest.mark.django_db
RECENT = timezone.now().date() - dt.timedelta(days=30)


def naming(actor, *people, title="Diffusion MRI in stroke mimics", **values) -> Output:
    """An output `actor` records with themselves first and `people` after them."""
    authors = [AuthorIn(str(actor), person=actor)]
    authors += [AuthorIn(str(p), person=p) for p in people]
    values.setdefault("date", RECENT)
    return output_create(actor=actor, kind="article", title=title, authors=authors, **values)


def edit(output: Output, actor, authors: list[AuthorIn], **values) -> Output:
    output.refresh_from_db()
    fields = {"kind": output.kind, "title": output.title, "date": output.date, **values}
    return output_update(
        actor=actor, output=output, version=output.version, authors=authors, **fields
    )


def test_a_person_named_by_someone_else_waits_and_is_emailed(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = naming(personas.trainee, personas.mentor)
    mine, theirs = output.authors.all()
    assert (mine.person, mine.pending_person) == (personas.trainee, None)
    assert (theirs.person, theirs.pending_person) == (None, personas.mentor)
    assert not own_outputs(personas.mentor).exists()
    assert not may_edit(personas.mentor, output)
    (email,) = mailoutbox
    assert email.to == [personas.mentor.email]
    assert "Trainee named you as an author" in email.subject
    assert output.title in email.body
    assert "/dashboard/confirm/" in email.body
    request = AuditEvent.objects.get(action="output.authorship_request")
    assert request.changes == {"waiting for": [None, ["Mentor"]]}


def test_a_person_linking_themselves_needs_no_confirmation(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = naming(personas.trainee)
    assert output.authors.get().person == personas.trainee
    assert own_outputs(personas.trainee).get() == output
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action="output.authorship_request").exists()


def test_a_name_match_to_someone_else_waits_too(personas):
    helen = UserFactory.create(full_name="Dr Helen Marsh")
    output = output_create(
        actor=personas.trainee, kind="article", title="T", authors=[AuthorIn("helen marsh")]
    )
    assert output.authors.get().pending_person == helen
    assert output.authors.get().person is None


def test_confirming_links_the_person_and_their_track_record_counts_it(personas):
    profile = make_mentor(personas.mentor)
    output = naming(personas.trainee, personas.mentor)
    mentor_stats_refresh()
    assert MentorStats.objects.get(profile=profile).outputs_5y == 0
    authorship_confirm(actor=personas.mentor, output=output)
    author = output.authors.get(position=2)
    assert (author.person, author.pending_person) == (personas.mentor, None)
    assert own_outputs(personas.mentor).get() == output
    assert may_edit(personas.mentor, output)
    assert MentorStats.objects.get(profile=profile).outputs_5y == 1
    event = AuditEvent.objects.get(action="output.authorship_confirm")
    assert event.actor_id == personas.mentor.pk
    assert event.changes == {"confirmed author": [None, "Mentor as Mentor"]}


def test_declining_removes_the_link_and_keeps_the_name_as_text(personas):
    output = naming(personas.trainee, personas.mentor)
    authorship_decline(actor=personas.mentor, output=output)
    author = output.authors.get(position=2)
    assert (author.name, author.person, author.pending_person) == ("Mentor", None, None)
    assert list(output.declined_by.all()) == [personas.mentor]
    assert AuditEvent.objects.filter(action="output.authorship_decline").exists()


def test_a_declined_person_is_not_linked_again_by_a_later_edit(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    output = naming(personas.trainee, personas.mentor)
    authorship_decline(actor=personas.mentor, output=output)
    authors = [AuthorIn("Trainee", person=personas.trainee), AuthorIn("Mentor")]
    with django_capture_on_commit_callbacks(execute=True):
        edit(output, personas.trainee, authors, venue="Radiology")
        edit(output, personas.trainee, [*authors[:1], AuthorIn("M", person=personas.mentor)])
    assert not Author.objects.filter(output=output, pending_person__isnull=False).exists()
    assert mailoutbox == []


def test_an_edit_keeps_a_waiting_link_without_asking_again(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = naming(personas.trainee, personas.mentor)
        authors = [AuthorIn("Trainee", person=personas.trainee), AuthorIn("Mentor")]
        edit(output, personas.trainee, authors, venue="Radiology")
    assert output.authors.get(position=2).pending_person == personas.mentor
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="output.authorship_request").count() == 1


def test_a_confirmed_link_survives_an_edit_by_another_author(personas):
    output = naming(personas.trainee, personas.mentor)
    authorship_confirm(actor=personas.mentor, output=output)
    authors = [AuthorIn("Trainee", person=personas.trainee), AuthorIn("Mentor")]
    edit(output, personas.mentor, authors, venue="Radiology")
    assert [a.person for a in output.authors.all()] == [personas.trainee, personas.mentor]


def test_only_the_person_named_may_answer(personas):
    output = naming(personas.trainee, personas.mentor)
    for someone in (personas.trainee, personas.admin, personas.site_lead_a):
        with pytest.raises(Http404):
            authorship_confirm(actor=someone, output=output)
        with pytest.raises(Http404):
            authorship_decline(actor=someone, output=output)
    authorship_confirm(actor=personas.mentor, output=output)
    with pytest.raises(Http404):  # answered: nothing waits any more
        authorship_decline(actor=personas.mentor, output=output)


def test_a_waiting_link_is_not_on_the_cv_nor_in_goals_until_confirmed(personas):
    goal = training_services.goal_create(
        person=personas.mentor, target=1, kind="article", due_on=RECENT + dt.timedelta(days=90)
    )
    output = naming(personas.trainee, personas.mentor)
    assert cv_for(personas.mentor).counts["outputs"] == 0
    assert [p.achieved for p in goals_of(personas.mentor) if p.goal == goal] == [0]
    authorship_confirm(actor=personas.mentor, output=output)
    assert cv_for(personas.mentor).counts["outputs"] == 1
    assert [p.achieved for p in goals_of(personas.mentor) if p.goal == goal] == [1]


def test_the_system_records_links_as_confirmed(personas):
    """Demo seeding and the operator's scripts act for nobody: there is no one to ask."""
    output = output_create(
        actor=None, kind="article", title="T", authors=[AuthorIn("M", person=personas.mentor)]
    )
    assert output.authors.get().person == personas.mentor


def test_an_import_asks_each_person_named_once(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory.create(full_name="Helen Marsh", email="helen@example.org")
    text = (
        "@article{a, author={Trainee and Marsh, Helen}, title={First paper}}\n"
        "@article{b, author={Marsh, Helen and Trainee}, title={Second paper}}\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_commit(actor=personas.trainee, person=personas.trainee, text=text)
    assert Author.objects.filter(pending_person__email="helen@example.org").count() == 2
    assert Author.objects.filter(person=personas.trainee).count() == 2
    (email,) = mailoutbox
    assert email.to == ["helen@example.org"]
    assert "First paper" in email.body
    assert "Second paper" in email.body
    assert AuditEvent.objects.filter(action="output.authorship_request").count() == 2


def test_importing_ones_own_output_undoes_a_refusal(personas):
    """Someone who declined may still claim the output themselves, from their own file."""
    output = naming(personas.mentor, personas.trainee, title="Shared paper")
    authorship_decline(actor=personas.trainee, output=output)
    text = (
        f"@article{{a, author={{Mentor and Trainee}}, title={{Shared paper}}, year={RECENT.year}}}"
    )
    import_commit(actor=personas.trainee, person=personas.trainee, text=text)
    assert output.authors.get(position=2).person == personas.trainee
    assert not output.declined_by.exists()
