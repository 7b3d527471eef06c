"""Ranking: content similarity plus the rules, with a reason for every point.

Hard rules first take an item out, with the reason kept (`Result.excluded`): the
trainee's own items and those they turned down, calls already closed or past their
deadline, opportunities whose rules the trainee does not meet, projects not
recruiting and mentors not taking trainees. Every remaining item scores

    similarity * WEIGHTS["similar"]  (cosine of the two texts, 0 to 1)
    + shared interests       (per shared term, up to three)
    + fits my hours          (the fewest hours a week an open role asks ≤ the trainee's)
    + eligible               (the item has rules and the trainee meets them)
    + nearby                 (same distances as the project board: 50 km, 200 km)
    + answers quickly        (a mentor's median reply within 7 or 14 days)

and the list is sorted by score, ties by title then key, so it is the same every time.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Mapping

from recommend.core.items import Candidate, Excluded, Ranked, Reason, Result, Seeker
from recommend.core.text import TextBackend

# The project board's distances (projects.estimates): a working day's reach, a train ride.
NEAR_KM = 50
REACH_KM = 200
EARTH_RADIUS_KM = 6371.0

WEIGHTS: dict[str, float] = {
    "similar": 10.0,  # times the cosine similarity
    "interest": 2.0,  # per shared interest, up to `SHARED_COUNTED`
    "hours": 3.0,
    "hours_short": -2.0,
    "eligible": 2.0,
    "near": 3.0,
    "reach": 1.5,
    "region": 1.0,
    "far": -1.0,
    "quick": 2.0,
    "fair": 1.0,
}
SHARED_COUNTED = 3
# A similarity below this is not worth a sentence (it still counts in the score).
SIMILAR_SHOWN = 0.08
QUICK_DAYS = 7
FAIR_DAYS = 14
MIN_REPLIES = 2  # a reply time resting on fewer requests is not claimed


def kilometres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius) between two points in degrees."""
    p1, q1, p2, q2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((q2 - q1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def exclusion(candidate: Candidate, *, now: dt.datetime, dismissed: frozenset[str]) -> str:
    """Why the item is out, in words, or "" when it may be recommended."""
    if candidate.key in dismissed:
        return "You marked it not for you"
    if candidate.own:
        return "Already yours"
    if candidate.closes_at is not None and candidate.closes_at <= now:
        return "Its deadline has passed"
    if not candidate.open:
        return {
            "project": "Not recruiting",
            "mentor": "Not taking trainees",
        }.get(candidate.kind, "Closed")
    if candidate.eligible is False:
        return f"Not eligible: {candidate.eligibility}" if candidate.eligibility else "Not eligible"
    return ""


def _interests(seeker: Seeker, candidate: Candidate, weights: Mapping[str, float]) -> list[Reason]:
    shared = sorted(seeker.terms & candidate.terms)
    if not shared:
        return []
    points = weights["interest"] * min(len(shared), SHARED_COUNTED)
    return [Reason("interests", f"Shared interests: {', '.join(shared)}", points)]


def _similar(similarity: float, words: tuple[str, ...], weights: Mapping[str, float]) -> Reason:
    points = weights["similar"] * similarity
    if similarity < SIMILAR_SHOWN:
        return Reason("similar", "", points)
    if words:
        said = ", ".join(f"“{word}”" for word in words)
        return Reason("similar", f"Close to your profile and work: {said}", points)
    return Reason("similar", "Close in meaning to your profile and work", points)


def _hours(
    seeker: Seeker, candidate: Candidate, weights: Mapping[str, float], cautions: list[str]
) -> list[Reason]:
    need, have = candidate.hours_needed, seeker.hours_per_week
    if need is None or have is None:
        return []
    if need <= have:
        text = f"Fits your hours: a role needs {need} h a week; you have {have}"
        return [Reason("hours", text, weights["hours"])]
    cautions.append(f"Needs at least {need} h a week, more than your {have}")
    return [Reason("hours", "", weights["hours_short"])]


def _eligible(candidate: Candidate, weights: Mapping[str, float]) -> list[Reason]:
    if candidate.eligible is not True:
        return []
    rules = f": {candidate.eligibility}" if candidate.eligibility else ""
    return [Reason("eligible", f"You are eligible{rules}", weights["eligible"])]


def _nearby(
    seeker: Seeker, candidate: Candidate, weights: Mapping[str, float], cautions: list[str]
) -> list[Reason]:
    if candidate.anywhere:
        return []
    lat1, lon1 = seeker.latitude, seeker.longitude
    lat2, lon2 = candidate.latitude, candidate.longitude
    if lat1 is not None and lon1 is not None and lat2 is not None and lon2 is not None:
        km = kilometres(lat1, lon1, lat2, lon2)
        if km < 1:
            return [Reason("nearby", f"Nearby: at your hospital, {seeker.place}", weights["near"])]
        said = f"{candidate.place} is {km:,.0f} km from {seeker.place}"
        if km <= NEAR_KM:
            return [Reason("nearby", f"Nearby: {said}", weights["near"])]
        if km <= REACH_KM:
            return [Reason("nearby", f"Within reach: {said}", weights["reach"])]
        cautions.append(f"Far from you: {said}")
        return [Reason("nearby", "", weights["far"])]
    if seeker.region and candidate.region and seeker.region == candidate.region:
        return [Reason("nearby", f"Nearby: in your region, {seeker.region}", weights["region"])]
    return []


def _quick(candidate: Candidate, weights: Mapping[str, float]) -> list[Reason]:
    days = candidate.reply_days
    if days is None or candidate.replies < MIN_REPLIES:
        return []
    when = "within a day" if days < 1 else f"in about {math.ceil(days)} days"
    if days <= QUICK_DAYS:
        return [Reason("quick", f"Answers quickly: usually replies {when}", weights["quick"])]
    if days <= FAIR_DAYS:
        return [Reason("quick", f"Answers within two weeks: usually {when}", weights["fair"])]
    return []


def score(
    seeker: Seeker,
    candidate: Candidate,
    similarity: float,
    words: tuple[str, ...] = (),
    weights: Mapping[str, float] = WEIGHTS,
) -> tuple[float, tuple[Reason, ...], tuple[str, ...]]:
    """The item's points, the reasons that earned them (strongest first) and the cautions."""
    cautions: list[str] = []
    reasons = [
        _similar(similarity, words, weights),
        *_interests(seeker, candidate, weights),
        *_hours(seeker, candidate, weights, cautions),
        *_eligible(candidate, weights),
        *_nearby(seeker, candidate, weights, cautions),
        *_quick(candidate, weights),
    ]
    points = sum(reason.points for reason in reasons)
    shown = sorted((r for r in reasons if r.text), key=lambda r: -r.points)
    return points, tuple(shown), tuple(cautions)


def rank(
    seeker: Seeker,
    candidates: Iterable[Candidate],
    *,
    backend: TextBackend,
    now: dt.datetime,
    dismissed: Iterable[str] = (),
    weights: Mapping[str, float] = WEIGHTS,
    explain_per_kind: int | None = None,
) -> Result:
    """Every candidate the rules allow, best first, each with its reasons.

    With `explain_per_kind`, only that many items of each kind get the words their
    similarity rests on (the rest keep every other reason); the order is the same,
    since words change no points, and large lists rank several times faster.
    """
    if now.tzinfo is None:
        raise ValueError("rank() needs an aware `now` (UTC).")
    turned_down = frozenset(dismissed)
    kept: list[Candidate] = []
    excluded: list[Excluded] = []
    for candidate in candidates:
        why = exclusion(candidate, now=now, dismissed=turned_down)
        if why:
            excluded.append(Excluded(candidate.key, why))
        else:
            kept.append(candidate)
    found = backend.score(seeker.text, [c.text for c in kept])
    scored = []
    for index, candidate in enumerate(kept):
        parts = score(seeker, candidate, found.values[index], (), weights)
        scored.append((-parts[0], candidate.title, candidate.key, index, parts))
    scored.sort(key=lambda row: row[:3])
    shown: dict[str, int] = {}
    ranked = []
    for _, _, _, index, parts in scored:
        candidate = kept[index]
        shown[candidate.kind] = shown.get(candidate.kind, 0) + 1
        wanted = explain_per_kind is None or shown[candidate.kind] <= explain_per_kind
        if wanted and found.values[index] >= SIMILAR_SHOWN:
            parts = score(seeker, candidate, found.values[index], found.words(index), weights)
        points, reasons, cautions = parts
        ranked.append(
            Ranked(
                key=candidate.key,
                kind=candidate.kind,
                title=candidate.title,
                url=candidate.url,
                detail=candidate.detail,
                score=points,
                reasons=reasons,
                cautions=cautions,
                closes_at=candidate.closes_at,
            )
        )
    return Result(ranked=ranked, excluded=excluded, backend=backend.name)


def top_per_kind(ranked: Iterable[Ranked], limit: int) -> list[Ranked]:
    """The first `limit` of each kind, in the ranked order."""
    seen: dict[str, int] = {}
    kept = []
    for item in ranked:
        if seen.get(item.kind, 0) < limit:
            seen[item.kind] = seen.get(item.kind, 0) + 1
            kept.append(item)
    return kept


def random_order(keys: Iterable[str], seed: int) -> list[str]:
    """The same keys in a seeded random order: the baseline the evaluation compares with."""
    shuffled = sorted(keys)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def position(ranked: Iterable[str], key: str) -> int | None:
    """1-based place of `key` in the ordered keys, or None when absent."""
    for place, found in enumerate(ranked, start=1):
        if found == key:
            return place
    return None
