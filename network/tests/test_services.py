from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from network.models import Membership, Role, Site
from network.services import membership_end, membership_grant, site_create, site_update
from network.tests.factories import MembershipFactory, TrainingSchemeFactory

# Granting roles and editing sites need two-factor: the personas have it on here
# (the access matrix tests the refusal without it).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor")]


def test_granting_a_role_records_who_did_it_and_why(personas):
    person = UserFactory.create()
    membership = membership_grant(
        actor=personas.site_lead_a,
        person=person,
        role=Role.TRAINEE,
        site=personas.site_a,
        reason="Joined the audit team",
    )
    event = AuditEvent.objects.get(action="membership.grant", object_id=str(membership.pk))
    assert event.actor_id == personas.site_lead_a.pk
    assert event.site_id == personas.site_a.pk
    assert event.reason == "Joined the audit team"
    assert event.changes["role"] == [None, "trainee"]


def test_a_site_lead_may_not_grant_at_another_site(personas):
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=personas.site_lead_a,
            person=UserFactory.create(),
            role=Role.TRAINEE,
            site=personas.site_b,
        )
    assert not AuditEvent.objects.filter(action="membership.grant").exists()


def test_a_site_lead_may_not_make_another_site_lead(personas):
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=personas.site_lead_a,
            person=UserFactory.create(),
            role=Role.SITE_LEAD,
            site=personas.site_a,
        )


def test_a_site_lead_role_needs_a_site(personas):
    with pytest.raises(ValidationError) as refused:
        membership_grant(actor=personas.committee, person=UserFactory.create(), role=Role.SITE_LEAD)
    assert "site" in refused.value.message_dict


def test_a_membership_names_a_site_or_a_scheme_not_both(personas):
    with pytest.raises(ValidationError) as refused:
        membership_grant(
            actor=personas.committee,
            person=UserFactory.create(),
            role=Role.TRAINEE,
            site=personas.site_a,
            scheme=TrainingSchemeFactory.create(),
        )
    assert "scheme" in refused.value.message_dict


def test_the_same_role_twice_is_refused_and_nothing_changes(personas):
    before = Membership.objects.count()
    with pytest.raises(ValidationError) as refused:
        membership_grant(
            actor=personas.committee,
            person=personas.trainee,
            role=Role.TRAINEE,
            site=personas.site_a,
        )
    assert "already" in refused.value.message_dict["role"][0]
    assert Membership.objects.count() == before


def test_a_trainee_may_hold_the_role_on_a_scheme_and_at_a_site(personas):
    scheme = TrainingSchemeFactory.create()
    membership = membership_grant(
        actor=personas.committee, person=personas.trainee, role=Role.TRAINEE, scheme=scheme
    )
    assert membership.place_label == f"on {scheme}"


def test_ending_a_role_keeps_the_row_and_records_the_reason(personas):
    membership = MembershipFactory.create(site=personas.site_a)
    ended = membership_end(actor=personas.site_lead_a, membership=membership, reason="Moved away")
    assert ended.ended_at is not None
    assert Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="membership.end")
    assert event.reason == "Moved away"


def test_ending_a_role_needs_a_reason(personas):
    membership = MembershipFactory.create(site=personas.site_a)
    with pytest.raises(ValidationError):
        membership_end(actor=personas.site_lead_a, membership=membership, reason="  ")
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_ending_a_role_twice_is_refused(personas):
    membership = MembershipFactory.create(site=personas.site_a)
    membership_end(actor=personas.committee, membership=membership, reason="Left")
    with pytest.raises(ValidationError):
        membership_end(actor=personas.committee, membership=membership, reason="Left again")


def test_a_site_lead_may_not_end_a_role_at_another_site(personas):
    membership = MembershipFactory.create(site=personas.site_b)
    with pytest.raises(PermissionDenied):
        membership_end(actor=personas.site_lead_a, membership=membership, reason="No")


def test_the_role_can_be_granted_again_after_it_ended(personas):
    membership = MembershipFactory.create(site=personas.site_a, role=Role.MENTOR)
    membership_end(actor=personas.committee, membership=membership, reason="Sabbatical")
    again = membership_grant(
        actor=personas.committee, person=membership.person, role=Role.MENTOR, site=personas.site_a
    )
    assert again.pk != membership.pk


def test_creating_a_site_checks_coordinates_and_saves_nothing_when_wrong(personas):
    with pytest.raises(ValidationError) as refused:
        site_create(
            actor=personas.committee,
            name="Nowhere General",
            region=personas.site_a.region,
            latitude=Decimal("91"),
            longitude=Decimal("0"),
        )
    assert "latitude" in refused.value.message_dict
    assert not Site.objects.filter(name="Nowhere General").exists()
    assert not AuditEvent.objects.filter(action="site.create").exists()


def test_updating_a_site_records_old_and_new_values(personas):
    site = site_update(actor=personas.admin, site=personas.site_a, city="York", reason="Typo")
    assert site.city == "York"
    event = AuditEvent.objects.get(action="site.update")
    assert event.changes == {"city": ["Leeds", "York"]}


def test_only_network_managers_may_create_sites(personas):
    with pytest.raises(PermissionDenied):
        site_create(
            actor=personas.site_lead_a,
            name="Rogue Hospital",
            region=personas.site_a.region,
            latitude=Decimal("50"),
            longitude=Decimal("0"),
        )
