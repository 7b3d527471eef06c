"""Maximum total fit under capacities and exclusions, solved exactly as a min-cost flow.

The network: every mentee supplies one unit; an arc from a mentee to each mentor they
may be paired with costs minus the pair's fit; every mentor sends at most its capacity
to the sink; and a free "unmatched" arc from every mentee to the sink keeps every round
feasible, so an infeasible round still returns its best partial match. Excluded pairs
simply have no arc. Fits are whole numbers (hundredths of a point), so the optimum is
exact, not approximate.

Three objectives, each lexicographic and exact:

- ``fit`` (default): the largest total fit; among equal totals, the most pairs.
- ``matched_first``: the most pairs; among those, the largest total fit.
- ``protect_worst_off``: the most pairs; among those, the largest smallest fit of a
  matched mentee; then the largest total fit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


class RoundError(ValueError):
    """The round cannot be solved as asked (a bad pin, a bad capacity); names the cause."""


@dataclass(frozen=True)
class Instance:
    """A round as the solver sees it: people by position, allowed pairs as arcs.

    ``arc_mentee[k]``, ``arc_mentor[k]`` and ``arc_fit[k]`` describe one allowed pair; a
    pair that is not there is excluded. ``excluded`` counts, per mentee position, the
    reasons their excluded pairs were excluded (for the "why unmatched" message).
    """

    mentees: tuple[Hashable, ...]
    mentors: tuple[Hashable, ...]
    capacities: IntArray
    arc_mentee: IntArray
    arc_mentor: IntArray
    arc_fit: IntArray
    excluded: Mapping[int, Counter[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.capacities) != len(self.mentors):
            raise RoundError("capacities: one per mentor is needed")
        if len(self.capacities) and int(np.min(self.capacities)) < 0:
            raise RoundError("capacities: a mentor's capacity cannot be negative")
        if not len(self.arc_mentee) == len(self.arc_mentor) == len(self.arc_fit):
            raise RoundError("arcs: mentee, mentor and fit arrays differ in length")
        if len(self.arc_fit) and int(np.min(self.arc_fit)) < 0:
            raise RoundError("fit: a pair's fit cannot be negative")

    @classmethod
    def from_pairs(
        cls,
        *,
        mentees: Sequence[Hashable],
        mentors: Sequence[Hashable],
        capacities: Mapping[Any, int],
        fits: Mapping[tuple[Any, Any], int],
        excluded: Mapping[tuple[Any, Any], str] | None = None,
    ) -> Instance:
        """Build from ids: `fits` gives every allowed pair; `excluded` pairs get no arc."""
        excluded = excluded or {}
        mentee_at = {m: i for i, m in enumerate(mentees)}
        mentor_at = {m: j for j, m in enumerate(mentors)}
        allowed = [(a, b, f) for (a, b), f in fits.items() if (a, b) not in excluded]
        reasons: dict[int, Counter[str]] = {}
        for (a, _), reason in excluded.items():
            reasons.setdefault(mentee_at[a], Counter())[reason] += 1
        return cls(
            mentees=tuple(mentees),
            mentors=tuple(mentors),
            capacities=np.array([capacities[m] for m in mentors], dtype=np.int64),
            arc_mentee=np.array([mentee_at[a] for a, _, _ in allowed], dtype=np.int64),
            arc_mentor=np.array([mentor_at[b] for _, b, _ in allowed], dtype=np.int64),
            arc_fit=np.array([f for _, _, f in allowed], dtype=np.int64),
            excluded=reasons,
        )


@dataclass(frozen=True)
class Pair:
    mentee: Any  # the ids the instance was built with
    mentor: Any
    fit: int
    pinned: bool = False


@dataclass(frozen=True)
class Unmatched:
    mentee: Any
    reason: str


@dataclass(frozen=True)
class Matching:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    objective: str

    @property
    def total_fit(self) -> int:
        return sum(p.fit for p in self.pairs)

    @property
    def min_fit(self) -> int | None:
        return min((p.fit for p in self.pairs), default=None)

    def mentor_of(self) -> dict[Hashable, Hashable]:
        return {p.mentee: p.mentor for p in self.pairs}


OBJECTIVES = ("fit", "matched_first", "protect_worst_off")


def solve(
    instance: Instance,
    *,
    objective: str = "fit",
    pinned: Iterable[tuple[Hashable, Hashable]] = (),
) -> Matching:
    """The optimal matching of `instance` for `objective`, with `pinned` pairs kept."""
    if objective not in OBJECTIVES:
        raise RoundError(f"objective: choose one of {', '.join(OBJECTIVES)}")
    keep, capacities, pinned_pairs = _apply_pins(instance, list(pinned))
    free = np.ones(len(instance.mentees), dtype=bool)
    for pair in pinned_pairs:
        free[instance.mentees.index(pair.mentee)] = False
    tails, heads, fits = instance.arc_mentee, instance.arc_mentor, instance.arc_fit
    if not keep.all():
        tails, heads, fits = tails[keep], heads[keep], fits[keep]
    if objective == "protect_worst_off" and len(fits):
        threshold = _best_threshold(tails, heads, fits, capacities, len(instance.mentees))
        above = fits >= threshold
        tails, heads, fits = tails[above], heads[above], fits[above]
    chosen = _min_cost_flow(tails, heads, fits, capacities, free, matched_first=objective != "fit")
    mentees, mentors = instance.mentees, instance.mentors
    pairs = list(pinned_pairs) + [
        Pair(mentees[i], mentors[j], fit)
        for i, j, fit in zip(
            tails[chosen].tolist(), heads[chosen].tolist(), fits[chosen].tolist(), strict=True
        )
    ]
    used = np.bincount(heads[chosen], minlength=len(mentors))
    matched = ~free
    matched[tails[chosen]] = True
    unmatched = _reasons(instance, matched, capacities - used, keep)
    return Matching(tuple(pairs), tuple(unmatched), objective)


def _apply_pins(
    instance: Instance, pinned: list[tuple[Hashable, Hashable]]
) -> tuple[NDArray[np.bool_], IntArray, list[Pair]]:
    """The arcs left once pinned mentees are placed, the capacity left, and the pins."""
    capacities = instance.capacities.copy()
    keep = np.ones(len(instance.arc_fit), dtype=bool)
    if not pinned:
        return keep, capacities, []
    mentee_at = {m: i for i, m in enumerate(instance.mentees)}
    mentor_at = {m: j for j, m in enumerate(instance.mentors)}
    pairs: list[Pair] = []
    for mentee, mentor in pinned:
        if mentee not in mentee_at or mentor not in mentor_at:
            raise RoundError(f"pinned pair {mentee} and {mentor}: not in this round")
        i, j = mentee_at[mentee], mentor_at[mentor]
        arc = np.flatnonzero((instance.arc_mentee == i) & (instance.arc_mentor == j))
        if not len(arc):
            raise RoundError(f"pinned pair {mentee} and {mentor}: this pair is excluded")
        if not keep[arc[0]] or any(p.mentee == mentee for p in pairs):
            raise RoundError(f"pinned pair {mentee} and {mentor}: the mentee is pinned twice")
        capacities[j] -= 1
        if capacities[j] < 0:
            raise RoundError(f"pinned pair {mentee} and {mentor}: the mentor has no place left")
        pairs.append(Pair(mentee, mentor, int(instance.arc_fit[arc[0]]), pinned=True))
        keep &= instance.arc_mentee != i
    return keep, capacities, pairs


def _min_cost_flow(
    tails: IntArray,
    heads: IntArray,
    fits: IntArray,
    capacities: IntArray,
    free: NDArray[np.bool_],
    *,
    matched_first: bool,
    top: int | None = None,
) -> IntArray:
    """The positions of the arcs the optimal flow uses.

    `top` is the largest fit of the whole round (by default, of these arcs).
    """
    from ortools.graph.python import min_cost_flow

    n, m = len(free), len(capacities)
    places = int(min(int(free.sum()), int(capacities.sum())))
    if top is None:
        top = int(fits.max()) if len(fits) else 0
    # Fits that share a common step (half points, say) are solved in that step: the
    # optimum is the same, and smaller costs need fewer cost-scaling phases.
    step = int(np.gcd(np.gcd.reduce(fits), top)) if len(fits) else 1
    step = max(step, 1)
    sink = n + m
    flow = min_cost_flow.SimpleMinCostFlow()
    mentee_nodes = np.flatnonzero(free).astype(np.int64)
    if matched_first:
        # The most pairs, then the largest total fit, is OR-Tools' maximum flow of
        # minimum cost: no bonus per pair (costs stay small) and no "unmatched" arcs.
        costs = -(fits // step)
        spare = np.zeros(0, dtype=np.int64)
    else:
        costs = -objective_weights(fits // step, places, top // step, matched_first=False)
        spare = mentee_nodes
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([tails, np.arange(n, n + m), spare]),
        np.concatenate([heads + n, np.full(m, sink), np.full(len(spare), sink)]),
        np.concatenate([np.ones(len(tails)), capacities, np.ones(len(spare))]).astype(np.int64),
        np.concatenate([costs, np.zeros(m + len(spare))]).astype(np.int64),
    )
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[mentee_nodes] = 1
    supplies[sink] = -len(mentee_nodes)
    flow.set_nodes_supplies(np.arange(n + m + 1), supplies)
    status = flow.solve_max_flow_with_min_cost() if matched_first else flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the unmatched arcs keep it feasible
        raise RoundError(f"the flow solver stopped with status {status}")
    used = flow.flows(np.arange(len(tails)))
    return np.flatnonzero(used > 0)


def objective_weights(fits: IntArray, places: int, top: int, matched_first: bool) -> IntArray:
    """What the flow maximises per pair, as a whole number.

    With matched_first one more pair outweighs any difference in total fit (each pair is
    worth more than `places` times the largest fit).

    Without it, ``2 * fit + 1``: any difference in total fit outweighs any difference in
    pairs, so the optimum is the largest total fit and, among those, the most pairs.
    Why 2 is enough (fits whole numbers): take A optimal for these weights and B
    optimal for (total, then pairs). The difference of their flows splits into simple
    cycles, each of which can be applied to B alone, and a simple cycle passes through
    the sink at most once, so it changes the number of pairs by -1, 0 or +1. B being
    best, a cycle that adds a pair loses at least 1 of total fit (weight -2 + 1 < 0),
    one that keeps the count loses 0 or more (weight <= 0, 0 only if the total is
    kept) and one that drops a pair gains no total (weight < 0). A, optimal, cannot weigh
    less than B, so every cycle keeps both the total and the count: A is as good as B.
    Small weights keep OR-Tools' cost scaling short (fewer phases than the old
    ``fit * (places + 1) + 1``, the same optima).
    """
    if matched_first:
        return fits + (top * places + 1)
    return 2 * fits + 1


def _max_pairs(tails: IntArray, heads: IntArray, capacities: IntArray, n: int) -> int:
    from ortools.graph.python import max_flow

    m = len(capacities)
    source, sink = n + m, n + m + 1
    flow = max_flow.SimpleMaxFlow()
    mentees = np.unique(tails)
    flow.add_arcs_with_capacity(
        np.concatenate([np.full(len(mentees), source), tails, np.arange(n, n + m)]),
        np.concatenate([mentees, heads + n, np.full(m, sink)]),
        np.concatenate([np.ones(len(mentees) + len(tails)), capacities]).astype(np.int64),
    )
    flow.solve(source, sink)
    return int(flow.optimal_flow())


def _best_threshold(
    tails: IntArray, heads: IntArray, fits: IntArray, capacities: IntArray, n: int
) -> int:
    """The largest fit t such that pairs of fit >= t alone still match the most mentees."""
    most = _max_pairs(tails, heads, capacities, n)
    levels = np.unique(fits)
    low, high = 0, len(levels) - 1  # levels[low] always keeps `most` pairs possible
    while low < high:
        middle = (low + high + 1) // 2
        keep = fits >= levels[middle]
        if _max_pairs(tails[keep], heads[keep], capacities, n) == most:
            low = middle
        else:
            high = middle - 1
    return int(levels[low])


def _reasons(
    instance: Instance, matched: NDArray[np.bool_], left: IntArray, keep: NDArray[np.bool_]
) -> list[Unmatched]:
    """Why each unmatched mentee (`matched` False at their position) is unmatched, in
    words the committee can act on."""
    n = len(instance.mentees)
    tails, heads = instance.arc_mentee[keep], instance.arc_mentor[keep]
    options = np.bincount(tails, minlength=n).tolist()
    with_room = np.bincount(tails[left[heads] > 0], minlength=n).tolist()
    reasons = []
    for i in np.flatnonzero(~matched).tolist():
        mentee = instance.mentees[i]
        if not options[i]:
            counts = instance.excluded.get(i, Counter())
            detail = ", ".join(f"{count} {why}" for why, count in counts.most_common())
            reason = f"every mentor is excluded ({detail})" if detail else "no mentor is eligible"
        elif not with_room[i]:
            whom = (
                "the only mentor they could be paired with is full"
                if options[i] == 1
                else f"all {options[i]} mentors they could be paired with are full"
            )
            reason = f"{whom}; more mentor places are needed"
        else:
            reason = "a mentor with a place left would have to drop a better-placed mentee"
        reasons.append(Unmatched(mentee, reason))
    return reasons
