from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stats.core.agreement import cohen_kappa_from_table
from stats.core.roc import hanley_mcneil_se
from stats.core.sample_size import (
    auc_sample_size,
    icc_sample_size,
    kappa_sample_size,
    sensitivity_sample_size,
    specificity_sample_size,
)

Z95 = 1.959963984540054


def test_buderer_sensitivity_size_follows_the_formula_and_rounds_up():
    # 1.96^2 x 0.9 x 0.1 / 0.05^2 = 138.3 diseased; / prevalence 0.1 = 1383 in all.
    result = sensitivity_sample_size(0.9, 0.05, 0.1)
    assert result.n_in_class == math.ceil(Z95**2 * 0.09 / 0.0025)
    assert result.n_total == math.ceil(Z95**2 * 0.09 / 0.0025 / 0.1)


def test_buderer_specificity_size_divides_by_the_share_without_the_condition():
    result = specificity_sample_size(0.85, 0.05, 0.2)
    assert result.n_in_class == 196
    assert result.n_total == 245


def test_auc_size_is_the_smallest_meeting_the_half_width():
    result = auc_sample_size(0.8, 0.05, prevalence=0.5)
    assert result.n_positive == result.n_negative
    assert Z95 * hanley_mcneil_se(0.8, result.n_positive, result.n_negative) <= 0.05
    smaller = result.n_positive - 1
    assert Z95 * hanley_mcneil_se(0.8, smaller, smaller) > 0.05


def test_icc_size_follows_bonett_2002():
    # 8 z^2 (1 - 0.8)^2 (1 + 2 x 0.8)^2 / (3 x 2 x 0.2^2) + 1 = 35.6, rounded up.
    assert icc_sample_size(0.8, 3, 0.1).n == 36


def test_kappa_size_matches_cantor_1996_built_from_fleiss_cohen_everitt_variances():
    rate, kappa1, n = 0.3, 0.5, 1000
    expected_agreement = rate**2 + (1 - rate) ** 2
    both = (kappa1 * (1 - expected_agreement) + expected_agreement - 1 + 2 * rate) / 2
    alternative = [[both, rate - both], [rate - both, 1 - 2 * rate + both]]
    independent = [[rate * rate, rate * (1 - rate)], [rate * (1 - rate), (1 - rate) ** 2]]
    q0 = cohen_kappa_from_table([[n * c for c in r] for r in independent]).se_null * math.sqrt(n)
    q1 = cohen_kappa_from_table([[n * c for c in r] for r in alternative]).se * math.sqrt(n)
    z_beta = 0.8416212335729143
    expected = math.ceil(((Z95 * q0 + z_beta * q1) / kappa1) ** 2)
    assert kappa_sample_size(0.0, kappa1, rate).n == expected


def test_an_unattainable_kappa_is_refused():
    with pytest.raises(ValueError, match="cannot occur"):
        kappa_sample_size(0.0, 0.9, 0.1, 0.6)


def test_equal_kappas_are_refused():
    with pytest.raises(ValueError, match="differ"):
        kappa_sample_size(0.4, 0.4, 0.5)


def test_an_impossible_prevalence_is_refused_by_name():
    with pytest.raises(ValueError, match="prevalence"):
        sensitivity_sample_size(0.9, 0.05, 1.2)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.55, 0.95), st.floats(0.02, 0.1), st.floats(0.1, 0.9))
def test_a_narrower_auc_interval_never_needs_fewer_cases(auc, half_width, prevalence):
    wide = auc_sample_size(auc, half_width * 1.5, prevalence)
    narrow = auc_sample_size(auc, half_width, prevalence)
    assert narrow.n_positive >= wide.n_positive


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 0.4), st.floats(0.3, 0.7))
def test_a_larger_kappa_difference_needs_fewer_subjects(kappa0, rate):
    near = kappa_sample_size(kappa0, kappa0 + 0.2, rate)
    far = kappa_sample_size(kappa0, kappa0 + 0.4, rate)
    assert far.n <= near.n
