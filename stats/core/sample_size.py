"""Sample sizes for planning accuracy and agreement studies.

Conventions
-----------
* Every result is rounded up to whole subjects. ``level`` and ``alpha`` use the exact
  normal quantiles (1.959964 for 95%), so a result can be a subject below a table that
  used 1.96.
* Sensitivity and specificity: Buderer (1996). The number with the condition needed for
  a CI half-width ``d`` is ``z^2 Se (1 - Se) / d^2``; dividing by the prevalence gives the
  total to recruit (for specificity use those without the condition and ``1 - prevalence``).
  The total is rounded up from Buderer's unrounded formula.
* AUC: precision approach with the Hanley & McNeil (1982) standard error. RadCollab plans
  an AUC by the CI half-width it should have, as for sensitivity, rather than by power
  against AUC = 0.5, because a test worth studying almost always beats chance and the
  width is what readers of the report will judge. Returns the smallest number of
  diseased cases (and non-diseased ones in the ratio set by the prevalence) for which
  ``z * SE_HM <= d``.
* Cohen's kappa, two raters, binary rating: Cantor (1996). The variances under the null
  ``kappa0`` and the alternative ``kappa1`` are the Fleiss, Cohen & Everitt (1969)
  large-sample variances of the 2x2 table implied by each kappa and the raters'
  marginal proportions of positive ratings; the test is two-sided at ``alpha``.
* ICC: Bonett (2002) for a CI of full width ``2 d`` around an expected ICC with ``k``
  raters, ``n = 8 z^2 (1 - rho)^2 (1 + (k - 1) rho)^2 / (k (k - 1) (2d)^2) + 1``. It is a
  closed form, derived for the one-way ICC and close for the two-way forms; preferred
  over Walter, Eliasziw & Donner (1998), which plans a test rather than a width.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from stats.core._checks import check_positive, check_probability
from stats.core.agreement import agreement_weights, fce_standard_errors
from stats.core.intervals import z_critical
from stats.core.roc import hanley_mcneil_se

# Floating-point residue (e.g. 100.00000000000001) must not add a whole subject.
ROUNDING_SLACK = 1e-9


@dataclass(frozen=True)
class AccuracySampleSize:
    """Buderer sample size for estimating sensitivity or specificity."""

    statistic: str
    expected: float
    half_width: float
    prevalence: float
    level: float
    n_in_class: int
    n_total: int


@dataclass(frozen=True)
class AucSampleSize:
    """Cases needed for an AUC CI of the given half-width (Hanley-McNeil SE)."""

    expected_auc: float
    half_width: float
    prevalence: float
    level: float
    n_positive: int
    n_negative: int
    n_total: int


@dataclass(frozen=True)
class KappaSampleSize:
    """Subjects needed to test kappa1 against kappa0 (Cantor 1996)."""

    kappa0: float
    kappa1: float
    alpha: float
    power: float
    n: int


@dataclass(frozen=True)
class IccSampleSize:
    """Subjects needed for an ICC CI of the given half-width (Bonett 2002)."""

    expected_icc: float
    n_raters: int
    half_width: float
    level: float
    n: int


def sensitivity_sample_size(
    expected: float, half_width: float, prevalence: float, *, level: float = 0.95
) -> AccuracySampleSize:
    """Buderer (1996): subjects to recruit to estimate sensitivity to +/- ``half_width``."""
    return _buderer("sensitivity", expected, half_width, prevalence, prevalence, level)


def specificity_sample_size(
    expected: float, half_width: float, prevalence: float, *, level: float = 0.95
) -> AccuracySampleSize:
    """Buderer (1996): subjects to recruit to estimate specificity to +/- ``half_width``."""
    return _buderer("specificity", expected, half_width, prevalence, 1 - prevalence, level)


def auc_sample_size(
    expected_auc: float, half_width: float, prevalence: float = 0.5, *, level: float = 0.95
) -> AucSampleSize:
    """Smallest sample whose Hanley-McNeil AUC CI has at most the given half-width."""
    if not 0.5 <= expected_auc < 1:
        raise ValueError(f"expected_auc must lie in [0.5, 1), got {expected_auc}")
    check_probability("half_width", half_width)
    check_probability("prevalence", prevalence)
    z, ratio = z_critical(level), (1 - prevalence) / prevalence

    def negatives(positives: int) -> int:
        return max(2, _whole(positives * ratio))

    def precise_enough(positives: int) -> bool:
        return z * hanley_mcneil_se(expected_auc, positives, negatives(positives)) <= half_width

    n_positive = _smallest(precise_enough)
    n_negative = negatives(n_positive)
    return AucSampleSize(
        expected_auc, half_width, prevalence, level, n_positive, n_negative, n_positive + n_negative
    )


def kappa_sample_size(
    kappa0: float,
    kappa1: float,
    positive_rate_a: float,
    positive_rate_b: float | None = None,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> KappaSampleSize:
    """Cantor (1996): subjects to detect kappa1 versus kappa0 for a binary rating.

    ``positive_rate_a`` and ``positive_rate_b`` are the proportions of subjects each rater
    is expected to call positive (the second defaults to the first).
    """
    check_probability("alpha", alpha)
    check_probability("power", power)
    if kappa1 == kappa0:
        raise ValueError("kappa1 must differ from kappa0")
    rate_b = positive_rate_a if positive_rate_b is None else positive_rate_b
    q0 = _kappa_unit_sd(kappa0, positive_rate_a, rate_b)
    q1 = _kappa_unit_sd(kappa1, positive_rate_a, rate_b)
    z_alpha, z_beta = float(sps.norm.ppf(1 - alpha / 2)), float(sps.norm.ppf(power))
    n = ((z_alpha * q0 + z_beta * q1) / (kappa1 - kappa0)) ** 2
    return KappaSampleSize(kappa0, kappa1, alpha, power, _whole(n))


def icc_sample_size(
    expected_icc: float, n_raters: int, half_width: float, *, level: float = 0.95
) -> IccSampleSize:
    """Bonett (2002): subjects for an ICC interval of half-width ``half_width``."""
    check_probability("expected_icc", expected_icc)
    check_probability("half_width", half_width)
    if n_raters < 2:
        raise ValueError(f"n_raters must be at least 2, got {n_raters}")
    z, k, rho, width = z_critical(level), n_raters, expected_icc, 2 * half_width
    n = 8 * z**2 * (1 - rho) ** 2 * (1 + (k - 1) * rho) ** 2 / (k * (k - 1) * width**2) + 1
    return IccSampleSize(expected_icc, n_raters, half_width, level, _whole(n))


def _buderer(
    statistic: str,
    expected: float,
    half_width: float,
    prevalence: float,
    share: float,
    level: float,
) -> AccuracySampleSize:
    check_probability(statistic, expected)
    check_positive("half_width", half_width)
    check_probability("prevalence", prevalence)
    in_class = z_critical(level) ** 2 * expected * (1 - expected) / half_width**2
    return AccuracySampleSize(
        statistic,
        expected,
        half_width,
        prevalence,
        level,
        _whole(in_class),
        _whole(in_class / share),
    )


def _kappa_unit_sd(kappa: float, rate_a: float, rate_b: float) -> float:
    """sqrt(n * Var(kappa)) for the 2x2 table implied by ``kappa`` and the marginals."""
    check_probability("positive rate", rate_a)
    check_probability("positive rate", rate_b)
    expected = rate_a * rate_b + (1 - rate_a) * (1 - rate_b)
    observed = kappa * (1 - expected) + expected
    both = (observed - 1 + rate_a + rate_b) / 2
    table = np.array([[both, rate_a - both], [rate_b - both, 1 - rate_a - rate_b + both]])
    if (table < -1e-12).any() or observed > 1:
        raise ValueError(f"kappa {kappa} cannot occur with positive rates {rate_a} and {rate_b}")
    se, _ = fce_standard_errors(
        np.clip(table, 0, 1), agreement_weights(2, "none"), kappa, expected, 1
    )
    return se


def _smallest(satisfied: Callable[[int], bool]) -> int:
    """Smallest integer >= 2 for which the monotone predicate ``satisfied`` holds."""
    high = 2
    while not satisfied(high):
        high *= 2
    low = max(2, high // 2)
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if satisfied(middle) else (middle + 1, high)
    return high


def _whole(value: float) -> int:
    return math.ceil(value - ROUNDING_SLACK)
