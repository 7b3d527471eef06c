"""A supervising mentor named by the lead is shown only once they confirm it."""

from __future__ import annotations

import json

import pytest
from django.http import Http404
from django.urls import reverse

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from core.testing.api import api_client
from mentors.tests.factories import make_mentor
from projects import selectors, services
from projects.models import Member
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(personas):
    """A project the trainee leads, naming the mentor, who has not answered."""
    make_mentor(personas.mentor, site=personas.site_a)
    return make_project(
        personas.trainee, mentor=personas.mentor, sites=[personas.site_a], mentor_confirms=False
    )


def team_of(project) -> set[str]:
    return set(Member.objects.filter(project=project).values_list("person__email", flat=True))


def test_naming_someone_else_asks_them_and_emails_them(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = make_project(personas.trainee, mentor=personas.mentor, mentor_confirms=False)
    assert (project.mentor, project.pending_mentor) == (None, personas.mentor)
    assert team_of(project) == {personas.trainee.email}
    (email,) = mailoutbox
    assert email.to == [personas.mentor.email]
    assert "named you supervising mentor" in email.subject
    assert "/dashboard/confirm/" in email.body
    event = AuditEvent.objects.get(action="project.mentor_request")
    assert event.changes == {"supervising mentor asked": [None, "Mentor"]}


def test_a_lead_naming_themselves_needs_no_confirmation(personas, mailoutbox):
    project = make_project(personas.mentor, mentor=personas.mentor, mentor_confirms=False)
    assert (project.mentor, project.pending_mentor) == (personas.mentor, None)
    assert not AuditEvent.objects.filter(action="project.mentor_request").exists()


def test_the_mentor_page_lists_the_project_only_once_they_confirm(client, personas, asked):
    assert selectors.current_projects_for_mentor(personas.mentor) == []
    client.force_login(personas.site_lead_a)
    page = client.get(reverse("mentors:mentor", args=[personas.mentor.pk])).content.decode()
    assert asked.title not in page
    public = client.get(asked.get_absolute_url()).content.decode()
    assert "Supervising mentor" not in public
    services.mentor_confirm(actor=personas.mentor, project=asked)
    assert selectors.current_projects_for_mentor(personas.mentor) == [asked]
    page = client.get(reverse("mentors:mentor", args=[personas.mentor.pk])).content.decode()
    assert asked.title in page


def test_confirming_makes_them_the_mentor_on_the_team_and_tells_the_lead(
    personas, asked, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_confirm(actor=personas.mentor, project=asked)
    asked.refresh_from_db()
    assert (asked.mentor, asked.pending_mentor) == (personas.mentor, None)
    assert personas.mentor.email in team_of(asked)
    assert mailoutbox[-1].to == [personas.trainee.email]
    assert AuditEvent.objects.filter(action="project.mentor_confirm").exists()


def test_declining_leaves_the_project_without_a_mentor(personas, asked):
    services.mentor_decline(actor=personas.mentor, project=asked)
    asked.refresh_from_db()
    assert (asked.mentor, asked.pending_mentor) == (None, None)
    assert team_of(asked) == {personas.trainee.email}
    event = AuditEvent.objects.get(action="project.mentor_decline")
    assert event.changes == {"supervising mentor asked": ["Mentor", None]}


def test_only_the_mentor_asked_may_answer(personas, asked):
    for someone in (personas.trainee, personas.admin, personas.committee):
        with pytest.raises(Http404):
            services.mentor_confirm(actor=someone, project=asked)
        with pytest.raises(Http404):
            services.mentor_decline(actor=someone, project=asked)


def test_an_edit_keeps_asking_the_same_mentor_without_asking_again(
    client, personas, asked, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(personas.trainee)
    form = client.get(reverse("projects:edit", args=[asked.pk])).context["form"]
    assert form.initial["mentor"] == personas.mentor.pk
    data = {k: v for k, v in form.initial.items() if v is not None and k != "sites"}
    data.update(title="Renamed", subspecialty="", modality="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:edit", args=[asked.pk]), data)
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.title, asked.mentor, asked.pending_mentor) == ("Renamed", None, personas.mentor)
    assert mailoutbox == []


def test_naming_another_mentor_replaces_the_confirmed_one_and_asks_the_new_one(personas):
    project = make_project(personas.trainee, mentor=personas.mentor)
    other = UserFactory.create(full_name="Dr Other")
    fields = {f: getattr(project, f) for f in ("title", "summary", "research_type")}
    services.project_update(
        actor=personas.trainee,
        project=project,
        version=project.version,
        sites=[],
        mentor=other,
        **fields,
    )
    project.refresh_from_db()
    assert (project.mentor, project.pending_mentor) == (None, other)


def test_the_lead_sees_whom_they_asked_on_the_project_page(client, personas, asked):
    client.force_login(personas.trainee)
    page = client.get(asked.get_absolute_url()).content.decode()
    assert "Mentor</strong> Mentor" not in page
    assert "(asked; shown once they confirm)" in page


def test_the_mentor_answers_from_the_confirmation_page(client, personas, asked):
    client.force_login(personas.mentor)
    page = client.get(reverse("confirm_links")).content.decode()
    assert asked.title in page
    assert reverse("projects:mentor_confirm", args=[asked.pk]) in page
    response = client.post(reverse("projects:mentor_confirm", args=[asked.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("confirm_links")
    asked.refresh_from_db()
    assert asked.mentor == personas.mentor
    after = client.get(reverse("confirm_links")).content.decode()
    assert reverse("projects:mentor_confirm", args=[asked.pk]) not in after
    assert "Nothing is waiting for you" in after


def test_the_mentor_answers_through_the_api(personas, asked):
    mentor = api_client(personas.mentor)
    (waiting,) = mentor.get("/api/v1/projects/mentor-requests").json()
    assert waiting["project_id"] == asked.pk
    assert waiting["lead"] == "Trainee"
    confirmed = mentor.post(f"/api/v1/projects/{asked.pk}/mentor/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["mentor"] == "Mentor"
    assert mentor.get("/api/v1/projects/mentor-requests").json() == []
    again = mentor.post(f"/api/v1/projects/{asked.pk}/mentor/decline")
    assert again.status_code == 404
    assert "detail" in json.loads(again.content)


def test_a_project_posted_through_the_api_asks_the_mentor(personas):
    response = api_client(personas.trainee).post(
        "/api/v1/projects",
        data=json.dumps(
            {"title": "T", "summary": "S", "research_type": "qi", "mentor_id": personas.mentor.pk}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["mentor"] is None
    project_id = response.json()["id"]
    declined = api_client(personas.mentor).post(f"/api/v1/projects/{project_id}/mentor/decline")
    assert declined.status_code == 204
