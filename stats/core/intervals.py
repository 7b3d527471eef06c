"""Point estimates with confidence intervals, and intervals for binomial proportions.

Conventions
-----------
* ``level`` is the two-sided confidence level (0.95 gives a 95% interval); the normal
  critical value is ``z = Phi^-1(1 - (1 - level) / 2)``, 1.959964 for 95%.
* Wilson score interval without continuity correction (Wilson 1927; Newcombe 1998
  method 3). RadCollab's default: its coverage is close to nominal even for small counts
  and proportions near 0 or 1, where the Wald interval fails.
* Clopper-Pearson "exact" interval from beta quantiles (Newcombe 1998 method 5). It
  guarantees at least nominal coverage and is therefore conservative; offered because
  regulators and many journals ask for it.
* Newcombe's hybrid score (MOVER) interval for a difference of two independent
  proportions (Newcombe 1998b method 10), built from whichever single-proportion interval
  was chosen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from scipy import stats as sps

from stats.core._checks import check_level

ProportionMethod = Literal["wilson", "clopper-pearson"]
PROPORTION_METHODS: tuple[ProportionMethod, ...] = ("wilson", "clopper-pearson")


@dataclass(frozen=True)
class Estimate:
    """A point estimate and its two-sided confidence interval.

    ``corrected`` is True when a Haldane-Anscombe correction (0.5 added to every cell)
    was needed to keep a ratio finite; see ``stats.core.accuracy``. A statistic whose
    denominator is empty is undefined and reported as NaN in all three numbers.
    """

    value: float
    lower: float
    upper: float
    level: float
    corrected: bool = False


def z_critical(level: float) -> float:
    """Two-sided standard-normal critical value for the confidence ``level``."""
    check_level(level)
    return float(sps.norm.ppf(1.0 - (1.0 - level) / 2.0))


def undefined(level: float) -> Estimate:
    """An estimate whose denominator is empty: NaN value and NaN limits."""
    return Estimate(math.nan, math.nan, math.nan, level)


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``successes`` out of ``n`` (no continuity correction)."""
    _check_counts(successes, n)
    z = z_critical(level)
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 or n the exact limit is 0 or 1; rounding would otherwise leave e.g. 1e-17.
    lower = 0.0 if successes == 0 else max(0.0, centre - half)
    upper = 1.0 if successes == n else min(1.0, centre + half)
    return lower, upper


def clopper_pearson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson exact interval for ``successes`` out of ``n`` (beta quantiles)."""
    _check_counts(successes, n)
    check_level(level)
    alpha = 1.0 - level
    lower = 0.0 if successes == 0 else sps.beta.ppf(alpha / 2, successes, n - successes + 1)
    upper = 1.0 if successes == n else sps.beta.ppf(1 - alpha / 2, successes + 1, n - successes)
    return float(lower), float(upper)


def proportion(
    successes: int, n: int, *, method: ProportionMethod = "wilson", level: float = 0.95
) -> Estimate:
    """Proportion ``successes / n`` with its interval; NaN when ``n`` is 0."""
    if method not in PROPORTION_METHODS:
        raise ValueError(f"method must be one of {PROPORTION_METHODS}, got {method!r}")
    if n == 0:
        return undefined(level)
    interval = wilson_interval if method == "wilson" else clopper_pearson_interval
    lower, upper = interval(successes, n, level)
    return Estimate(successes / n, lower, upper, level)


def mover_difference(first: Estimate, second: Estimate) -> Estimate:
    """Interval for ``first - second`` of two independent proportions (Newcombe 1998b).

    Square-and-add of the distances from each estimate to its own limits; with Wilson
    limits this is Newcombe's method 10.
    """
    difference = first.value - second.value
    below = math.hypot(first.value - first.lower, second.upper - second.value)
    above = math.hypot(first.upper - first.value, second.value - second.lower)
    return Estimate(difference, difference - below, difference + above, first.level)


def _check_counts(successes: int, n: int) -> None:
    if n <= 0:
        raise ValueError(f"the number of trials must be positive, got {n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie between 0 and {n}, got {successes}")
