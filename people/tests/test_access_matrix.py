from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.matrix import Route, check_matrix, expect

pytestmark = pytest.mark.django_db


def person_url(personas, who, place):
    """Own: the persona's own page. Other: the trainee's (or the mentor's, for the trainee)."""
    if place == "own" and who in personas.people:
        return reverse("people:person", args=[personas.people[who].pk])
    other = personas.mentor if who == "trainee" else personas.trainee
    return reverse("people:person", args=[other.pk])


ROUTES = [
    (Route("my profiles", lambda p, w, pl: reverse("people:me")), expect((200, 200))),
    (
        Route("edit trainee profile", lambda p, w, pl: reverse("people:trainee_edit")),
        expect((200, 200)),
    ),
    (
        Route("edit mentor profile", lambda p, w, pl: reverse("people:mentor_edit")),
        expect((200, 200)),
    ),
    # Another person's page waits for a role; one's own is always one's own.
    (Route("person page", person_url), expect((200, 200), outsider=(200, 403), pending=(200, 403))),
    (
        Route(
            "API person", lambda p, w, pl: "/api/v1" + person_url(p, w, pl).rstrip("/"), api=True
        ),
        expect((200, 200), outsider=(200, 403), pending=(200, 403)),
    ),
    (Route("API terms", lambda p, w, pl: "/api/v1/people/terms", api=True), expect((200, 200))),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_people_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)
