from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from stats.core.roc import (
    auc_delong,
    compare_independent_aucs,
    delong_paired_test,
    hanley_mcneil_se,
    roc_curve,
    youden_optimal_threshold,
)

# Hanley & McNeil (1982) Radiology 143:29, Table 1: CT ratings 1 (definitely normal) to
# 5 (definitely abnormal) of 58 normal and 51 abnormal patients.
NORMAL_COUNTS = (33, 6, 6, 11, 2)
ABNORMAL_COUNTS = (3, 2, 2, 11, 33)


def hanley_mcneil_ratings():
    normal = np.repeat(np.arange(1, 6), NORMAL_COUNTS)
    abnormal = np.repeat(np.arange(1, 6), ABNORMAL_COUNTS)
    return np.r_[abnormal, normal], np.r_[np.ones(51, bool), np.zeros(58, bool)]


def naive_delong_covariance(scores, truth):
    """DeLong et al. (1988) by direct O(n1 * n0) comparison of every pair."""
    positives, negatives = scores[:, truth], scores[:, ~truth]
    kernel = (positives[:, :, None] > negatives[:, None, :]) + 0.5 * (
        positives[:, :, None] == negatives[:, None, :]
    )
    v10, v01 = kernel.mean(axis=2), kernel.mean(axis=1)
    n1, n0 = positives.shape[1], negatives.shape[1]
    covariance = np.atleast_2d(np.cov(v10)) / n1 + np.atleast_2d(np.cov(v01)) / n0
    return kernel.mean(axis=(1, 2)), covariance


def test_auc_of_the_hanley_mcneil_ct_data_is_0_893():
    scores, truth = hanley_mcneil_ratings()
    assert auc_delong(scores, truth).auc == pytest.approx(0.893, abs=5e-4)


def test_youden_threshold_of_the_hanley_mcneil_data_is_rating_4():
    scores, truth = hanley_mcneil_ratings()
    best = youden_optimal_threshold(scores, truth)
    assert best.threshold == 4
    assert best.sensitivity == pytest.approx(44 / 51)
    assert best.specificity == pytest.approx(45 / 58)


def test_roc_curve_of_the_hanley_mcneil_data_has_one_point_per_rating():
    scores, truth = hanley_mcneil_ratings()
    curve = roc_curve(scores, truth)
    assert list(curve.thresholds) == [math.inf, 5, 4, 3, 2, 1]
    assert curve.tpr[1] == pytest.approx(33 / 51)
    assert curve.fpr[1] == pytest.approx(2 / 58)
    assert (curve.fpr[-1], curve.tpr[-1]) == (1.0, 1.0)


def test_hanley_mcneil_se_follows_their_formula():
    q1, q2 = 0.9 / 1.1, 2 * 0.81 / 1.9
    expected = math.sqrt((0.9 * 0.1 + 49 * (q1 - 0.81) + 59 * (q2 - 0.81)) / (50 * 60))
    assert hanley_mcneil_se(0.9, 50, 60) == pytest.approx(expected)


def test_logit_interval_is_asymmetric_and_inside_zero_one():
    scores, truth = hanley_mcneil_ratings()
    result = auc_delong(scores, truth, transform="logit")
    assert 0 < result.lower < result.auc < result.upper < 1
    assert result.upper - result.auc < result.auc - result.lower


def test_perfect_separation_gives_auc_one_with_a_collapsed_interval():
    result = auc_delong([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0], transform="logit")
    assert (result.auc, result.se, result.lower, result.upper) == (1.0, 0.0, 1.0, 1.0)


def test_paired_test_of_a_test_with_itself_is_refused():
    scores, truth = hanley_mcneil_ratings()
    with pytest.raises(ValueError, match="zero variance"):
        delong_paired_test(scores, scores, truth)


def test_paired_test_is_antisymmetric():
    rng = np.random.default_rng(7)
    truth = rng.random(80) < 0.4
    first, second = truth + rng.normal(size=80), truth * 0.5 + rng.normal(size=80)
    forward, backward = (
        delong_paired_test(first, second, truth),
        delong_paired_test(second, first, truth),
    )
    assert forward.z == pytest.approx(-backward.z)
    assert forward.p_value == pytest.approx(backward.p_value)
    assert forward.lower == pytest.approx(-backward.upper)


def test_independent_comparison_adds_the_two_variances():
    scores, truth = hanley_mcneil_ratings()
    first, second = auc_delong(scores, truth), auc_delong(-scores, truth)
    comparison = compare_independent_aucs(first, second)
    assert comparison.se == pytest.approx(math.hypot(first.se, second.se))
    assert comparison.difference == pytest.approx(2 * first.auc - 1)
    assert comparison.p_value == pytest.approx(2 * sps.norm.sf(abs(comparison.z)))


def test_all_one_class_is_refused():
    with pytest.raises(ValueError, match=r"non-diseased \(truth = 0\)"):
        auc_delong([0.1, 0.4, 0.3], [1, 1, 1])


def test_a_single_case_of_a_class_is_refused_for_delong_but_not_for_the_curve():
    assert roc_curve([0.1, 0.4, 0.3], [1, 0, 0]).tpr[-1] == 1.0
    with pytest.raises(ValueError, match="at least 2 diseased"):
        auc_delong([0.1, 0.4, 0.3], [1, 0, 0])


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="scores has 3, truth has 4"):
        auc_delong([0.1, 0.4, 0.3], [1, 0, 0, 1])


def test_non_binary_truth_is_refused():
    with pytest.raises(ValueError, match="truth must be binary"):
        roc_curve([0.1, 0.4, 0.3], [1, 0, 3])


def test_a_missing_score_is_refused_naming_its_position():
    with pytest.raises(ValueError, match="scores has a missing or infinite value at position 1"):
        roc_curve([0.1, math.nan, 0.3], [1, 0, 1])


def test_an_unknown_transform_is_refused():
    scores, truth = hanley_mcneil_ratings()
    with pytest.raises(ValueError, match="transform"):
        auc_delong(scores, truth, transform="probit")  # type: ignore[arg-type]


def scored_cases(min_size=4, max_size=60):
    """Integer-valued scores (many ties) with at least two cases of each class."""
    return st.integers(min_value=min_size, max_value=max_size).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 6), min_size=n, max_size=n),
            st.lists(st.integers(0, 6), min_size=n, max_size=n),
            st.lists(st.booleans(), min_size=n, max_size=n).filter(
                lambda t: 2 <= sum(t) <= len(t) - 2
            ),
        )
    )


@settings(max_examples=40, deadline=None)
@given(scored_cases())
def test_auc_equals_mann_whitney_u_over_n1_n0(case):
    scores, _, truth = (np.array(v) for v in case)
    u = sps.mannwhitneyu(scores[truth], scores[~truth]).statistic
    assert auc_delong(scores, truth).auc == pytest.approx(u / (truth.sum() * (~truth).sum()))


@settings(max_examples=40, deadline=None)
@given(scored_cases())
def test_auc_equals_the_trapezoidal_area_under_the_curve(case):
    scores, _, truth = (np.array(v) for v in case)
    curve = roc_curve(scores, truth)
    assert auc_delong(scores, truth).auc == pytest.approx(np.trapezoid(curve.tpr, curve.fpr))


@settings(max_examples=40, deadline=None)
@given(scored_cases())
def test_fast_delong_variance_equals_the_naive_pairwise_delong_variance(case):
    first, second, truth = (np.array(v) for v in case)
    aucs, covariance = naive_delong_covariance(np.vstack([first, second]).astype(float), truth)
    result = auc_delong(first, truth)
    assert result.se == pytest.approx(math.sqrt(covariance[0, 0]), abs=1e-12)
    if covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1] > 1e-12:
        paired = delong_paired_test(first, second, truth)
        expected = covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1]
        assert paired.se == pytest.approx(math.sqrt(expected))
        assert paired.difference == pytest.approx(aucs[0] - aucs[1])


@settings(max_examples=40, deadline=None)
@given(scored_cases(), st.sampled_from(["none", "logit"]))
def test_auc_intervals_contain_the_estimate_and_lie_in_zero_one(case, transform):
    scores, _, truth = (np.array(v) for v in case)
    result = auc_delong(scores, truth, transform=transform)
    assert 0.0 <= result.lower <= result.auc <= result.upper <= 1.0


@settings(max_examples=40, deadline=None)
@given(scored_cases())
def test_youden_threshold_is_the_best_point_of_the_curve(case):
    scores, _, truth = (np.array(v) for v in case)
    curve, best = roc_curve(scores, truth), youden_optimal_threshold(scores, truth)
    assert best.youden_j == pytest.approx(np.max(curve.tpr[1:] - curve.fpr[1:]))
    called = scores >= best.threshold
    assert best.sensitivity == pytest.approx(called[truth].mean())
