"""The "for you" page: sections with reasons, "not for me", the fallback and the dashboard."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from recommend import services
from recommend.models import Dismissal, StoredList
from recommend.tests.world import build_world, make_trainee

pytestmark = pytest.mark.django_db
PAGE = reverse("recommend:for_you")


@pytest.fixture
def world(personas):
    return build_world(personas)


@pytest.fixture
def trainee_client(world):
    client = Client()
    client.force_login(world.trainee)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_page_shows_each_kind_with_its_reasons(world, trainee_client):
    page = text_of(trainee_client.get(PAGE))
    for heading in (
        "Mentors",
        "Projects",
        "Funding, fellowships and schemes",
        "Conferences and events",
    ):
        assert f">{heading}</h2>" in page
    assert world.project.title in page
    assert world.funding.title in page
    assert "Fits your hours: a role needs 2 h a week; you have 4" in page
    assert "You are eligible: Grades ST1 to ST6; you are ST3" in page
    assert "Shared interests: MRI, Neuroradiology" in page
    assert world.closed.title not in page
    assert world.academic_only.title not in page
    assert "Worked out just now" in page  # nothing stored yet


def test_the_page_reads_the_stored_list(world, trainee_client):
    services.recommendations_refresh(person_id=world.trainee.pk)
    StoredList.objects.filter(person=world.trainee).update(
        items=[
            {
                "key": "project:1",
                "kind": "project",
                "title": "Stored only",
                "url": "/x",
                "reasons": [["hours", "Fits your hours (stored)", 3.0]],
            }
        ]
    )
    page = text_of(trainee_client.get(PAGE))
    assert "Stored only" in page
    assert "Fits your hours (stored)" in page
    assert "Updated" in page


def test_not_for_me_removes_the_item_and_says_so(world, trainee_client):
    key = f"project:{world.project.pk}"
    response = trainee_client.post(reverse("recommend:not_for_me"), {"item": key}, follow=True)
    page = text_of(response)
    assert f"Removed “{world.project.title}”: it will not be suggested again." in page
    assert f'value="{key}"' not in page
    assert "Not for me (1)" in page
    assert AuditEvent.objects.filter(action="recommendation.dismiss").count() == 1


def test_a_bad_item_gets_a_plain_message_and_changes_nothing(world, trainee_client):
    response = trainee_client.post(
        reverse("recommend:not_for_me"), {"item": "drop table"}, follow=True
    )
    assert "This is not an item of your list." in text_of(response)
    response = trainee_client.post(reverse("recommend:not_for_me"), {}, follow=True)
    assert "Choose an item first." in text_of(response)
    assert not Dismissal.objects.exists()


def test_suggest_again_brings_it_back(world, trainee_client):
    key = f"project:{world.project.pk}"
    trainee_client.post(reverse("recommend:not_for_me"), {"item": key})
    choice = Dismissal.objects.get()
    response = trainee_client.post(reverse("recommend:undo", args=[choice.pk]), follow=True)
    page = text_of(response)
    assert "may be suggested again" in page
    assert f'value="{key}"' in page


def test_the_form_needs_its_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.trainee)
    response = client.post(reverse("recommend:not_for_me"), {"item": f"project:{world.project.pk}"})
    assert response.status_code == 403
    assert not Dismissal.objects.exists()


def test_a_trainee_never_sees_another_trainees_list_or_choices(world, personas, trainee_client):
    make_trainee(personas.pending)
    services.recommendations_refresh(person_id=personas.pending.pk)
    StoredList.objects.filter(person=personas.pending).update(
        items=[
            {
                "key": "project:1",
                "kind": "project",
                "title": "Only for the other trainee",
                "url": "/x",
                "reasons": [],
            }
        ]
    )
    Dismissal.objects.create(person=personas.pending, item_key="mentor:1", title="Their own choice")
    page = text_of(trainee_client.get(PAGE))
    assert "Only for the other trainee" not in page
    assert "Their own choice" not in page


def test_someone_without_a_trainee_profile_is_told_how_to_get_one(world, personas):
    client = Client()
    client.force_login(personas.site_lead_a)
    page = text_of(client.get(PAGE))
    assert "Add your" in page
    assert "trainee profile" in page
    assert "Not for me" not in page


def test_trainees_get_the_link_and_the_dashboard_panel(world, personas, trainee_client):
    services.recommendations_refresh(person_id=world.trainee.pk)
    page = text_of(trainee_client.get(reverse("dashboard")))
    assert 'href="/for-you/"' in page
    assert 'id="for-you-panel"' in page
    assert "See all your suggestions" in page
    lead = Client()
    lead.force_login(personas.site_lead_a)
    assert 'id="for-you-panel"' not in text_of(lead.get(reverse("dashboard")))


def test_the_page_does_not_rank_when_a_list_is_stored(world, trainee_client, monkeypatch):
    """A stored list is read as JSON: the web process never needs the vectoriser for it."""
    services.recommendations_refresh(person_id=world.trainee.pk)
    from recommend.core.text import TfidfBackend

    def refuse(self, *args):
        raise AssertionError("the page ranked instead of reading the stored list")

    monkeypatch.setattr(TfidfBackend, "score", refuse)
    assert trainee_client.get(PAGE).status_code == 200
