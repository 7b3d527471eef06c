"""Stable matching when both sides rank: mentee-proposing deferred acceptance with
capacities (Gale and Shapley; Roth's hospitals/residents form), and a check that reports
every blocking pair of any assignment.

A pair is acceptable only when each lists the other. The result is the mentee-optimal
stable matching: no mentee can do better in any stable matching.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from matching.core.flow import RoundError, Unmatched

A = TypeVar("A", bound=Hashable)  # a mentee's id
B = TypeVar("B", bound=Hashable)  # a mentor's id


@dataclass(frozen=True)
class StableMatching(Generic[A, B]):
    mentor_of: dict[A, B]
    unmatched: tuple[Unmatched, ...]


def _ranks(prefs: Mapping[A, Sequence[B]]) -> dict[A, dict[B, int]]:
    ranks: dict[A, dict[B, int]] = {}
    for who, listed in prefs.items():
        if len(set(listed)) != len(listed):
            raise RoundError(f"preferences of {who}: someone is ranked twice")
        ranks[who] = {other: rank for rank, other in enumerate(listed)}
    return ranks


def deferred_acceptance(
    mentee_prefs: Mapping[A, Sequence[B]],
    mentor_prefs: Mapping[B, Sequence[A]],
    capacities: Mapping[B, int],
) -> StableMatching[A, B]:
    mentor_rank = _ranks(mentor_prefs)
    _ranks(mentee_prefs)
    held: dict[B, list[tuple[int, int, A]]] = {m: [] for m in capacities}
    next_choice = dict.fromkeys(mentee_prefs, 0)
    order = {mentee: k for k, mentee in enumerate(mentee_prefs)}
    waiting = list(mentee_prefs)
    while waiting:
        mentee = waiting.pop()
        listed = mentee_prefs[mentee]
        while next_choice[mentee] < len(listed):
            mentor = listed[next_choice[mentee]]
            next_choice[mentee] += 1
            rank = mentor_rank.get(mentor, {}).get(mentee)
            if rank is None or capacities.get(mentor, 0) <= 0:
                continue
            # A max-heap by rank (negated) keeps the mentor's least preferred on top.
            heapq.heappush(held[mentor], (-rank, order[mentee], mentee))
            if len(held[mentor]) <= capacities[mentor]:
                break
            _, _, rejected = heapq.heappop(held[mentor])
            if rejected != mentee:
                waiting.append(rejected)
                break
    mentor_of = {mentee: mentor for mentor, heap in held.items() for _, _, mentee in heap}
    unmatched = tuple(
        Unmatched(mentee, _why_unmatched(mentee, mentee_prefs[mentee], mentor_rank, capacities))
        for mentee in mentee_prefs
        if mentee not in mentor_of
    )
    return StableMatching(mentor_of, unmatched)


def _why_unmatched(
    mentee: A,
    listed: Sequence[B],
    mentor_rank: Mapping[B, Mapping[A, int]],
    capacities: Mapping[B, int],
) -> str:
    if not listed:
        return "ranked no mentor"
    accepting = [m for m in listed if mentee in mentor_rank.get(m, {}) and capacities.get(m, 0)]
    if not accepting:
        return f"none of the {len(listed)} mentors they ranked ranked them in return"
    return f"all {len(accepting)} mentors who ranked them were full with mentees they ranked higher"


def blocking_pairs(
    mentor_of: Mapping[A, B],
    mentee_prefs: Mapping[A, Sequence[B]],
    mentor_prefs: Mapping[B, Sequence[A]],
    capacities: Mapping[B, int],
) -> list[tuple[A, B]]:
    """Every acceptable pair who would both rather be together than as assigned."""
    _ranks(mentee_prefs)  # refuses a mentee who ranks someone twice
    mentor_rank = _ranks(mentor_prefs)
    assigned: dict[B, list[A]] = {m: [] for m in capacities}
    for mentee, mentor in mentor_of.items():
        assigned.setdefault(mentor, []).append(mentee)
    blocking = []
    for mentee, listed in mentee_prefs.items():
        current = mentor_of.get(mentee)
        for mentor in listed:
            if mentor == current:
                break  # everyone after this the mentee likes less
            rank = mentor_rank.get(mentor, {}).get(mentee)
            if rank is None or capacities.get(mentor, 0) <= 0:
                continue
            held = assigned.get(mentor, [])
            unranked = len(mentor_rank[mentor])
            worst = max((mentor_rank[mentor].get(h, unranked) for h in held), default=-1)
            if len(held) < capacities[mentor] or rank < worst:
                blocking.append((mentee, mentor))
    return blocking
