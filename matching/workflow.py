"""After a round is published: the mentee accepts or asks for another mentor, both sides
record what they agreed at the first meeting, and feedback from both at the end
completes the match and unlocks its certificate. One transaction each, audited in it;
the other side is told by email."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from matching.access import side_of
from matching.models import (
    Agreement,
    Feedback,
    Frequency,
    Match,
    MenteeRequest,
    Reassignment,
    Round,
)
from matching.rounds import build_round
from matching.services import _notify, _parts

FAILED_MEETING = "the first meeting did not work out"


def _locked_match(match: Match) -> Match:
    return (
        Match.objects.select_for_update()
        .select_related("round__scheme", "offer__mentor", "request__mentee")
        .get(pk=match.pk)
    )


def _party(actor: User, match: Match) -> str:
    if actor.pk not in (match.request.mentee_id, match.offer.mentor_id):
        raise ValidationError("Only the mentee and the mentor of this match can do that.")
    return side_of(actor, match)


def _other(match: Match, side: str) -> User:
    return match.offer.mentor if side == "mentee" else match.request.mentee


@transaction.atomic
def match_accept(*, actor: User, match: Match) -> Match:
    """The mentee accepts their mentor; the mentor is told."""
    match = _locked_match(match)
    if match.request.mentee_id != actor.pk:
        raise ValidationError("Only the mentee accepts their match.")
    if match.state != Match.State.PUBLISHED:
        raise ValidationError("This match is not waiting for an answer.")
    match.state, match.accepted_at = Match.State.ACCEPTED, timezone.now()
    match.save(update_fields=["state", "accepted_at", "updated_at"])
    _notify(
        match.offer.mentor,
        "Your mentee accepted",
        f"{actor} accepted you as their mentor. Say hello, and after your first meeting "
        "record what you agreed:",
        match.get_absolute_url(),
    )
    audit_record(
        actor=actor,
        action="matching_match.accept",
        obj=match,
        changes={"state": (Match.State.PUBLISHED, Match.State.ACCEPTED)},
    )
    return match


# Reassignment -------------------------------------------------------------------------------


def rematch_one(
    round_: Round, request: MenteeRequest, *, leaving: set[int], keep_out: Match | None
) -> tuple[int | None, str]:
    """The best mentor for one mentee alone: the round's exclusions and the committee's
    forbids hold, the mentors in `leaving` are excluded, and only places left count.
    Returns (mentor offer pk or None, the reason when None)."""
    from matching.core.flow import Instance, solve

    built = build_round(round_, only=request.pk)
    if request.pk not in built.requests:
        why = next((str(i["reason"]) for i in built.left_out if i["id"] == request.pk), "")
        return None, why or "not eligible"
    live = Match.objects.filter(round=round_, state__in=Match.LIVE)
    if keep_out is not None:
        live = live.exclude(pk=keep_out.pk)
    taken = Counter(live.values_list("offer_id", flat=True))
    excluded = dict(built.excluded)
    for offer in leaving:
        if offer in built.offers:
            excluded[(request.pk, offer)] = FAILED_MEETING
    result = solve(
        Instance.from_pairs(
            mentees=[request.pk],
            mentors=list(built.offers),
            capacities={pk: max(0, o.capacity - taken[pk]) for pk, o in built.offers.items()},
            fits={pair: f.units for pair, f in built.fits.items() if pair not in excluded},
            excluded=excluded,
        )
    )
    if result.pairs:
        return int(result.pairs[0].mentor), ""
    return None, result.unmatched[0].reason


@transaction.atomic
def match_reassign(*, actor: User, match: Match, reason: str) -> Match | None:
    """The mentee asks for another mentor after a first meeting that did not work out.

    The solver reruns for them alone; the mentor they leave is excluded for the rest of
    the round. Returns the match with its new mentor, or None when nobody is left (the
    mentee is then listed as unmatched, with the reason)."""
    round_ = Round.objects.select_for_update().get(pk=match.round_id)
    match = _locked_match(match)
    if match.request.mentee_id != actor.pk:
        raise ValidationError("Only the mentee asks for another mentor.")
    if match.state not in (Match.State.PUBLISHED, Match.State.ACCEPTED):
        raise ValidationError("This match can no longer be reassigned.")
    agreement = Agreement.objects.filter(match=match).first()
    if agreement and agreement.confirmed:
        raise ValidationError(
            "You both confirmed an agreement; write to the scheme's committee to end it."
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say briefly what did not work out."})
    leaving = set(
        Reassignment.objects.filter(request=match.request).values_list("from_offer", flat=True)
    ) | {match.offer_id}
    new_offer, why = rematch_one(round_, match.request, leaving=leaving, keep_out=match)
    old_mentor = match.offer.mentor
    if agreement:
        agreement.delete()
    Reassignment.objects.create(
        round=round_,
        request=match.request,
        from_offer=match.offer,
        to_offer_id=new_offer,
        reason=reason,
    )
    _notify(
        old_mentor,
        "A mentee moved to another mentor",
        f"{actor} asked to be matched with another mentor. Thank you for meeting them.",
        round_.get_absolute_url(),
    )
    result = _move(round_, match, new_offer, why, actor)
    audit_record(
        actor=actor,
        action="matching_match.reassign",
        obj=round_,
        changes={
            f"mentor of {actor}": (str(old_mentor), str(result.offer.mentor) if result else None)
        },
        reason=reason,
    )
    return result


def _move(round_: Round, match: Match, offer: int | None, why: str, actor: User) -> Match | None:
    if offer is None:
        match.delete()
        round_.unmatched = [
            *round_.unmatched,
            {"who": "mentee", "id": match.request_id, "name": str(actor), "reason": why},
        ]
        round_.save(update_fields=["unmatched", "updated_at"])
        _notify(
            actor,
            f"{round_.scheme}: no other mentor this round",
            f"We could not find you another mentor this round ({why}). "
            "The committee has been told.",
            round_.get_absolute_url(),
        )
        return None
    built = build_round(round_, only=match.request_id)
    found = built.fits[(match.request_id, offer)]
    match.offer_id, match.score, match.parts = offer, found.score, _parts(found)
    match.pinned, match.state, match.accepted_at = False, Match.State.PUBLISHED, None
    match.save(
        update_fields=["offer", "score", "parts", "pinned", "state", "accepted_at", "updated_at"]
    )
    match = _locked_match(match)
    _notify(
        actor,
        "Your new mentor",
        f"You have been matched with {match.offer.mentor}. See why, and accept, here:",
        match.get_absolute_url(),
    )
    _notify(
        match.offer.mentor,
        f"Your new mentee in {round_.scheme}",
        f"You have been matched with {actor}; they will contact you once they accept.",
        match.get_absolute_url(),
    )
    return match


# Agreement and feedback ----------------------------------------------------------------------


@transaction.atomic
def agreement_record(
    *, actor: User, match: Match, first_met_on: date, goals: str, meeting_frequency: str
) -> Agreement:
    """One side records what was agreed at the first meeting, or confirms what the other
    side recorded (the same words). A change asks the other side to confirm again."""
    match = _locked_match(match)
    side = _party(actor, match)
    if match.state != Match.State.ACCEPTED:
        raise ValidationError("An agreement is recorded once the mentee has accepted.")
    _check_agreement(match, first_met_on, goals, meeting_frequency)
    content = {
        "first_met_on": first_met_on,
        "goals": goals.strip(),
        "meeting_frequency": meeting_frequency,
    }
    agreement = Agreement.objects.filter(match=match).first()
    before = {k: getattr(agreement, k) for k in content} if agreement else {}
    agreement = agreement or Agreement(match=match, **content)
    for key, value in content.items():
        setattr(agreement, key, value)
    now = timezone.now()
    mine, theirs = (
        f"{side}_agreed_at",
        "mentor_agreed_at" if side == "mentee" else "mentee_agreed_at",
    )
    setattr(agreement, mine, now)
    if before != content:
        setattr(agreement, theirs, None)
    agreement.save()
    other = _other(match, side)
    if agreement.confirmed:
        _notify(
            other,
            "Your mentoring agreement is confirmed",
            f"{actor} confirmed it.",
            match.get_absolute_url(),
        )
    else:
        _notify(
            other,
            "Please confirm your mentoring agreement",
            f"{actor} recorded what you agreed at your first meeting. Confirm it or correct it:",
            match.get_absolute_url(),
        )
    audit_record(
        actor=actor,
        action="matching_agreement.confirm" if before == content else "matching_agreement.record",
        obj=match,
        changes={
            k: (str(before.get(k, "")) or None, str(v))
            for k, v in content.items()
            if before.get(k) != v
        },
    )
    return agreement


def _check_agreement(match: Match, first_met_on: date, goals: str, frequency: str) -> None:
    errors: dict[str, str] = {}
    if first_met_on > timezone.localdate():
        errors["first_met_on"] = "The first meeting cannot be in the future."
    elif match.round.published_at and first_met_on < match.round.published_at.date():
        errors["first_met_on"] = "The first meeting cannot be before the match was published."
    if not goals.strip():
        errors["goals"] = "Write what you will work on together."
    if frequency not in Frequency.values:
        errors["meeting_frequency"] = "Choose how often you will meet."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def feedback_give(*, actor: User, match: Match, rating: int, comments: str) -> Feedback:
    """One side's feedback at the end; with both sides' feedback the match is complete
    and its certificate can be downloaded."""
    match = _locked_match(match)
    side = _party(actor, match)
    agreement = Agreement.objects.filter(match=match).first()
    if match.state != Match.State.ACCEPTED or not (agreement and agreement.confirmed):
        raise ValidationError(
            "Feedback comes at the end: first accept the match and confirm your agreement."
        )
    if Feedback.objects.filter(match=match, side=side).exists():
        raise ValidationError("You have already given your feedback on this mentoring.")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "Give a rating from 1 to 5."})
    feedback = Feedback.objects.create(
        match=match, side=side, author=actor, rating=rating, comments=comments.strip()
    )
    changes: dict[str, tuple[object, object]] = {"rating": (None, rating)}
    if Feedback.objects.filter(match=match).count() == 2:
        match.state, match.completed_at = Match.State.COMPLETED, timezone.now()
        match.save(update_fields=["state", "completed_at", "updated_at"])
        changes["state"] = (Match.State.ACCEPTED, Match.State.COMPLETED)
        for person in (match.request.mentee, match.offer.mentor):
            _notify(
                person,
                "Your mentoring is complete",
                "Thank you both for your feedback. Your certificate is ready to download:",
                match.get_absolute_url(),
            )
    else:
        _notify(
            _other(match, side),
            "Your feedback on the mentoring",
            f"{actor} gave their feedback. Give yours to complete the mentoring and get "
            "your certificate:",
            match.get_absolute_url(),
        )
    audit_record(actor=actor, action=f"matching_feedback.{side}", obj=match, changes=changes)
    return feedback


def certificate_pdf(match: Match, *, issued: date) -> bytes:
    """The completion certificate of a completed match, naming both sides."""
    from core.documents import Document

    if match.state != Match.State.COMPLETED:
        raise ValidationError("The certificate comes once both sides have given feedback.")
    agreement = Agreement.objects.get(match=match)
    scheme = match.round.scheme
    pdf = Document(f"Certificate of mentoring — {scheme}")
    pdf.add_page()
    pdf.heading("Certificate of mentoring", 0)
    pdf.ln(4)
    pdf.paragraph("This certifies that", size=11, muted=True)
    pdf.heading(str(match.request.mentee), 1)
    pdf.paragraph(
        f"completed the mentoring of {scheme} ({match.round.name}) with "
        f"{match.offer.mentor} as their mentor.",
        size=11,
    )
    pdf.ln(3)
    pdf.paragraph(f"• First meeting: {agreement.first_met_on:%-d %B %Y}", size=10.5)
    pdf.paragraph(f"• Meeting {agreement.get_meeting_frequency_display().lower()}", size=10.5)
    pdf.paragraph(f"• Worked on: {agreement.goals}", size=10.5)
    if match.completed_at:
        pdf.paragraph(f"• Completed: {match.completed_at:%-d %B %Y}", size=10.5)
    pdf.ln(4)
    pdf.paragraph(f"Issued by RadCollab on {issued:%-d %B %Y}.", size=9.5, muted=True)
    return pdf.render()
