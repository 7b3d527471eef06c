"""A round's calls turned into the solver's instance: fits, exclusions, eligibility.

The maths lives in `matching.core`; this module reads the database once (no query per
pair) and says, for every mentee or mentor left out, why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from matching.core.fit import Fit, MenteeWants, MentorOffers, check_weights, fit
from matching.models import Decision, Goal, MenteeRequest, MentorOffer, Round, Scheme
from mentors.models import MentorStats, Supervision
from network.models import Membership, Site
from opportunities.models import STAGE
from people.models import MentorProfile, Term, TraineeProfile

if TYPE_CHECKING:
    from matching.core.flow import Instance

KIND_FIELD: dict[str, str] = {
    Term.Kind.SUBSPECIALTY: "subspecialties",
    Term.Kind.METHOD: "methods",
    Term.Kind.MODALITY: "modalities",
}


@dataclass
class Built:
    round: Round
    requests: dict[int, MenteeRequest]
    offers: dict[int, MentorOffer]
    fits: dict[tuple[int, int], Fit]
    excluded: dict[tuple[int, int], str]
    left_out: list[dict[str, str | int]] = field(default_factory=list)
    pinned: list[tuple[int, int]] = field(default_factory=list)

    def instance(self) -> Instance:
        from matching.core.flow import Instance  # numpy and OR-Tools load only to solve

        return Instance.from_pairs(
            mentees=list(self.requests),
            mentors=list(self.offers),
            capacities={pk: offer.capacity for pk, offer in self.offers.items()},
            fits={pair: f.units for pair, f in self.fits.items()},
            excluded=self.excluded,
        )


def _terms(
    item: MenteeRequest | MentorOffer, extra: list[Term] | None = None
) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for term in [*item.interests.all(), *(extra or [])]:
        if term.kind in KIND_FIELD:
            found[KIND_FIELD[term.kind]].add(term.name)
    return {name: frozenset(found[name]) for name in KIND_FIELD.values()}


def _mentee_ineligible(scheme: Scheme, profile: TraineeProfile | None) -> str:
    if not (scheme.min_grade or scheme.max_grade):
        return ""
    if profile is None:
        return "not eligible: no grade on their trainee profile"
    low, high = STAGE.get(scheme.min_grade, 0), STAGE.get(scheme.max_grade, 99)
    if not low <= STAGE.get(profile.grade, -1) <= high:
        return f"not eligible: grade {profile.get_grade_display()} is outside the scheme's range"
    return ""


def _mentor_ineligible(scheme: Scheme, offer: MentorOffer) -> str:
    if not scheme.mentor_min_years:
        return ""
    if offer.completed_year is None:
        return "not eligible: the year they completed training is not given"
    years = timezone.now().year - offer.completed_year
    if years < scheme.mentor_min_years:
        return (
            f"not eligible: {years} years since completing training, "
            f"the scheme asks {scheme.mentor_min_years}"
        )
    return ""


def _places(person_ids: set[int]) -> dict[int, set[tuple[int, int]]]:
    """Each person's (site, region) pairs: their current memberships and mentor profile."""
    regions = dict(Site.objects.values_list("pk", "region_id"))
    places: dict[int, set[tuple[int, int]]] = defaultdict(set)
    memberships = Membership.objects.active().filter(person_id__in=person_ids, site__isnull=False)
    for person_id, site_id in memberships.values_list("person_id", "site_id"):
        places[person_id].add((site_id, regions[site_id]))
    profiles = MentorProfile.objects.filter(person_id__in=person_ids, site__isnull=False)
    for person_id, site_id in profiles.values_list("person_id", "site_id"):
        places[person_id].add((site_id, regions[site_id]))
    return places


def _exclusion(
    scheme: Scheme,
    request: MenteeRequest,
    offer: MentorOffer,
    places: dict[int, set[tuple[int, int]]],
    supervised: set[tuple[int, int]],
    avoided: set[tuple[int, int]],
    forbidden: set[tuple[int, int]],
) -> str:
    mentee, mentor = request.mentee_id, offer.mentor_id
    if mentee == mentor:
        return "are the same person"
    if (request.pk, offer.pk) in forbidden:
        return "forbidden by the committee"
    if (request.pk, mentor) in avoided:
        return "asked to avoid"
    if (mentor, mentee) in supervised:
        return "already supervises them"
    sites = {s for s, _ in places[mentee]} & {s for s, _ in places[mentor]}
    regions = {r for _, r in places[mentee]} & {r for _, r in places[mentor]}
    if scheme.exclusion == Scheme.Exclusion.SITE and sites:
        return "at the same site"
    if scheme.exclusion == Scheme.Exclusion.REGION and regions:
        return "in the same region"
    return ""


def _goal_labels(goals: list[str] | set[str]) -> frozenset[str]:
    """Goals as the words the explanation shows ("Win a grant or fellowship")."""
    return frozenset(Goal(g).label for g in goals if g in Goal.values)


def _track_record(offer: MentorOffer, stats: MentorStats | None) -> frozenset[str]:
    """What the mentor says they helped with, plus what their recounted record shows."""
    record = set(offer.helped_with)
    if stats is not None and stats.grants_current:
        record.add(Goal.GRANT)
    if stats is not None and stats.supervisions_completed:
        record.add(Goal.FIRST_PAPER)
    return _goal_labels(record)


def build_round(round_: Round, *, only: int | None = None) -> Built:
    """The round as the solver sees it; `only` a request's pk keeps that mentee alone
    (a reassignment reruns the solver for one person)."""
    scheme = round_.scheme
    found = round_.requests.select_related("mentee").prefetch_related(
        "interests", "ranked", "avoid"
    )
    requests = list((found.filter(pk=only) if only is not None else found).order_by("pk"))
    offers = list(
        round_.offers.select_related("mentor").prefetch_related("interests").order_by("pk")
    )
    profiles = {
        p.person_id: p
        for p in TraineeProfile.objects.filter(person__in=[r.mentee_id for r in requests])
    }
    expertise: dict[int, list[Term]] = defaultdict(list)
    for profile in MentorProfile.objects.filter(
        person__in=[o.mentor_id for o in offers]
    ).prefetch_related("expertise"):
        expertise[profile.person_id] = list(profile.expertise.all())
    stats = {
        s.profile.person_id: s
        for s in MentorStats.objects.filter(
            profile__person__in=[o.mentor_id for o in offers]
        ).select_related("profile")
    }
    built = Built(round_, {}, {}, {}, {})
    for request in requests:
        reason = _mentee_ineligible(scheme, profiles.get(request.mentee_id))
        if reason:
            built.left_out.append(
                {"who": "mentee", "id": request.pk, "name": str(request.mentee), "reason": reason}
            )
        else:
            built.requests[request.pk] = request
    for offer in offers:
        reason = _mentor_ineligible(scheme, offer)
        if reason:
            built.left_out.append(
                {"who": "mentor", "id": offer.pk, "name": str(offer.mentor), "reason": reason}
            )
        else:
            built.offers[offer.pk] = offer
    _score(built, scheme, expertise, stats)
    return built


def _score(
    built: Built,
    scheme: Scheme,
    expertise: dict[int, list[Term]],
    stats: dict[int, MentorStats],
) -> None:
    weights = check_weights(scheme.weights)
    requests, offers = built.requests.values(), built.offers.values()
    people = {r.mentee_id for r in requests} | {o.mentor_id for o in offers}
    places = _places(people)
    supervised = set(
        Supervision.objects.filter(
            mentor__in=[o.mentor_id for o in offers], trainee__in=[r.mentee_id for r in requests]
        ).values_list("mentor_id", "trainee_id")
    )
    avoided = {(r.pk, person.pk) for r in requests for person in r.avoid.all()}
    decisions = list(Decision.objects.filter(round=built.round))
    forbidden = {(d.request_id, d.offer_id) for d in decisions if d.kind == Decision.Kind.FORBID}
    built.pinned = [
        (d.request_id, d.offer_id)
        for d in decisions
        if d.kind == Decision.Kind.PIN
        and d.request_id in built.requests
        and d.offer_id in built.offers
    ]
    offered = {
        o.pk: MentorOffers(
            key=str(o.pk),
            meeting_frequency=o.meeting_frequency,
            mode=o.mode,
            languages=o.language_set(),
            track_record=_track_record(o, stats.get(o.mentor_id)),
            **_terms(o, expertise.get(o.mentor_id, [])),
        )
        for o in offers
    }
    for request in requests:
        wants = MenteeWants(
            meeting_frequency=request.meeting_frequency,
            mode=request.mode,
            languages=request.language_set(),
            goals=_goal_labels(request.goals),
            ranked=tuple(str(p.offer_id) for p in request.ranked.all()),
            **_terms(request),
        )
        for offer in offers:
            pair = (request.pk, offer.pk)
            why = _exclusion(scheme, request, offer, places, supervised, avoided, forbidden)
            if why:
                built.excluded[pair] = why
            else:
                built.fits[pair] = fit(wants, offered[offer.pk], weights)
