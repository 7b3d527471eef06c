"""Requests to join a hospital and for another role: who decides, what they refuse."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from network import access, services
from network.models import Membership, Role
from network.tests.factories import MembershipFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(personas):
    return personas.outsider


def field_of(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


def test_asking_to_join_makes_a_pending_member_who_sees_the_shared_pages_only(personas, newcomer):
    asked = services.join_request(person=newcomer, site=personas.site_a)
    assert asked.status == Membership.Status.PENDING
    assert access.is_pending_member(newcomer)
    assert access.can(newcomer, access.Action.VIEW_DIRECTORY)
    assert not access.can(newcomer, access.Action.SEE_MEMBERS)
    assert not access.can(newcomer, access.Action.SEE_STUDY_DATA)
    assert access.roles_of(newcomer) == set()
    assert AuditEvent.objects.filter(action="membership.request", object_id=asked.pk).exists()


def test_the_site_lead_is_emailed_a_join_request(
    personas, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request(person=newcomer, site=personas.site_a)
    assert mail.outbox[-1].to == [personas.site_lead_a.email]
    assert "/network/requests/" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"site": None}, "hospital"),
        ({"site": "a", "hospital_not_listed": "St Elsewhere"}, "hospital_not_listed"),
    ],
)
def test_a_join_request_names_one_hospital(personas, newcomer, kwargs, field):
    kwargs = {**kwargs, "site": personas.site_a if kwargs["site"] == "a" else None}
    with pytest.raises(ValidationError) as error:
        services.join_request(person=newcomer, **kwargs)
    assert field_of(error) == {field}


def test_a_second_join_request_is_refused_while_one_waits(personas, newcomer):
    services.join_request(person=newcomer, site=personas.site_a)
    with pytest.raises(ValidationError, match="already asked") as error:
        services.join_request(person=newcomer, site=personas.site_b)
    assert field_of(error) == {"hospital"}


def test_a_trainee_cannot_ask_to_join_their_own_hospital_again(personas):
    with pytest.raises(ValidationError, match="already a trainee"):
        services.join_request(person=personas.trainee, site=personas.site_a)


def test_the_site_lead_approves_and_the_person_becomes_an_active_trainee(
    two_factor, newcomer, django_capture_on_commit_callbacks
):
    asked = services.join_request(person=newcomer, site=two_factor.site_a)
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.request_approve(actor=two_factor.site_lead_a, membership=asked)
    assert approved.status == Membership.Status.ACTIVE
    access.forget_memberships(newcomer)
    assert access.roles_of(newcomer) == {Role.TRAINEE}
    assert access.can(newcomer, access.Action.SEE_MEMBERS)
    assert mail.outbox[-1].to == [newcomer.email]
    event = AuditEvent.objects.get(action="membership.approve", object_id=asked.pk)
    assert event.actor_id == two_factor.site_lead_a.pk


def test_declining_needs_a_reason_which_the_person_is_emailed(
    two_factor, newcomer, django_capture_on_commit_callbacks
):
    asked = services.join_request(person=newcomer, site=two_factor.site_a)
    with pytest.raises(ValidationError) as error:
        services.request_decline(actor=two_factor.site_lead_a, membership=asked, reason=" ")
    assert field_of(error) == {"reason"}
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decline(
            actor=two_factor.site_lead_a, membership=asked, reason="You work at site B."
        )
    asked.refresh_from_db()
    access.forget_memberships(newcomer)
    assert (asked.status, asked.decision_note) == ("declined", "You work at site B.")
    assert asked.ended_at is not None
    assert "You work at site B." in mail.outbox[-1].body
    assert not access.is_pending_member(newcomer)
    assert AuditEvent.objects.filter(action="membership.decline", reason="You work at site B.")


def test_a_site_lead_of_another_site_may_not_decide(two_factor, newcomer):
    asked = services.join_request(person=newcomer, site=two_factor.site_a)
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=two_factor.site_lead_b, membership=asked)


def test_a_decided_request_cannot_be_decided_again(two_factor, newcomer):
    asked = services.join_request(person=newcomer, site=two_factor.site_a)
    services.request_approve(actor=two_factor.site_lead_a, membership=asked)
    asked.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.request_decline(actor=two_factor.committee, membership=asked, reason="late")


def test_a_hospital_not_listed_is_approved_by_the_committee_at_the_site_it_chooses(
    two_factor, newcomer
):
    asked = services.join_request(person=newcomer, site=None, hospital_not_listed="St Elsewhere")
    assert access.may_decide_request(two_factor.committee, asked)
    assert not access.may_decide_request(two_factor.site_lead_a, asked)
    with pytest.raises(ValidationError) as error:
        services.request_approve(actor=two_factor.committee, membership=asked)
    assert field_of(error) == {"site"}
    added = SiteFactory.create(name="St Elsewhere")
    approved = services.request_approve(actor=two_factor.committee, membership=asked, site=added)
    assert (approved.site, approved.status) == (added, "active")


def test_anyone_may_ask_for_a_role_and_the_committee_decides(two_factor):
    asked = services.role_request(
        person=two_factor.trainee, role=Role.MENTOR, site=two_factor.site_a, reason="I teach."
    )
    assert access.roles_of(two_factor.trainee) == {Role.TRAINEE}  # not a mentor yet
    assert not access.may_decide_request(two_factor.site_lead_a, asked)
    services.request_approve(actor=two_factor.committee, membership=asked)
    access.forget_memberships(two_factor.trainee)
    assert access.roles_of(two_factor.trainee) == {Role.TRAINEE, Role.MENTOR}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": "committee"}, "role"),
        ({"role": "admin"}, "role"),
        ({"role": "astronaut"}, "role"),
        ({"reason": ""}, "reason"),
        ({"site": None}, "site"),
        ({"role": "mentor"}, "role"),  # the mentor persona is one at site A already
    ],
)
def test_a_role_request_is_refused_with_the_message_on_its_field(personas, kwargs, field):
    values = {"role": "site_lead", "site": personas.site_a, "reason": "I run audits."}
    with pytest.raises(ValidationError) as error:
        services.role_request(person=personas.mentor, **{**values, **kwargs})
    assert field_of(error) == {field}


def test_a_role_request_is_refused_while_the_same_one_waits(personas):
    values: dict[str, Any] = {
        "role": "statistician",
        "site": None,
        "reason": "MSc in medical statistics.",
    }
    services.role_request(person=personas.trainee, **values)
    with pytest.raises(ValidationError, match="already asked"):
        services.role_request(person=personas.trainee, **values)


def test_granting_a_role_someone_asked_for_points_to_the_request(two_factor):
    services.role_request(
        person=two_factor.trainee, role="mentor", site=two_factor.site_a, reason="I teach."
    )
    with pytest.raises(ValidationError, match="approve the request"):
        services.membership_grant(
            actor=two_factor.committee,
            person=two_factor.trainee,
            role="mentor",
            site=two_factor.site_a,
        )


def test_the_queue_holds_what_each_person_may_decide(two_factor):
    Membership.objects.filter(person=two_factor.pending).delete()
    join = MembershipFactory.create(site=two_factor.site_a, status=Membership.Status.PENDING)
    role = MembershipFactory.create(
        site=two_factor.site_a, role=Role.MENTOR, status=Membership.Status.PENDING
    )
    assert services.requests_decidable_by(two_factor.site_lead_a) == [join]
    assert services.requests_decidable_by(two_factor.site_lead_b) == []
    assert services.requests_decidable_by(two_factor.committee) == [join, role]
    assert services.requests_decidable_by(two_factor.trainee) == []


def test_help_names_the_site_lead_a_pending_member_waits_for(personas):
    help = access.help_for(personas.pending, access.Action.SEE_MEMBERS)
    assert "Site A Hospital" in help.reason
    assert "Site Lead A" in help.reason
    assert help.url == personas.site_a.get_absolute_url()


def test_help_sends_an_outsider_to_choose_a_hospital_and_a_member_to_ask_for_the_role(personas):
    assert access.help_for(personas.outsider).label == "Choose your hospital"
    asked = access.help_for(personas.trainee, access.Action.SEE_STUDY_DATA)
    assert asked.label == "Ask for the role"
    assert "role=statistician" in asked.url
