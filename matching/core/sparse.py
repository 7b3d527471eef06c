"""Large rounds: solve on each mentee's best k mentors, then prove the answer optimal.

A dense round of 10,000 mentees and 3,300 mentors has 33 million allowed pairs; a flow
network with every one of them takes minutes and gigabytes. Almost none of those pairs
can be in an optimal matching: a mentee is matched with one of their best few mentors
unless those are full. So the round is solved on each mentee's top k mentors only, and
the answer is then checked against every allowed pair with linear-programming duality:

- the restricted problem's optimal duals (a price ``v[j]`` per mentor, a surplus
  ``u[i]`` per mentee) are computed from its optimal flow (`duals`);
- every allowed pair must satisfy ``weight(i, j) <= u[i] + v[j]`` (its reduced cost is
  not negative). If every pair does, the duals are feasible for the whole round and
  their value equals the restricted matching's, so that matching is optimal for the
  whole round: exact, not a heuristic. Pairs that break the inequality are added and
  the round solved again.

The check skips rows it can: each mentee carries a bound, the largest
``weight - v[j]`` of a pair not among the arcs at the prices of the pass that last read
their row (at first: the weight of their (k+1)-th best fit, prices 0). A mentee whose
bound, plus the most any price has fallen since, is within ``u[i]`` is proved without
scoring their row again; only the others' rows are scored again, a block at a time.
A mentee with a pair that breaks the inequality, or nearly (`NEAR`), gets their 2k
best pairs at the current prices, and the flow is solved again.

Scores are never held as a full matrix: the caller hands over the round as `Scores`, a
function that scores a block of rows (fits as numbers, negative where the pair is
excluded; ``scale`` turns them into whole units, e.g. points to hundredths).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from matching.core.flow import RoundError, _min_cost_flow, objective_weights

IntArray = NDArray[np.int64]
NOTHING = -(1 << 62)  # the bound of a mentee with no pair left out
# A mentee is given more arcs when one of their pairs breaks the inequality or comes
# within this share of the round's best fit of breaking it (prices move between
# passes; a little slack saves a pass).
NEAR = 0.03
CHUNK = 1_000  # rows scored at a time (a block of 1,000 x 3,300 float32 is 13 MB)


@dataclass(frozen=True)
class Scores:
    """A round as a scorer of rows: ``score(rows)`` gives a (len(rows), mentors) block.

    Values are fits (any real dtype; float32 is fastest), negative where the pair is
    excluded; ``round(value * scale)`` is the whole-unit fit the solver optimises.
    With ``threads`` above 1, `solve_certified` calls ``score`` from that many threads
    at once, so it must not change shared state.
    """

    mentees: int
    score: Callable[[IntArray], NDArray[np.number]]
    scale: float = 1.0
    chunk: int = CHUNK

    def units(self, values: NDArray[np.number]) -> IntArray:
        return np.rint(np.asarray(values, dtype=np.float64) * self.scale).astype(np.int64)

    def parts(self, rows: IntArray | None = None, at_least: int = 1) -> list[tuple[int, IntArray]]:
        """`rows` (default: every mentee) cut into blocks of at most `chunk` rows, and
        into `at_least` blocks where there are rows enough, each block with its
        position in `rows`."""
        rows = np.arange(self.mentees, dtype=np.int64) if rows is None else rows
        size = max(1, min(self.chunk, -(-len(rows) // max(at_least, 1))))
        return [(start, rows[start : start + size]) for start in range(0, len(rows), size)]

    def blocks(self, rows: IntArray | None = None) -> Iterator[tuple[IntArray, NDArray[np.number]]]:
        """`rows` (default: every mentee) scored `chunk` rows at a time."""
        for _, part in self.parts(rows):
            yield part, self.score(part)


Out = TypeVar("Out")


def each_block(
    scores: Scores,
    rows: IntArray | None,
    work: Callable[[int, IntArray, NDArray[np.number]], Out],
    threads: int = 1,
) -> list[Out]:
    """``work(start, part, block)`` for each block of `rows`, scored, in their order.

    With ``threads`` above 1 that many blocks are scored and worked on at once: numpy
    lets go of Python's lock in the matrix products, comparisons and sorts that make
    up nearly all of the work, so the threads run on as many cores.
    """

    def one(item: tuple[int, IntArray]) -> Out:
        start, part = item
        return work(start, part, scores.score(part))

    parts = scores.parts(rows, at_least=threads)
    if threads <= 1 or len(parts) <= 1:
        return [one(item) for item in parts]
    with ThreadPoolExecutor(min(threads, len(parts))) as pool:
        return list(pool.map(one, parts))


def top_k_rows(
    block: NDArray[np.number], k: int, lowest: float = 0
) -> tuple[IntArray, NDArray[np.number]]:
    """Each row's k best columns of value ``>= lowest`` (and finite), with their values,
    best first (column ``-1`` pads; the default ``lowest`` leaves out excluded pairs).

    A full sort of every row is slow; instead the columns are cut into about 4k
    groups, and the k-th largest of the group maxima is a value at least k entries
    reach, so only entries at or above it need sorting.
    """
    rows, width = block.shape
    columns = np.full((rows, k), -1, dtype=np.int64)
    values = np.full((rows, k), -1, dtype=np.result_type(block.dtype, np.int64))
    if rows == 0 or width == 0 or k == 0:
        return columns, values
    if width > k:
        # With g >= k groups, k of them have a maximum at least the k-th largest group
        # maximum; more groups than k make that floor higher, so fewer entries pass.
        groups = min(4 * k, width)
        starts = np.arange(0, width, width // groups)
        maxima = np.maximum.reduceat(block, starts, axis=1)
        g = maxima.shape[1]
        floor = np.partition(maxima, g - k, axis=1)[:, g - k]
        floor = np.maximum(floor, lowest)
    else:
        floor = np.full(rows, lowest, dtype=np.result_type(block.dtype, type(lowest)))
    if np.issubdtype(floor.dtype, np.floating):  # -inf marks a pair to leave out
        floor = np.maximum(floor, np.finfo(floor.dtype).min)
    passed = np.flatnonzero(block >= floor[:, None])
    i, j = np.divmod(passed, width)
    f = block.reshape(-1)[passed]
    # Equal fits are common (scores are sums of a few round numbers); taking the first
    # columns would send everyone to the same few mentors, so ties are broken by a
    # fixed scramble of (row, column) instead.
    scramble = (
        j.astype(np.uint64) * np.uint64(2654435761) + i.astype(np.uint64) * np.uint64(40503)
    ) % np.uint64(1 << 31)
    order = _by_row_best_first(i, f, scramble, rows)
    i, j, f = i[order], j[order], f[order]
    rank = np.arange(len(i)) - np.searchsorted(i, np.arange(rows))[i]
    keep = rank < k
    columns[i[keep], rank[keep]] = j[keep]
    values[i[keep], rank[keep]] = f[keep]
    return columns, values


def _by_row_best_first(
    i: IntArray, f: NDArray[np.number], scramble: NDArray[np.uint64], rows: int
) -> IntArray:
    """The order by row, then value (largest first), then scramble, then position: the
    order of ``np.lexsort((scramble, -f, i))``, sooner for float32 values (the hot
    case), whose value and scramble fit one 63-bit key (a stable sort of that key, then
    a stable radix sort of the rows)."""
    if f.dtype != np.float32 or rows >= 1 << 16:
        return np.lexsort((scramble, -f, i))
    bits = (f + np.float32(0)).view(np.int32)  # + 0 turns -0.0 into 0.0, as -f compares
    ascending = bits ^ ((bits >> 31) & np.int32(0x7FFFFFFF))  # the floats' order
    descending = (np.int64(0x7FFFFFFF) - ascending.astype(np.int64)).astype(np.uint64)
    key = (descending << np.uint64(31)) | scramble
    order = np.argsort(key, kind="stable")
    return order[np.argsort(i[order].astype(np.uint16), kind="stable")]


def candidate_arcs(
    scores: Scores, k: int, threads: int = 1
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """(mentee, mentor, fit) arcs of every mentee's k best allowed mentors, and each
    mentee's best fit left out (``-1`` if none), in one pass over the rows."""
    outside = np.full(scores.mentees, -1, dtype=np.int64)

    def arcs(_: int, rows: IntArray, block: NDArray[np.number]) -> tuple[IntArray, ...]:
        columns, best = top_k_rows(block, k + 1)
        keep = best[:, :k] >= 0
        i = np.nonzero(keep)[0]
        last = best[:, k]
        outside[rows] = np.where(last >= 0, scores.units(np.maximum(last, 0)), -1)
        return rows[i], columns[:, :k][keep], scores.units(best[:, :k][keep])

    found = each_block(scores, None, arcs, threads)
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, outside
    tails, heads, fits = (np.concatenate(part) for part in zip(*found, strict=True))
    return tails, heads, fits, outside


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
    # Only the best such arc per (own mentor, mentor) matters; sorted by one whole-number
    # key, the arcs come grouped by their own mentor, as the relaxations read them.
    held = ~free
    key = source[held] * m + h[held]
    length = w[held] - weight_of[t[held]]
    order = np.argsort(key)
    key, length = key[order], length[order]
    if len(key):
        first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        length = np.maximum.reduceat(length, first)
        key = key[first]
    src, dst = key // m, key % m
    start = np.searchsorted(src, np.arange(m + 1))
    # Bellman-Ford, each round relaxing only the arcs out of mentors whose price rose
    # in the round before (at first, every mentor).
    rising = np.arange(m)
    for _ in range(m + 1):
        count = start[rising + 1] - start[rising]
        rising, count = rising[count > 0], count[count > 0]
        if not len(rising):
            break
        at = np.repeat(start[rising] - np.cumsum(count) + count, count) + np.arange(count.sum())
        offer = v[src[at]] + length[at]
        better = offer > v[dst[at]]
        if not better.any():
            break
        np.maximum.at(v, dst[at][better], offer[better])
        rising = np.unique(dst[at][better])
    else:
        raise RoundError("the matching is not optimal: a cycle of swaps improves it")
    matched = mentor_of >= 0
    u = np.zeros(n, dtype=np.int64)
    u[matched] = weight_of[matched] - v[mentor_of[matched]]
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
    rescored: int = 0  # mentees whose rows the proof scored again (all passes)
    cpu: dict[str, float] = field(default_factory=dict)  # the same steps in CPU seconds

    @property
    def total_fit(self) -> int:
        return int(self.fit.sum())


def solve_certified(
    scores: Scores,
    capacities: IntArray,
    *,
    k: int = 5,
    objective: str = "fit",
    prove: bool = True,
    max_passes: int = 20,
    threads: int = 1,
) -> Certified:
    """The matching of largest total fit (or ``matched_first``) of the round in `scores`.

    With ``prove`` (the default) the answer is exact for the whole round; without it,
    it is exact for the top-k candidate pairs only (a restriction, said as such).
    ``threads`` blocks of rows are scored at once (the candidates and the proof); the
    answer does not depend on it.
    """
    if objective not in ("fit", "matched_first"):
        raise RoundError("objective: a large round is solved for fit or matched_first")
    capacities = np.asarray(capacities, dtype=np.int64)
    n = scores.mentees
    clock, ticks = time.perf_counter(), time.process_time()
    seconds = {"candidates": 0.0, "solve": 0.0, "proof": 0.0}
    cpu = dict(seconds)
    tails, heads, fits, outside = candidate_arcs(scores, k, threads)
    seconds["candidates"] = time.perf_counter() - clock
    cpu["candidates"] = time.process_time() - ticks
    free = np.ones(n, dtype=bool)
    places = int(min(n, int(capacities.sum())))
    top = int(max(fits.max(initial=0), outside.max(initial=0)))
    matched_first = objective == "matched_first"
    added = rescored = passes = 0
    # bound[i]: the largest ``weight - v[j]`` of a pair of mentee i not among the arcs,
    # at the prices of the pass that last read their row (pass 0: prices 0).
    bound = np.where(outside >= 0, objective_weights(outside, places, top, matched_first), NOTHING)
    read_at = np.zeros(n, dtype=np.int64)
    prices = [np.zeros(len(capacities), dtype=np.int64)]
    while passes < max_passes:
        passes += 1
        clock, ticks = time.perf_counter(), time.process_time()
        chosen = _min_cost_flow(
            tails, heads, fits, capacities, free, matched_first=matched_first, top=top
        )
        seconds["solve"] += time.perf_counter() - clock
        cpu["solve"] += time.process_time() - ticks
        if not prove:
            break
        clock, ticks = time.perf_counter(), time.process_time()
        weights = objective_weights(fits, places, top, matched_first=matched_first)
        u, v = duals(tails, heads, weights, capacities, chosen, n)
        # A pair left out breaks nothing while its bound, plus the most any price fell
        # since the row was read, stays within u: only the other rows are read again.
        fell = np.array([max(0, int((old - v).max(initial=0))) for old in prices])
        doubtful = np.flatnonzero(bound + fell[read_at] > u)
        prices.append(v)
        read_at[doubtful] = passes
        new = _violations(
            scores, doubtful, u, v, places, top, matched_first, k, bound, tails, heads, threads
        )
        rescored += len(doubtful)
        seconds["proof"] += time.perf_counter() - clock
        cpu["proof"] += time.process_time() - ticks
        if not len(new[0]):
            break
        tails, heads, fits = (
            np.concatenate(pair) for pair in zip((tails, heads, fits), new, strict=True)
        )
        added += len(new[0])
    else:
        raise RoundError(f"no proof of optimality after {max_passes} passes")
    return Certified(
        tails[chosen],
        heads[chosen],
        fits[chosen],
        len(fits),
        passes,
        added,
        prove,
        seconds,
        rescored,
        cpu,
    )


def _violations(
    scores: Scores,
    rows: IntArray,
    u: IntArray,
    v: IntArray,
    places: int,
    top: int,
    matched_first: bool,
    k: int,
    bound: IntArray,
    arc_tails: IntArray,
    arc_heads: IntArray,
    threads: int = 1,
) -> tuple[IntArray, IntArray, IntArray]:
    """Arcs to add for `rows`: none if no pair breaks ``weight <= u + v``; else, for each
    mentee with a pair that breaks it or comes within `NEAR` of it, their 2k best pairs
    not yet among the arcs, by ``weight - v``.

    The weight is ``a * fit + b`` with fit ``round(value * scale)``; the test
    ``value - V[j] > U[i]`` (V = v / (a scale), U = (u - b) / (a scale)) runs in
    floating point with a margin of a tenth of a unit, and the pairs it lets through are
    checked exactly in whole numbers. For each row the best fit still left out is
    then recorded in `outside`.
    """
    a = int(objective_weights(np.array([1]), places, top, matched_first)[0]) - int(
        objective_weights(np.array([0]), places, top, matched_first)[0]
    )
    b = int(objective_weights(np.array([0]), places, top, matched_first)[0])
    unit = a * scores.scale
    margin = 0.1 / scores.scale
    near = NEAR * top / scores.scale
    big_v = v / unit
    # float32 (7 digits) is enough when the numbers compared are small against the
    # margin; else the rows are compared in float64.
    reach = float(np.abs(big_v).max(initial=0)) + float(np.abs((u[rows] - b) / unit).max(initial=0))
    fine = 8 * float(np.finfo(np.float32).eps) * (reach + 1e4 / scores.scale) < margin / 2
    big_v = big_v.astype(np.float32) if fine else big_v
    held = np.full(scores.mentees, -1, dtype=np.int64)
    held[rows] = np.arange(len(rows))
    at = held[arc_tails]
    mine = at >= 0
    arc_at, arc_heads = at[mine], arc_heads[mine]
    rooms = threading.local()  # one buffer per thread for every block's slack

    def arcs(start: int, part: IntArray, block: NDArray[np.number]) -> tuple[IntArray, ...]:
        values = np.asarray(block)
        if values.dtype != np.float32 or not fine:
            values = values.astype(np.float64)
        here = (arc_at >= start) & (arc_at < start + len(part))
        room = getattr(rooms, "slack", None)
        if room is None or room.dtype != values.dtype or room.shape[0] < len(part):
            room = np.empty((max(len(part), min(scores.chunk, len(rows))), len(v)), values.dtype)
            rooms.slack = room
        slack = room[: len(part)]
        np.subtract(values, big_v[None, :], out=slack)
        slack[values < 0] = -np.inf
        slack[arc_at[here] - start, arc_heads[here]] = -np.inf  # held arcs satisfy it
        big_u = ((u[part] - b) / unit - margin).astype(values.dtype)
        short = np.flatnonzero(slack.max(axis=1) > big_u - near)
        # A mentee with a pair that breaks the inequality, or nearly, gets their 2k best
        # pairs at the current prices (not only the breaking ones), so that the next
        # prices, which move, find what they need among the arcs.
        if 2 * len(short) > len(part):  # most rows: no copy, the others dropped after
            columns = top_k_rows(slack, 2 * k, lowest=-np.inf)[0][short]
        else:
            columns, _ = top_k_rows(slack[short], 2 * k, lowest=-np.inf)
        i = np.repeat(short, 2 * k)
        j = columns.ravel()
        i, j = i[j >= 0], j[j >= 0]
        fit = scores.units(values[i, j])
        gap = a * fit + b - u[part[i]] - v[j]
        broken = np.unique(i[gap > 0])  # exactly, in whole numbers
        # What stays left out once these are added, at these prices: the bound for
        # the next passes (rounded up, with the margin).
        slack[i, j] = -np.inf
        best = slack.max(axis=1)
        bound[part] = np.where(
            np.isfinite(best), np.ceil((best + margin) * unit) + b, NOTHING
        ).astype(np.int64)
        return part[i], j, fit, broken

    found = each_block(scores, rows, arcs, threads)
    if not any(len(broken) for *_, broken in found):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    tails, heads, fits, _ = (np.concatenate(part) for part in zip(*found, strict=True))
    return tails, heads, fits
