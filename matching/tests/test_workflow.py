"""After publishing: accept, reassign after a failed first meeting, the agreement, the
feedback of both sides and the certificate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from matching import services, workflow
from matching.models import Agreement, Decision, Match, Reassignment
from matching.tests.factories import add_mentee, add_mentor, make_round
from network.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(two_factor):
    return two_factor.committee


def published(committee, *mentors, mentees=1):
    """A published round; mentors given as (capacity, interests) pairs."""
    round_ = make_round()
    offers = [add_mentor(round_, capacity=c, interests=i) for c, i in mentors]
    requests = [add_mentee(round_, interests=["Neuroradiology"]) for _ in range(mentees)]
    services.round_run(actor=committee, round_=round_)
    services.round_publish(actor=committee, round_=round_)
    return round_, offers, requests


def agree(match, who, **changes):
    data = {
        "first_met_on": timezone.localdate(),
        "goals": "A first paper on stroke MRI.",
        "meeting_frequency": "monthly",
    }
    return workflow.agreement_record(actor=who, match=match, **{**data, **changes})


def test_reassignment_reruns_for_the_mentee_alone_excluding_the_failed_mentor(
    committee, django_capture_on_commit_callbacks
):
    round_, (_best, second, _third), (request,) = published(
        committee, (1, ["Neuroradiology"]), (1, ["Neuroradiology", "MRI"]), (1, [])
    )
    match = Match.objects.get()
    first_mentor = match.offer
    # The committee's forbid still holds in a reassignment.
    Decision.objects.create(round=round_, request=request, offer=second, kind="forbid")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = workflow.match_reassign(
            actor=request.mentee, match=match, reason="We could not find a time."
        )
    assert moved is not None
    assert moved.offer not in (first_mentor, second)
    assert moved.state == Match.State.PUBLISHED
    assert moved.parts
    reassignment = Reassignment.objects.get()
    assert (reassignment.from_offer, reassignment.to_offer) == (first_mentor, moved.offer)
    subjects = sorted(m.subject for m in mail.outbox)
    assert "[RadCollab] Your new mentor" in subjects
    assert "[RadCollab] A mentee moved to another mentor" in subjects
    event = AuditEvent.objects.get(action="matching_match.reassign")
    assert event.reason == "We could not find a time."


def test_reassignment_respects_the_places_left_and_says_why_when_none(committee):
    round_, _offers, requests = published(
        committee, (1, ["Neuroradiology"]), (1, ["Neuroradiology"]), mentees=2
    )
    match = Match.objects.get(request=requests[0])
    # The only other mentor is full (the other mentee's): nobody is left.
    assert workflow.match_reassign(actor=requests[0].mentee, match=match, reason="No.") is None
    assert not Match.objects.filter(request=requests[0]).exists()
    round_.refresh_from_db()
    left = [u for u in round_.unmatched if u["id"] == requests[0].pk]
    assert "full" in left[0]["reason"]
    assert Reassignment.objects.get().to_offer is None


def test_a_mentor_left_once_is_never_proposed_again(committee):
    round_, _offers, (request,) = published(
        committee, (1, ["Neuroradiology"]), (1, ["Neuroradiology"])
    )
    match = Match.objects.get()
    first = match.offer
    moved = workflow.match_reassign(actor=request.mentee, match=match, reason="Too far.")
    assert moved is not None
    assert moved.offer != first
    assert workflow.match_reassign(actor=request.mentee, match=moved, reason="Also.") is None
    round_.refresh_from_db()
    assert "did not work out" in round_.unmatched[-1]["reason"]


def test_only_the_mentee_asks_for_reassignment_and_gives_a_reason(committee):
    _, _, (request,) = published(committee, (1, []), (1, []))
    match = Match.objects.get()
    with pytest.raises(ValidationError, match="Only the mentee"):
        workflow.match_reassign(actor=match.offer.mentor, match=match, reason="x")
    with pytest.raises(ValidationError) as refused:
        workflow.match_reassign(actor=request.mentee, match=match, reason="  ")
    assert "reason" in refused.value.message_dict
    assert Match.objects.get().offer == match.offer  # nothing half-done


def test_the_agreement_needs_both_sides_and_a_change_asks_again(committee):
    _, _, (request,) = published(committee, (1, []))
    match = Match.objects.get()
    with pytest.raises(ValidationError, match="once the mentee has accepted"):
        agree(match, request.mentee)
    workflow.match_accept(actor=request.mentee, match=match)
    made = agree(match, request.mentee)
    assert made.mentee_agreed_at
    assert not made.confirmed
    changed = agree(match, match.offer.mentor, meeting_frequency="fortnightly")
    assert changed.mentor_agreed_at
    assert not changed.mentee_agreed_at
    confirmed = agree(match, request.mentee, meeting_frequency="fortnightly")
    assert confirmed.confirmed
    actions = list(
        AuditEvent.objects.filter(action__startswith="matching_agreement")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "matching_agreement.record",
        "matching_agreement.record",
        "matching_agreement.confirm",
    ]
    with pytest.raises(ValidationError, match="Only the mentee and the mentor"):
        agree(match, UserFactory.create())


def test_a_bad_agreement_names_the_field_and_saves_nothing(committee):
    _, _, (request,) = published(committee, (1, []))
    match = Match.objects.get()
    workflow.match_accept(actor=request.mentee, match=match)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        agree(match, request.mentee, first_met_on=tomorrow, goals=" ", meeting_frequency="daily")
    assert set(refused.value.message_dict) == {"first_met_on", "goals", "meeting_frequency"}
    assert not Agreement.objects.exists()


def test_feedback_from_both_sides_completes_and_unlocks_the_certificate(committee):
    _, _, (request,) = published(committee, (1, []))
    match = Match.objects.get()
    mentor = match.offer.mentor
    workflow.match_accept(actor=request.mentee, match=match)
    with pytest.raises(ValidationError, match="confirm your agreement"):
        workflow.feedback_give(actor=request.mentee, match=match, rating=5, comments="")
    agree(match, request.mentee)
    agree(match, mentor)
    with pytest.raises(ValidationError) as refused:
        workflow.feedback_give(actor=request.mentee, match=match, rating=9, comments="")
    assert "rating" in refused.value.message_dict
    workflow.feedback_give(actor=request.mentee, match=match, rating=5, comments="Great.")
    with pytest.raises(ValidationError, match="already"):
        workflow.feedback_give(actor=request.mentee, match=match, rating=4, comments="")
    match.refresh_from_db()
    assert match.state == Match.State.ACCEPTED
    with pytest.raises(ValidationError, match="both sides"):
        workflow.certificate_pdf(match, issued=timezone.localdate())
    workflow.feedback_give(actor=mentor, match=match, rating=4, comments="A keen mentee.")
    match.refresh_from_db()
    assert match.state == Match.State.COMPLETED
    pdf = workflow.certificate_pdf(match, issued=timezone.localdate())
    assert pdf.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action__startswith="matching_feedback.").count() == 2


def test_a_confirmed_agreement_cannot_be_dropped_by_reassignment(committee):
    _, _, (request,) = published(committee, (1, []), (1, []))
    match = Match.objects.get()
    workflow.match_accept(actor=request.mentee, match=match)
    agree(match, request.mentee)
    agree(match, match.offer.mentor)
    with pytest.raises(ValidationError, match="committee"):
        workflow.match_reassign(actor=request.mentee, match=match, reason="Changed my mind.")


def test_a_reassignment_keeps_the_scheme_exclusions(committee):
    round_ = make_round()
    site = SiteFactory.create()
    add_mentor(round_, capacity=1, interests=["Neuroradiology"])
    same_site = add_mentor(round_, capacity=1, site=site, interests=["Neuroradiology"])
    request = add_mentee(round_, site=site, interests=["Neuroradiology"])
    services.round_run(actor=committee, round_=round_)
    services.round_publish(actor=committee, round_=round_)
    match = Match.objects.get()
    assert match.offer != same_site
    assert workflow.match_reassign(actor=request.mentee, match=match, reason="No.") is None
    round_.refresh_from_db()
    assert "same site" in round_.unmatched[-1]["reason"]
