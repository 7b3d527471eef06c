"""Time the statistics core: fast DeLong AUC and paired test, and the six ICCs.

Run with ``python benchmarks/bench_stats.py``. Prints the median of several repeats; it
never asserts a timing, because timings depend on the machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stats.core import auc_delong, delong_paired_test, intraclass_correlations

SIZES = (1_000, 10_000, 100_000, 1_000_000)


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median wall-clock time of ``repeats`` calls, after one untimed warm-up call."""
    run()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def roc_cases(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two correlated readers' scores (rounded, so there are ties) and a 30% prevalence."""
    truth = rng.random(n) < 0.3
    shared = rng.normal(size=n)
    first = np.round(truth * 1.0 + shared + rng.normal(size=n), 2)
    second = np.round(truth * 0.8 + shared + rng.normal(size=n), 2)
    return first, second, truth


def main() -> None:
    rng = np.random.default_rng(20240601)
    print(f"{'task':<34}{'cases':>10}{'median ms':>12}")
    for n in SIZES:
        first, second, truth = roc_cases(n, rng)
        repeats = 3 if n >= 1_000_000 else 7
        auc = median_seconds(partial(auc_delong, first, truth), repeats)
        paired = median_seconds(partial(delong_paired_test, first, second, truth), repeats)
        print(f"{'AUC + DeLong variance':<34}{n:>10,}{auc * 1e3:>12.1f}")
        print(f"{'paired DeLong test':<34}{n:>10,}{paired * 1e3:>12.1f}")
    ratings = rng.normal(size=(1000, 1)) + rng.normal(scale=0.5, size=(1000, 5))
    icc = median_seconds(partial(intraclass_correlations, ratings), 7)
    print(f"{'six ICCs, 1000 subjects x 5 raters':<34}{1000:>10,}{icc * 1e3:>12.1f}")


if __name__ == "__main__":
    main()
