from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.testing.matrix import Route, check_matrix, expect, signed_in_session

pytestmark = pytest.mark.django_db

EVERYONE = expect((200, 200), anonymous=(200, 200))

ROUTES = [
    (
        Route("home (signed in: on to the dashboard)", lambda p, w, pl: reverse("home")),
        expect((302, 302), anonymous=(200, 200)),
    ),
    (Route("dashboard", lambda p, w, pl: reverse("dashboard")), expect((200, 200))),
    (Route("links to confirm", lambda p, w, pl: reverse("confirm_links")), expect((200, 200))),
    (Route("health", lambda p, w, pl: "/healthz"), EVERYONE),
    (Route("ready", lambda p, w, pl: "/readyz"), EVERYONE),
    (Route("favicon", lambda p, w, pl: "/favicon.ico"), expect((302, 302), anonymous=(302, 302))),
    (Route("API docs", lambda p, w, pl: "/api/v1/docs"), EVERYONE),
    (
        Route("admin", lambda p, w, pl: reverse("admin:index")),
        # Django's admin is for staff accounts only; no persona is staff.
        expect((302, 302), anonymous=(302, 302)),
    ),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_core_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)


def test_a_matrix_session_signs_the_persona_in_as_force_login_does(personas):
    """`signed_in_session` writes the session `force_login` would: the same person is
    signed in, and a changed password ends it as it ends any other session."""
    trainee = personas.trainee
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(trainee)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == trainee

    trainee.set_password("a-new-password-for-the-test")
    trainee.save()
    assert client.get(reverse("dashboard")).status_code == 302
