from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import ApiToken, Invitation
from accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_create,
    invitation_find,
    profile_update,
)
from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from core.exceptions import EditConflict
from network.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_stored_only_as_a_digest(personas):
    issued = api_token_create(user=personas.trainee, name="export script")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith("rc_")
    assert issued.secret not in (stored.digest, stored.hint)
    assert stored.digest == ApiToken.digest_of(issued.secret)
    assert api_token_authenticate(issued.secret) == personas.trainee


def test_a_revoked_or_unknown_token_authenticates_no_one(personas):
    issued = api_token_create(user=personas.trainee, name="old")
    api_token_revoke(user=personas.trainee, token=issued.token)
    assert api_token_authenticate(issued.secret) is None
    assert api_token_authenticate("rc_not-a-real-token") is None
    assert api_token_authenticate("something else") is None


def test_a_deactivated_persons_token_stops_working(personas):
    issued = api_token_create(user=personas.trainee, name="script")
    personas.trainee.is_active = False
    personas.trainee.save(update_fields=["is_active"])
    assert api_token_authenticate(issued.secret) is None


def test_token_names_must_be_given_and_unique_while_active(personas):
    with pytest.raises(ValidationError) as refused:
        api_token_create(user=personas.trainee, name="  ")
    assert "name" in refused.value.message_dict
    api_token_create(user=personas.trainee, name="script")
    with pytest.raises(ValidationError):
        api_token_create(user=personas.trainee, name="script")
    assert ApiToken.objects.filter(user=personas.trainee).count() == 1


def test_nobody_revokes_another_persons_token(personas):
    issued = api_token_create(user=personas.trainee, name="mine")
    with pytest.raises(PermissionDenied):
        api_token_revoke(user=personas.mentor, token=issued.token)
    assert api_token_authenticate(issued.secret) == personas.trainee


def test_using_a_token_notes_when_it_was_last_used(personas):
    issued = api_token_create(user=personas.trainee, name="script")
    api_token_authenticate(issued.secret)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_token_creation_and_revocation_are_audited(personas):
    issued = api_token_create(user=personas.trainee, name="script")
    api_token_revoke(user=personas.trainee, token=issued.token)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"api_token.create", "api_token.revoke"} <= actions


@pytest.mark.usefixtures("two_factor")
def test_an_invitation_is_emailed_and_grants_its_role_when_accepted(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=personas.site_lead_a,
            email="New@Example.org",
            role=Role.TRAINEE,
            site=personas.site_a,
        )
    assert invitation.email == "new@example.org"
    assert mail.outbox[-1].to == ["new@example.org"]
    assert invitation.token in mail.outbox[-1].body
    person = UserFactory.create(email="new@example.org")
    invitation_accept(invitation=invitation, user=person)
    assert Membership.objects.active().get(person=person).site == personas.site_a
    assert invitation_find(invitation.token) is None  # used


def test_an_invitation_for_a_role_the_inviter_cannot_grant_is_refused(personas):
    with pytest.raises(ValidationError) as refused:
        invitation_create(
            actor=personas.site_lead_a,
            email="x@example.org",
            role=Role.COMMITTEE,
            site=personas.site_a,
        )
    assert "role" in refused.value.message_dict
    assert not Invitation.objects.exists()


def test_an_invitation_to_an_existing_account_is_refused(personas):
    with pytest.raises(ValidationError) as refused:
        invitation_create(actor=personas.committee, email=personas.trainee.email.upper())
    assert "email" in refused.value.message_dict


def test_a_trainee_cannot_invite(personas):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=personas.trainee, email="friend@example.org")


@pytest.mark.usefixtures("two_factor")
def test_an_expired_invitation_is_not_found(personas):
    invitation = invitation_create(actor=personas.committee, email="late@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert invitation_find(invitation.token) is None


def test_a_profile_with_an_unknown_time_zone_is_refused_and_unchanged(personas):
    with pytest.raises(ValidationError) as refused:
        profile_update(
            user=personas.trainee, version=1, full_name="New Name", time_zone="Mars/Olympus"
        )
    assert "time_zone" in refused.value.message_dict
    personas.trainee.refresh_from_db()
    assert personas.trainee.full_name == "Trainee"


def test_a_profile_change_is_audited(personas):
    profile_update(
        user=personas.trainee, version=1, full_name="Dr T. Rainee", time_zone="America/New_York"
    )
    event = AuditEvent.objects.get(action="user.update")
    assert event.changes["time_zone"] == ["Europe/London", "America/New_York"]


def test_a_profile_save_from_a_stale_version_is_a_conflict_and_changes_nothing(personas):
    trainee = personas.trainee
    profile_update(user=trainee, version=1, full_name="Dr First", time_zone="Europe/London")
    assert trainee.version == 2
    other_tab = type(trainee).objects.get(pk=trainee.pk)
    with pytest.raises(EditConflict) as clash:
        profile_update(user=other_tab, version=1, full_name="Dr Second", time_zone="Asia/Tokyo")
    assert clash.value.version == 2
    assert clash.value.current == {"Full name": "Dr First", "Time zone": "Europe/London"}
    trainee.refresh_from_db()
    assert (trainee.full_name, trainee.time_zone, trainee.version) == (
        "Dr First",
        "Europe/London",
        2,
    )
    assert AuditEvent.objects.filter(action="user.update").count() == 1


def test_a_profile_save_without_a_version_is_a_conflict_not_an_overwrite(personas):
    with pytest.raises(EditConflict):
        profile_update(
            user=personas.trainee, version=None, full_name="X", time_zone="Europe/London"
        )


def test_an_invitation_for_a_site_lead_without_a_site_is_refused_before_it_is_sent(personas):
    with pytest.raises(ValidationError) as refused:
        invitation_create(actor=personas.committee, email="lead@example.org", role=Role.SITE_LEAD)
    assert "site" in refused.value.message_dict
    assert not Invitation.objects.exists()
