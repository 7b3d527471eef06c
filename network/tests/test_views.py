from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from network.models import Membership, Role, Site
from network.tests.factories import MembershipFactory

# Granting roles and editing sites need two-factor: the personas have it on here
# (the access matrix tests the refusal without it).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor")]


def test_the_site_list_filters_by_name_and_region(client, personas):
    client.force_login(personas.trainee)
    response = client.get(reverse("network:sites"), {"q": "Site B"})
    assert response.status_code == 200
    assert list(response.context["sites"]) == [personas.site_b]


def test_the_site_list_answers_htmx_with_only_the_table(client, personas):
    client.force_login(personas.trainee)
    response = client.get(reverse("network:sites"), {"q": "Site"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="site-list"' in body
    assert "<html" not in body


def test_the_site_page_lists_people_and_their_roles(client, personas):
    client.force_login(personas.trainee)
    response = client.get(reverse("network:site", args=[personas.site_a.pk]))
    assert response.status_code == 200
    assert "Site Lead A" in response.content.decode()
    assert response.context["grant_form"] is None


def test_a_site_lead_grants_a_role_from_the_site_page(client, personas):
    newcomer = UserFactory.create(email="new.trainee@example.org")
    client.force_login(personas.site_lead_a)
    response = client.post(
        reverse("network:membership_grant", args=[personas.site_a.pk]),
        {"email": "New.Trainee@example.org", "role": "trainee", "reason": "Audit team"},
    )
    assert response.status_code == 302
    assert Membership.objects.active().filter(person=newcomer, site=personas.site_a).exists()


def test_granting_to_an_unknown_email_says_so_next_to_the_field(client, personas):
    client.force_login(personas.site_lead_a)
    response = client.post(
        reverse("network:membership_grant", args=[personas.site_a.pk]),
        {"email": "nobody@example.org", "role": "trainee"},
    )
    assert response.status_code == 400
    assert "No account uses nobody@example.org" in response.context["grant_form"].errors["email"][0]
    assert not AuditEvent.objects.filter(action="membership.grant").exists()


def test_a_site_lead_is_not_offered_roles_they_cannot_grant(client, personas):
    client.force_login(personas.site_lead_a)
    response = client.post(
        reverse("network:membership_grant", args=[personas.site_a.pk]),
        {"email": personas.outsider.email, "role": "committee"},
    )
    assert response.status_code == 400
    assert "role" in response.context["grant_form"].errors
    assert not Membership.objects.filter(person=personas.outsider).exists()


def test_granting_a_role_twice_shows_the_error_on_the_role(client, personas):
    client.force_login(personas.committee)
    response = client.post(
        reverse("network:membership_grant", args=[personas.site_a.pk]),
        {"email": personas.trainee.email, "role": "trainee"},
    )
    assert response.status_code == 400
    assert "already" in response.context["grant_form"].errors["role"][0]


def test_ending_a_role_from_the_site_page(client, personas):
    membership = MembershipFactory.create(site=personas.site_a, role=Role.MENTOR)
    client.force_login(personas.site_lead_a)
    response = client.post(
        reverse("network:membership_end", args=[membership.pk]), {"reason": "Retired"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_at is not None


def test_ending_a_role_without_a_reason_changes_nothing(client, personas):
    membership = MembershipFactory.create(site=personas.site_a, role=Role.MENTOR)
    client.force_login(personas.site_lead_a)
    response = client.post(reverse("network:membership_end", args=[membership.pk]), {"reason": ""})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_the_committee_creates_a_site_and_bad_coordinates_are_named(client, personas):
    client.force_login(personas.committee)
    data = {
        "name": "Royal Example Infirmary",
        "kind": "hospital",
        "region": personas.site_a.region.pk,
        "city": "York",
        "latitude": "123",
        "longitude": "-1.08",
    }
    response = client.post(reverse("network:site_new"), data)
    assert response.status_code == 400
    assert "latitude" in response.context["form"].errors
    assert not Site.objects.filter(name="Royal Example Infirmary").exists()
    data["latitude"] = "53.96"
    response = client.post(reverse("network:site_new"), data)
    assert response.status_code == 302
    assert Site.objects.get(name="Royal Example Infirmary").city == "York"


def test_a_site_lead_is_offered_to_end_only_the_roles_they_may_end(client, personas):
    lead_membership = personas.site_lead_a.memberships.get()
    trainee_membership = personas.trainee.memberships.get()
    client.force_login(personas.site_lead_a)
    endable = client.get(reverse("network:site", args=[personas.site_a.pk])).context["endable"]
    assert trainee_membership.pk in endable
    assert lead_membership.pk not in endable


def test_the_site_page_runs_the_same_queries_for_five_members_or_fifty(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.site_lead_a)
    url = reverse("network:site", args=[personas.site_a.pk])
    MembershipFactory.create_batch(5, site=personas.site_a)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    MembershipFactory.create_batch(45, site=personas.site_a)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["memberships"]) > 50
