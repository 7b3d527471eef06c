"""Large rounds: solve on each mentee's best k mentors, then prove the answer optimal.

A dense round of 10,000 mentees and 3,300 mentors has 33 million allowed pairs; a flow
network with every one of them takes minutes and gigabytes. Almost none of those pairs
can be in an optimal matching: a mentee is matched with one of their best few mentors
unless those are full. So the round is solved on each mentee's top k mentors only, and
the answer is then checked against every allowed pair with linear-programming duality:

- the restricted problem's optimal duals (a price ``v[j]`` per mentor, a surplus
  ``u[i]`` per mentee) are computed from its optimal flow (`duals`);
- every allowed pair, scored again block by block, must satisfy
  ``weight(i, j) <= u[i] + v[j]`` (its reduced cost is not negative). If every pair
  does, the duals are feasible for the whole round and their value equals the
  restricted matching's, so that matching is optimal for the whole round: exact, not a
  heuristic. Pairs that break the inequality are added and the round solved again.

Scores are never held as a full matrix: the caller hands over the round as a function
that yields blocks of rows (``(first_row, fits)``, fits in hundredths with ``-1`` where
the pair is excluded), and each pass reads the blocks once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from matching.core.flow import RoundError, _min_cost_flow, objective_weights

IntArray = NDArray[np.int64]
Blocks = Callable[[], Iterator[tuple[int, NDArray[np.integer]]]]


def top_k_rows(block: NDArray[np.integer], k: int) -> tuple[IntArray, IntArray]:
    """Each row's k best columns and their fits, best first (``-1`` pads a short row).

    A full sort of every row is slow; instead the columns are cut into at least k
    groups, and the smallest of the group maxima is a value at least k entries reach,
    so only entries at or above it need sorting.
    """
    rows, width = block.shape
    columns = np.full((rows, k), -1, dtype=np.int64)
    fits = np.full((rows, k), -1, dtype=np.int64)
    if rows == 0 or width == 0 or k == 0:
        return columns, fits
    if width > k:
        starts = np.arange(0, width, width // k)
        floor = np.maximum.reduceat(block, starts, axis=1).min(axis=1)
        floor = np.maximum(floor, 0)
    else:
        floor = np.zeros(rows, dtype=block.dtype)
    i, j = np.nonzero(block >= floor[:, None])
    f = block[i, j].astype(np.int64)
    # Equal fits are common (scores are sums of a few round numbers); taking the first
    # columns would send everyone to the same few mentors, so ties are broken by a
    # fixed scramble of (row, column) instead.
    scramble = (
        j.astype(np.uint64) * np.uint64(2654435761) + i.astype(np.uint64) * np.uint64(40503)
    ) % np.uint64(1 << 31)
    order = np.lexsort((scramble, -f, i))
    i, j, f = i[order], j[order], f[order]
    rank = np.arange(len(i)) - np.searchsorted(i, i)
    keep = rank < k
    columns[i[keep], rank[keep]] = j[keep]
    fits[i[keep], rank[keep]] = f[keep]
    return columns, fits


def candidate_arcs(blocks: Blocks, k: int) -> tuple[IntArray, IntArray, IntArray, int]:
    """(mentee, mentor, fit) arcs of every mentee's k best allowed mentors, and the
    number of mentees, in one pass over the blocks."""
    tails, heads, fits = [], [], []
    n = 0
    for start, block in blocks():
        columns, best = top_k_rows(block, k)
        keep = best >= 0
        tails.append(np.nonzero(keep)[0] + start)
        heads.append(columns[keep])
        fits.append(best[keep])
        n = max(n, start + len(block))
    if not tails:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, 0
    return np.concatenate(tails), np.concatenate(heads), np.concatenate(fits), n


def duals(
    tails: IntArray,
    heads: IntArray,
    weights: IntArray,
    capacities: IntArray,
    chosen: IntArray,
    n: int,
) -> tuple[IntArray, IntArray]:
    """Optimal duals (u per mentee, v per mentor) of the matching that uses `chosen` arcs.

    The LP is: maximise the sum of weights, each mentee at most once, each mentor at
    most its capacity. Its dual: minimise sum(u) + sum(capacity * v) with
    ``u[i] + v[j] >= weight(i, j)`` and u, v >= 0. Complementary slackness fixes
    ``u[i] = weight(i, mentor of i) - v[mentor of i]`` (0 if unmatched); the smallest
    prices v satisfying every arc are longest paths in a graph on the mentors
    (Bellman-Ford, vectorised). Raises RoundError if the matching is not optimal.
    """
    m = len(capacities)
    mentor_of = np.full(n, -1, dtype=np.int64)
    weight_of = np.zeros(n, dtype=np.int64)
    mentor_of[tails[chosen]] = heads[chosen]
    weight_of[tails[chosen]] = weights[chosen]
    other = np.ones(len(tails), dtype=bool)
    other[chosen] = False
    t, h, w = tails[other], heads[other], weights[other]
    source = mentor_of[t]
    # An unmatched mentee would take mentor j for nothing: v[j] >= weight.
    v = np.zeros(m, dtype=np.int64)
    free = source < 0
    np.maximum.at(v, h[free], w[free])
    # A matched mentee must not envy mentor j: v[j] >= v[own] + weight - own weight.
    src, dst, length = source[~free], h[~free], w[~free] - weight_of[t[~free]]
    for _ in range(m + 1):
        before = v.copy()
        np.maximum.at(v, dst, v[src] + length)
        if np.array_equal(before, v):
            break
    else:
        raise RoundError("the matching is not optimal: a cycle of swaps improves it")
    u = np.where(mentor_of >= 0, weight_of - v[np.maximum(mentor_of, 0)], 0)
    used = np.bincount(heads[chosen], minlength=m)
    if (u < 0).any() or (v[used < capacities] > 0).any():
        raise RoundError("the matching is not optimal: its duals are not feasible")
    return u, v


@dataclass(frozen=True)
class Certified:
    """The optimal matching of a whole round found from candidate arcs, with its proof."""

    mentee: IntArray  # matched pairs, by position
    mentor: IntArray
    fit: IntArray
    arcs: int  # the arcs of the last solve
    passes: int  # solves needed (1 when the top-k candidates already held the optimum)
    added: int  # pairs the dual check added
    proved: bool  # every allowed pair was checked against the duals
    seconds: dict[str, float] = field(default_factory=dict)  # candidates, solve, proof

    @property
    def total_fit(self) -> int:
        return int(self.fit.sum())


def solve_certified(
    blocks: Blocks,
    capacities: IntArray,
    *,
    k: int = 20,
    objective: str = "fit",
    prove: bool = True,
    max_passes: int = 10,
) -> Certified:
    """The matching of largest total fit (or ``matched_first``) of the round in `blocks`.

    With ``prove`` (the default) the answer is exact for the whole round; without it,
    it is exact for the top-k candidate pairs only (a restriction, said as such).
    """
    if objective not in ("fit", "matched_first"):
        raise RoundError("objective: a large round is solved for fit or matched_first")
    capacities = np.asarray(capacities, dtype=np.int64)
    clock = time.perf_counter()
    seconds = {"candidates": 0.0, "solve": 0.0, "proof": 0.0}
    tails, heads, fits, n = candidate_arcs(blocks, k)
    seconds["candidates"] = time.perf_counter() - clock
    free = np.ones(n, dtype=bool)
    places = int(min(n, int(capacities.sum())))
    top = int(fits.max()) if len(fits) else 0
    matched_first = objective == "matched_first"
    added = 0
    passes = 0
    while passes < max_passes:
        passes += 1
        clock = time.perf_counter()
        chosen = _min_cost_flow(
            tails, heads, fits, capacities, free, matched_first=matched_first, top=top
        )
        seconds["solve"] += time.perf_counter() - clock
        if not prove:
            break
        clock = time.perf_counter()
        weights = objective_weights(fits, places, top, matched_first=matched_first)
        u, v = duals(tails, heads, weights, capacities, chosen, n)
        new = _violations(blocks, u, v, places, top, matched_first, k)
        seconds["proof"] += time.perf_counter() - clock
        if not len(new[0]):
            break
        tails, heads, fits = (
            np.concatenate(pair) for pair in zip((tails, heads, fits), new, strict=True)
        )
        added += len(new[0])
    else:
        raise RoundError(f"no proof of optimality after {max_passes} passes")
    return Certified(
        tails[chosen], heads[chosen], fits[chosen], len(fits), passes, added, prove, seconds
    )


def _violations(
    blocks: Blocks,
    u: IntArray,
    v: IntArray,
    places: int,
    top: int,
    matched_first: bool,
    k: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """Allowed pairs whose weight exceeds u + v (at most k per mentee, worst first)."""
    tails, heads, fits = [], [], []
    for start, block in blocks():
        rows = slice(start, start + len(block))
        weight = objective_weights(block.astype(np.int64), places, top, matched_first)
        gap = np.where(block >= 0, weight - u[rows, None] - v[None, :], 0)
        if not (gap > 0).any():
            continue
        columns, worst = top_k_rows(np.where(gap > 0, gap, -1), k)
        keep = worst > 0
        i = np.nonzero(keep)[0]
        tails.append(i + start)
        heads.append(columns[keep])
        fits.append(block[i, columns[keep]].astype(np.int64))
    if not tails:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(tails), np.concatenate(heads), np.concatenate(fits)
