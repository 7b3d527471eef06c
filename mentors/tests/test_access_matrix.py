"""Contact requests are seen by their two sides only; 404 for everyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import ANONYMOUS, Route, check_matrix, expect
from mentors.models import ContactRequest
from mentors.tests.factories import ANSWERS, make_mentor

pytestmark = pytest.mark.django_db


def a_request(personas, who, place) -> ContactRequest:
    """Own: a request the persona sent (to a fresh mentor). Other: one between strangers."""
    mentor = UserFactory.create()
    make_mentor(mentor)
    sender = personas.people[who] if place == "own" and who != ANONYMOUS else UserFactory.create()
    return ContactRequest.objects.create(
        trainee=sender, mentor=mentor, sent_at="2026-11-01T10:00Z", **ANSWERS
    )


def detail_url(personas, who, place):
    return reverse("mentors:request", args=[a_request(personas, who, place).pk])


def withdraw_url(personas, who, place):
    return reverse("mentors:request_move", args=[a_request(personas, who, place).pk, "withdraw"])


def api_withdraw_url(personas, who, place):
    return f"/api/v1/mentors/requests/{a_request(personas, who, place).pk}/withdraw"


def a_mentor():
    mentor = UserFactory.create()
    make_mentor(mentor)
    return mentor


def contact_url(personas, who, place):
    return reverse("mentors:contact", args=[a_mentor().pk])


def mentor_url(personas, who, place):
    return contact_url(personas, who, place).removesuffix("contact/")


OWN_ONLY = expect((200, 404))
ROUTES = [
    (Route("my requests", lambda p, w, pl: reverse("mentors:requests")), expect((200, 200))),
    (Route("request page", detail_url), OWN_ONLY),
    (Route("confirm withdraw", withdraw_url), OWN_ONLY),
    (
        Route("withdraw", withdraw_url, method="post", data=lambda *a: {"confirmed": "yes"}),
        expect((302, 404)),
    ),
    (Route("contact form", contact_url), expect((200, 200), outsider=(403, 403))),
    (Route("mentor page", mentor_url), expect((200, 200), outsider=(403, 403))),
    (
        Route("directory", lambda p, w, pl: reverse("mentors:directory")),
        expect((200, 200), outsider=(403, 403)),
    ),
    (
        Route("API directory", lambda p, w, pl: "/api/v1/mentors", api=True),
        expect((200, 200), outsider=(403, 403)),
    ),
    (
        Route("API my requests", lambda p, w, pl: "/api/v1/mentors/requests", api=True),
        expect((200, 200)),
    ),
    (Route("API withdraw", api_withdraw_url, method="post", api=True), OWN_ONLY),
    (
        Route(
            "API write to a mentor",
            lambda p, w, pl: "/api/v1/mentors/requests",
            method="post",
            api=True,
            data=lambda p, w, pl: {"mentor_id": a_mentor().pk, **ANSWERS},
        ),
        expect((201, 201), outsider=(403, 403)),
    ),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_mentors_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)
