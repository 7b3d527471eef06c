"""A newcomer's first-steps checklist: each step links to its page, filtered by the
profile, and is ticked only when it is really done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Follow
from events.tests.factories import make_conference
from mentors.services import contact_request_send
from mentors.tests.factories import ANSWERS, make_mentor
from network import access
from network.dashboard import dashboard_for
from people.models import Term, TraineeProfile
from projects.tests.factories import make_project
from training.tests.factories import credential

pytestmark = pytest.mark.django_db


def labels(dash):
    return {step.label: step for step in dash.first_steps}


@pytest.fixture
def newcomer(personas):
    person = personas.pending
    profile = TraineeProfile.objects.create(person=person, grade="st3", hours_per_week=4)
    return person, profile


def test_a_newcomer_sees_five_steps_none_done(newcomer):
    person, _ = newcomer
    dash = dashboard_for(person)
    assert list(labels(dash)) == [
        "Complete your research profile",
        "Find a mentor",
        "Find a project",
        "Add your GCP certificate",
        "Subscribe to deadlines",
    ]
    assert dash.steps_done == 0
    assert dash.waiting is not None
    assert "Site Lead A" in dash.waiting.reason


def test_each_step_is_ticked_when_really_done(newcomer, personas):
    person, profile = newcomer
    neuro = Term.objects.get(kind="subspecialty", name="Neuroradiology")
    profile.interests.add(neuro)
    make_mentor(personas.mentor, site=personas.site_a)
    contact_request_send(trainee=person, mentor=personas.mentor, **ANSWERS)
    project = make_project(personas.mentor)
    from projects import services

    services.application_submit(
        applicant=person,
        role=project.roles.all()[0],
        note=(
            "I can help with the data collection at my hospital: I have two sessions a week "
            "free this rotation and have done a re-audit of CT head turnaround before."
        ),
        accept_load=True,
    )
    credential(person)
    Follow.objects.create(person=person, conference=make_conference())
    assert dashboard_for(person).first_steps == []  # all done: the checklist goes away


def test_the_links_are_filtered_by_the_profile_and_the_hospital(newcomer, personas):
    person, profile = newcomer
    neuro = Term.objects.get(kind="subspecialty", name="Neuroradiology")
    profile.interests.add(neuro)
    steps = labels(dashboard_for(person))
    assert steps["Complete your research profile"].done
    mentor_url = steps["Find a mentor"].url
    assert mentor_url.startswith(reverse("mentors:directory"))
    assert f"subspecialty={neuro.pk}" in mentor_url
    assert f"near={personas.site_a.pk}" in mentor_url
    assert f"subspecialty={neuro.pk}" in steps["Find a project"].url
    assert "kind=gcp_intro" in steps["Add your GCP certificate"].url


def test_someone_who_is_not_training_sees_no_checklist(personas):
    assert dashboard_for(personas.site_lead_a).first_steps == []


def test_the_dashboard_page_shows_the_checklist_with_its_progress(client, newcomer):
    person, _ = newcomer
    client.force_login(person)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Your first steps" in page
    assert "0 of 5 done" in page
    assert reverse("people:trainee_edit") + "?next=/dashboard/" in page
    access.forget_memberships(person)


def test_the_profile_saved_from_the_checklist_returns_to_the_dashboard(client, newcomer):
    person, profile = newcomer
    client.force_login(person)
    neuro = Term.objects.get(kind="subspecialty", name="Neuroradiology")
    response = client.post(
        reverse("people:trainee_edit") + "?next=/dashboard/",
        {
            "grade": "st3",
            "academic_track": "none",
            "research_time": "own_time",
            "interests": [neuro.pk],
            "hours_per_week": 4,
            "version": profile.version,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    bad = client.post(
        reverse("people:trainee_edit") + "?next=https://evil.example/",
        {
            "grade": "st3",
            "academic_track": "none",
            "research_time": "own_time",
            "hours_per_week": 4,
            "version": profile.version + 1,
        },
    )
    assert bad["Location"] == reverse("people:me")


def test_a_site_lead_is_told_on_the_dashboard_that_requests_wait(personas):
    steps = dict(dashboard_for(personas.site_lead_a).next_steps)
    assert steps["network:requests"] == "1 request waits for your decision"
