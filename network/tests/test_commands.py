from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from network.models import Membership

pytestmark = pytest.mark.django_db


def test_grant_role_makes_the_first_administrator():
    person = UserFactory.create(email="first.admin@example.org")
    call_command("grant_role", "First.Admin@example.org", "admin", stdout=StringIO())
    assert Membership.objects.active().get(person=person).role == "admin"
    assert AuditEvent.objects.get(action="membership.grant").actor_label == "system"


def test_grant_role_names_what_is_missing(personas):
    with pytest.raises(CommandError, match=r"No account uses ghost@example\.org"):
        call_command("grant_role", "ghost@example.org", "trainee")
    with pytest.raises(CommandError, match="No site is called “Atlantis”"):
        call_command("grant_role", personas.outsider.email, "site_lead", "--site", "Atlantis")
    with pytest.raises(CommandError, match="A site lead needs a site"):
        call_command("grant_role", personas.outsider.email, "site_lead")
    assert not Membership.objects.filter(person=personas.outsider).exists()
