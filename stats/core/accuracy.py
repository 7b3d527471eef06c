"""Diagnostic accuracy of an index test against a reference standard.

Conventions
-----------
* The 2x2 table is ``tp, fp, fn, tn``: rows are the index test (positive, negative),
  columns the reference standard (diseased, not diseased).
* Sensitivity, specificity, PPV, NPV, accuracy and prevalence are binomial proportions
  with a Wilson score (default) or Clopper-Pearson exact interval. PPV, NPV and
  prevalence are only meaningful when the sample prevalence reflects the target
  population (a cohort, not a case-control sample). A proportion whose denominator is
  empty (PPV when no test is positive) is undefined and reported as NaN.
* LR+ and LR- use the log method of Simel, Samsa & Matchar (1991); the diagnostic odds
  ratio uses the Woolf log-odds-ratio standard error ``sqrt(1/tp + 1/fp + 1/fn + 1/tn)``.
* Zero cells: a ratio needs nonzero cells in its own numerator and denominator (LR+: tp
  and fp; LR-: fn and tn; DOR: all four). When one of them is zero, 0.5 is added to all
  four cells for that ratio only (Haldane-Anscombe) and the estimate is flagged
  ``corrected=True``. Proportions are never corrected. No result is ever infinite.
* Youden's J = sensitivity + specificity - 1 is a difference between two independent
  proportions (sensitivity and the false-positive rate), so its interval is Newcombe's
  hybrid score interval (MOVER, Newcombe 1998b method 10) built from the chosen
  single-proportion intervals. It stays within [-1, 1] and behaves well near the bounds,
  unlike the Wald interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from stats.core._checks import as_binary_vector, check_same_length
from stats.core.intervals import (
    Estimate,
    ProportionMethod,
    mover_difference,
    proportion,
    z_critical,
)

HALDANE_ANSCOMBE = 0.5


@dataclass(frozen=True)
class TwoByTwo:
    """Counts of an index test against a reference standard."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def diseased(self) -> int:
        return self.tp + self.fn

    @property
    def healthy(self) -> int:
        return self.fp + self.tn

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


@dataclass(frozen=True)
class DiagnosticAccuracy:
    """Accuracy statistics of one index test, each with its confidence interval."""

    table: TwoByTwo
    method: ProportionMethod
    level: float
    sensitivity: Estimate
    specificity: Estimate
    ppv: Estimate
    npv: Estimate
    accuracy: Estimate
    prevalence: Estimate
    lr_positive: Estimate
    lr_negative: Estimate
    diagnostic_odds_ratio: Estimate
    youden_j: Estimate


def diagnostic_accuracy(
    tp: int,
    fp: int,
    fn: int,
    tn: int,
    *,
    method: ProportionMethod = "wilson",
    level: float = 0.95,
) -> DiagnosticAccuracy:
    """Accuracy statistics from a 2x2 table; see the module docstring for conventions.

    Both reference classes must be present: sensitivity needs a diseased case and
    specificity a non-diseased one.
    """
    table = _checked_table(tp, fp, fn, tn)
    sensitivity = proportion(tp, table.diseased, method=method, level=level)
    specificity = proportion(tn, table.healthy, method=method, level=level)
    false_positive_rate = proportion(fp, table.healthy, method=method, level=level)
    return DiagnosticAccuracy(
        table=table,
        method=method,
        level=level,
        sensitivity=sensitivity,
        specificity=specificity,
        ppv=proportion(tp, tp + fp, method=method, level=level),
        npv=proportion(tn, tn + fn, method=method, level=level),
        accuracy=proportion(tp + tn, table.total, method=method, level=level),
        prevalence=proportion(table.diseased, table.total, method=method, level=level),
        lr_positive=likelihood_ratio(tp, table.diseased, fp, table.healthy, level=level),
        lr_negative=likelihood_ratio(fn, table.diseased, tn, table.healthy, level=level),
        diagnostic_odds_ratio=diagnostic_odds_ratio(tp, fp, fn, tn, level=level),
        youden_j=mover_difference(sensitivity, false_positive_rate),
    )


def diagnostic_accuracy_from_columns(
    index_positive: ArrayLike,
    reference_positive: ArrayLike,
    *,
    method: ProportionMethod = "wilson",
    level: float = 0.95,
) -> DiagnosticAccuracy:
    """Accuracy statistics from paired boolean (or 0/1) columns, one entry per case."""
    index = as_binary_vector("index_positive", index_positive)
    reference = as_binary_vector("reference_positive", reference_positive)
    check_same_length(("index_positive", "reference_positive"), index, reference)
    return diagnostic_accuracy(
        int(np.sum(index & reference)),
        int(np.sum(index & ~reference)),
        int(np.sum(~index & reference)),
        int(np.sum(~index & ~reference)),
        method=method,
        level=level,
    )


def likelihood_ratio(
    hits: int, diseased: int, false_hits: int, healthy: int, *, level: float = 0.95
) -> Estimate:
    """``(hits/diseased) / (false_hits/healthy)`` with the Simel et al. (1991) log interval.

    For LR+ pass (tp, tp + fn, fp, fp + tn); for LR- pass (fn, tp + fn, tn, fp + tn).
    """
    corrected = hits == 0 or false_hits == 0
    if corrected:
        # Adding 0.5 to each of the four cells adds 1 to each column total.
        hits_, diseased_ = hits + HALDANE_ANSCOMBE, diseased + 2 * HALDANE_ANSCOMBE
        false_, healthy_ = false_hits + HALDANE_ANSCOMBE, healthy + 2 * HALDANE_ANSCOMBE
    else:
        hits_, diseased_, false_, healthy_ = hits, diseased, false_hits, healthy
    log_ratio = math.log((hits_ / diseased_) / (false_ / healthy_))
    se = math.sqrt(1 / hits_ - 1 / diseased_ + 1 / false_ - 1 / healthy_)
    return _exp_interval(log_ratio, se, level, corrected)


def diagnostic_odds_ratio(tp: int, fp: int, fn: int, tn: int, *, level: float = 0.95) -> Estimate:
    """``(tp * tn) / (fp * fn)`` with the log (Woolf) interval; see module docstring."""
    cells = (tp, fp, fn, tn)
    corrected = 0 in cells
    a, b, c, d = (cell + HALDANE_ANSCOMBE if corrected else cell for cell in cells)
    log_ratio = math.log((a * d) / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return _exp_interval(log_ratio, se, level, corrected)


def _exp_interval(log_value: float, se: float, level: float, corrected: bool) -> Estimate:
    z = z_critical(level)
    return Estimate(
        math.exp(log_value),
        math.exp(log_value - z * se),
        math.exp(log_value + z * se),
        level,
        corrected,
    )


def _checked_table(tp: int, fp: int, fn: int, tn: int) -> TwoByTwo:
    for name, cell in (("tp", tp), ("fp", fp), ("fn", fn), ("tn", tn)):
        if isinstance(cell, bool) or int(cell) != cell:
            raise ValueError(f"{name} must be a whole number, got {cell!r}")
        if cell < 0:
            raise ValueError(f"{name} must not be negative, got {cell}")
    table = TwoByTwo(int(tp), int(fp), int(fn), int(tn))
    if table.diseased == 0:
        raise ValueError("the reference standard has no positive case (tp + fn = 0)")
    if table.healthy == 0:
        raise ValueError("the reference standard has no negative case (fp + tn = 0)")
    return table
