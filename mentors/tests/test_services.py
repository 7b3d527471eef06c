from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from mentors.models import ContactRequest
from mentors.selectors import reply_record
from mentors.services import MAX_PENDING, contact_request_move, contact_request_send
from mentors.tests.factories import ANSWERS, make_mentor

pytestmark = pytest.mark.django_db
State = ContactRequest.State


@pytest.fixture
def mentor(personas):
    make_mentor(personas.mentor, site=personas.site_a)
    return personas.mentor


def send(trainee, mentor, **overrides):
    return contact_request_send(trainee=trainee, mentor=mentor, **{**ANSWERS, **overrides})


def test_sending_a_request_notifies_both_sides_and_is_audited(
    personas, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = send(personas.trainee, mentor)
    assert request.state == State.PENDING
    assert {tuple(m.to) for m in mail.outbox} == {(mentor.email,), (personas.trainee.email,)}
    assert AuditEvent.objects.filter(action="contact_request.send").exists()


def test_a_fourth_pending_request_is_refused(personas):
    for _ in range(MAX_PENDING):
        other = UserFactory.create()
        make_mentor(other)
        send(personas.trainee, other)
    fourth = UserFactory.create()
    make_mentor(fourth)
    with pytest.raises(ValidationError, match="3 requests waiting"):
        send(personas.trainee, fourth)
    assert ContactRequest.objects.filter(trainee=personas.trainee).count() == MAX_PENDING


def test_a_withdrawn_request_frees_a_place(personas):
    mentors = [UserFactory.create() for _ in range(MAX_PENDING + 1)]
    for other in mentors:
        make_mentor(other)
    sent = [send(personas.trainee, other) for other in mentors[:MAX_PENDING]]
    contact_request_move(actor=personas.trainee, request=sent[0], action="withdraw")
    assert send(personas.trainee, mentors[-1]).state == State.PENDING


def test_a_mentor_who_takes_no_trainees_cannot_be_asked(personas):
    make_mentor(personas.mentor, accepting=False)
    with pytest.raises(ValidationError) as refused:
        send(personas.trainee, personas.mentor)
    assert "mentor" in refused.value.message_dict


def test_nobody_writes_to_themselves(personas, mentor):
    with pytest.raises(ValidationError):
        send(mentor, mentor)


def test_bad_answers_are_named_and_nothing_is_saved(personas, mentor):
    with pytest.raises(ValidationError) as refused:
        send(personas.trainee, mentor, grade="st9", hours_per_week=0, who_i_am="")
    assert {"grade", "hours_per_week", "who_i_am"} <= set(refused.value.message_dict)
    assert not ContactRequest.objects.exists()


def test_accepting_times_the_reply_and_only_the_mentor_may(personas, mentor):
    request = send(personas.trainee, mentor)
    with pytest.raises(PermissionDenied):
        contact_request_move(actor=personas.trainee, request=request, action="accept")
    accepted = contact_request_move(
        actor=mentor, request=request, action="accept", reply="Let's meet on Tuesday."
    )
    assert accepted.state == State.ACCEPTED
    assert accepted.replied_at is not None
    assert accepted.reply == "Let's meet on Tuesday."


def test_a_declined_request_cannot_then_be_accepted(personas, mentor):
    request = send(personas.trainee, mentor)
    contact_request_move(actor=mentor, request=request, action="decline")
    with pytest.raises(ValidationError):
        contact_request_move(actor=mentor, request=request, action="accept")


def test_either_side_completes_an_accepted_mentoring(personas, mentor):
    request = send(personas.trainee, mentor)
    contact_request_move(actor=mentor, request=request, action="accept")
    done = contact_request_move(actor=personas.trainee, request=request, action="complete")
    assert done.state == State.COMPLETED
    assert done.closed_at is not None


def test_an_outsider_cannot_move_a_request(personas, mentor):
    request = send(personas.trainee, mentor)
    with pytest.raises(PermissionDenied):
        contact_request_move(actor=personas.outsider, request=request, action="decline")


def make_request(trainee, mentor, *, sent_days_ago: float, replied_after_days: float | None):
    sent = timezone.now() - dt.timedelta(days=sent_days_ago)
    replied = (
        sent + dt.timedelta(days=replied_after_days) if replied_after_days is not None else None
    )
    return ContactRequest.objects.create(
        trainee=trainee,
        mentor=mentor,
        sent_at=sent,
        replied_at=replied,
        state=State.ACCEPTED if replied else State.PENDING,
        **ANSWERS,
    )


def test_the_reply_record_gives_median_and_share_within_14_days(personas, mentor):
    trainees = [UserFactory.create() for _ in range(5)]
    make_request(trainees[0], mentor, sent_days_ago=60, replied_after_days=1)
    make_request(trainees[1], mentor, sent_days_ago=60, replied_after_days=3)
    make_request(trainees[2], mentor, sent_days_ago=60, replied_after_days=20)
    make_request(trainees[3], mentor, sent_days_ago=30, replied_after_days=None)  # overdue
    make_request(trainees[4], mentor, sent_days_ago=2, replied_after_days=None)  # too soon
    record = reply_record(mentor)
    assert record.requests == 5
    assert record.answered == 3
    assert record.median_reply == dt.timedelta(days=3)
    assert record.share_within_window == pytest.approx(2 / 4)
    assert not record.thin


def test_a_record_from_two_requests_is_marked_thin(personas, mentor):
    make_request(UserFactory.create(), mentor, sent_days_ago=10, replied_after_days=1)
    assert reply_record(mentor).thin
    assert reply_record(personas.site_lead_a).median_reply is None
