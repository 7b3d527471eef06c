"""The mentor's side: waiting requests on the dashboard, links both ways, confirmation
before a request is declined or withdrawn, and letters too short to answer refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.words import word_count
from mentors import services
from mentors.dashboard import panel
from mentors.models import ContactRequest
from mentors.selectors import sent_waiting, waiting_for_reply
from mentors.tests.factories import ANSWERS, make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor(personas):
    make_mentor(personas.mentor, site=personas.site_a)
    return personas.mentor


def send(trainee, mentor, **changes):
    return services.contact_request_send(trainee=trainee, mentor=mentor, **{**ANSWERS, **changes})


def test_words_are_counted_as_a_reader_counts_them():
    assert word_count("I'm an ST3 in London, well-read; ... __ 4 h/week") == 9
    assert word_count("") == 0
    assert word_count("..... ----- !!!!!") == 0


def test_a_request_under_twenty_words_is_refused_on_the_field_with_a_hint(personas, mentor):
    with pytest.raises(ValidationError) as refused:
        send(personas.trainee, mentor, who_i_am="ST3, keen on neuro. Please mentor me.")
    message = refused.value.message_dict["who_i_am"][0]
    assert "at least 20 words" in message
    assert "you wrote 7" in message
    assert "what draws you" in message
    assert not ContactRequest.objects.exists()


def test_an_empty_letter_gets_one_message_not_two(personas, mentor):
    with pytest.raises(ValidationError) as refused:
        send(personas.trainee, mentor, who_i_am="", hours_per_week=0)
    assert len(refused.value.message_dict["who_i_am"]) == 1
    assert "hours_per_week" in refused.value.message_dict


def test_a_short_request_is_refused_in_the_form_with_the_hint(client, personas, mentor):
    client.force_login(personas.trainee)
    response = client.post(
        reverse("mentors:contact", args=[mentor.pk]), {**ANSWERS, "who_i_am": "Keen trainee."}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["who_i_am"]
    assert "at least 20 words" in errors[0]
    assert "at least 20 words" in response.content.decode()
    assert not ContactRequest.objects.exists()


def test_waiting_requests_are_listed_oldest_first_with_their_age(personas, mentor):
    first = send(personas.trainee, mentor)
    ContactRequest.objects.filter(pk=first.pk).update(
        sent_at=timezone.now() - dt.timedelta(days=20)
    )
    waiting = waiting_for_reply(mentor)
    assert [w.request.pk for w in waiting] == [first.pk]
    assert waiting[0].days == 20
    assert waiting[0].overdue
    assert sent_waiting(personas.trainee)[0].pk == first.pk
    assert waiting_for_reply(personas.trainee) == []


def test_the_panel_is_hidden_from_someone_with_no_mentoring(personas):
    assert panel(personas.outsider) is None


def test_the_mentors_dashboard_shows_the_waiting_request_and_their_public_page(
    client, personas, mentor
):
    sent = send(personas.trainee, mentor)
    client.force_login(mentor)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 request waiting for your reply" in page
    assert sent.get_absolute_url() in page
    assert reverse("mentors:mentor", args=[mentor.pk]) in page
    client.force_login(personas.trainee)
    page = client.get(reverse("dashboard")).content.decode()
    assert "My requests waiting" in page
    assert f"To {mentor}" in page


def test_the_mentors_own_profile_links_to_their_public_page(client, personas, mentor):
    client.force_login(mentor)
    page = client.get(reverse("people:me")).content.decode()
    assert reverse("mentors:mentor", args=[mentor.pk]) in page


def test_the_request_links_the_mentor_to_the_trainees_profile(client, personas, mentor):
    sent = send(personas.trainee, mentor)
    client.force_login(mentor)
    page = client.get(sent.get_absolute_url()).content.decode()
    assert reverse("people:person", args=[personas.trainee.pk]) in page


def test_decline_asks_for_confirmation_and_keeps_the_reply(client, personas, mentor):
    sent = send(personas.trainee, mentor)
    client.force_login(mentor)
    url = reverse("mentors:request_move", args=[sent.pk, "decline"])
    asked = client.post(url, {"reply": "My list is full; try Dr Lin."})
    assert asked.status_code == 200
    assert "Decline this request?" in asked.content.decode()
    assert "My list is full; try Dr Lin." in asked.content.decode()
    sent.refresh_from_db()
    assert sent.state == ContactRequest.State.PENDING
    done = client.post(url, {"reply": "My list is full; try Dr Lin.", "confirmed": "yes"})
    assert done.status_code == 302
    sent.refresh_from_db()
    assert sent.state == ContactRequest.State.DECLINED
    assert sent.reply == "My list is full; try Dr Lin."


def test_withdraw_asks_for_confirmation_first(client, personas, mentor):
    sent = send(personas.trainee, mentor)
    client.force_login(personas.trainee)
    url = reverse("mentors:request_move", args=[sent.pk, "withdraw"])
    asked = client.get(url)
    assert asked.status_code == 200
    assert "Withdraw your request?" in asked.content.decode()
    sent.refresh_from_db()
    assert sent.state == ContactRequest.State.PENDING
    client.post(url, {"confirmed": "yes"})
    sent.refresh_from_db()
    assert sent.state == ContactRequest.State.WITHDRAWN


def test_accept_cannot_be_done_by_a_get(client, personas, mentor):
    sent = send(personas.trainee, mentor)
    client.force_login(mentor)
    response = client.get(reverse("mentors:request_move", args=[sent.pk, "accept"]))
    assert response.status_code == 405
    sent.refresh_from_db()
    assert sent.state == ContactRequest.State.PENDING


def test_the_api_names_a_letter_too_short_on_its_field(personas, mentor):
    from core.testing.api import api_client

    response = api_client(personas.trainee).post(
        "/api/v1/mentors/requests",
        {**ANSWERS, "mentor_id": mentor.pk, "who_i_am": "Keen trainee."},
        content_type="application/json",
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "who_i_am"]
    assert "at least 20 words" in detail["msg"]
    assert not ContactRequest.objects.exists()
