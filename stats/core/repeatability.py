"""Repeatability from replicate measurements of the same subjects under the same conditions.

Conventions
-----------
* ``replicates`` holds one sequence per subject with at least two measurements each;
  subjects may have different numbers of replicates. Missing values are refused.
* The within-subject variance is the pooled one-way ANOVA residual mean square
  ``sum_i sum_j (x_ij - mean_i)^2 / sum_i (m_i - 1)``; wSD is its square root
  (Bland & Altman 1996, "Measurement error"). Its interval uses the chi-square
  distribution on ``sum_i (m_i - 1)`` degrees of freedom.
* The repeatability coefficient is ``RC = 2.77 * wSD`` (2.77 = 1.96 * sqrt(2), rounded as
  in QIBA's terminology, Raunig et al. 2015): 95% of differences between two
  measurements of the same subject are expected to be smaller than RC.
* The within-subject coefficient of variation is the root-mean-square of the subjects'
  own CVs, ``sqrt(mean_i (SD_i / mean_i)^2)``, the usual estimator when error is
  proportional to the mean (the plain mean of the CVs underestimates it). A CV needs a
  ratio scale, so it is NaN when any subject's mean is zero or negative (Hounsfield units,
  for example); wSD and RC are still reported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from stats.core._checks import FloatArray, check_level
from stats.core.intervals import Estimate

REPEATABILITY_FACTOR = 2.77


@dataclass(frozen=True)
class Repeatability:
    """Within-subject SD, repeatability coefficient and within-subject CV."""

    n_subjects: int
    degrees_of_freedom: int
    within_subject_sd: Estimate
    repeatability_coefficient: Estimate
    within_subject_cv: float


def repeatability(replicates: Sequence[ArrayLike], *, level: float = 0.95) -> Repeatability:
    """wSD, RC = 2.77 wSD and root-mean-square wCV; see module conventions."""
    check_level(level)
    subjects = _checked_subjects(replicates)
    squares = sum(float(np.sum((values - values.mean()) ** 2)) for values in subjects)
    df = sum(values.size - 1 for values in subjects)
    wsd = math.sqrt(squares / df)
    tail = (1 - level) / 2
    lower = wsd * math.sqrt(df / float(sps.chi2.ppf(1 - tail, df)))
    upper = wsd * math.sqrt(df / float(sps.chi2.ppf(tail, df)))
    factor = REPEATABILITY_FACTOR
    return Repeatability(
        n_subjects=len(subjects),
        degrees_of_freedom=df,
        within_subject_sd=Estimate(wsd, lower, upper, level),
        repeatability_coefficient=Estimate(factor * wsd, factor * lower, factor * upper, level),
        within_subject_cv=_rms_cv(subjects),
    )


def _rms_cv(subjects: list[FloatArray]) -> float:
    means = np.array([values.mean() for values in subjects])
    if (means <= 0).any():
        return math.nan
    cvs = np.array([values.std(ddof=1) for values in subjects]) / means
    return float(np.sqrt(np.mean(cvs**2)))


def _checked_subjects(replicates: Sequence[ArrayLike]) -> list[FloatArray]:
    if len(replicates) == 0:
        raise ValueError("replicates must hold at least one subject")
    subjects = []
    for index, values in enumerate(replicates):
        array = np.asarray(values, dtype=np.float64)
        if array.ndim != 1 or array.size < 2:
            raise ValueError(f"subject {index} needs at least two replicate measurements")
        if not np.isfinite(array).all():
            raise ValueError(f"subject {index} has a missing or infinite measurement")
        subjects.append(array)
    return subjects
