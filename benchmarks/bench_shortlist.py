"""The programme shortlist's core: time to filter, estimate and choose a list.

The whole US diagnostic radiology match has about 200 programmes; the benchmark runs
the core on 200, 1,000 and 5,000 invented programmes, with a budget of 30 programmes
and with a money budget ($1,500, ERAS-style tiers) where a third of the programmes
charge their own fee of $25 to $100 (the case where the dynamic programme has
more than one state per count). Pure Python, no Django, no database.

    .venv/bin/python benchmarks/bench_shortlist.py

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opportunities.shortlist.core import Applicant, Budget, Programme, shortlist

REGIONS = ["Northeast", "Midwest", "South", "West"]
VISAS = [frozenset({"J-1"}), frozenset({"J-1", "H-1B"}), frozenset({"H-1B"}), frozenset(), None]


def invented(n: int, rng: random.Random) -> list[Programme]:
    programmes = []
    for i in range(n):
        applications = rng.randint(300, 1200)
        published = rng.random() < 0.7
        programmes.append(
            Programme(
                id=i,
                name=f"Programme {i}",
                region=rng.choice(REGIONS),
                visas=rng.choice(VISAS),
                graduated_within=rng.choice([None, None, 3, 5, 7]),
                step2_minimum=rng.choice([None, 220, 230, 240]),
                step2_median=rng.choice([None, 238, 245, 252, 258]),
                research=rng.choice(["none", "encouraged", "required"]),
                applications=applications if published else None,
                interviews=rng.randint(40, 150) if published else None,
                fee_cents=rng.choice([0, 0, 25_00, 50_00, 100_00]),
            )
        )
    return programmes


def timed(call: Callable[[], object], repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> None:
    rng = random.Random(18)
    applicant = Applicant(
        graduation_year=2022,
        step2=248,
        visas=frozenset({"J-1"}),
        research_outputs=2,
        regions=frozenset({"Northeast"}),
    )
    print(f"{'programmes':>10} {'budget':>22} {'candidates':>10} {'chosen':>6} "
          f"{'expected':>8} {'median ms':>9}")  # fmt: skip
    for n in (200, 1_000, 5_000):
        programmes = invented(n, rng)
        for label, budget in (
            ("30 programmes", Budget(programmes=30)),
            ("$1,500 + own fees", Budget(money=1_500_00)),
        ):
            result = shortlist(programmes, applicant, budget, year=2026)
            ms = timed(partial(shortlist, programmes, applicant, budget, year=2026))
            candidates = len(result.chosen) + len(result.left_out)
            print(
                f"{n:>10,} {label:>22} {candidates:>10,} {len(result.chosen):>6} "
                f"{result.expected_interviews:>8.2f} {ms:>9.1f}"
            )


if __name__ == "__main__":
    main()
