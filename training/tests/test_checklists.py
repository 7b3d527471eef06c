from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.utils.timezone import localdate

from accounts.tests.factories import PASSWORD, UserFactory
from audit.models import AuditEvent
from core.testing.mfa import enable_totp
from training import services
from training.models import ChecklistItem, SignedItemError
from training.tests.factories import associate_pi, checklist

pytestmark = pytest.mark.django_db
TODAY = localdate()


def sign(item, supervisor, *, on=None, password=PASSWORD, evidence="Seen at the site visit."):
    return services.checklist_item_sign(
        actor=supervisor, item=item, password=password, signed_on=on or TODAY, evidence=evidence
    )


def test_the_associate_pi_scheme_ships_with_nine_items_and_six_months():
    template = associate_pi()
    assert template.minimum_months == 6
    assert template.items.count() == 9


def test_the_named_supervisor_signs_with_their_password_and_it_is_audited():
    person, supervisor = UserFactory.create(), UserFactory.create()
    started = checklist(person, supervisor)
    item = started.items.first()
    signed = sign(item, supervisor)
    assert signed.signed_by == supervisor
    assert signed.signed_on == TODAY
    event = AuditEvent.objects.get(action="checklist_item.sign")
    assert event.actor_id == supervisor.pk
    assert event.object_id == str(item.pk)


def test_a_wrong_password_signs_nothing():
    person, supervisor = UserFactory.create(), UserFactory.create()
    item = checklist(person, supervisor).items.first()
    with pytest.raises(ValidationError) as error:
        sign(item, supervisor, password="guess")
    assert "not your password" in str(error.value.message_dict["password"])
    assert not ChecklistItem.objects.filter(signed_at__isnull=False).exists()


def test_only_the_named_supervisor_may_sign():
    person, supervisor = UserFactory.create(), UserFactory.create()
    item = checklist(person, supervisor).items.first()
    for intruder in (person, UserFactory.create()):
        with pytest.raises(PermissionDenied):
            sign(item, intruder)


def test_an_item_cannot_be_dated_before_the_start_or_in_the_future():
    person, supervisor = UserFactory.create(), UserFactory.create()
    item = checklist(person, supervisor, days_ago=10).items.first()
    with pytest.raises(ValidationError, match="before the start"):
        sign(item, supervisor, on=TODAY - dt.timedelta(days=11))
    with pytest.raises(ValidationError, match="future"):
        sign(item, supervisor, on=TODAY + dt.timedelta(days=1))


def test_a_signed_item_cannot_be_changed_by_anyone():
    person, supervisor = UserFactory.create(), UserFactory.create()
    item = sign(checklist(person, supervisor).items.first(), supervisor)
    with pytest.raises(ValidationError, match="cannot be changed by anyone"):
        sign(item, supervisor)
    with pytest.raises(ValidationError, match="cannot be changed by anyone"):
        services.checklist_item_update(actor=person, item=item, evidence="More")
    item.evidence = "Rewritten"
    with pytest.raises(SignedItemError):
        item.save()
    with pytest.raises(SignedItemError):
        ChecklistItem.objects.filter(pk=item.pk).update(evidence="Rewritten")
    with pytest.raises(SignedItemError):
        item.delete()
    with pytest.raises(SignedItemError):
        ChecklistItem.objects.filter(pk=item.pk).delete()
    with pytest.raises(ProtectedError):
        item.checklist.delete()
    assert ChecklistItem.objects.get(pk=item.pk).evidence == "Seen at the site visit."


def test_the_person_notes_evidence_on_an_unsigned_item_but_nobody_else_does():
    person, supervisor = UserFactory.create(), UserFactory.create()
    item = checklist(person, supervisor).items.first()
    services.checklist_item_update(actor=person, item=item, evidence="Log signed 3 May")
    with pytest.raises(PermissionDenied):
        services.checklist_item_update(actor=supervisor, item=item, evidence="x")
    assert sign(item, supervisor, evidence="").evidence == "Log signed 3 May"


def test_the_scheme_cannot_complete_before_six_months_nor_with_unsigned_items():
    person, supervisor = UserFactory.create(), UserFactory.create()
    started = checklist(person, supervisor, days_ago=100)
    with pytest.raises(ValidationError, match="9 item"):
        services.checklist_complete(
            actor=supervisor, checklist=started, password=PASSWORD, completed_on=TODAY
        )
    for item in started.items.all():
        sign(item, supervisor)
    with pytest.raises(ValidationError, match="at least 6 months"):
        services.checklist_complete(
            actor=supervisor, checklist=started, password=PASSWORD, completed_on=TODAY
        )


def test_the_scheme_completes_after_six_months():
    person, supervisor = UserFactory.create(), UserFactory.create()
    started = checklist(person, supervisor, days_ago=200)
    for item in started.items.all():
        sign(item, supervisor)
    done = services.checklist_complete(
        actor=supervisor, checklist=started, password=PASSWORD, completed_on=TODAY
    )
    assert done.completed_on == TODAY
    with pytest.raises(ValidationError, match="complete"):
        services.checklist_complete(
            actor=supervisor, checklist=started, password=PASSWORD, completed_on=TODAY
        )


def test_a_person_cannot_supervise_themselves():
    person = UserFactory.create()
    with pytest.raises(ValidationError, match="someone else"):
        checklist(person, person)


def test_the_admin_shows_checklists_and_their_items_read_only(client):
    person, supervisor = UserFactory.create(), UserFactory.create()
    started = checklist(person, supervisor)
    sign(started.items.first(), supervisor)
    superuser = UserFactory.create(is_staff=True, is_superuser=True)
    enable_totp(superuser)  # the admin opens only for staff with two-factor
    client.force_login(superuser)
    page = client.get(f"/admin/training/checklist/{started.pk}/change/")
    assert page.status_code == 200
    assert "Seen at the site visit." in page.content.decode()
    assert 'name="items-0-evidence"' not in page.content.decode()
    assert client.post(f"/admin/training/checklist/{started.pk}/change/", {}).status_code == 403
