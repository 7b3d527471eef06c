"""Time the matching core on large rounds, side by side with its peers on the same rounds.

Run from the checkout with ``.venv/bin/python benchmarks/bench_matching.py``. The
``matching`` package (its hospital-residents solver, pinned in the ``bench`` extra) has
the same top-level name as this project's app, so keep it out of the project's
environment and give the benchmark a folder of its own::

    .venv/bin/pip install --target /tmp/peer matching==1.4.3
    .venv/bin/python benchmarks/bench_matching.py --peer-path /tmp/peer

Without ``--peer-path`` the peer is looked for in the environment itself (a checkout's
``pip install -e '.[bench]'``). scipy is a main dependency. Nothing is asserted: timings
depend on the machine and its load.

Two rounds, both made from a fixed seed with the fit criteria of ``matching.core.fit``
(subspecialties, methods, modalities, meeting frequency, mode, language, goals), scored
as one float32 matrix product per block of mentees (`encode`, `fit_scores`):

- **dense**: 10,000 mentees, 3,300 mentors (capacity 2 to 4), 100 institutions, every
  pair allowed except the same institution (about 32.7 million pairs). The core's fit
  and matched-first rows use ``matching.core.sparse.solve_certified``: each mentee's K
  best mentors as arcs, then the LP dual check over all 32.7 million pairs (rows whose
  bound cannot break it are not scored again), adding arcs until no pair breaks it, so
  the total is the whole round's optimum (the "passes" figure). The
  protect-the-worst-off row still builds every pair as an arc.
- **top-20**: 100,000 mentees, 33,000 mentors, the same rules, but each mentee keeps only
  their 20 best mentors (a restriction of the round, by definition). The exact top-20
  lists are found without scoring all 3.3 billion pairs (`top_arcs`: an index on the
  subspecialties with a bound on the other criteria), a block of mentees at a time.

Each case runs in its own process so that its peak resident memory (VmHWM) is its own.
The ``matching`` package's top-level name is the same as this project's app, so its case
runs in an isolated interpreter (``python -I``) from a temporary directory; it gets each
mentee's 20 best mentors as preferences (its pure-Python players cannot hold 33 million
ranks), and each mentor ranks those who listed them by fit. scipy's
``linear_sum_assignment`` runs on the capacity-expanded matrix (one column per mentor
place) where that fits in memory; it fills every place (or matches every mentee), so it
is compared with the core's ``matched_first`` objective, which must give the same total.

Every row prints its phases as wall / CPU seconds, the whole process's wall and CPU
seconds and the load average: on a shared machine wall-clock time measures the other
users' load as much as this code. BLAS gets one thread per case unless ``--threads``;
the core's rounds score ``--workers`` blocks of mentees at once (default: one per core;
numpy lets go of Python's lock in the products and sorts), so their CPU seconds may
exceed their wall seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from matching.core.sparse import Scores

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260601
CHUNK = 1_000
TOP = 20
K = 5  # candidates per mentee in a dense round before the dual proof
WEIGHTS = {"sub": 30, "meth": 15, "mod": 15, "freq": 10, "mode": 10, "lang": 10, "goals": 10}
SIZES = {"dense": (10_000, 3_300), "top20": (100_000, 33_000), "check": (300, 100)}


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _side(rng: np.random.Generator, n: int, spread: tuple[int, ...]) -> dict[str, NDArray]:
    """Random people with 1 to `spread[k]` items ticked in each list, plus the rest."""

    def ticks(width: int, most: int) -> NDArray[np.float32]:
        scores = rng.random((n, width))
        count = rng.integers(1, most + 1, size=n)
        order = np.argsort(scores, axis=1)
        ticked = np.zeros((n, width), dtype=np.float32)
        for k in range(most):
            rows = count > k
            ticked[np.flatnonzero(rows), order[rows, k]] = 1
        return ticked

    return {
        "sub": ticks(12, spread[0]),
        "meth": ticks(8, spread[1]),
        "mod": ticks(6, spread[2]),
        "goals": ticks(4, spread[3]),
        "freq": rng.integers(0, 4, size=n),
        "mode": rng.integers(0, 3, size=n),  # remote, in person, either
        "lang": (1 << rng.integers(0, 3, size=n)) | (rng.random(n) < 0.3) * 8,
        "institution": rng.integers(0, 100, size=n),
    }


def population(case: str) -> tuple[dict[str, NDArray], dict[str, NDArray], NDArray[np.int64]]:
    n, m = SIZES[case]
    rng = np.random.default_rng(SEED + n)
    mentees = _side(rng, n, (3, 2, 2, 2))
    mentors = _side(rng, m, (4, 3, 3, 4))
    capacities = rng.integers(2, 5, size=m).astype(np.int64)
    return mentees, mentors, capacities


LANGS = np.array([1, 2, 4, 9, 10, 12])  # the language sets `_side` draws, as bit masks
SHARED = ("sub", "meth", "mod", "goals")


def encode(
    mentees: dict[str, NDArray], mentors: dict[str, NDArray], skip: tuple[str, ...] = ()
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """The fit as one matrix product: fit(i, j) = E[i] . R[:, j] (points, float32).

    Each criterion is linear in one-hot or ticked vectors: a share of the mentee's ticks
    is the mentee's ticks divided by their count (times the weight) against the mentor's
    ticks; meeting frequency, mode and language are a row of a small table of points
    picked by the mentee's value against the mentor's one-hot value. `skip` leaves out
    criteria (the top-20 index scores subspecialties itself). Every part is a multiple
    of half a point, exact in float32.
    """
    rows, columns = [], []
    for key in SHARED:
        if key in skip:
            continue
        ticks = mentees[key]
        rows.append(WEIGHTS[key] * ticks / ticks.sum(axis=1, keepdims=True))
        columns.append(mentors[key])
    levels = np.arange(4)
    gap = np.abs(levels[:, None] - levels[None, :])
    tables = {
        "freq": (np.where(gap == 0, 1.0, np.where(gap == 1, 0.5, 0.0)), levels),
        "mode": (
            ((levels[:3, None] == levels[None, :3]) | (levels[:3, None] == 2))
            | (levels[None, :3] == 2),
            levels[:3],
        ),
        "lang": ((LANGS[:, None] & LANGS[None, :]) != 0, LANGS),
    }
    for key, (table, values) in tables.items():
        mentee_at = np.searchsorted(values, mentees[key])
        mentor_at = np.searchsorted(values, mentors[key])
        rows.append(WEIGHTS[key] * np.asarray(table, dtype=np.float32)[mentee_at])
        columns.append(np.eye(len(values), dtype=np.float32)[mentor_at])
    e = np.ascontiguousarray(np.hstack(rows), dtype=np.float32)
    r = np.ascontiguousarray(np.hstack(columns).T, dtype=np.float32)
    return e, r


def fit_scores(
    mentees: dict[str, NDArray], mentors: dict[str, NDArray], rows: int = CHUNK
) -> Scores:
    """The round as the core's `Scores`: a block of rows at a time, one float32 matrix
    product (points), -1 for the same institution; ``scale`` 100 makes hundredths."""
    from matching.core.sparse import Scores

    e, r = encode(mentees, mentors)
    mentee_at, mentor_at = mentees["institution"], mentors["institution"]
    same_place = _same_place(mentor_at, int(max(mentee_at.max(), mentor_at.max())) + 1)

    def score(part: NDArray[np.int64]) -> NDArray[np.float32]:
        points = e[part] @ r
        points.reshape(-1)[same_place(mentee_at[part])] = -1
        return points

    return Scores(len(e), score, scale=100, chunk=rows)


def fit_blocks(
    mentees: dict[str, NDArray], mentors: dict[str, NDArray], rows: int = CHUNK
) -> Callable[[], Iterator[tuple[int, NDArray]]]:
    """The round as blocks of rows: fits in hundredths, -1 for the same institution."""
    scores = fit_scores(mentees, mentors, rows)

    def blocks() -> Iterator[tuple[int, NDArray]]:
        for part, points in scores.blocks():
            units = np.rint(points * 100).astype(np.int32)
            units[points < 0] = -1
            yield int(part[0]), units

    return blocks


def chunks(n: int, size: int = CHUNK) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def dense_arcs(case: str) -> tuple[NDArray, NDArray, NDArray, NDArray, int]:
    mentees, mentors, capacities = population(case)
    n = len(mentees["freq"])
    tails, heads, fits = [], [], []
    for start, block in fit_blocks(mentees, mentors)():
        i, j = np.nonzero(block >= 0)
        tails.append(i + start)
        heads.append(j)
        fits.append(block[i, j])
    return np.concatenate(tails), np.concatenate(heads), np.concatenate(fits), capacities, n


POPCOUNT = np.array([bin(v).count("1") for v in range(1 << 12)], dtype=np.int64)


def _same_place(column_at: NDArray, places: int) -> Callable[..., NDArray]:
    """For columns at these institutions: a function of the rows' institutions giving
    the flat positions, in a (rows, columns) block, of the pairs at the same one (about
    1 in 100: setting them beats comparing every pair)."""
    order = np.argsort(column_at.astype(np.uint16), kind="stable")  # a radix sort
    counts = np.bincount(column_at, minlength=places)
    starts = np.cumsum(counts) - counts
    width = len(column_at)

    def positions(row_at: NDArray, before: int = 0) -> NDArray:
        """`before` columns precede these in each row of the block."""
        count = counts[row_at]
        first = np.repeat(np.cumsum(count) - count, count)
        within = np.arange(int(count.sum())) - first
        row = np.repeat(np.arange(len(row_at)), count)
        return row * (before + width) + before + order[np.repeat(starts[row_at], count) + within]

    return positions


def top_arcs(case: str, workers: int = 1) -> tuple[NDArray, NDArray, NDArray, NDArray, int]:
    """Each mentee's TOP best allowed mentors, exactly, without scoring every pair.

    Subspecialties weigh 30 of 100 points and split the mentors into a few levels per
    mentee: mentors covering all of the mentee's subspecialties, all but one, and so
    on. Mentees with the same subspecialties are scored together against one level at
    a time (the other criteria as one matrix product); once a mentee's TOP-th best fit
    reaches the next level's subspecialty points plus the 70 points every other
    criterion together can give, no mentor further down can enter their list, and the
    mentee is done. Most mentees finish after the first one or two levels, so about a
    tenth of the 3.3 billion pairs is ever scored, a block of at most CHUNK mentees at
    a time. Mentees with different subspecialties share nothing: `workers` groups of
    them are scored at once.
    """
    from matching.core.sparse import top_k_rows

    mentees, mentors, capacities = population(case)
    n = len(mentees["freq"])
    e, r = encode(mentees, mentors, skip=("sub",))
    bits = 1 << np.arange(12)
    sub_e = (mentees["sub"].astype(np.int64) @ bits).astype(np.int64)
    sub_r = (mentors["sub"].astype(np.int64) @ bits).astype(np.int64)
    mentee_at, mentor_at = mentees["institution"], mentors["institution"]
    institutions = int(max(mentee_at.max(), mentor_at.max())) + 1
    rest = sum(WEIGHTS[k] for k in WEIGHTS if k != "sub")  # points
    # A mentor per row, and a last column for the level's subspecialty points (the
    # mentees' last column is 1): a level's columns are one gather and one product.
    r_t = np.hstack([r.T, np.zeros((len(r.T), 1), dtype=np.float32)])
    e = np.hstack([e, np.ones((len(e), 1), dtype=np.float32)])
    best_j = np.full((n, TOP), -1, dtype=np.int64)
    best_f = np.full((n, TOP), -1, dtype=np.float32)

    def lists_of(mask: np.int64) -> None:
        """The lists of the mentees with these subspecialties (their rows only)."""
        cover = POPCOUNT[sub_r & mask]
        asked = POPCOUNT[mask]
        levels = np.flatnonzero(np.bincount(cover))[::-1]  # the covers present, best first
        by_level = [np.flatnonzero(cover == level) for level in levels]
        r_level: dict[int, tuple[NDArray, Callable[..., NDArray]]] = {}
        sub_points = [np.float32(WEIGHTS["sub"] * level / asked) for level in levels]
        everyone = np.flatnonzero(sub_e == mask)
        for part in chunks(len(everyone)):
            rows = everyone[part]
            have_f = np.full((len(rows), TOP), -1, dtype=np.float32)
            have_j = np.full((len(rows), TOP), -1, dtype=np.int64)
            pending = np.arange(len(rows))
            for depth, columns in enumerate(by_level):
                if depth not in r_level:  # only the levels some mentee reaches
                    level = r_t[columns]
                    level[:, -1] = sub_points[depth]
                    r_level[depth] = (level.T, _same_place(mentor_at[columns], institutions))
                who = rows[pending]
                held = TOP if depth else 0  # the lists so far come first
                merged = np.empty((len(who), held + len(columns)), dtype=np.float32)
                if held:
                    merged[:, :held] = have_f[pending]
                # float32 points, exact half points, written beside the lists so far
                np.matmul(e[who], r_level[depth][0], out=merged[:, held:])
                merged.reshape(-1)[r_level[depth][1](mentee_at[who], held)] = -1
                at, f = top_k_rows(merged, TOP)
                new = columns[np.clip(at - held, 0, len(columns) - 1)]
                if held:
                    old = np.take_along_axis(have_j[pending], np.clip(at, 0, held - 1), 1)
                    new = np.where(at < held, old, new)
                have_f[pending], have_j[pending] = f, np.where(at >= 0, new, -1)
                if depth + 1 == len(by_level):
                    break
                pending = pending[f[:, -1] < sub_points[depth + 1] + rest]
                if not len(pending):
                    break
            best_f[rows], best_j[rows] = have_f, have_j

    with ThreadPoolExecutor(max(workers, 1)) as pool:
        list(pool.map(lists_of, np.unique(sub_e)))
    keep = best_f >= 0
    tails = np.nonzero(keep)[0]
    return tails, best_j[keep], np.rint(best_f[keep] * 100).astype(np.int64), capacities, n


def build(case: str, workers: int = 1) -> tuple[NDArray, NDArray, NDArray, NDArray, int]:
    return top_arcs(case, workers) if case == "top20" else dense_arcs(case)


# One process per (case, solver) ---------------------------------------------------------


def run_core(case: str, objective: str, workers: int = 1) -> dict[str, object]:
    """Dense rounds: candidates (each mentee's K best) then the dual proof over every
    pair; the top-20 round: the exact top-20 lists, solved as the restriction they are."""
    sys.path.insert(0, str(ROOT))
    from ortools.graph.python import min_cost_flow  # noqa: F401 - loaded before the clock

    from matching.core import Instance, solve
    from matching.core.sparse import solve_certified

    if case != "top20" and objective in ("fit", "matched_first"):
        mentees, mentors, capacities = population(case)
        found = solve_certified(
            fit_scores(mentees, mentors), capacities, k=K, objective=objective, threads=workers
        )
        return {
            "build_s": found.seconds["candidates"],
            "solve_s": found.seconds["solve"],
            "proof_s": found.seconds["proof"],
            "build_cpu": found.cpu["candidates"],
            "solve_cpu": found.cpu["solve"],
            "proof_cpu": found.cpu["proof"],
            "rescored": found.rescored,
            "arcs": found.arcs,
            "passes": found.passes,
            "total_fit": found.total_fit,
            "matched": len(found.fit),
            "min_fit": int(found.fit.min()) if len(found.fit) else None,
        }
    start, ticks = time.perf_counter(), time.process_time()
    tails, heads, fits, capacities, n = build(case, workers)
    built, built_cpu = time.perf_counter() - start, time.process_time() - ticks
    instance = Instance(
        mentees=tuple(range(n)),
        mentors=tuple(range(len(capacities))),
        capacities=capacities,
        arc_mentee=tails.astype(np.int64),
        arc_mentor=heads.astype(np.int64),
        arc_fit=fits.astype(np.int64),
    )
    start, ticks = time.perf_counter(), time.process_time()
    result = solve(instance, objective=objective)
    solved, solved_cpu = time.perf_counter() - start, time.process_time() - ticks
    return {
        "build_s": built,
        "solve_s": solved,
        "build_cpu": built_cpu,
        "solve_cpu": solved_cpu,
        "arcs": len(fits),
        "total_fit": result.total_fit,
        "matched": len(result.pairs),
        "min_fit": result.min_fit,
    }


def run_lsa(case: str, objective: str, _workers: int = 1) -> dict[str, object]:
    from scipy.optimize import linear_sum_assignment

    sys.path.insert(0, str(ROOT))
    mentees, mentors, capacities = population(case)
    n = len(mentees["freq"])
    start = time.perf_counter()
    slots = np.repeat(np.arange(len(capacities)), capacities)
    columns = len(slots) + (n if objective == "fit" else 0)
    cost = np.zeros((n, columns), dtype=np.float64)  # extra columns: "unmatched", worth 0
    forbidden = 1e9
    for first, fits in fit_blocks(mentees, mentors)():
        block = fits[:, slots].astype(np.float64)
        cost[first : first + len(block), : len(slots)] = np.where(block >= 0, -block, forbidden)
    built = time.perf_counter() - start
    start = time.perf_counter()
    r, c = linear_sum_assignment(cost)
    solved = time.perf_counter() - start
    real = (c < len(slots)) & (cost[r, c] < forbidden)
    return {
        "build_s": built,
        "solve_s": solved,
        "total_fit": int(-cost[r[real], c[real]].sum()),
        "matched": int(real.sum()),
    }


def run_hr(case: str, _: str, _workers: int = 1) -> dict[str, object]:
    # The PyPI package, in an isolated interpreter (python -I) that has not this
    # project's folder on its path; --peer-path puts the package's own folder first.
    from matching.games import HospitalResident

    # The lists come from this project's core, which this isolated interpreter cannot
    # import (the peer owns the name `matching`): a plain interpreter writes them.
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--arcs", case, "arcs.npz"], check=True
    )
    with np.load("arcs.npz") as saved:
        tails, heads, fits, capacities = (saved[key] for key in ("t", "h", "f", "c"))
        n = int(saved["n"])
    start = time.perf_counter()
    order = np.lexsort((-fits, tails))  # by mentee, best first
    tails, heads, fits = tails[order], heads[order], fits[order]
    resident_prefs: dict[str, list[str]] = {f"e{i}": [] for i in range(n)}
    for i, j in zip(tails.tolist(), heads.tolist(), strict=True):
        resident_prefs[f"e{i}"].append(f"r{j}")
    by_mentor = np.lexsort((-fits, heads))
    hospital_prefs: dict[str, list[str]] = {f"r{j}": [] for j in range(len(capacities))}
    for k in by_mentor.tolist():
        hospital_prefs[f"r{heads[k]}"].append(f"e{tails[k]}")
    caps = {f"r{j}": int(c) for j, c in enumerate(capacities)}
    fit_of = {
        (i, j): f for i, j, f in zip(tails.tolist(), heads.tolist(), fits.tolist(), strict=True)
    }
    built = time.perf_counter() - start
    start = time.perf_counter()
    result = _deep_stack(
        lambda: HospitalResident.create_from_dictionaries(
            resident_prefs, hospital_prefs, caps
        ).solve(optimal="resident")
    )
    solved = time.perf_counter() - start
    pairs = [
        (int(str(r)[1:]), int(str(h)[1:])) for h, residents in result.items() for r in residents
    ]
    return {
        "build_s": built,
        "solve_s": solved,
        "total_fit": sum(fit_of[p] for p in pairs),
        "matched": len(pairs),
    }


def _deep_stack(run: Callable[[], Any]) -> Any:
    """Run in a thread with a large stack: the package deep-copies its linked players,
    which recurses once per player and overflows Python's default limits."""
    sys.setrecursionlimit(10_000_000)
    threading.stack_size(1024 * 1024 * 1024)
    box: list[Any] = []
    worker = threading.Thread(target=lambda: box.append(run()))
    worker.start()
    worker.join()
    if not box:
        raise RuntimeError("the solver failed (see above)")
    return box[0]


# Each takes the case, the objective and the number of workers (used by the core only).
RUNNERS: dict[str, Callable[[str, str, int], dict[str, object]]] = {
    "core": run_core,
    "lsa": run_lsa,
    "hr": run_hr,
}


def child(
    case: str, solver: str, objective: str, peer_path: str, threads: int = 1, workers: int = 1
) -> dict[str, object]:
    """Run one case in a fresh process and read back its figures.

    BLAS gets `threads` threads (default 1: the matrix products are small, and on a
    loaded machine OpenBLAS's waiting threads burn CPU without finishing sooner)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, str(Path(__file__).resolve())]
        if solver == "hr":
            command.insert(1, "-I")  # keeps this project's `matching` app off the path
        command += ["--child", case, solver, objective, "--workers", str(workers)]
        if peer_path:
            command += ["--peer-path", peer_path]
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, check=False, timeout=3600, env=env
        )
    if done.returncode:
        tail = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return {"skipped": tail[:120]}
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


PLAN = [
    ("check", "core", "fit", "RadCollab core, max total fit"),
    ("check", "lsa", "fit", "scipy linear_sum_assignment (+ unmatched columns)"),
    ("check", "core", "matched_first", "RadCollab core, most matched then fit"),
    ("check", "lsa", "matched_first", "scipy linear_sum_assignment"),
    ("dense", "core", "fit", "RadCollab core, max total fit"),
    ("dense", "core", "matched_first", "RadCollab core, most matched then fit"),
    ("dense", "core", "protect_worst_off", "RadCollab core, protect the worst-off"),
    ("dense", "lsa", "matched_first", "scipy linear_sum_assignment"),
    ("dense", "hr", "stable", "matching 1.4.3 hospital-residents (top-20 lists)"),
    ("top20", "core", "fit", "RadCollab core, max total fit"),
    ("top20", "core", "matched_first", "RadCollab core, most matched then fit"),
    ("top20", "hr", "stable", "matching 1.4.3 hospital-residents"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("CASE", "SOLVER", "OBJECTIVE"))
    parser.add_argument("--only", choices=sorted(SIZES), help="run only one round")
    parser.add_argument("--skip", nargs="*", default=[], help="solvers to leave out: lsa hr")
    parser.add_argument("--peer-path", default="", help="folder holding the matching package")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads per case")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="blocks of mentees the core's rounds score at once (default: one per core)",
    )
    parser.add_argument("--arcs", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.arcs:
        sys.path.insert(0, str(ROOT))
        tails, heads, fits, capacities, n = top_arcs(args.arcs[0], args.workers)
        np.savez(args.arcs[1], t=tails, h=heads, f=fits, c=capacities, n=np.array(n))
        return
    if args.child:
        case, solver, objective = args.child
        if args.peer_path:
            sys.path.insert(0, str(Path(args.peer_path).resolve()))
        figures = RUNNERS[solver](case, objective, args.workers)
        figures["peak_mb"] = peak_rss_mb()
        # CPU seconds of the whole child (all threads): on a shared machine wall-clock
        # time measures the other users' load as much as this code.
        figures["cpu_s"] = time.process_time()
        print(json.dumps(figures))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"Matching rounds ({os.cpu_count()} cores; one process per row; the core "
        f"scores {args.workers} blocks at a time; phases as wall / CPU seconds)"
    )
    for heading in (
        "round",
        "solver",
        "arcs",
        "passes",
        "candidates s",
        "solve s",
        "proof s",
        "all wall s",
        "all CPU s",
        "peak MB",
        "total fit",
        "matched",
        "min fit",
        "load",
    ):
        table.add_column(heading, justify="left" if heading in ("round", "solver") else "right")
    for case, solver, objective, label in PLAN:
        if (args.only and case != args.only) or solver in args.skip:
            continue
        n, m = SIZES[case]
        start = time.perf_counter()
        f: dict[str, Any] = child(
            case, solver, objective, args.peer_path, args.threads, args.workers
        )
        wall = time.perf_counter() - start
        load = f"{os.getloadavg()[0]:.1f}"
        if "skipped" in f:
            table.add_row(f"{case} {n}x{m}", label, *[""] * 8, f"skipped: {f['skipped']}")
            continue

        def phase(name: str, f: dict[str, Any] = f) -> str:
            if f"{name}_s" not in f:
                return ""
            cpu = f.get(f"{name}_cpu")
            return f"{f[f'{name}_s']:.2f}" + ("" if cpu is None else f" / {cpu:.2f}")

        table.add_row(
            f"{case} {n}x{m}",
            label,
            f"{f.get('arcs', '')}",
            f"{f.get('passes', '')}",
            phase("build"),
            phase("solve"),
            phase("proof"),
            f"{wall:.2f}",
            f"{f['cpu_s']:.2f}",
            f"{f['peak_mb']:.0f}",
            f"{int(f['total_fit']) / 100:,.2f}",
            f"{f['matched']:,}",
            "" if f.get("min_fit") is None else f"{int(f['min_fit']) / 100:.2f}",
            load,
        )
        Console().print(f"done: {case} {label}: {json.dumps(f)} load {load}", style="dim")
    Console(width=220).print(table)


if __name__ == "__main__":
    main()
