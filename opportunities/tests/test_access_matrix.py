"""Every persona against every opportunities route: published vs someone else's suggestion.

The personas have two-factor on; curating (review, edit, programmes) without it asks
for it after the role, which the last test checks on every curator's route.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import Route, asks_two_factor, check_matrix, expect
from opportunities import services
from opportunities.models import Opportunity, Programme
from opportunities.shortlist.services import shortlist_profile_save

pytestmark = pytest.mark.django_db
BASE: dict[str, Any] = {
    "kind": "award",
    "title": "An award",
    "funder": "Society",
    "summary": "For a first paper.",
}
CURATORS = {"committee": (200, 200), "admin": (200, 200)}


def an_opportunity(p, who, place):
    """Own: a published one. Other: a stranger's suggestion still waiting for review."""
    made = services.opportunity_suggest(actor=UserFactory.create(), **BASE)
    if place == "own":
        # Published by a curator's review; set here so the matrix needs no curator's session.
        Opportunity.objects.filter(pk=made.pk).update(state=Opportunity.State.PUBLISHED)
    return made


def a_suggestion(p, who, place):
    return services.opportunity_suggest(actor=UserFactory.create(), **BASE)


def a_programme(p, who, place):
    return Programme.objects.create(name=f"Fellowship {place}", institution="Hospital")


def programme_data(p, who, place):
    return {"name": f"New fellowship {who} {place}", "institution": "Hospital", "research": "none"}


def programme_edit_url(p, w, pl):
    return reverse("opportunities:programme_edit", args=[a_programme(p, w, pl).pk])


def programme_api_url(p, w, pl):
    return f"/api/v1/opportunities/programmes/{a_programme(p, w, pl).pk}"


def programme_update(p, who, place):
    return {**programme_data(p, who, place), "version": 1}


def a_shortlist_owner(p, who, place):
    """Own: the persona has a saved shortlist profile. Other: only a stranger has one."""
    owner = p.people.get(who) if place == "own" else None
    return shortlist_profile_save(actor=owner or UserFactory.create(), budget_programmes=3)


def shortlist_url(p, who, place):
    a_shortlist_owner(p, who, place)
    return reverse("opportunities:shortlist")


def api_shortlist_url(p, who, place):
    a_shortlist_owner(p, who, place)
    return "/api/v1/opportunities/shortlist"


def export_url(p, who, place):
    a_shortlist_owner(p, who, place)
    return reverse("opportunities:shortlist_export")


def estimate_url(p, who, place):
    a_shortlist_owner(p, who, place)
    return reverse("opportunities:shortlist_estimate", args=[a_programme(p, who, place).pk])


def profile_data(p, who, place):
    return {
        "stage": "residency",
        "visas": "J-1",
        "research_outputs": "0",
        "presentations": "0",
        "budget_kind": "count",
        "budget_programmes": "5",
        "fee_flat": "99",
        "fee_flat_count": "10",
        "fee_tiers": "17 up to 20, 21 up to 30, 28 after",
    }


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
    (
        Route("programme add form", lambda p, w, pl: reverse("opportunities:programme_new")),
        expect((403, 403), **CURATORS),
    ),
    (
        Route(
            "programme add",
            lambda p, w, pl: reverse("opportunities:programme_new"),
            method="post",
            data=programme_data,
        ),
        expect((403, 403), committee=(302, 302), admin=(302, 302)),
    ),
    (Route("programme edit form", programme_edit_url), expect((403, 403), **CURATORS)),
    (
        Route("programme edit", programme_edit_url, method="post", data=programme_update),
        expect((403, 403), committee=(302, 302), admin=(302, 302)),
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
    (
        Route(
            "API programme add",
            lambda p, w, pl: "/api/v1/opportunities/programmes",
            method="post",
            api=True,
            data=programme_data,
        ),
        expect((403, 403), committee=(201, 201), admin=(201, 201)),
    ),
    (
        Route(
            "API programme edit", programme_api_url, method="put", api=True, data=programme_update
        ),
        expect((403, 403), **CURATORS),
    ),
    # The shortlist: everyone signed in has their own; nothing addresses someone else's,
    # so "other" means a stranger has a profile and the persona has none.
    (Route("shortlist", shortlist_url), expect((200, 200))),
    (Route("shortlist save", shortlist_url, method="post", data=profile_data), expect((302, 302))),
    (
        Route(
            "shortlist estimate",
            estimate_url,
            method="post",
            data=lambda p, w, pl: {"percent": "40"},
        ),
        expect((302, 302)),
    ),
    # Own: the CSV of one's own list. Other: no profile of one's own, so back to the page
    # to make one (never the stranger's list).
    (Route("shortlist export", export_url), expect((200, 302))),
    # The API's shortlist: one's own, and an empty one (never the stranger's) without a
    # profile; test_shortlist.py checks which.
    (Route("API shortlist", api_shortlist_url, api=True), expect((200, 200))),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_opportunities_access_matrix(two_factor, route, expected):
    check_matrix(two_factor, route, expected)


CURATING = {
    "edit",
    "review queue",
    "review",
    "programme add form",
    "programme add",
    "programme edit form",
    "programme edit",
    "API review",
    "API programme add",
    "API programme edit",
}


@pytest.mark.parametrize(
    ("route", "expected"),
    [(route, expected) for route, expected in ROUTES if route.label in CURATING],
    ids=lambda x: getattr(x, "label", ""),
)
def test_curating_asks_for_two_factor_after_the_role(personas, route, expected):
    check_matrix(personas, route, asks_two_factor(expected))
