from __future__ import annotations

import pytest
from django.urls import reverse

from people.models import MentorProfile, Term, TraineeProfile
from people.tests.test_services import save_trainee

pytestmark = pytest.mark.django_db


def test_a_trainee_creates_their_profile_from_the_form(client, personas):
    client.force_login(personas.trainee)
    neuro = Term.objects.get(name="Neuroradiology")
    response = client.post(
        reverse("people:trainee_edit"),
        {
            "grade": "st2",
            "academic_track": "none",
            "research_time": "blocks",
            "interests": [neuro.pk],
            "hours_per_week": 3,
        },
    )
    assert response.status_code == 302
    assert TraineeProfile.objects.get(person=personas.trainee).interests.get() == neuro


def test_bad_values_are_named_by_field_and_nothing_is_saved(client, personas):
    client.force_login(personas.mentor)
    response = client.post(
        reverse("people:mentor_edit"),
        {"title": "emperor", "capacity": -1, "meeting_frequency": "monthly"},
    )
    assert response.status_code == 400
    assert {"title", "capacity"} <= set(response.context["form"].errors)
    assert not MentorProfile.objects.exists()


def test_a_stale_form_is_refused_with_the_saved_values_to_merge(client, personas):
    profile = save_trainee(personas.trainee)
    save_trainee(personas.trainee, version=profile.version, hours_per_week=9)
    client.force_login(personas.trainee)
    stale = {
        "grade": "st3",
        "academic_track": "none",
        "research_time": "own_time",
        "hours_per_week": 5,
        "version": profile.version,
    }
    response = client.post(reverse("people:trainee_edit"), stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Saved elsewhere while you were editing" in body
    assert response.context["conflict"].current["hours per week"] == "9"
    assert TraineeProfile.objects.get(person=personas.trainee).hours_per_week == 9
    # Saving again from the form as shown replaces the saved version deliberately.
    again = client.post(reverse("people:trainee_edit"), {**stale, "version": 2})
    assert again.status_code == 302
    assert TraineeProfile.objects.get(person=personas.trainee).hours_per_week == 5


def test_a_person_page_shows_the_mentor_profile(client, personas):
    save_trainee(personas.trainee)
    client.force_login(personas.mentor)
    body = client.get(reverse("people:person", args=[personas.trainee.pk])).content.decode()
    assert "ST3" in body
    assert "Neuroradiology" in body


def test_the_api_returns_a_persons_profiles(personas):
    from core.testing.api import api_client

    save_trainee(personas.trainee)
    response = api_client(personas.mentor).get(f"/api/v1/people/{personas.trainee.pk}")
    assert response.status_code == 200
    assert response.json()["trainee"]["interests"] == ["MRI", "Neuroradiology"]
    assert response.json()["mentor"] is None


def test_the_api_lists_the_taxonomy_by_kind(personas):
    from core.testing.api import api_client

    response = api_client(personas.trainee).get("/api/v1/people/terms", {"kind": "skill"})
    assert "REDCap" in [row["name"] for row in response.json()]
    assert {row["kind"] for row in response.json()} == {"skill"}
