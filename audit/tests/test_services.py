from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent, AuditImmutableError
from audit.services import audit_record, diff_fields
from network.models import Role
from network.services import membership_grant

pytestmark = pytest.mark.django_db


def test_a_record_keeps_names_and_ids(personas):
    event = audit_record(
        actor=personas.committee,
        action="site.update",
        obj=personas.site_a,
        changes={"city": ("Leeds", "York")},
        reason="Correction",
        site=personas.site_a,
    )
    assert event.actor_label == "Committee"
    assert event.object_type == "network.site"
    assert event.object_id == str(personas.site_a.pk)
    assert event.object_label == "Site A Hospital"
    assert event.changes == {"city": ["Leeds", "York"]}


def test_the_system_is_named_when_no_person_acts(personas):
    event = audit_record(actor=None, action="site.update", obj=personas.site_a)
    assert event.actor_id is None
    assert event.actor_label == "system"


@pytest.mark.usefixtures("two_factor")
def test_rows_outlive_the_person_and_the_object_they_describe(personas):
    person = UserFactory.create(full_name="Leaving Person")
    membership = membership_grant(
        actor=personas.committee, person=person, role=Role.TRAINEE, site=personas.site_a
    )
    membership_pk = membership.pk
    person.delete()
    event = AuditEvent.objects.get(action="membership.grant", object_id=str(membership_pk))
    assert "Leaving Person" in event.object_label
    assert event.changes["person"][1]["label"] == "Leaving Person"


def test_rows_cannot_be_changed_or_deleted_through_the_model(personas):
    event = audit_record(actor=None, action="site.update", obj=personas.site_a)
    event.reason = "rewritten"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_to_change_a_row(personas):
    event = audit_record(actor=None, action="site.update", obj=personas.site_a)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_diff_fields_lists_only_what_changed():
    assert diff_fields({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": (2, 3)}
