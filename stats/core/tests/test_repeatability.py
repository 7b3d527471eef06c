from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from stats.core.icc import mean_squares
from stats.core.repeatability import repeatability


def test_within_subject_sd_pools_replicates_of_unequal_number():
    # Subject SS: 0.5, 2.0 and 0.5 on 1 + 2 + 1 degrees of freedom.
    result = repeatability([[1, 2], [3, 5, 4], [10, 11]])
    assert result.degrees_of_freedom == 4
    assert result.within_subject_sd.value == pytest.approx(math.sqrt(3 / 4))


def test_repeatability_coefficient_is_2_77_times_the_within_subject_sd():
    result = repeatability([[1, 2], [3, 5, 4], [10, 11]])
    assert result.repeatability_coefficient.value == pytest.approx(
        2.77 * result.within_subject_sd.value
    )


def test_within_subject_cv_is_the_root_mean_square_of_subject_cvs():
    subjects = [[10, 12], [20, 21, 22], [50, 55]]
    cvs = [np.std(s, ddof=1) / np.mean(s) for s in subjects]
    assert repeatability(subjects).within_subject_cv == pytest.approx(
        math.sqrt(np.mean(np.square(cvs)))
    )


def test_within_subject_sd_interval_uses_the_chi_square_distribution():
    result = repeatability([[1, 2], [3, 5, 4], [10, 11]])
    wsd = math.sqrt(3 / 4)
    assert result.within_subject_sd.upper == pytest.approx(
        wsd * math.sqrt(4 / sps.chi2.ppf(0.025, 4))
    )


def test_negative_measurements_leave_the_cv_undefined_but_keep_the_sd():
    result = repeatability([[-900, -910], [-850, -845]])
    assert math.isnan(result.within_subject_cv)
    assert result.within_subject_sd.value > 0


def test_a_subject_with_one_measurement_is_refused_by_index():
    with pytest.raises(ValueError, match="subject 1 needs at least two"):
        repeatability([[1, 2], [3]])


def test_a_missing_measurement_is_refused_by_subject():
    with pytest.raises(ValueError, match="subject 0 has a missing"):
        repeatability([[1, math.nan], [3, 4]])


def test_no_subjects_are_refused():
    with pytest.raises(ValueError, match="at least one subject"):
        repeatability([])


balanced = st.integers(2, 15).flatmap(
    lambda n: st.lists(st.lists(st.floats(1, 100), min_size=3, max_size=3), min_size=n, max_size=n)
)


@settings(max_examples=40, deadline=None)
@given(balanced)
def test_within_subject_variance_equals_the_one_way_anova_within_mean_square(subjects):
    expected = mean_squares(np.array(subjects)).within
    assert repeatability(subjects).within_subject_sd.value ** 2 == pytest.approx(expected, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(balanced, st.floats(0.1, 10))
def test_rescaling_scales_the_sd_and_leaves_the_cv_unchanged(subjects, scale):
    before = repeatability(subjects)
    after = repeatability([[scale * v for v in s] for s in subjects])
    assert after.within_subject_sd.value == pytest.approx(scale * before.within_subject_sd.value)
    assert after.within_subject_cv == pytest.approx(before.within_subject_cv)
