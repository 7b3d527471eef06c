from __future__ import annotations

import pytest
from django.urls import reverse

from audit.services import audit_record

# Reading the audit trail needs two-factor: the personas have it on here
# (the access matrix tests the refusal without it).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor")]


@pytest.fixture
def events(personas):
    return {
        "a": audit_record(
            actor=None, action="site.update", obj=personas.site_a, site=personas.site_a
        ),
        "b": audit_record(
            actor=None, action="site.update", obj=personas.site_b, site=personas.site_b
        ),
        "none": audit_record(actor=None, action="user.update", obj=personas.trainee),
    }


def test_a_site_lead_reads_only_their_sites_events(client, personas, events):
    client.force_login(personas.site_lead_a)
    shown = list(client.get(reverse("audit:events")).context["page"])
    assert shown == [events["a"]]


def test_the_committee_reads_every_event(client, personas, events):
    client.force_login(personas.committee)
    shown = set(client.get(reverse("audit:events")).context["page"])
    assert set(events.values()) <= shown


def test_the_list_filters_by_action(client, personas, events):
    client.force_login(personas.admin)
    shown = list(client.get(reverse("audit:events"), {"action": "user."}).context["page"])
    assert shown == [events["none"]]


def test_the_api_scopes_events_like_the_page(personas, events):
    from core.testing.api import api_client

    response = api_client(personas.site_lead_b).get("/api/v1/audit/events")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["items"]]
    assert ids == [events["b"].pk]


def test_no_route_edits_or_deletes_events(client, personas, events):
    from audit.models import AuditEvent

    personas.admin.is_staff = personas.admin.is_superuser = True
    personas.admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(personas.admin)
    assert client.post(reverse("audit:events")).status_code == 405
    assert client.delete("/api/v1/audit/events").status_code == 405
    pk = events["a"].pk
    assert client.get(reverse("admin:audit_auditevent_delete", args=[pk])).status_code == 403
    change = client.post(reverse("admin:audit_auditevent_change", args=[pk]), {"reason": "x"})
    assert change.status_code == 403
    assert AuditEvent.objects.get(pk=pk).reason == ""


def test_copied_objects_read_by_label_and_times_in_the_readers_zone(client, personas):
    from accounts.tests.factories import UserFactory
    from network.services import membership_grant
    from network.tests.factories import MembershipFactory  # noqa: F401

    membership_grant(
        actor=personas.committee,
        person=UserFactory.create(full_name="Dr Label Shown"),
        role="trainee",
        site=personas.site_a,
    )
    personas.committee.time_zone = "America/Chicago"
    personas.committee.save(update_fields=["time_zone"])
    client.force_login(personas.committee)
    body = client.get(reverse("audit:events")).content.decode()
    assert "— → Dr Label Shown" in body
    assert "{&#x27;id&#x27;" not in body
    assert "When (America/Chicago)" in body
