"""Every persona against every network route, at their own site and at another."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import Route, check_matrix, expect, site_for
from network.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EVERYONE_SIGNED_IN = expect((200, 200))
MEMBERS_ONLY = expect((200, 200), outsider=(403, 403))
NETWORK_MANAGERS = expect((403, 403), committee=(200, 200), admin=(200, 200))


def membership_managers(done: int) -> dict[str, tuple[int, int]]:
    """Site leads at their own site, the committee and admins anywhere."""
    return expect(
        (403, 403),
        site_lead_a=(done, 403),
        site_lead_b=(done, 403),
        committee=(done, done),
        admin=(done, done),
    )


def grant_data(personas, who, place):
    return {"email": UserFactory().email, "role": "trainee", "reason": "matrix"}


def end_url(personas, who, place):
    membership = MembershipFactory(site=site_for(personas, who, place))
    return reverse("network:membership_end", args=[membership.pk])


def api_end_url(personas, who, place):
    membership = MembershipFactory(site=site_for(personas, who, place))
    return f"/api/v1/network/memberships/{membership.pk}/end"


PAGES = [
    (Route("site list", lambda p, w, pl: reverse("network:sites")), EVERYONE_SIGNED_IN),
    (
        Route("site page", lambda p, w, pl: site_for(p, w, pl).get_absolute_url()),
        MEMBERS_ONLY,
    ),
    (
        Route(
            "grant a role",
            lambda p, w, pl: reverse("network:membership_grant", args=[site_for(p, w, pl).pk]),
            method="post",
            data=grant_data,
        ),
        membership_managers(302),
    ),
    (
        Route("end a role", end_url, method="post", data=lambda p, w, pl: {"reason": "matrix"}),
        membership_managers(302),
    ),
    (Route("new site", lambda p, w, pl: reverse("network:site_new")), NETWORK_MANAGERS),
    (
        Route(
            "edit site",
            lambda p, w, pl: reverse("network:site_edit", args=[site_for(p, w, pl).pk]),
        ),
        NETWORK_MANAGERS,
    ),
]

API = [
    (
        Route("API site list", lambda p, w, pl: "/api/v1/network/sites", api=True),
        EVERYONE_SIGNED_IN,
    ),
    (
        Route("API regions", lambda p, w, pl: "/api/v1/network/regions", api=True),
        EVERYONE_SIGNED_IN,
    ),
    (
        Route(
            "API site",
            lambda p, w, pl: f"/api/v1/network/sites/{site_for(p, w, pl).pk}",
            api=True,
        ),
        EVERYONE_SIGNED_IN,
    ),
    (
        Route(
            "API site memberships",
            lambda p, w, pl: f"/api/v1/network/sites/{site_for(p, w, pl).pk}/memberships",
            api=True,
        ),
        MEMBERS_ONLY,
    ),
    (
        Route(
            "API grant a role",
            lambda p, w, pl: "/api/v1/network/memberships",
            method="post",
            api=True,
            data=lambda p, w, pl: {
                "person_email": UserFactory().email,
                "role": "trainee",
                "site_id": site_for(p, w, pl).pk,
            },
        ),
        membership_managers(201),
    ),
    (
        Route(
            "API end a role",
            api_end_url,
            method="post",
            api=True,
            data=lambda p, w, pl: {"reason": "matrix"},
        ),
        membership_managers(200),
    ),
]


@pytest.mark.parametrize(("route", "expected"), PAGES + API, ids=lambda x: getattr(x, "label", ""))
def test_network_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)
