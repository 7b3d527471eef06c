"""What a round's page shows: to the committee everything, to others only their own."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from matching.models import Decision, Match, MenteeRequest, MentorOffer, Reassignment, Round

if TYPE_CHECKING:
    from accounts.models import User


class CommitteeView(TypedDict):
    """Everything in a round, for the committee that runs it."""

    committee: bool
    all_requests: list[MenteeRequest]
    all_offers: list[MentorOffer]
    places: int
    matches: list[Match]
    decisions: list[Decision]
    forbidden: set[tuple[int, int]]
    reassignments: list[Reassignment]


class ParticipantView(TypedDict):
    """A mentee's or mentor's own part of a round, and nothing of anyone else's."""

    my_request: MenteeRequest | None
    my_offer: MentorOffer | None
    my_match: Match | None
    my_mentees: list[Match]
    is_open: bool
    my_unmatched: str


def committee_view(round_: Round) -> CommitteeView:
    requests = list(round_.requests.select_related("mentee").order_by("mentee__full_name"))
    offers = list(round_.offers.select_related("mentor").order_by("mentor__full_name"))
    matches = list(
        round_.matches.select_related("request__mentee", "offer__mentor").order_by("-score")
    )
    decisions = list(
        Decision.objects.filter(round=round_)
        .select_related("request__mentee", "offer__mentor")
        .order_by("kind", "pk")
    )
    return {
        "committee": True,
        "all_requests": requests,
        "all_offers": offers,
        "places": sum(o.capacity for o in offers),
        "matches": matches,
        "decisions": decisions,
        "forbidden": {(d.request_id, d.offer_id) for d in decisions if d.kind == "forbid"},
        "reassignments": list(
            Reassignment.objects.filter(round=round_).select_related(
                "request__mentee", "from_offer__mentor", "to_offer__mentor"
            )
        ),
    }


def participant_view(round_: Round, user: User) -> ParticipantView:
    my_request = MenteeRequest.objects.filter(round=round_, mentee=user).first()
    my_offer = MentorOffer.objects.filter(round=round_, mentor=user).first()
    published = round_.state == Round.State.PUBLISHED
    my_match = (
        Match.objects.filter(request=my_request).exclude(state=Match.State.DRAFT).first()
        if my_request and published
        else None
    )
    my_mentees = (
        list(my_offer.matches.select_related("request__mentee").exclude(state=Match.State.DRAFT))
        if my_offer and published
        else []
    )
    return {
        "my_request": my_request,
        "my_offer": my_offer,
        "my_match": my_match,
        "my_mentees": my_mentees,
        "is_open": round_.state == Round.State.OPEN,
        "my_unmatched": next(
            (
                u["reason"]
                for u in reversed(round_.unmatched)
                if published and my_request and u["who"] == "mentee" and u["id"] == my_request.pk
            ),
            "",
        ),
    }
