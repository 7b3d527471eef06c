from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.matrix import Route, asks_two_factor, check_matrix, expect

pytestmark = pytest.mark.django_db

AUDIT_READERS = expect(
    (403, 403),
    site_lead_a=(200, 200),
    site_lead_b=(200, 200),
    committee=(200, 200),
    admin=(200, 200),
)

ROUTES = [
    Route("audit page", lambda p, w, pl: reverse("audit:events")),
    Route("API audit events", lambda p, w, pl: "/api/v1/audit/events", api=True),
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_audit_access_matrix(two_factor, route):
    check_matrix(two_factor, route, AUDIT_READERS)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_reading_the_audit_trail_asks_for_two_factor_after_the_role(personas, route):
    check_matrix(personas, route, asks_two_factor(AUDIT_READERS))
