"""The admin shows the network's audit rows only: a study's rows stay in the study's trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.services import audit_record
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(personas):
    person = personas.admin
    person.is_staff = person.is_superuser = True
    person.save(update_fields=["is_staff", "is_superuser"])
    enable_totp(person)
    return person


def test_the_admin_lists_no_study_scoped_audit_rows(client, personas, superuser):
    network = audit_record(actor=None, action="site.update", obj=personas.site_a)
    study = audit_record(
        actor=personas.site_lead_b,
        action="entry.save",
        obj=personas.site_b,
        changes={"age": (None, "SECRET-ENTRY-VALUE")},
        site=personas.site_b,
        scope="study:1",
    )
    client.force_login(superuser)
    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [network]
    assert "SECRET-ENTRY-VALUE" not in listing.content.decode()
    shown = client.get(reverse("admin:audit_auditevent_change", args=[study.pk]))
    assert "SECRET-ENTRY-VALUE" not in shown.content.decode()
    assert shown.status_code in (302, 404)
    network_row = client.get(reverse("admin:audit_auditevent_change", args=[network.pk]))
    assert network_row.status_code == 200
