"""Intraclass correlation coefficients: the six Shrout & Fleiss (1979) forms.

Conventions
-----------
* ``ratings`` is a complete subjects x raters matrix (n subjects, k raters, each rater
  rating every subject once). Missing values and ragged rows are refused: the ANOVA
  estimators and their F intervals below hold only for balanced data.
* Forms, with the McGraw & Wong (1996) names:
  ICC(1,1) = ICC(1) one-way random, single rater;
  ICC(2,1) = ICC(A,1) two-way random, absolute agreement, single rater;
  ICC(3,1) = ICC(C,1) two-way mixed, consistency, single rater;
  ICC(1,k), ICC(2,k) = ICC(A,k), ICC(3,k) = ICC(C,k) are the same for the mean of k raters.
* F tests of ICC = 0: ``MSR / MSW`` on (n - 1, n(k - 1)) df for the one-way forms and
  ``MSR / MSE`` on (n - 1, (n - 1)(k - 1)) df for the two-way forms.
* Confidence intervals follow McGraw & Wong (1996, Tables 7 and 8). For the absolute-
  agreement forms the Satterthwaite degrees of freedom ``v`` are computed from the
  single-rater ICC(A,1) for both ICC(A,1) and ICC(A,k), so the ICC(A,k) limits are the
  Spearman-Brown step-up of the ICC(A,1) limits. This matches R's ``psych::ICC`` and
  pingouin; software that plugs ICC(A,k) into ``v`` gives slightly different limits.
  RadCollab prefers the single-``v`` form because the average-measure ICC is then a
  monotone transform of the single-measure one, interval included.
* Estimates are not truncated at 0: a negative ICC is reported as computed. When raters
  disagree more than subjects differ (F <= 1), two quantities can leave their domain and
  are then reported as NaN rather than as a meaningless number: ICC(A,k) when
  ``MSR + (MSC - MSE) / n <= 0``, and a Spearman-Brown limit of ICC(A,k) whose
  single-rater limit is at or below ``-1 / (k - 1)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from stats.core._checks import FloatArray, check_level


@dataclass(frozen=True)
class MeanSquares:
    """Two-way ANOVA mean squares: subjects (rows), within subjects, raters, residual."""

    rows: float
    within: float
    raters: float
    error: float


@dataclass(frozen=True)
class Icc:
    """One ICC form with its F test of ICC = 0 and confidence interval."""

    form: str
    mcgraw_wong: str
    value: float
    lower: float
    upper: float
    level: float
    f: float
    df1: float
    df2: float
    p_value: float


@dataclass(frozen=True)
class IccAnalysis:
    """All six Shrout-Fleiss ICC forms from one subjects x raters matrix."""

    n_subjects: int
    n_raters: int
    mean_squares: MeanSquares
    icc1_1: Icc
    icc2_1: Icc
    icc3_1: Icc
    icc1_k: Icc
    icc2_k: Icc
    icc3_k: Icc

    @property
    def forms(self) -> tuple[Icc, ...]:
        return (self.icc1_1, self.icc2_1, self.icc3_1, self.icc1_k, self.icc2_k, self.icc3_k)


def intraclass_correlations(ratings: object, *, level: float = 0.95) -> IccAnalysis:
    """All six ICC forms of a complete subjects x raters matrix; see module conventions."""
    check_level(level)
    matrix = _checked_matrix(ratings)
    n, k = matrix.shape
    ms = mean_squares(matrix)
    _check_not_degenerate(ms)
    one_way = _one_way(ms, n, k, level)
    consistency = _consistency(ms, n, k, level)
    agreement = _agreement(ms, n, k, level)
    return IccAnalysis(
        n, k, ms, one_way[0], agreement[0], consistency[0], one_way[1], agreement[1], consistency[1]
    )


def mean_squares(matrix: FloatArray) -> MeanSquares:
    """Mean squares of the two-way ANOVA without replication (Shrout & Fleiss Table 1)."""
    n, k = matrix.shape
    grand = matrix.mean()
    ss_rows = k * np.sum((matrix.mean(axis=1) - grand) ** 2)
    ss_raters = n * np.sum((matrix.mean(axis=0) - grand) ** 2)
    ss_total = np.sum((matrix - grand) ** 2)
    ss_error = ss_total - ss_rows - ss_raters
    return MeanSquares(
        rows=float(ss_rows / (n - 1)),
        within=float((ss_total - ss_rows) / (n * (k - 1))),
        raters=float(ss_raters / (k - 1)),
        error=float(ss_error / ((n - 1) * (k - 1))),
    )


@dataclass(frozen=True)
class _FTest:
    f: float
    df1: float
    df2: float
    p_value: float


def _f_test(numerator: float, denominator: float, df1: float, df2: float) -> _FTest:
    f = numerator / denominator
    return _FTest(f, df1, df2, float(sps.f.sf(f, df1, df2)))


def _icc(
    names: tuple[str, str], value: float, limits: tuple[float, float], test: _FTest, level: float
) -> Icc:
    lower, upper = limits
    return Icc(*names, value, lower, upper, level, test.f, test.df1, test.df2, test.p_value)


def _one_way(ms: MeanSquares, n: int, k: int, level: float) -> tuple[Icc, Icc]:
    test = _f_test(ms.rows, ms.within, n - 1, n * (k - 1))
    names = (("ICC(1,1)", "ICC(1)"), ("ICC(1,k)", "ICC(k)"))
    return _f_only_forms(names, ms.rows, ms.within, k, test, level)


def _consistency(ms: MeanSquares, n: int, k: int, level: float) -> tuple[Icc, Icc]:
    test = _f_test(ms.rows, ms.error, n - 1, (n - 1) * (k - 1))
    names = (("ICC(3,1)", "ICC(C,1)"), ("ICC(3,k)", "ICC(C,k)"))
    return _f_only_forms(names, ms.rows, ms.error, k, test, level)


def _f_only_forms(
    names: tuple[tuple[str, str], tuple[str, str]],
    between: float,
    residual: float,
    k: int,
    test: _FTest,
    level: float,
) -> tuple[Icc, Icc]:
    """Single and average forms whose estimate and limits depend on one F ratio only."""
    low, high = _f_bounds(test, level)
    single_value = (between - residual) / (between + (k - 1) * residual)
    single_limits = ((low - 1) / (low + k - 1), (high - 1) / (high + k - 1))
    single = _icc(names[0], single_value, single_limits, test, level)
    average_value = (between - residual) / between
    average = _icc(names[1], average_value, (1 - 1 / low, 1 - 1 / high), test, level)
    return single, average


def _agreement(ms: MeanSquares, n: int, k: int, level: float) -> tuple[Icc, Icc]:
    test = _f_test(ms.rows, ms.error, n - 1, (n - 1) * (k - 1))
    rater_term = (ms.raters - ms.error) / n
    single_value = (ms.rows - ms.error) / (ms.rows + (k - 1) * ms.error + k * rater_term)
    lower, upper = _agreement_limits(ms, n, k, single_value, level)
    single = _icc(("ICC(2,1)", "ICC(A,1)"), single_value, (lower, upper), test, level)
    average_value = _undefined_unless_positive(ms.rows - ms.error, ms.rows + rater_term)
    average_limits = (_spearman_brown(lower, k), _spearman_brown(upper, k))
    average = _icc(("ICC(2,k)", "ICC(A,k)"), average_value, average_limits, test, level)
    return single, average


def _agreement_limits(
    ms: MeanSquares, n: int, k: int, icc: float, level: float
) -> tuple[float, float]:
    """McGraw & Wong (1996) limits for ICC(A,1) with Satterthwaite degrees of freedom."""
    a = k * icc / (n * (1 - icc))
    b = 1 + k * icc * (n - 1) / (n * (1 - icc))
    v = (a * ms.raters + b * ms.error) ** 2 / (
        (a * ms.raters) ** 2 / (k - 1) + (b * ms.error) ** 2 / ((n - 1) * (k - 1))
    )
    tail = 1 - (1 - level) / 2
    f_star = float(sps.f.ppf(tail, n - 1, v))
    f_star2 = float(sps.f.ppf(tail, v, n - 1))
    spread = k * ms.raters + (k * n - k - n) * ms.error
    lower = n * (ms.rows - f_star * ms.error) / (f_star * spread + n * ms.rows)
    upper = n * (f_star2 * ms.rows - ms.error) / (spread + n * f_star2 * ms.rows)
    return lower, upper


def _f_bounds(test: _FTest, level: float) -> tuple[float, float]:
    tail = 1 - (1 - level) / 2
    return (
        test.f / float(sps.f.ppf(tail, test.df1, test.df2)),
        test.f * float(sps.f.ppf(tail, test.df2, test.df1)),
    )


def _spearman_brown(single: float, k: int) -> float:
    return _undefined_unless_positive(k * single, 1 + (k - 1) * single)


def _undefined_unless_positive(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def _checked_matrix(ratings: object) -> FloatArray:
    if isinstance(ratings, np.ndarray) and ratings.ndim == 2:
        # An array is already rectangular: check it as it is, without Python lists.
        return _checked_array(ratings)
    rows = _rows(ratings)
    if len(rows) < 2:
        raise ValueError(f"ICC needs at least two subjects (rows), got {len(rows)}")
    width = len(rows[0])
    for index, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(
                f"ratings are unbalanced: subject row {index} has {len(row)} ratings, "
                f"row 0 has {width}; ICC needs every rater to rate every subject"
            )
    return _checked_array(rows)


def _checked_array(rows: object) -> FloatArray:
    try:
        matrix = np.asarray(rows, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("ratings must be numbers (use NaN for none; it is refused)") from None
    if matrix.shape[0] < 2:
        raise ValueError(f"ICC needs at least two subjects (rows), got {matrix.shape[0]}")
    _check_complete(matrix)
    return matrix


def _rows(ratings: object) -> list[list[float]]:
    if isinstance(ratings, np.ndarray) and ratings.ndim == 2:
        return [list(row) for row in ratings]
    if not isinstance(ratings, list | tuple):
        raise ValueError("ratings must be a subjects x raters matrix (rows of ratings)")
    return [list(row) for row in ratings]


def _check_complete(matrix: FloatArray) -> None:
    if matrix.shape[1] < 2:
        raise ValueError(f"ICC needs at least two raters (columns), got {matrix.shape[1]}")
    missing = np.argwhere(~np.isfinite(matrix))
    if missing.size:
        row, column = (int(i) for i in missing[0])
        raise ValueError(
            f"ratings has a missing value at subject row {row}, rater column {column}; "
            "ICC needs complete data"
        )


def _check_not_degenerate(ms: MeanSquares) -> None:
    # Relative tolerance: sums of squares of exactly tied data come out as ~1e-16, not 0.
    tolerance = 1e-12 * max(ms.rows, ms.within, ms.raters, ms.error, 1e-300)
    if ms.rows <= tolerance:
        raise ValueError(
            "ICC is undefined: every subject has the same mean rating "
            "(the between-subjects mean square is zero)"
        )
    if ms.error <= tolerance:
        raise ValueError(
            "ICC is undefined: the residual mean square is zero (the raters' ratings differ "
            "only by a constant), so the F tests and intervals cannot be computed"
        )
