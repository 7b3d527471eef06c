"""Every persona against every network route, at their own site and at another.

The privileged routes (roles, sites, studies: everything beyond the directory) run
twice: with two-factor on, as below, and without it, where every cell that passed
asks for two-factor instead (the page sends the person to set it up, the API answers
403 with "two_factor_required"); the role is still checked first.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import Cell, Route, asks_two_factor, check_matrix, expect, site_for
from network.models import Membership
from network.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EVERYONE_SIGNED_IN = expect((200, 200))
MEMBERS_ONLY = expect((200, 200), outsider=(403, 403))
# Who holds which role at a site: people with a role, not a newcomer still waiting.
PEOPLE_ONLY = expect((200, 200), outsider=(403, 403), pending=(403, 403))
NETWORK_MANAGERS = expect((403, 403), committee=(200, 200), admin=(200, 200))
CREATED = expect((403, 403), committee=(302, 302), admin=(302, 302))


INVITERS = expect(
    (403, 403),
    site_lead_a=(200, 200),
    site_lead_b=(200, 200),
    committee=(200, 200),
    admin=(200, 200),
)
AUDIT_READERS = INVITERS


def membership_managers(done: int) -> dict[str, Cell]:
    """Site leads at their own site, the committee and admins anywhere."""
    return expect(
        (403, 403),
        site_lead_a=(done, 403),
        site_lead_b=(done, 403),
        committee=(done, done),
        admin=(done, done),
    )


def grant_data(personas, who, place):
    return {"email": UserFactory.create().email, "role": "trainee", "reason": "matrix"}


def end_url(personas, who, place):
    membership = MembershipFactory.create(site=site_for(personas, who, place))
    return reverse("network:membership_end", args=[membership.pk])


def api_end_url(personas, who, place):
    membership = MembershipFactory.create(site=site_for(personas, who, place))
    return f"/api/v1/network/memberships/{membership.pk}/end"


def site_data(personas, who, place):
    site = site_for(personas, who, place)
    return {
        "name": f"New hospital {who} {place}",
        "kind": "hospital",
        "region": site.region_id,
        "city": "Leeds",
        "latitude": "53.8",
        "longitude": "-1.55",
    }


DIRECTORY = [
    (Route("site list", lambda p, w, pl: reverse("network:sites")), EVERYONE_SIGNED_IN),
    (
        Route("site page", lambda p, w, pl: site_for(p, w, pl).get_absolute_url()),
        MEMBERS_ONLY,
    ),
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
        PEOPLE_ONLY,
    ),
    (Route("join page", lambda p, w, pl: reverse("network:join")), EVERYONE_SIGNED_IN),
    (
        Route(
            "ask to join",
            lambda p, w, pl: reverse("network:join"),
            method="post",
            data=lambda p, w, pl: {"hospital": site_for(p, w, pl).name},
        ),
        # A trainee is one at their own site already; the newcomer's request still waits.
        expect((302, 302), trainee=(400, 302), pending=(400, 400)),
    ),
    (Route("my roles", lambda p, w, pl: reverse("accounts:roles")), EVERYONE_SIGNED_IN),
    (
        Route(
            "ask for a role",
            lambda p, w, pl: reverse("accounts:roles"),
            method="post",
            data=lambda p, w, pl: {
                "role": "mentor",
                "site": site_for(p, w, pl).pk,
                "reason": "I supervise audits.",
            },
        ),
        expect((302, 302), mentor=(400, 302)),  # the mentor is one at their own site already
    ),
    (
        Route(
            "API ask to join",
            lambda p, w, pl: "/api/v1/network/join",
            method="post",
            api=True,
            data=lambda p, w, pl: {"site_id": site_for(p, w, pl).pk},
        ),
        expect((201, 201), trainee=(422, 201), pending=(422, 422)),
    ),
    (
        Route(
            "API ask for a role",
            lambda p, w, pl: "/api/v1/network/role-requests",
            method="post",
            api=True,
            data=lambda p, w, pl: {
                "role": "mentor",
                "site_id": site_for(p, w, pl).pk,
                "reason": "I supervise audits.",
            },
        ),
        expect((201, 201), mentor=(422, 201)),
    ),
]


def request_url(role: str):
    def url(personas, who, place):
        site = site_for(personas, who, place)
        asked = MembershipFactory.create(site=site, role=role, status=Membership.Status.PENDING)
        return reverse("network:request_decide", args=[asked.pk])

    return url


APPROVE = {"decision": "approve"}


def api_request_url(role: str, decision: str):
    def url(personas, who, place):
        site = site_for(personas, who, place)
        asked = MembershipFactory.create(site=site, role=role, status=Membership.Status.PENDING)
        return f"/api/v1/network/requests/{asked.pk}/{decision}"

    return url


PRIVILEGED = [
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
        Route("add a site", lambda p, w, pl: reverse("network:site_new"), "post", site_data),
        CREATED,
    ),
    (
        Route(
            "edit site",
            lambda p, w, pl: reverse("network:site_edit", args=[site_for(p, w, pl).pk]),
        ),
        NETWORK_MANAGERS,
    ),
    (
        Route(
            "save a site",
            lambda p, w, pl: reverse("network:site_edit", args=[site_for(p, w, pl).pk]),
            "post",
            site_data,
        ),
        CREATED,
    ),
    (Route("invitations", lambda p, w, pl: reverse("accounts:invitations")), INVITERS),
    (Route("requests to decide", lambda p, w, pl: reverse("network:requests")), INVITERS),
    (
        Route("approve a join request", request_url("trainee"), "post", lambda *a: APPROVE),
        membership_managers(302),
    ),
    (
        Route("approve a role request", request_url("mentor"), "post", lambda *a: APPROVE),
        expect((403, 403), committee=(302, 302), admin=(302, 302)),
    ),
    (
        Route("API requests to decide", lambda p, w, pl: "/api/v1/network/requests", api=True),
        INVITERS,
    ),
    (
        Route(
            "API approve a join request", api_request_url("trainee", "approve"), "post", api=True
        ),
        membership_managers(200),
    ),
    (
        Route(
            "API decline a role request",
            api_request_url("mentor", "decline"),
            "post",
            lambda *a: {"reason": "Not yet."},
            api=True,
        ),
        expect((403, 403), committee=(200, 200), admin=(200, 200)),
    ),
    (Route("audit trail", lambda p, w, pl: reverse("audit:events")), AUDIT_READERS),
    (Route("new study", lambda p, w, pl: reverse("capture:study_create")), NETWORK_MANAGERS),
    (Route("review queue", lambda p, w, pl: reverse("opportunities:review")), NETWORK_MANAGERS),
    (
        Route("new programme", lambda p, w, pl: reverse("opportunities:programme_new")),
        NETWORK_MANAGERS,
    ),
    (
        Route("API audit events", lambda p, w, pl: "/api/v1/audit/events", api=True),
        AUDIT_READERS,
    ),
    (
        Route(
            "API grant a role",
            lambda p, w, pl: "/api/v1/network/memberships",
            method="post",
            api=True,
            data=lambda p, w, pl: {
                "person_email": UserFactory.create().email,
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
    (
        Route(
            "API add a programme",
            lambda p, w, pl: "/api/v1/opportunities/programmes",
            method="post",
            api=True,
            data=lambda p, w, pl: {"name": f"Fellowship {w} {pl}", "institution": "Hospital"},
        ),
        expect((403, 403), committee=(201, 201), admin=(201, 201)),
    ),
]


def label(value):
    return getattr(value, "label", "")


@pytest.mark.parametrize(("route", "expected"), DIRECTORY + PRIVILEGED, ids=label)
def test_network_access_matrix(two_factor, route, expected):
    check_matrix(two_factor, route, expected)


@pytest.mark.parametrize(("route", "expected"), DIRECTORY, ids=label)
def test_the_directory_asks_for_no_two_factor(personas, route, expected):
    check_matrix(personas, route, expected)


@pytest.mark.parametrize(("route", "expected"), PRIVILEGED, ids=label)
def test_privileged_routes_ask_for_two_factor_after_the_role(personas, route, expected):
    check_matrix(personas, route, asks_two_factor(expected))
