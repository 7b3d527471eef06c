"""Declining and withdrawing an application ask first, on a page of their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects import services
from projects.models import Application
from projects.tests.factories import NOTE, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(personas):
    project = make_project(personas.mentor)
    return services.application_submit(
        applicant=personas.trainee, role=project.roles.all()[0], note=NOTE
    )


def test_the_lead_confirms_before_declining_and_the_reply_is_kept(client, personas, application):
    client.force_login(personas.mentor)
    url = reverse("projects:application", args=[application.pk, "decline"])
    asked = client.post(url, {"reply": "The role went to a reader at Leeds."})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Decline this application?" in page
    assert "The role went to a reader at Leeds." in page
    assert reverse("people:person", args=[personas.trainee.pk]) in page
    application.refresh_from_db()
    assert application.state == Application.State.PENDING
    client.post(url, {"reply": "The role went to a reader at Leeds.", "confirmed": "yes"})
    application.refresh_from_db()
    assert application.state == Application.State.DECLINED
    assert application.reply == "The role went to a reader at Leeds."


def test_the_applicant_confirms_before_withdrawing(client, personas, application):
    client.force_login(personas.trainee)
    url = reverse("projects:application", args=[application.pk, "withdraw"])
    asked = client.post(url)
    assert "Withdraw your application?" in asked.content.decode()
    application.refresh_from_db()
    assert application.state == Application.State.PENDING
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.WITHDRAWN


def test_a_short_application_is_refused_with_the_hint_on_the_field(client, personas):
    project = make_project(personas.mentor)
    client.force_login(personas.trainee)
    response = client.post(
        reverse("projects:apply", args=[project.roles.all()[0].pk]), {"note": "Keen to help."}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["note"]
    assert errors == [
        "Write at least 20 words here (you wrote 3): why you, what you bring, "
        "and when you could start."
    ]
    assert "At least 20 words" in response.content.decode()
    assert not Application.objects.exists()
