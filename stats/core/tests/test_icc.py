from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from stats.core.icc import intraclass_correlations

# Shrout & Fleiss (1979) Psychological Bulletin 86:420, Table 2: 6 targets x 4 judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def test_mean_squares_match_shrout_and_fleiss_table_3():
    ms = intraclass_correlations(SHROUT_FLEISS).mean_squares
    assert (ms.rows, ms.within, ms.raters, ms.error) == pytest.approx(
        (11.24, 6.26, 32.49, 1.02), abs=0.005
    )


def test_the_six_iccs_match_shrout_and_fleiss_table_4():
    result = intraclass_correlations(SHROUT_FLEISS)
    values = [round(icc.value, 2) for icc in result.forms]
    assert values == [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]


def test_forms_carry_shrout_fleiss_and_mcgraw_wong_names():
    result = intraclass_correlations(SHROUT_FLEISS)
    assert [icc.form for icc in result.forms] == [
        "ICC(1,1)",
        "ICC(2,1)",
        "ICC(3,1)",
        "ICC(1,k)",
        "ICC(2,k)",
        "ICC(3,k)",
    ]
    assert result.icc2_1.mcgraw_wong == "ICC(A,1)"
    assert result.icc3_k.mcgraw_wong == "ICC(C,k)"


def test_f_tests_match_r_psych_on_the_shrout_fleiss_data():
    result = intraclass_correlations(SHROUT_FLEISS)
    assert [round(icc.f, 1) for icc in result.forms] == [1.8, 11.0, 11.0, 1.8, 11.0, 11.0]
    assert [icc.df2 for icc in result.forms] == [18, 15, 15, 18, 15, 15]
    assert result.icc1_1.p_value == pytest.approx(0.1647, abs=1e-3)
    assert result.icc3_1.p_value == pytest.approx(0.00013, abs=1e-5)


def test_confidence_limits_match_r_psych_on_the_shrout_fleiss_data():
    # psych::ICC values as tested by pingouin (tests/test_reliability.py), two decimals.
    result = intraclass_correlations(SHROUT_FLEISS)
    assert [round(icc.lower, 2) for icc in result.forms] == [-0.13, 0.02, 0.34, -0.88, 0.07, 0.68]
    assert [round(icc.upper, 2) for icc in result.forms] == [0.72, 0.76, 0.95, 0.91, 0.93, 0.99]


def test_icc_1_1_matches_the_nag_library_example():
    # NAG g04gac example program results on the same data: 0.17 (-0.13, 0.72), F 1.79, p 0.165.
    icc = intraclass_correlations(SHROUT_FLEISS).icc1_1
    assert round(icc.f, 2) == 1.79
    assert round(icc.p_value, 3) == 0.165


def test_ragged_rows_are_refused_naming_the_subject_row():
    with pytest.raises(ValueError, match="subject row 2 has 3 ratings, row 0 has 4"):
        intraclass_correlations([[1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5]])


def test_a_missing_rating_is_refused_naming_row_and_column():
    ratings: list[list[Any]] = [row[:] for row in SHROUT_FLEISS]
    ratings[3][2] = math.nan
    with pytest.raises(ValueError, match="subject row 3, rater column 2"):
        intraclass_correlations(ratings)


def test_a_single_rater_is_refused():
    with pytest.raises(ValueError, match="at least two raters"):
        intraclass_correlations([[1], [2], [3]])


def test_a_single_subject_is_refused():
    with pytest.raises(ValueError, match="at least two subjects"):
        intraclass_correlations([[1, 2]])


def test_raters_who_differ_only_by_a_constant_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="residual mean square is zero"):
        intraclass_correlations([[1, 3], [2, 4], [5, 7]])


def test_text_ratings_are_refused():
    with pytest.raises(ValueError, match="must be numbers"):
        intraclass_correlations([["a", "b"], ["c", "d"]])


matrices = hnp.arrays(
    np.float64,
    st.tuples(st.integers(3, 12), st.integers(2, 5)),
    elements=st.integers(0, 9).map(float),
)


def usable(matrix):
    residual = matrix - matrix.mean(axis=1, keepdims=True) - matrix.mean(axis=0) + matrix.mean()
    return np.ptp(matrix.mean(axis=1)) > 0 and np.abs(residual).max() > 1e-9


def reliable(matrix):
    """Subjects differ more than raters disagree (both F statistics above 1)."""
    if not usable(matrix):
        return False
    result = intraclass_correlations(matrix)
    return result.icc1_1.f > 1 and result.icc3_1.f > 1


def spearman_brown(value, k):
    """Step-up to k raters; undefined at or below -1 / (k - 1), as in stats.core.icc."""
    denominator = 1 + (k - 1) * value
    return k * value / denominator if denominator > 0 else math.nan


@settings(max_examples=40, deadline=None)
@given(matrices)
def test_any_usable_matrix_gives_six_results_without_error(matrix):
    if usable(matrix):
        assert len(intraclass_correlations(matrix).forms) == 6


@settings(max_examples=40, deadline=None)
@given(matrices)
def test_average_measure_limits_are_the_spearman_brown_step_up_of_single_measure_limits(matrix):
    if not reliable(matrix):
        return
    result, k = intraclass_correlations(matrix), matrix.shape[1]
    for single, average in ((result.icc2_1, result.icc2_k), (result.icc3_1, result.icc3_k)):
        assert average.lower == pytest.approx(spearman_brown(single.lower, k), nan_ok=True)
        assert average.upper == pytest.approx(spearman_brown(single.upper, k), nan_ok=True)
    assert result.icc3_k.value == pytest.approx(spearman_brown(result.icc3_1.value, k))


@settings(max_examples=40, deadline=None)
@given(matrices, st.floats(1, 50))
def test_a_rater_offset_leaves_consistency_unchanged(matrix, shift):
    if not usable(matrix):
        return
    shifted = matrix.copy()
    shifted[:, 0] += shift
    before, after = intraclass_correlations(matrix), intraclass_correlations(shifted)
    assert after.icc3_1.value == pytest.approx(before.icc3_1.value)
    assert after.icc3_1.lower == pytest.approx(before.icc3_1.lower)


@settings(max_examples=40, deadline=None)
@given(matrices)
def test_every_interval_contains_its_icc_when_subjects_differ(matrix):
    if not reliable(matrix):
        return
    for icc in intraclass_correlations(matrix).forms:
        # A limit stepped up from below -1 / (k - 1) is undefined (NaN) by convention.
        assert math.isnan(icc.lower) or icc.lower <= icc.value
        assert icc.value <= icc.upper
