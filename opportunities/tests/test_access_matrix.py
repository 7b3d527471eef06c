"""Every persona against every opportunities route: published vs someone else's suggestion."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import Route, check_matrix, expect
from opportunities import services
from opportunities.models import Programme

pytestmark = pytest.mark.django_db
BASE = {"kind": "award", "title": "An award", "funder": "Society", "summary": "For a first paper."}
CURATORS = {"committee": (200, 200), "admin": (200, 200)}


def an_opportunity(p, who, place):
    """Own: a published one. Other: a stranger's suggestion still waiting for review."""
    if place == "own":
        return services.opportunity_suggest(actor=p.committee, **BASE)
    return services.opportunity_suggest(actor=UserFactory(), **BASE)


def a_suggestion(p, who, place):
    return services.opportunity_suggest(actor=UserFactory(), **BASE)


def a_programme(p, who, place):
    return Programme.objects.create(name=f"Fellowship {place}", institution="Hospital")


ROUTES = [
    (Route("list", lambda p, w, pl: reverse("opportunities:list")), expect((200, 200))),
    (
        Route(
            "detail",
            lambda p, w, pl: reverse("opportunities:detail", args=[an_opportunity(p, w, pl).pk]),
        ),
        expect((200, 404), **CURATORS),
    ),
    (Route("suggest form", lambda p, w, pl: reverse("opportunities:suggest")), expect((200, 200))),
    (
        Route(
            "suggest",
            lambda p, w, pl: reverse("opportunities:suggest"),
            method="post",
            data=lambda p, w, pl: BASE,
        ),
        expect((302, 302)),
    ),
    (
        Route(
            "edit",
            lambda p, w, pl: reverse("opportunities:edit", args=[an_opportunity(p, w, pl).pk]),
        ),
        expect((403, 404), **CURATORS),
    ),
    (
        Route("review queue", lambda p, w, pl: reverse("opportunities:review")),
        expect((403, 403), **CURATORS),
    ),
    (
        Route(
            "review",
            lambda p, w, pl: reverse("opportunities:review_one", args=[a_suggestion(p, w, pl).pk]),
            method="post",
            data=lambda p, w, pl: {"decision": "publish"},
        ),
        expect((404, 404), committee=(302, 302), admin=(302, 302)),
    ),
    (Route("programmes", lambda p, w, pl: reverse("opportunities:programmes")), expect((200, 200))),
    (
        Route(
            "programme",
            lambda p, w, pl: reverse("opportunities:programme", args=[a_programme(p, w, pl).pk]),
        ),
        expect((200, 200)),
    ),
    (Route("API list", lambda p, w, pl: "/api/v1/opportunities", api=True), expect((200, 200))),
    (
        Route(
            "API suggest",
            lambda p, w, pl: "/api/v1/opportunities",
            method="post",
            api=True,
            data=lambda p, w, pl: BASE,
        ),
        expect((201, 201)),
    ),
    (
        Route(
            "API review",
            lambda p, w, pl: f"/api/v1/opportunities/{a_suggestion(p, w, pl).pk}/review",
            method="post",
            api=True,
            data=lambda p, w, pl: {"publish": True},
        ),
        expect((404, 404), **CURATORS),
    ),
    (
        Route("API programmes", lambda p, w, pl: "/api/v1/opportunities/programmes", api=True),
        expect((200, 200)),
    ),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_opportunities_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)
