"""Empirical ROC analysis: curve, AUC with DeLong variance, comparisons, Youden threshold.

Conventions
-----------
* A higher score means "more likely diseased"; a case is called positive when its score is
  at or above the threshold. Reverse a rating scale (negate it) if it runs the other way.
* The AUC is the empirical (trapezoidal) area, which equals the Mann-Whitney statistic
  ``U / (n1 * n0)`` with ties between a diseased and a non-diseased case counted as 1/2.
* Its variance is DeLong, DeLong & Clarke-Pearson (1988), computed with the O(n log n)
  midrank algorithm of Sun & Xu (2014), which handles ties exactly. RadCollab uses DeLong
  rather than Hanley & McNeil (1982) for analysis because DeLong is nonparametric and
  gives the covariance needed to compare tests read on the same cases; the Hanley-McNeil
  standard error (which assumes exponential score distributions) is kept only for
  planning sample sizes (``hanley_mcneil_se``).
* The AUC interval is ``AUC +/- z * SE`` clipped to [0, 1] by default, or, with
  ``transform="logit"``, computed on the logit scale (delta method) and transformed back,
  which keeps it inside (0, 1) and makes it asymmetric near the bounds. An AUC of exactly
  0 or 1 has zero DeLong variance and its interval collapses to the point.
* DeLong needs at least two diseased and two non-diseased cases (the variance of the
  structural components has ``n - 1`` in its denominator).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from stats.core._checks import (
    BoolArray,
    FloatArray,
    as_binary_vector,
    as_float_vector,
    check_same_length,
)
from stats.core.intervals import z_critical

AucTransform = Literal["none", "logit"]


@dataclass(frozen=True)
class RocCurve:
    """Empirical ROC points, from the origin (threshold ``+inf``) to (1, 1)."""

    thresholds: FloatArray
    fpr: FloatArray
    tpr: FloatArray


@dataclass(frozen=True)
class AucResult:
    """Empirical AUC with its DeLong standard error and confidence interval."""

    auc: float
    se: float
    lower: float
    upper: float
    level: float
    transform: AucTransform
    n_positive: int
    n_negative: int


@dataclass(frozen=True)
class AucComparison:
    """Difference ``auc_first - auc_second`` with its CI and two-sided z test."""

    auc_first: float
    auc_second: float
    difference: float
    se: float
    lower: float
    upper: float
    level: float
    z: float
    p_value: float
    correlation: float


@dataclass(frozen=True)
class YoudenThreshold:
    """The threshold maximising Youden's J = sensitivity + specificity - 1."""

    threshold: float
    sensitivity: float
    specificity: float
    youden_j: float


def roc_curve(scores: ArrayLike, truth: ArrayLike) -> RocCurve:
    """Empirical ROC curve with one point per distinct score, highest threshold first."""
    values, labels = _checked_scores(scores, truth, minimum_per_class=1)
    order = np.argsort(-values, kind="stable")
    sorted_values, sorted_labels = values[order], labels[order]
    true_positives = np.cumsum(sorted_labels)
    false_positives = np.cumsum(~sorted_labels)
    last_of_each_score = np.r_[np.flatnonzero(np.diff(sorted_values)), values.size - 1]
    return RocCurve(
        thresholds=np.r_[np.inf, sorted_values[last_of_each_score]],
        fpr=np.r_[0.0, false_positives[last_of_each_score] / np.sum(~labels)],
        tpr=np.r_[0.0, true_positives[last_of_each_score] / np.sum(labels)],
    )


def youden_optimal_threshold(scores: ArrayLike, truth: ArrayLike) -> YoudenThreshold:
    """Threshold with the largest Youden's J; ties go to the highest (most specific) one."""
    curve = roc_curve(scores, truth)
    # The origin (call nobody positive) is not a usable threshold, so it is skipped.
    youden = curve.tpr[1:] - curve.fpr[1:]
    best = int(np.argmax(youden)) + 1
    return YoudenThreshold(
        threshold=float(curve.thresholds[best]),
        sensitivity=float(curve.tpr[best]),
        specificity=float(1.0 - curve.fpr[best]),
        youden_j=float(youden[best - 1]),
    )


def auc_delong(
    scores: ArrayLike,
    truth: ArrayLike,
    *,
    level: float = 0.95,
    transform: AucTransform = "none",
) -> AucResult:
    """Empirical AUC with DeLong variance (Sun & Xu 2014 fast algorithm) and its CI."""
    values, labels = _checked_scores(scores, truth, minimum_per_class=2)
    aucs, covariance = _delong(values[np.newaxis, :], labels)
    auc, se = float(aucs[0]), math.sqrt(covariance[0, 0])
    lower, upper = _auc_interval(auc, se, level, transform)
    n_positive = int(labels.sum())
    return AucResult(auc, se, lower, upper, level, transform, n_positive, labels.size - n_positive)


def delong_paired_test(
    scores_first: ArrayLike, scores_second: ArrayLike, truth: ArrayLike, *, level: float = 0.95
) -> AucComparison:
    """DeLong test of two tests (or readers) scored on the same cases.

    The difference's variance uses the covariance of the two AUCs estimated from their
    structural components (DeLong et al. 1988).
    """
    first, labels = _checked_scores(scores_first, truth, minimum_per_class=2)
    second, _ = _checked_scores(scores_second, truth, minimum_per_class=2)
    aucs, cov = _delong(np.vstack([first, second]), labels)
    variance = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    correlation = _correlation(cov[0, 0], cov[1, 1], cov[0, 1])
    return _comparison(float(aucs[0]), float(aucs[1]), variance, correlation, level)


def compare_independent_aucs(
    first: AucResult, second: AucResult, *, level: float = 0.95
) -> AucComparison:
    """z test of two AUCs from independent samples: variances add, covariance is 0."""
    variance = first.se**2 + second.se**2
    return _comparison(first.auc, second.auc, variance, 0.0, level)


def hanley_mcneil_se(auc: float, n_positive: int, n_negative: int) -> float:
    """Hanley & McNeil (1982) standard error of an AUC; used for planning, not analysis."""
    q1 = auc / (2 - auc)
    q2 = 2 * auc * auc / (1 + auc)
    variance = (
        auc * (1 - auc) + (n_positive - 1) * (q1 - auc * auc) + (n_negative - 1) * (q2 - auc * auc)
    ) / (n_positive * n_negative)
    return math.sqrt(variance)


def _delong(scores: FloatArray, labels: BoolArray) -> tuple[FloatArray, FloatArray]:
    """AUCs and their DeLong covariance for the rows of ``scores`` (Sun & Xu 2014).

    The structural components are placement values: ``V10`` is the share of non-diseased
    cases scoring below a diseased case and ``V01`` the share of diseased cases scoring
    above a non-diseased one, ties counting 1/2; the AUC is the mean of ``V10``. Each class
    is sorted once; the variance of one AUC does not depend on the order of the components,
    but a covariance needs them paired case by case, so two or more rows keep case order.
    """
    keep_case_order = scores.shape[0] > 1
    healthy = ~labels
    v10_rows, v01_rows = [], []
    for row in scores:
        # np.compress is several times faster than boolean indexing on a million cases.
        v10, v01 = _placements(np.compress(labels, row), np.compress(healthy, row), keep_case_order)
        v10_rows.append(v10)
        v01_rows.append(v01)
    v10s, v01s = np.array(v10_rows), np.array(v01_rows)
    n1, n0 = v10s.shape[1], v01s.shape[1]
    covariance = np.atleast_2d(np.cov(v10s)) / n1 + np.atleast_2d(np.cov(v01s)) / n0
    return v10s.mean(axis=1), covariance


def _placements(
    positives: FloatArray, negatives: FloatArray, keep_case_order: bool
) -> tuple[FloatArray, FloatArray]:
    """``V10`` of the diseased and ``V01`` of the non-diseased cases.

    Two binary searches place the sorted diseased scores among the sorted non-diseased
    ones; the non-diseased placements then follow by counting, because both are sorted.
    The arrays are fresh copies, so they are sorted in place and the arithmetic reuses
    its buffers: at a million cases, allocating (and first touching) temporaries costs
    as much as the searches.
    """
    if keep_case_order:
        pos_order, neg_order = np.argsort(positives), np.argsort(negatives)
        pos_sorted, neg_sorted = positives[pos_order], negatives[neg_order]
    else:
        positives.sort()
        negatives.sort()
        pos_sorted, neg_sorted = positives, negatives
    n1, n0 = pos_sorted.size, neg_sorted.size
    below = np.searchsorted(neg_sorted, pos_sorted, "left")
    at_or_below = np.searchsorted(neg_sorted, pos_sorted, "right")
    # Diseased below non-diseased j: those with at_or_below <= j; at or below: below <= j.
    diseased_below = np.bincount(at_or_below, minlength=n0 + 1)[:n0]
    diseased_below += np.bincount(below, minlength=n0 + 1)[:n0]
    np.cumsum(diseased_below, out=diseased_below)
    below += at_or_below
    v10 = np.divide(below, 2.0 * n0)
    v01 = np.divide(diseased_below, -2.0 * n1)
    v01 += 1.0
    if not keep_case_order:
        return v10, v01
    v10_by_case, v01_by_case = np.empty_like(v10), np.empty_like(v01)
    v10_by_case[pos_order], v01_by_case[neg_order] = v10, v01
    return v10_by_case, v01_by_case


def _auc_interval(
    auc: float, se: float, level: float, transform: AucTransform
) -> tuple[float, float]:
    z = z_critical(level)
    if transform == "none":
        return max(0.0, auc - z * se), min(1.0, auc + z * se)
    if transform != "logit":
        raise ValueError(f"transform must be 'none' or 'logit', got {transform!r}")
    if auc in (0.0, 1.0):
        return auc, auc
    centre, half = math.log(auc / (1 - auc)), z * se / (auc * (1 - auc))
    return _expit(centre - half), _expit(centre + half)


def _comparison(
    auc_first: float, auc_second: float, variance: float, correlation: float, level: float
) -> AucComparison:
    if not variance > 0:
        raise ValueError(
            "the AUC difference has zero variance (identical or perfectly separating "
            "scores), so the z test is undefined"
        )
    difference, se = auc_first - auc_second, math.sqrt(variance)
    z, half = difference / se, z_critical(level) * se
    p_value = float(2 * sps.norm.sf(abs(z)))
    return AucComparison(
        auc_first,
        auc_second,
        difference,
        se,
        difference - half,
        difference + half,
        level,
        z,
        p_value,
        correlation,
    )


def _correlation(variance_first: float, variance_second: float, covariance: float) -> float:
    if variance_first > 0 and variance_second > 0:
        return float(covariance / math.sqrt(variance_first * variance_second))
    return math.nan


def _expit(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def _checked_scores(
    scores: ArrayLike, truth: ArrayLike, *, minimum_per_class: int
) -> tuple[FloatArray, BoolArray]:
    labels = as_binary_vector("truth", truth)
    values = as_float_vector("scores", scores)
    check_same_length(("scores", "truth"), values, labels)
    positives = int(labels.sum())
    for name, count in (
        ("diseased (truth = 1)", positives),
        ("non-diseased (truth = 0)", labels.size - positives),
    ):
        if count < minimum_per_class:
            raise ValueError(
                f"ROC analysis needs at least {minimum_per_class} {name} case(s), got {count}"
            )
    return values, labels
