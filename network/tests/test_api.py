from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from core.testing.api import api_client
from network.models import Membership
from network.tests.factories import MembershipFactory

# Granting roles and editing sites need two-factor: the personas have it on here
# (the access matrix tests the refusal without it).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor")]


def test_sites_are_listed_with_region_and_coordinates(personas):
    response = api_client(personas.trainee).get("/api/v1/network/sites")
    assert response.status_code == 200
    first = response.json()[0]
    assert first["name"] == "Site A Hospital"
    assert first["region"] == "Persona region"
    assert first["latitude"] == "53.80210"
    assert first["member_count"] == 3


def test_sites_filter_by_region(personas):
    response = api_client(personas.trainee).get(
        "/api/v1/network/sites", {"region_id": personas.site_a.region_id + 999}
    )
    assert response.json() == []


def test_a_site_lead_grants_a_role_through_the_api(personas):
    person = UserFactory.create(email="api.new@example.org")
    response = api_client(personas.site_lead_a).post(
        "/api/v1/network/memberships",
        {"person_email": "api.new@example.org", "role": "mentor", "site_id": personas.site_a.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "mentor"
    assert Membership.objects.active().filter(person=person, role="mentor").exists()


def test_a_bad_grant_names_the_field_at_fault(personas):
    response = api_client(personas.committee).post(
        "/api/v1/network/memberships",
        {"person_email": "ghost@example.org", "role": "trainee", "site_id": personas.site_a.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "person_email"]


def test_an_unknown_role_is_refused_with_its_location(personas):
    response = api_client(personas.committee).post(
        "/api/v1/network/memberships",
        {"person_email": personas.outsider.email, "role": "emperor", "site_id": personas.site_a.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "role"


def test_a_site_lead_grants_nothing_at_another_site_through_the_api(personas):
    response = api_client(personas.site_lead_a).post(
        "/api/v1/network/memberships",
        {"person_email": personas.outsider.email, "role": "trainee", "site_id": personas.site_b.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"]


def test_ending_a_role_through_the_api(personas):
    membership = MembershipFactory.create(site=personas.site_b)
    response = api_client(personas.site_lead_b).post(
        f"/api/v1/network/memberships/{membership.pk}/end",
        {"reason": "Finished training"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["active"] is False


def test_an_unknown_site_is_404_in_json(personas):
    response = api_client(personas.trainee).get("/api/v1/network/sites/999999")
    assert response.status_code == 404
    assert response.json()["detail"]
