"""The mentoring rounds over the API: the committee's run, decisions and publishing, and
each participant's own match with what follows it. Same services and access as the pages:
only the committee (with two-factor) runs, decides, publishes and lists a round's pairs;
a match answers only to its mentee and its mentor (404 for anyone else)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core.paging import ObjectId
from core.types import AuthedRequest
from matching import access, services, workflow
from matching.models import Agreement, Match, MenteeRequest, MentorOffer, Round

router = Router()


class RoundOut(Schema):
    id: int
    scheme: str
    name: str
    state: str
    closes_on: dt.date | None
    run_state: str
    run_progress: str
    run_error: str

    @staticmethod
    def resolve_scheme(obj: Round) -> str:
        return obj.scheme.name


class PartOut(Schema):
    criterion: str
    label: str
    weight: int
    points: float
    reason: str


class MatchOut(Schema):
    id: int
    round_id: int
    request_id: int
    offer_id: int
    mentee: str
    mentor: str
    score: float
    parts: list[PartOut]
    pinned: bool
    state: str
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None

    @staticmethod
    def resolve_mentee(obj: Match) -> str:
        return str(obj.request.mentee)

    @staticmethod
    def resolve_mentor(obj: Match) -> str:
        return str(obj.offer.mentor)


class UnmatchedOut(Schema):
    who: str
    id: int
    name: str
    reason: str


class RunOut(Schema):
    queued: bool
    round: RoundOut
    pairs: int
    unmatched: list[UnmatchedOut]


class DecisionIn(Schema):
    request_id: ObjectId
    offer_id: ObjectId
    kind: str  # pin, forbid or clear


class DecisionOut(Schema):
    request_id: int
    offer_id: int
    kind: str


class ReassignIn(Schema):
    reason: str


class ReassignOut(Schema):
    match: MatchOut | None
    reason: str  # why nobody else could be proposed, when match is null


class MentoringAgreementIn(Schema):
    first_met_on: dt.date
    goals: str
    meeting_frequency: str


class MentoringAgreementOut(Schema):
    match_id: int
    first_met_on: dt.date
    goals: str
    meeting_frequency: str
    mentee_agreed_at: dt.datetime | None
    mentor_agreed_at: dt.datetime | None
    confirmed: bool


class FeedbackIn(Schema):
    rating: int
    comments: str = ""


def _matches() -> QuerySet[Match]:
    return Match.objects.select_related("request__mentee", "offer__mentor")


@router.get("/rounds", response=list[RoundOut], summary="Mentoring rounds")
def rounds(request: AuthedRequest) -> list[Round]:
    return list(access.rounds_visible_to(request.user).order_by("-created_at"))


@router.get("/rounds/{round_id}", response=RoundOut, summary="One round")
def round_detail(request: AuthedRequest, round_id: ObjectId) -> Round:
    return access.get_round_for_user(request.user, round_id)


def _committee_round(request: AuthedRequest, round_id: int) -> Round:
    found = access.get_round_for_user(request.user, round_id)
    access.require_committee(request.user)
    return found


@router.get(
    "/rounds/{round_id}/matches",
    response=list[MatchOut],
    summary="The round's pairs with their reasons (committee)",
)
def round_matches(request: AuthedRequest, round_id: ObjectId) -> list[Match]:
    found = _committee_round(request, round_id)
    return list(_matches().filter(round=found).order_by("-score", "pk"))


@router.post("/rounds/{round_id}/run", response=RunOut, summary="Run the draft match (committee)")
def run(request: AuthedRequest, round_id: ObjectId) -> dict[str, object]:
    found = _committee_round(request, round_id)
    queued = services.round_run_or_queue(actor=request.user, round_=found)
    found.refresh_from_db()
    return {
        "queued": queued,
        "round": found,
        "pairs": found.matches.count(),
        "unmatched": found.unmatched,
    }


@router.post(
    "/rounds/{round_id}/decisions",
    response=DecisionOut,
    summary="Pin, forbid or clear a pair for the next run (committee)",
)
def decide(request: AuthedRequest, round_id: ObjectId, payload: DecisionIn) -> dict[str, object]:
    found = _committee_round(request, round_id)
    mentee = get_object_or_404(MenteeRequest, pk=payload.request_id, round=found)
    mentor = get_object_or_404(MentorOffer, pk=payload.offer_id, round=found)
    services.decision_set(
        actor=request.user, round_=found, request=mentee, offer=mentor, kind=payload.kind
    )
    return {"request_id": mentee.pk, "offer_id": mentor.pk, "kind": payload.kind}


@router.post(
    "/rounds/{round_id}/publish", response=RoundOut, summary="Publish and email (committee)"
)
def publish(request: AuthedRequest, round_id: ObjectId) -> Round:
    found = _committee_round(request, round_id)
    return services.round_publish(actor=request.user, round_=found)


@router.get("/matches", response=list[MatchOut], summary="My matches, as mentee or mentor")
def my_matches(request: AuthedRequest) -> list[Match]:
    mine = Q(request__mentee=request.user) | Q(offer__mentor=request.user)
    return list(_matches().filter(mine).exclude(state=Match.State.DRAFT).order_by("-pk"))


@router.get("/matches/{match_id}", response=MatchOut, summary="One of my matches")
def match_detail(request: AuthedRequest, match_id: ObjectId) -> Match:
    return access.get_match_for_party(request.user, match_id)


@router.post("/matches/{match_id}/accept", response=MatchOut, summary="Accept my mentor")
def accept(request: AuthedRequest, match_id: ObjectId) -> Match:
    match = access.get_match_for_party(request.user, match_id)
    return workflow.match_accept(actor=request.user, match=match)


@router.post(
    "/matches/{match_id}/reassign",
    response=ReassignOut,
    summary="Ask for another mentor after a failed first meeting",
)
def reassign(request: AuthedRequest, match_id: ObjectId, payload: ReassignIn) -> dict[str, object]:
    match = access.get_match_for_party(request.user, match_id)
    round_id = match.round_id
    moved = workflow.match_reassign(actor=request.user, match=match, reason=payload.reason)
    if moved is not None:
        return {"match": moved, "reason": ""}
    left = [u for u in Round.objects.get(pk=round_id).unmatched if u["id"] == match.request_id]
    return {"match": None, "reason": left[-1]["reason"] if left else ""}


@router.post(
    "/matches/{match_id}/agreement",
    response=MentoringAgreementOut,
    summary="Record or confirm the first meeting's agreement",
)
def agreement(
    request: AuthedRequest, match_id: ObjectId, payload: MentoringAgreementIn
) -> Agreement:
    match = access.get_match_for_party(request.user, match_id)
    return workflow.agreement_record(actor=request.user, match=match, **payload.model_dump())


@router.post("/matches/{match_id}/feedback", response=MatchOut, summary="My feedback at the end")
def feedback(request: AuthedRequest, match_id: ObjectId, payload: FeedbackIn) -> Match:
    match = access.get_match_for_party(request.user, match_id)
    workflow.feedback_give(actor=request.user, match=match, **payload.model_dump())
    return access.get_match_for_party(request.user, match_id)
