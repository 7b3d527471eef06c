"""Agreement between raters on categorical scales.

Conventions
-----------
* Cohen's kappa uses agreement weights ``w_ij`` (1 on the diagonal): unweighted (identity),
  linear ``1 - |i - j| / (k - 1)`` or quadratic ``1 - (i - j)^2 / (k - 1)^2``, where
  ``i, j`` are positions in the ordered category list and ``k`` its length.
* Categories: when ``categories`` is given, its order is the ordinal order and every listed
  category takes part even if no rater used it, so weights are distances on the declared
  scale. This is the convention of scikit-learn (``labels=``) and of statsmodels (a table
  with an empty row and column); tools that build the scale from the observed values (R's
  ``irr::kappa2``, for example) leave an unused category out. RadCollab keeps it because
  the scale belongs to the study's data dictionary, not to whichever values happen to
  occur. Without ``categories`` the scale is the sorted set of observed
  values. A rating outside the declared categories is refused. An unused category never
  changes unweighted kappa; for linear or quadratic weights it changes kappa only when it
  lies between used categories (it stretches their distances), because an unused end
  category merely rescales all disagreement weights, which kappa ignores.
* Standard errors are the large-sample formulas of Fleiss, Cohen & Everitt (1969): the
  non-null SE gives the confidence interval, the null SE (kappa = 0) gives the z test.
  They agree with SAS PROC FREQ's ASE and ASE under H0. The interval is the Wald
  interval ``kappa +/- z * SE`` clipped to [-1, 1].
* Fleiss' kappa (Fleiss 1971) for a fixed number of raters per subject; its SE is the
  null-hypothesis SE of Fleiss, Nee & Landis (1979), which supports the z test of
  kappa = 0 only, so no confidence interval is reported.
* PABAK (Byrt, Bishop & Carlin 1993) = ``2 * p_o - 1`` for two categories; its interval
  is the Wilson interval of ``p_o`` mapped through the same linear function.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps

from stats.core._checks import FloatArray, check_same_length
from stats.core.intervals import Estimate, ProportionMethod, proportion, z_critical

KappaWeights = Literal["none", "linear", "quadratic"]
Category = object


@dataclass(frozen=True)
class KappaResult:
    """Cohen's (weighted) kappa with FCE 1969 standard errors, CI and z test of kappa = 0."""

    kappa: float
    se: float
    lower: float
    upper: float
    level: float
    se_null: float
    z: float
    p_value: float
    observed_agreement: float
    expected_agreement: float
    weights: KappaWeights
    categories: tuple[Category, ...]
    n: int


@dataclass(frozen=True)
class FleissKappaResult:
    """Fleiss' kappa with the Fleiss-Nee-Landis null SE and the z test of kappa = 0."""

    kappa: float
    se_null: float
    z: float
    p_value: float
    observed_agreement: float
    expected_agreement: float
    n_subjects: int
    n_raters: int


def cohen_kappa(
    rater_a: Sequence[Category] | ArrayLike,
    rater_b: Sequence[Category] | ArrayLike,
    *,
    categories: Sequence[Category] | None = None,
    weights: KappaWeights = "none",
    level: float = 0.95,
) -> KappaResult:
    """Cohen's kappa of two raters' ratings of the same subjects; see module conventions."""
    scale, table = contingency_table(rater_a, rater_b, categories=categories)
    return cohen_kappa_from_table(table, weights=weights, level=level, categories=scale)


def cohen_kappa_from_table(
    table: ArrayLike,
    *,
    weights: KappaWeights = "none",
    level: float = 0.95,
    categories: Sequence[Category] | None = None,
) -> KappaResult:
    """Cohen's kappa from a k x k table of counts (rows rater A, columns rater B)."""
    counts = _checked_square_table(table)
    k, total = counts.shape[0], float(counts.sum())
    if categories is not None and len(categories) != k:
        raise ValueError(f"categories lists {len(categories)} values for a {k} x {k} table")
    w, p = agreement_weights(k, weights), counts / total
    observed, expected = float(np.sum(w * p)), float(p.sum(axis=1) @ w @ p.sum(axis=0))
    if math.isclose(expected, 1.0):
        raise ValueError("kappa is undefined: both raters put every subject in one category")
    kappa = (observed - expected) / (1 - expected)
    se, se_null = fce_standard_errors(p, w, kappa, expected, total)
    lower, upper, z, p_value = _kappa_inference(kappa, se, se_null, level)
    scale = tuple(categories) if categories is not None else tuple(range(k))
    return KappaResult(
        kappa, se, lower, upper, level, se_null, z, p_value, observed, expected, weights,
        scale, round(total),
    )  # fmt: skip


def _kappa_inference(
    kappa: float, se: float, se_null: float, level: float
) -> tuple[float, float, float, float]:
    """Wald interval clipped to [-1, 1] (kappa's range) and the z test of kappa = 0."""
    half = z_critical(level) * se
    # A degenerate table (e.g. a single subject) has no spread under the null: no z test.
    z = kappa / se_null if se_null > 0 else math.nan
    p_value = float(2 * sps.norm.sf(abs(z)))
    return max(-1.0, kappa - half), min(1.0, kappa + half), z, p_value


def agreement_weights(k: int, weights: KappaWeights) -> FloatArray:
    """k x k agreement-weight matrix (1 on the diagonal) for the named weighting."""
    if weights == "none":
        return np.eye(k)
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be 'none', 'linear' or 'quadratic', got {weights!r}")
    distance = np.abs(np.subtract.outer(np.arange(k), np.arange(k))) / max(k - 1, 1)
    return 1.0 - (distance if weights == "linear" else distance**2)


def contingency_table(
    rater_a: Sequence[Category] | ArrayLike,
    rater_b: Sequence[Category] | ArrayLike,
    *,
    categories: Sequence[Category] | None = None,
) -> tuple[tuple[Category, ...], NDArray[np.int64]]:
    """The category scale and the k x k table of paired ratings (rows rater A)."""
    first, second = _ratings("rater_a", rater_a), _ratings("rater_b", rater_b)
    check_same_length(("rater_a", "rater_b"), first, second)
    scale = _scale(categories, first + second)
    position = {category: index for index, category in enumerate(scale)}
    _check_on_scale("rater_a", first, position)
    _check_on_scale("rater_b", second, position)
    table = np.zeros((len(scale), len(scale)), dtype=np.int64)
    np.add.at(table, ([position[a] for a in first], [position[b] for b in second]), 1)
    return scale, table


def percent_agreement(
    rater_a: Sequence[Category] | ArrayLike,
    rater_b: Sequence[Category] | ArrayLike,
    *,
    method: ProportionMethod = "wilson",
    level: float = 0.95,
) -> Estimate:
    """Proportion of subjects on which the two raters agree exactly, with its interval."""
    first, second = _ratings("rater_a", rater_a), _ratings("rater_b", rater_b)
    check_same_length(("rater_a", "rater_b"), first, second)
    agreed = sum(a == b for a, b in zip(first, second, strict=True))
    return proportion(agreed, len(first), method=method, level=level)


def pabak(
    rater_a: Sequence[Category] | ArrayLike,
    rater_b: Sequence[Category] | ArrayLike,
    *,
    categories: Sequence[Category] | None = None,
    method: ProportionMethod = "wilson",
    level: float = 0.95,
) -> Estimate:
    """Prevalence- and bias-adjusted kappa ``2 * p_o - 1`` for a two-category scale."""
    scale, _ = contingency_table(rater_a, rater_b, categories=categories)
    if len(scale) > 2:
        raise ValueError(f"PABAK is defined here for two categories, got {len(scale)}: {scale}")
    agreement = percent_agreement(rater_a, rater_b, method=method, level=level)
    return Estimate(
        2 * agreement.value - 1, 2 * agreement.lower - 1, 2 * agreement.upper - 1, level
    )


def fleiss_kappa(counts: ArrayLike) -> FleissKappaResult:
    """Fleiss' kappa from a subjects x categories table of how many raters chose each.

    Every subject must be rated by the same number of raters (at least two).
    """
    table = _checked_fleiss_counts(counts)
    n_subjects, raters = table.shape[0], int(table[0].sum())
    p_j = table.sum(axis=0) / (n_subjects * raters)
    per_subject = (np.sum(table * table, axis=1) - raters) / (raters * (raters - 1))
    observed, expected = float(per_subject.mean()), float(np.sum(p_j**2))
    if math.isclose(expected, 1.0):
        raise ValueError("Fleiss' kappa is undefined: every rating is in one category")
    kappa = (observed - expected) / (1 - expected)
    pq = p_j * (1 - p_j)
    se_null = math.sqrt(
        2
        * (pq.sum() ** 2 - np.sum(pq * (1 - 2 * p_j)))
        / (n_subjects * raters * (raters - 1) * pq.sum() ** 2)
    )
    z = kappa / se_null
    p_value = float(2 * sps.norm.sf(abs(z)))
    return FleissKappaResult(kappa, se_null, z, p_value, observed, expected, n_subjects, raters)


def fleiss_counts(
    ratings: Sequence[Sequence[Category]] | NDArray[np.generic],
    *,
    categories: Sequence[Category] | None = None,
) -> tuple[tuple[Category, ...], NDArray[np.int64]]:
    """Turn one row of ratings per subject into the subjects x categories count table.

    A rectangular array of numbers takes a vectorised path (no Python loop over ratings);
    ragged rows and text take the general one. Both give the same scale and table.
    """
    if len(ratings) == 0:
        raise ValueError("ratings must contain at least one subject")
    matrix = _numeric_matrix(ratings)
    if matrix is not None:
        return _fleiss_counts_of_matrix(matrix, categories)
    scale = _scale(categories, [value for row in ratings for value in row])
    position = {category: index for index, category in enumerate(scale)}
    table = np.zeros((len(ratings), len(scale)), dtype=np.int64)
    for row_index, row in enumerate(ratings):
        _check_on_scale(f"ratings row {row_index}", list(row), position)
        for value in row:
            table[row_index, position[value]] += 1
    return scale, table


def _numeric_matrix(ratings: object) -> NDArray[np.generic] | None:
    """``ratings`` as a subjects x raters array of numbers, or None if it is not one."""
    try:
        matrix = np.asarray(ratings)
    except ValueError:  # ragged rows
        return None
    if matrix.ndim != 2 or matrix.shape[1] == 0 or matrix.dtype.kind not in "biuf":
        return None
    return matrix


def _fleiss_counts_of_matrix(
    matrix: NDArray[np.generic], categories: Sequence[Category] | None
) -> tuple[tuple[Category, ...], NDArray[np.int64]]:
    """Vectorised ``fleiss_counts``: one bincount of ``subject * k + category`` codes."""
    if matrix.dtype.kind == "f":
        missing = np.argwhere(np.isnan(matrix))
        if missing.size:
            row, column = (int(i) for i in missing[0])
            raise ValueError(f"ratings row {row} has a missing rating at position {column}")
    observed, inverse = _distinct_values(matrix)
    values = observed.tolist()
    scale = tuple(values) if categories is None else _scale(categories, values)
    position = {category: index for index, category in enumerate(scale)}
    slots = np.array([position.get(value, -1) for value in values], dtype=np.intp)
    columns = slots[inverse]
    if (columns < 0).any():
        row = int(np.argwhere(columns < 0)[0][0])
        _check_on_scale(f"ratings row {row}", matrix[row].tolist(), position)
    n, k = matrix.shape[0], len(scale)
    codes = np.arange(n)[:, np.newaxis] * k + columns
    table = np.bincount(codes.ravel(), minlength=n * k).reshape(n, k)
    return scale, table.astype(np.int64, copy=False)


def _distinct_values(matrix: NDArray[np.generic]) -> tuple[NDArray[np.generic], NDArray[np.intp]]:
    """Sorted distinct values and each rating's index among them.

    Integer ratings on a short range (the usual case: category codes) are looked up in a
    table instead of sorted, which is several times faster than ``np.unique``.
    """
    if matrix.dtype.kind in "iu":
        low, high = int(matrix.min()), int(matrix.max())
        if high - low < max(1024, matrix.size):
            offsets = (matrix - low).astype(np.intp)
            present = np.bincount(offsets.ravel(), minlength=high - low + 1) > 0
            lookup = np.cumsum(present) - 1
            return np.flatnonzero(present) + low, lookup[offsets]
    observed, inverse = np.unique(matrix, return_inverse=True)
    return observed, inverse.reshape(matrix.shape)


def fce_standard_errors(
    p: FloatArray, w: FloatArray, kappa: float, expected: float, n: float
) -> tuple[float, float]:
    """Non-null and null SEs of (weighted) kappa, Fleiss, Cohen & Everitt (1969)."""
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    w_row, w_col = w @ cols, rows @ w
    spread = np.add.outer(w_row, w_col)
    non_null = np.sum(p * (w - spread * (1 - kappa)) ** 2) - (kappa - expected * (1 - kappa)) ** 2
    null = np.sum(np.outer(rows, cols) * (w - spread) ** 2) - expected**2
    scale = n * (1 - expected) ** 2
    return math.sqrt(max(non_null, 0.0) / scale), math.sqrt(max(null, 0.0) / scale)


def _ratings(name: str, values: Sequence[Category] | ArrayLike) -> list[Category]:
    array = np.asarray(values, dtype=object)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty one-dimensional sequence of ratings")
    missing = [index for index, value in enumerate(array) if _is_missing(value)]
    if missing:
        raise ValueError(f"{name} has a missing rating at position {missing[0]}")
    return [value.item() if isinstance(value, np.generic) else value for value in array]


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _scale(categories: Sequence[Category] | None, observed: list[Category]) -> tuple[Category, ...]:
    if categories is None:
        return _sorted_observed(observed)
    scale = tuple(categories)
    if len(set(scale)) != len(scale):
        raise ValueError(f"categories must not repeat a value, got {scale}")
    if len(scale) < 2:
        raise ValueError(f"categories must list at least two values, got {scale}")
    return scale


def _sorted_observed(observed: list[Category]) -> tuple[Category, ...]:
    try:
        return tuple(sorted(set(observed)))  # type: ignore[type-var]
    except TypeError:
        raise ValueError(
            "ratings mix values that cannot be ordered (e.g. numbers and text); "
            "pass categories explicitly"
        ) from None


def _check_on_scale(name: str, values: list[Category], position: dict[Category, int]) -> None:
    for index, value in enumerate(values):
        if value not in position:
            raise ValueError(
                f"{name} has the rating {value!r} at position {index}, "
                f"which is not one of the categories {tuple(position)}"
            )


def _checked_square_table(table: ArrayLike) -> FloatArray:
    counts = np.asarray(table, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] < 2:
        raise ValueError(f"the kappa table must be square and at least 2 x 2, got {counts.shape}")
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("the kappa table must hold non-negative counts")
    if counts.sum() == 0:
        raise ValueError("the kappa table is empty")
    return counts


def _checked_fleiss_counts(counts: ArrayLike) -> FloatArray:
    table = np.asarray(counts, dtype=np.float64)
    if table.ndim != 2 or table.shape[0] == 0 or table.shape[1] < 2:
        raise ValueError(
            f"counts must be subjects x categories with at least two categories, got {table.shape}"
        )
    if not np.isfinite(table).all() or (table < 0).any():
        raise ValueError("counts must be non-negative numbers of raters")
    raters = table.sum(axis=1)
    unequal = np.flatnonzero(raters != raters[0])
    if unequal.size:
        row = int(unequal[0])
        raise ValueError(
            f"every subject needs the same number of raters: row 0 has {raters[0]:g}, "
            f"row {row} has {raters[row]:g}"
        )
    if raters[0] < 2:
        raise ValueError(f"Fleiss' kappa needs at least two raters per subject, got {raters[0]:g}")
    return table
