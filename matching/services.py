"""Every write of a mentoring round: the calls, the run, the committee's decisions,
publishing and accepting. One transaction each, audited in it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from core.exceptions import EditConflict
from core.logging_tools import failure_message, log_failure
from core.tasks import deliver_email
from matching import access
from matching.core.fit import CRITERIA, Fit, WeightsError, check_weights
from matching.models import (
    Decision,
    Goal,
    Match,
    MenteeRequest,
    MentorOffer,
    Preference,
    Round,
    RunState,
    Scheme,
)
from matching.rounds import Built, build_round
from opportunities.models import STAGE
from people.models import MentorProfile, Term

logger = logging.getLogger(__name__)

State = Round.State


def _notify(person: User, subject: str, body: str, url: str) -> None:
    link = settings.SITE_URL + url
    transaction.on_commit(
        lambda: deliver_email.enqueue(
            subject=f"[RadCollab] {subject}",
            body=f"{body}\n\n{link}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
        )
    )


def _locked(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("scheme").get(pk=round_.pk)


def _check_goals(field: str, goals: Sequence[str]) -> None:
    unknown = sorted(set(goals) - set(Goal.values))
    if unknown:
        raise ValidationError({field: f"Not a goal this form offers: {', '.join(unknown)}."})


def _require_open(round_: Round) -> None:
    if round_.state != State.OPEN:
        raise ValidationError("This round is no longer taking answers: the match has been run.")


# Schemes and rounds -------------------------------------------------------------------------

SCHEME_FIELDS = (
    "name",
    "summary",
    "opportunity",
    "exclusion",
    "objective",
    "max_preferences",
    "min_grade",
    "max_grade",
    "mentor_min_years",
)


@transaction.atomic
def scheme_create(*, actor: User, weights: dict[str, int], **fields: Any) -> Scheme:
    """A scheme with its rules; the weights are checked criterion by criterion."""
    access.require_committee(actor)
    try:
        checked = check_weights(weights)
    except WeightsError as error:
        raise ValidationError({"weights": str(error)}) from error
    scheme = Scheme(weights=checked, **{k: v for k, v in fields.items() if k in SCHEME_FIELDS})
    low, high = STAGE.get(scheme.min_grade, 0), STAGE.get(scheme.max_grade, 99)
    if low > high:
        raise ValidationError({"max_grade": "The highest grade is below the lowest."})
    scheme.full_clean()
    scheme.save()
    audit_record(actor=actor, action="matching_scheme.create", obj=scheme)
    return scheme


@transaction.atomic
def scheme_update(
    *, actor: User, scheme_id: int, version: int | None, weights: dict[str, int], **fields: Any
) -> Scheme:
    """Change a scheme's rules and weights; refuse if it was saved since `version` was read.

    Rounds already run keep the scores and reasons they were run with; the next run of
    an open round uses the new weights and rules.
    """
    access.require_committee(actor)
    scheme = Scheme.objects.select_for_update().get(pk=scheme_id)
    try:
        checked = check_weights(weights)
    except WeightsError as error:
        raise ValidationError({"weights": str(error)}) from error
    wanted = {k: v for k, v in fields.items() if k in SCHEME_FIELDS}
    before = {name: getattr(scheme, name) for name in wanted} | {"weights": scheme.weights}
    if version != scheme.version:
        raise EditConflict(
            "This scheme was changed by someone else while you were editing it.",
            current={
                _label(name): _shown(value)
                for name, value in before.items()
                if value != (checked if name == "weights" else wanted[name])
            },
            version=scheme.version,
        )
    for name, value in wanted.items():
        setattr(scheme, name, value)
    scheme.weights = checked
    low, high = STAGE.get(scheme.min_grade, 0), STAGE.get(scheme.max_grade, 99)
    if low > high:
        raise ValidationError({"max_grade": "The highest grade is below the lowest."})
    scheme.full_clean(validate_unique=True)
    after = {name: getattr(scheme, name) for name in wanted} | {"weights": scheme.weights}
    changes = {k: (before[k], v) for k, v in after.items() if before[k] != v}
    if changes:
        scheme.version += 1
        scheme.save()
        audit_record(
            actor=actor,
            action="matching_scheme.update",
            obj=scheme,
            changes={k: (_shown(old), _shown(new)) for k, (old, new) in changes.items()},
        )
    return scheme


def _label(name: str) -> str:
    if name == "weights":
        return "weights"
    field = Scheme._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _shown(value: object) -> str:
    """A saved value in words: a related row by its name, weights as `criterion: n`."""
    if isinstance(value, dict):
        return ", ".join(f"{CRITERIA.get(key, key)}: {n}" for key, n in value.items())
    return "" if value is None else str(value)


@transaction.atomic
def round_create(
    *, actor: User, scheme: Scheme, name: str, closes_on: dt.date | None = None
) -> Round:
    """Open a round of the scheme for sign-up."""
    access.require_committee(actor)
    round_ = Round(scheme=scheme, name=name, closes_on=closes_on)
    round_.full_clean()
    round_.save()
    audit_record(actor=actor, action="matching_round.create", obj=round_)
    return round_


# The calls ---------------------------------------------------------------------------------


@transaction.atomic
def offer_save(
    *,
    actor: User,
    round_: Round,
    capacity: int,
    interests: Sequence[Term],
    meeting_frequency: str,
    mode: str,
    languages: str,
    helped_with: Sequence[str],
    completed_year: int | None,
) -> MentorOffer:
    """Answer (or change the answer to) the call for mentors."""
    round_ = _locked(round_)
    _require_open(round_)
    _check_goals("helped_with", helped_with)
    if not MentorProfile.objects.filter(person=actor).exists():
        raise ValidationError("Create your mentor profile first (People → My profile).")
    offer, created = MentorOffer.objects.get_or_create(round=round_, mentor=actor)
    before = {"capacity": offer.capacity} if not created else {}
    offer.capacity, offer.meeting_frequency, offer.mode = capacity, meeting_frequency, mode
    offer.languages, offer.helped_with = languages, list(helped_with)
    offer.completed_year = completed_year
    offer.full_clean(exclude=["round", "mentor"])
    offer.save()
    offer.interests.set(interests)
    audit_record(
        actor=actor,
        action="matching_offer.create" if created else "matching_offer.update",
        obj=offer,
        changes={"capacity": (before.get("capacity"), capacity)},
    )
    return offer


@transaction.atomic
def request_save(
    *,
    actor: User,
    round_: Round,
    goals: Sequence[str],
    goals_text: str,
    interests: Sequence[Term],
    meeting_frequency: str,
    mode: str,
    languages: str,
    ranked: Sequence[MentorOffer],
    avoid: Sequence[User],
) -> MenteeRequest:
    """Answer (or change the answer to) the call for mentees, with ranked mentors."""
    round_ = _locked(round_)
    _require_open(round_)
    _check_goals("goals", goals)
    _check_ranked(round_, actor, ranked)
    request, created = MenteeRequest.objects.get_or_create(
        round=round_, mentee=actor, defaults={"goals_text": goals_text}
    )
    request.goals, request.goals_text = list(goals), goals_text
    request.meeting_frequency, request.mode, request.languages = meeting_frequency, mode, languages
    request.full_clean(exclude=["round", "mentee"])
    request.save()
    request.interests.set(interests)
    request.avoid.set(avoid)
    request.ranked.all().delete()
    Preference.objects.bulk_create(
        Preference(request=request, offer=offer, rank=rank)
        for rank, offer in enumerate(ranked, start=1)
    )
    audit_record(
        actor=actor,
        action="matching_request.create" if created else "matching_request.update",
        obj=request,
        changes={"ranked": (None, len(ranked))},
    )
    return request


def _check_ranked(round_: Round, actor: User, ranked: Sequence[MentorOffer]) -> None:
    limit = round_.scheme.max_preferences
    if len(ranked) > limit:
        raise ValidationError({"ranked": f"Rank at most {limit} mentors."})
    if len({o.pk for o in ranked}) != len(ranked):
        raise ValidationError({"ranked": "Each mentor can be ranked once."})
    for offer in ranked:
        if offer.round_id != round_.pk:
            raise ValidationError({"ranked": f"{offer.mentor} is not a mentor in this round."})
        if offer.mentor_id == actor.pk:
            raise ValidationError({"ranked": "You cannot rank yourself."})


# The committee ------------------------------------------------------------------------------


class PartRow(TypedDict):
    """One criterion's share of a match's score, as a match keeps it (JSON)."""

    criterion: str
    label: str
    weight: int
    points: float
    reason: str


def _parts(found: Fit) -> list[PartRow]:
    return [
        {
            "criterion": p.criterion,
            "label": p.label,
            "weight": p.weight,
            "points": p.points,
            "reason": p.reason,
        }
        for p in found.parts
    ]


def _fit_descending(built: Built, offer: int) -> Callable[[int], float]:
    """A sort key putting the requests that fit `offer` best first."""
    return lambda request: -built.fits[(request, offer)].units


def _solve(built: Built, objective: str) -> tuple[dict[int, int], dict[int, str], set[int]]:
    """(mentor offer of each matched request, reason of each unmatched, pinned requests)."""
    from matching.core.flow import solve

    if objective != Scheme.Objective.STABLE:
        result = solve(built.instance(), objective=objective, pinned=built.pinned)
        return (
            {int(p.mentee): int(p.mentor) for p in result.pairs},
            {int(u.mentee): u.reason for u in result.unmatched},
            {int(p.mentee) for p in result.pairs if p.pinned},
        )
    return _solve_stable(built)


def _solve_stable(built: Built) -> tuple[dict[int, int], dict[int, str], set[int]]:
    """Deferred acceptance: mentees' ranks first, then the rest by fit; mentors by fit."""
    from matching.core.stable import deferred_acceptance

    pinned = dict(built.pinned)
    capacities = {pk: o.capacity for pk, o in built.offers.items()}
    for offer in pinned.values():
        capacities[offer] -= 1
    mentee_prefs: dict[int, list[int]] = {}
    for pk, request in built.requests.items():
        if pk in pinned:
            continue
        allowed = {o for (r, o) in built.fits if r == pk}
        ranked = [p.offer_id for p in request.ranked.all() if p.offer_id in allowed]
        rest = sorted(allowed - set(ranked), key=lambda o: -built.fits[(pk, o)].units)
        mentee_prefs[pk] = ranked + rest
    mentor_prefs = {
        o: sorted(
            (r for r in mentee_prefs if (r, o) in built.fits),
            key=_fit_descending(built, o),
        )
        for o in built.offers
    }
    result = deferred_acceptance(mentee_prefs, mentor_prefs, capacities)
    chosen = dict(result.mentor_of)
    chosen.update(pinned)
    return chosen, {int(u.mentee): u.reason for u in result.unmatched}, set(pinned)


# A run scores every mentee with every mentor in Python (about 20 microseconds a pair, with
# its explanation); above this many pairs it would take more than a second or so of a
# web request, so it goes to the task worker instead.
BACKGROUND_PAIRS = 20_000


def _require_idle(round_: Round) -> None:
    if round_.run_state in (RunState.QUEUED, RunState.RUNNING):
        raise ValidationError("The match is being run in the background; wait for it to finish.")


@transaction.atomic
def round_run_or_queue(*, actor: User, round_: Round) -> bool:
    """Run the match now, or queue it when the round is large. True if queued."""
    access.require_committee(actor)
    round_ = _locked(round_)
    _require_idle(round_)
    if round_.state == State.PUBLISHED:
        raise ValidationError("This round is published; its match can no longer be rerun.")
    pairs = round_.requests.count() * round_.offers.count()
    if pairs <= BACKGROUND_PAIRS:
        round_run(actor=actor, round_=round_)
        return False
    round_.run_state, round_.run_error = RunState.QUEUED, ""
    round_.run_progress = f"Waiting for the task worker ({pairs:,} pairs to score)."
    round_.save(update_fields=["run_state", "run_error", "run_progress", "updated_at"])
    audit_record(actor=actor, action="matching_round.queue", obj=round_)
    round_id, actor_id = round_.pk, actor.pk
    transaction.on_commit(lambda: _enqueue(round_id, actor_id))
    return True


def _enqueue(round_id: int, actor_id: int) -> None:
    from matching.tasks import run_round

    run_round.enqueue(round_id=round_id, actor_id=actor_id)


def _progress(round_id: int, state: str, text: str, error: str = "") -> None:
    """Written outside the run's transaction, so that the round's page sees it at once."""
    Round.objects.filter(pk=round_id).update(
        run_state=state, run_progress=text, run_error=error, updated_at=timezone.now()
    )


def round_run_execute(*, round_id: int, actor_id: int) -> str:
    """The task's work: run the round, saying how far it got; a failure is kept on the
    round for the committee to read, never lost in a log."""
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None or round_.run_state != RunState.QUEUED:
        return "nothing to do"
    actor = User.objects.get(pk=actor_id)
    people = f"{round_.requests.count()} mentees and {round_.offers.count()} mentors"
    _progress(round_id, RunState.RUNNING, f"Scoring and solving {people}.")
    try:
        round_run(actor=actor, round_=round_, background=True)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(getattr(error, "messages", [str(error)]))
        _progress(round_id, RunState.FAILED, "The run stopped.", text)
        return "failed"
    except Exception:
        reference = log_failure(logger, "round.failed", round_id=round_id, actor_id=actor_id)
        _progress(
            round_id, RunState.FAILED, "The run stopped.", failure_message(reference, "the run")
        )
        return "failed"
    _progress(round_id, "", "")
    return "done"


@transaction.atomic
def round_run(*, actor: User, round_: Round, background: bool = False) -> Round:
    """Run (or rerun) the draft match: the pairs with scores and reasons, the unmatched."""
    access.require_committee(actor)
    round_ = _locked(round_)
    if not background:
        _require_idle(round_)
    if round_.state == State.PUBLISHED:
        raise ValidationError("This round is published; its match can no longer be rerun.")
    built = build_round(round_)
    from matching.core.flow import RoundError

    try:
        chosen, reasons, pinned = _solve(built, round_.scheme.objective)
    except (RoundError, WeightsError) as error:
        raise ValidationError(str(error)) from error
    round_.matches.all().delete()
    Match.objects.bulk_create(
        Match(
            round=round_,
            request_id=request,
            offer_id=offer,
            score=built.fits[(request, offer)].score,
            parts=_parts(built.fits[(request, offer)]),
            pinned=request in pinned,
        )
        for request, offer in chosen.items()
    )
    round_.unmatched = [
        {"who": "mentee", "id": pk, "name": str(built.requests[pk].mentee), "reason": why}
        for pk, why in reasons.items()
    ] + built.left_out
    round_.state, round_.ran_at = State.DRAFTED, timezone.now()
    round_.save(update_fields=["unmatched", "state", "ran_at", "updated_at"])
    audit_record(
        actor=actor,
        action="matching_round.run",
        obj=round_,
        changes={"pairs": (None, len(chosen)), "unmatched": (None, len(round_.unmatched))},
    )
    return round_


@transaction.atomic
def decision_set(
    *, actor: User, round_: Round, request: MenteeRequest, offer: MentorOffer, kind: str
) -> Decision | None:
    """Pin or forbid a pair for the next run; kind "clear" removes the decision."""
    access.require_committee(actor)
    round_ = _locked(round_)
    if round_.state == State.PUBLISHED:
        raise ValidationError("This round is published; its pairs can no longer change.")
    if request.round_id != round_.pk or offer.round_id != round_.pk:
        raise ValidationError("That mentee or mentor is not in this round.")
    if kind not in {*Decision.Kind.values, "clear"}:
        raise ValidationError({"kind": "Choose pin, forbid or clear."})
    existing = Decision.objects.filter(request=request, offer=offer).first()
    before = existing.kind if existing else None
    if kind == "clear":
        if existing:
            existing.delete()
        decision = None
    else:
        if kind == Decision.Kind.PIN:
            Decision.objects.filter(round=round_, request=request, kind=Decision.Kind.PIN).exclude(
                offer=offer
            ).delete()
        decision, _ = Decision.objects.update_or_create(
            request=request,
            offer=offer,
            defaults={"round": round_, "kind": kind, "decided_by": actor},
        )
    audit_record(
        actor=actor,
        action=f"matching_decision.{kind}",
        obj=round_,
        changes={
            f"{request.mentee} with {offer.mentor}": (before, None if kind == "clear" else kind)
        },
    )
    return decision


@transaction.atomic
def round_publish(*, actor: User, round_: Round) -> Round:
    """Publish the draft: every mentee and mentor is told by email."""
    access.require_committee(actor)
    round_ = _locked(round_)
    _require_idle(round_)
    if round_.state != State.DRAFTED:
        raise ValidationError("Run the match before publishing it.")
    matches = list(round_.matches.select_related("request__mentee", "offer__mentor"))
    round_.matches.update(state=Match.State.PUBLISHED)
    round_.state, round_.published_at = State.PUBLISHED, timezone.now()
    round_.save(update_fields=["state", "published_at", "updated_at"])
    for match in matches:
        mentee, mentor = match.request.mentee, match.offer.mentor
        _notify(
            mentee,
            f"Your mentor in {round_.scheme}",
            f"You have been matched with {mentor}. See why, and accept, here:",
            match.get_absolute_url(),
        )
        _notify(
            mentor,
            f"Your mentee in {round_.scheme}",
            f"You have been matched with {mentee}; they will contact you once they accept.",
            round_.get_absolute_url(),
        )
    for item in round_.unmatched:
        if item["who"] == "mentee":
            request = MenteeRequest.objects.select_related("mentee").get(pk=item["id"])
            _notify(
                request.mentee,
                f"{round_.scheme}: no mentor this round",
                f"We could not match you this round ({item['reason']}).",
                round_.get_absolute_url(),
            )
    audit_record(
        actor=actor,
        action="matching_round.publish",
        obj=round_,
        changes={"state": (State.DRAFTED, State.PUBLISHED), "pairs": (None, len(matches))},
    )
    return round_
