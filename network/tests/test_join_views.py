"""Joining, the requests queue, the site page and the 403 page, through the views."""

from __future__ import annotations

import pytest
from django.urls import reverse

from network.models import Membership

pytestmark = pytest.mark.django_db


def signed_in(client, person):
    client.force_login(person)
    return client


def test_an_outsider_asks_to_join_from_the_join_page(client, personas):
    signed_in(client, personas.outsider)
    response = client.post(reverse("network:join"), {"hospital": "site a hospital"})
    assert response.status_code == 302
    asked = Membership.objects.get(person=personas.outsider)
    assert (asked.site, asked.status) == (personas.site_a, "pending")


def test_the_join_page_refuses_an_unknown_hospital_on_its_field(client, personas):
    signed_in(client, personas.outsider)
    response = client.post(reverse("network:join"), {"hospital": "Nowhere General"})
    assert response.status_code == 400
    assert "not one of the network's hospitals" in response.context["form"].errors["hospital"][0]
    assert not Membership.objects.filter(person=personas.outsider).exists()


def test_the_join_page_lists_the_sites_to_search(client, personas):
    page = signed_in(client, personas.outsider).get(reverse("network:join")).content.decode()
    assert '<datalist id="id_hospital-list">' in page
    assert '<option value="Site A Hospital">' in page


def test_a_pending_member_sees_the_site_lead_but_not_the_member_list(client, personas):
    page = signed_in(client, personas.pending).get(personas.site_a.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "Site Lead A" in text
    assert "You asked to join" in text
    assert "People and roles" not in text


def test_a_member_sees_the_member_list(client, personas):
    text = signed_in(client, personas.trainee).get(personas.site_a.get_absolute_url())
    assert "People and roles" in text.content.decode()


def test_a_pending_members_403_names_the_site_lead_and_offers_the_site_page(client, personas):
    response = signed_in(client, personas.pending).get(
        reverse("people:person", args=[personas.mentor.pk])
    )
    text = response.content.decode()
    assert response.status_code == 403
    assert "waiting for its site lead, Site Lead A" in text
    assert personas.site_a.get_absolute_url() in text


def test_an_outsiders_403_offers_to_choose_a_hospital(client, personas):
    response = signed_in(client, personas.outsider).get(reverse("mentors:directory"))
    assert response.status_code == 403
    assert reverse("network:join") in response.content.decode()


def test_a_members_403_offers_to_ask_for_the_role(client, personas):
    response = signed_in(client, personas.trainee).get(reverse("network:requests"))
    text = response.content.decode()
    assert response.status_code == 403
    assert "Ask for the role" in text
    assert "role=site_lead" in text


def test_the_api_403_carries_the_same_help(client, personas):
    response = signed_in(client, personas.pending).get(
        f"/api/v1/network/sites/{personas.site_a.pk}/memberships"
    )
    assert response.status_code == 403
    assert response.json()["help"]["url"] == personas.site_a.get_absolute_url()


def test_the_site_lead_approves_from_the_queue(client, two_factor):
    signed_in(client, two_factor.site_lead_a)
    asked = Membership.objects.get(person=two_factor.pending)
    assert "Pending" in client.get(reverse("network:requests")).content.decode()
    response = client.post(
        reverse("network:request_decide", args=[asked.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == "active"


def test_declining_without_a_reason_shows_the_message_by_the_reason(client, two_factor):
    signed_in(client, two_factor.site_lead_a)
    asked = Membership.objects.get(person=two_factor.pending)
    response = client.post(
        reverse("network:request_decide", args=[asked.pk]), {"decision": "decline", "reason": ""}
    )
    assert response.status_code == 400
    assert "the person is emailed your reason" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == "pending"


def test_a_role_request_from_the_account_page_reaches_the_committee_queue(client, two_factor):
    signed_in(client, two_factor.trainee)
    response = client.post(
        reverse("accounts:roles"),
        {"role": "statistician", "reason": "MSc in medical statistics."},
    )
    assert response.status_code == 302
    queue = signed_in(client, two_factor.committee).get(reverse("network:requests"))
    assert "MSc in medical statistics." in queue.content.decode()


def test_a_role_request_without_a_reason_or_with_an_unknown_site_names_the_field(client, personas):
    signed_in(client, personas.trainee)
    response = client.post(reverse("accounts:roles"), {"role": "mentor", "site": "99999"})
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert "not in the network" in errors["site"][0]
    assert "Say why" in errors["reason"][0]


def test_the_api_refuses_an_unknown_site_and_a_missing_reason_by_field(client, personas):
    signed_in(client, personas.outsider)
    unknown = client.post(
        "/api/v1/network/join", {"site_id": 99999}, content_type="application/json"
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "site_id"]
    no_reason = client.post(
        "/api/v1/network/role-requests",
        {"role": "statistician", "reason": " "},
        content_type="application/json",
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["loc"] == ["body", "reason"]


def test_the_api_joins_and_the_site_lead_approves(client, two_factor):
    signed_in(client, two_factor.outsider)
    asked = client.post(
        "/api/v1/network/join", {"site_id": two_factor.site_b.pk}, content_type="application/json"
    ).json()
    assert asked["status"] == "pending"
    signed_in(client, two_factor.site_lead_b)
    waiting = client.get("/api/v1/network/requests").json()
    assert [r["id"] for r in waiting] == [asked["id"]]
    done = client.post(
        f"/api/v1/network/requests/{asked['id']}/approve", {}, content_type="application/json"
    )
    assert done.json()["status"] == "active"
