"""Contact requests: sent through a guided form, answered, and timed for the track record."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from core.tasks import deliver_email
from core.words import require_words
from mentors.models import ContactRequest
from mentors.stats import mentor_stats_refresh_for_people
from people.models import MentorProfile

MAX_PENDING = 3
State = ContactRequest.State
# What a mentor needs from "who I am" before they can answer, named when it is too short.
WHY_YOU_HINT = (
    "say who you are, what draws you to this mentor's work, and what you hope to do together."
)


class Move:
    """Who may move a request from which states to which."""

    def __init__(self, by: str, sources: set[str], target: str, verb: str) -> None:
        self.by, self.sources, self.target, self.verb = by, sources, target, verb


MOVES: dict[str, Move] = {
    "accept": Move("mentor", {State.PENDING}, State.ACCEPTED, "accepted"),
    "decline": Move("mentor", {State.PENDING}, State.DECLINED, "declined"),
    "withdraw": Move("trainee", {State.PENDING}, State.WITHDRAWN, "withdrew"),
    "complete": Move("either", {State.ACCEPTED}, State.COMPLETED, "marked complete"),
}


def _notify(person: User, subject: str, body: str, request: ContactRequest) -> None:
    link = settings.SITE_URL + request.get_absolute_url()
    transaction.on_commit(
        lambda: deliver_email.enqueue(
            subject=f"[RadCollab] {subject}",
            body=f"{body}\n\nSee the request: {link}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
        )
    )


def _check_mentor(trainee: User, mentor: User) -> None:
    if trainee.pk == mentor.pk:
        raise ValidationError({"mentor": "You cannot send a request to yourself."})
    profile = MentorProfile.objects.filter(person=mentor).first()
    if profile is None or not profile.accepting_trainees:
        raise ValidationError({"mentor": f"{mentor} is not taking trainees at the moment."})


def _check_pending(trainee: User, mentor: User) -> None:
    # Locking the trainee's row makes two requests sent at once count each other.
    User.objects.select_for_update().get(pk=trainee.pk)
    pending = ContactRequest.objects.filter(trainee=trainee, state=State.PENDING)
    if pending.filter(mentor=mentor).exists():
        raise ValidationError({"mentor": f"Your request to {mentor} is still waiting."})
    if pending.count() >= MAX_PENDING:
        raise ValidationError(
            f"You have {MAX_PENDING} requests waiting for a reply; withdraw one or wait "
            "for an answer before writing to another mentor."
        )


def _check_letter(request: ContactRequest) -> None:
    """Every field's own rules, and a "who I am" long enough to answer, in one refusal."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        request.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if "who_i_am" not in errors:
        try:
            require_words(request.who_i_am, field="who_i_am", hint=WHY_YOU_HINT)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_request_send(*, trainee: User, mentor: User, **answers: Any) -> ContactRequest:
    """Send the guided request: who I am, grade, what I read, what I offer, hours a week."""
    _check_mentor(trainee, mentor)
    _check_pending(trainee, mentor)
    request = ContactRequest(trainee=trainee, mentor=mentor, sent_at=timezone.now(), **answers)
    _check_letter(request)
    request.save()
    audit_record(actor=trainee, action="contact_request.send", obj=request)
    mentor_stats_refresh_for_people([mentor.pk])
    _notify(mentor, f"{trainee} would like you as a mentor", request.who_i_am, request)
    _notify(trainee, f"Your request to {mentor} was sent", "We will email you the reply.", request)
    return request


def _may_move(actor: User, request: ContactRequest, move: Move) -> bool:
    sides = {"mentor": {request.mentor_id}, "trainee": {request.trainee_id}}
    sides["either"] = sides["mentor"] | sides["trainee"]
    return actor.pk in sides[move.by]


@transaction.atomic
def contact_request_move(
    *, actor: User, request: ContactRequest, action: str, reply: str = ""
) -> ContactRequest:
    """Accept, decline, withdraw or complete a request; the first answer is timed."""
    move = MOVES.get(action)
    if move is None:
        raise ValidationError({"action": f"Unknown action “{action}”."})
    locked = ContactRequest.objects.select_for_update().get(pk=request.pk)
    if not _may_move(actor, locked, move):
        raise PermissionDenied(f"Only the {move.by} may do this.")
    if locked.state not in move.sources:
        state = locked.get_state_display().lower()
        raise ValidationError({"action": f"This request is {state}; it cannot be {move.verb}."})
    before = locked.state
    now = timezone.now()
    locked.state = move.target
    if before == State.PENDING and move.by == "mentor":
        locked.replied_at, locked.reply = now, reply.strip()
    if move.target in (State.DECLINED, State.WITHDRAWN, State.COMPLETED):
        locked.closed_at = now
    locked.save(update_fields=["state", "replied_at", "reply", "closed_at", "updated_at"])
    changes = {"state": (before, locked.state)}
    audit_record(actor=actor, action=f"contact_request.{action}", obj=locked, changes=changes)
    mentor_stats_refresh_for_people([locked.mentor_id])
    other = locked.trainee if actor.pk == locked.mentor_id else locked.mentor
    _notify(other, f"{actor} {move.verb} the mentoring request", locked.reply, locked)
    return locked
