from __future__ import annotations

import pytest
from django.urls import reverse

from mentors.models import ContactRequest
from mentors.tests.factories import ANSWERS, make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor(personas):
    make_mentor(personas.mentor, site=personas.site_a)
    return personas.mentor


def test_a_trainee_sends_a_request_and_the_mentor_accepts_it(client, personas, mentor):
    client.force_login(personas.trainee)
    response = client.post(reverse("mentors:contact", args=[mentor.pk]), ANSWERS)
    assert response.status_code == 302
    sent = ContactRequest.objects.get()
    client.force_login(mentor)
    page = client.get(sent.get_absolute_url())
    assert page.context["can_answer"]
    client.post(reverse("mentors:request_move", args=[sent.pk, "accept"]), {"reply": "Yes!"})
    sent.refresh_from_db()
    assert sent.state == ContactRequest.State.ACCEPTED


def test_an_incomplete_request_names_the_missing_answers(client, personas, mentor):
    client.force_login(personas.trainee)
    response = client.post(reverse("mentors:contact", args=[mentor.pk]), {"grade": "st3"})
    assert response.status_code == 400
    assert {"who_i_am", "what_i_read", "what_i_offer"} <= set(response.context["form"].errors)
    assert not ContactRequest.objects.exists()


def test_the_form_starts_from_the_trainees_profile(client, personas, mentor):
    from people.tests.test_services import save_trainee

    save_trainee(personas.trainee, hours_per_week=6)
    client.force_login(personas.trainee)
    form = client.get(reverse("mentors:contact", args=[mentor.pk])).context["form"]
    assert {k: form.initial[k] for k in ("grade", "hours_per_week")} == {
        "grade": "st3",
        "hours_per_week": 6,
    }
    assert form.initial["who_i_am"].startswith("I am an ST3 radiology trainee at Site A Hospital")
    assert "6 hours a week" in form.initial["what_i_offer"]


def test_an_unknown_action_is_reported_not_crashed(client, personas, mentor):
    client.force_login(personas.trainee)
    client.post(reverse("mentors:contact", args=[mentor.pk]), ANSWERS)
    sent = ContactRequest.objects.get()
    response = client.post(reverse("mentors:request_move", args=[sent.pk, "explode"]), follow=True)
    assert "Unknown action" in response.content.decode()


def test_the_api_sends_and_lists_requests(personas, mentor):
    from core.testing.api import api_client

    trainee_api = api_client(personas.trainee)
    response = trainee_api.post(
        "/api/v1/mentors/requests",
        {**ANSWERS, "mentor_id": mentor.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    listed = trainee_api.get("/api/v1/mentors/requests").json()
    assert [row["mentor_id"] for row in listed] == [mentor.pk]
    move = api_client(mentor).post(
        f"/api/v1/mentors/requests/{listed[0]['id']}/decline",
        {"reply": "Full this year."},
        content_type="application/json",
    )
    assert move.json()["state"] == "declined"


def test_the_api_names_bad_answers(personas, mentor):
    from core.testing.api import api_client

    response = api_client(personas.trainee).post(
        "/api/v1/mentors/requests",
        {**ANSWERS, "mentor_id": mentor.pk, "hours_per_week": 0},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "hours_per_week"]


def test_the_mentor_page_says_when_the_reply_record_is_too_thin(client, personas, mentor):
    client.force_login(personas.trainee)
    body = client.get(reverse("mentors:mentor", args=[mentor.pk])).content.decode()
    assert "Too few requests so far (0)" in body
    assert reverse("mentors:contact", args=[mentor.pk]) in body


def test_the_mentor_page_shows_measured_reply_figures(client, personas, mentor):
    from accounts.tests.factories import UserFactory
    from mentors.tests.test_services import make_request

    for days in (1, 2, 30):
        make_request(UserFactory.create(), mentor, sent_days_ago=60, replied_after_days=days)
    client.force_login(personas.trainee)
    body = client.get(reverse("mentors:mentor", args=[mentor.pk])).content.decode()
    assert "2 days" in body
    assert "67% of 3 requests" in body


def test_the_mentor_page_shows_the_track_record_behind_the_figures(client, personas, mentor):
    from mentors.models import Supervision
    from mentors.stats import mentor_stats_refresh
    from mentors.tests.test_stats import TODAY, publish
    from people.tests.test_services import save_trainee

    save_trainee(personas.trainee)
    paper = publish(personas.mentor, personas.trainee, title="DWI in stroke mimics")
    supervision = Supervision.objects.create(
        mentor=personas.mentor,
        trainee=personas.trainee,
        topic="Stroke mimics audit",
        started_on=TODAY,
        state="completed",
    )
    supervision.outputs.add(paper)
    mentor_stats_refresh()
    client.force_login(personas.site_lead_b)
    body = client.get(reverse("mentors:mentor", args=[mentor.pk])).content.decode()
    assert "1, 1 with a trainee co-author" in body
    assert "1 of 1 completed" in body
    assert "Stroke mimics audit" in body
    assert "article: DWI in stroke mimics" in body
    assert "Trainee (trainee): 1 joint output" in body
    assert "<svg" in body


def test_a_mentor_with_nothing_recorded_is_not_judged_by_it(client, personas, mentor):
    from mentors.stats import mentor_stats_refresh

    mentor_stats_refresh()
    client.force_login(personas.trainee)
    body = client.get(reverse("mentors:mentor", args=[mentor.pk])).content.decode()
    assert "Nothing is recorded here yet" in body


def test_the_mentor_page_lists_the_projects_they_lead_or_supervise(client, personas):
    from mentors.tests.factories import make_mentor
    from projects.tests.factories import make_project

    make_mentor(personas.mentor, site=personas.site_a)
    make_project(personas.mentor, title="Stroke mimics on MRI")
    client.force_login(personas.trainee)
    page = client.get(f"/mentors/{personas.mentor.pk}/").content.decode()
    assert "Current projects" in page
    assert "Stroke mimics on MRI" in page
