from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from audit.models import AuditEvent
from network.models import Membership, Region, Role, Site, TrainingScheme

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Region, Site, TrainingScheme, User, Membership, AuditEvent)
    )


def test_seed_demo_builds_a_network_with_every_role_and_prints_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Site.objects.count() >= 20
    assert set(Site.objects.values_list("region__country", flat=True)) == {"GB", "US"}
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    printed = out.getvalue()
    for role in ("Trainee", "Mentor", "Site lead", "Committee", "Statistician", "Administrator"):
        assert role in printed
    assert "radcollab-demo" in printed


def test_seed_demo_twice_duplicates_nothing():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first


def test_demo_logins_work(client):
    call_command("seed_demo", stdout=StringIO())
    response = client.post(
        "/accounts/login/",
        {"login": "sitelead.b@demo.radcollab.org", "password": "radcollab-demo"},
    )
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
