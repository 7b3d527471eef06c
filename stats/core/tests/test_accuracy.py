from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import confint_proportions_2indep

from stats.core.accuracy import diagnostic_accuracy, diagnostic_accuracy_from_columns

# Altman & Bland (1994) BMJ 308:1552 and 309:102: liver scan against pathology
# (tp 231, fp 32, fn 27, tn 54).
LIVER_SCAN: dict[str, Any] = {"tp": 231, "fp": 32, "fn": 27, "tn": 54}


def test_liver_scan_accuracy_matches_altman_and_bland_1994():
    result = diagnostic_accuracy(**LIVER_SCAN)
    assert result.sensitivity.value == pytest.approx(0.90, abs=0.005)
    assert result.specificity.value == pytest.approx(0.63, abs=0.005)
    assert result.ppv.value == pytest.approx(0.88, abs=0.005)
    assert result.npv.value == pytest.approx(0.67, abs=0.005)
    assert result.prevalence.value == pytest.approx(0.75, abs=0.005)


def test_likelihood_ratios_follow_their_definitions():
    result = diagnostic_accuracy(**LIVER_SCAN)
    sensitivity, specificity = 231 / 258, 54 / 86
    assert result.lr_positive.value == pytest.approx(sensitivity / (1 - specificity))
    assert result.lr_negative.value == pytest.approx((1 - sensitivity) / specificity)
    assert result.diagnostic_odds_ratio.value == pytest.approx(231 * 54 / (32 * 27))
    assert result.youden_j.value == pytest.approx(sensitivity + specificity - 1)


def test_likelihood_ratio_intervals_agree_with_statsmodels_log_ratio_interval():
    result = diagnostic_accuracy(**LIVER_SCAN)
    positive = confint_proportions_2indep(231, 258, 32, 86, method="log", compare="ratio")
    negative = confint_proportions_2indep(27, 258, 54, 86, method="log", compare="ratio")
    assert (result.lr_positive.lower, result.lr_positive.upper) == pytest.approx(positive)
    assert (result.lr_negative.lower, result.lr_negative.upper) == pytest.approx(negative)


def test_diagnostic_odds_ratio_interval_agrees_with_statsmodels_woolf_interval():
    result = diagnostic_accuracy(**LIVER_SCAN)
    table = Table2x2(np.array([[231, 27], [32, 54]]))
    assert (result.diagnostic_odds_ratio.lower, result.diagnostic_odds_ratio.upper) == (
        pytest.approx(table.oddsratio_confint())
    )


def test_a_zero_cell_gets_the_haldane_correction_only_where_needed_and_is_flagged():
    result = diagnostic_accuracy(tp=20, fp=0, fn=5, tn=30)
    assert result.lr_positive.corrected
    assert not result.lr_negative.corrected
    assert result.diagnostic_odds_ratio.corrected
    assert result.lr_positive.value == pytest.approx((20.5 / 26) / (0.5 / 31))
    log_se = math.sqrt(1 / 20.5 + 1 / 0.5 + 1 / 5.5 + 1 / 30.5)
    odds_ratio = 20.5 * 30.5 / (0.5 * 5.5)
    assert result.diagnostic_odds_ratio.value == pytest.approx(odds_ratio)
    assert result.diagnostic_odds_ratio.upper == pytest.approx(
        odds_ratio * math.exp(1.959964 * log_se)
    )


def test_a_test_that_is_never_positive_has_an_undefined_ppv_and_finite_ratios():
    result = diagnostic_accuracy(tp=0, fp=0, fn=10, tn=40)
    assert math.isnan(result.ppv.value)
    assert result.sensitivity.value == 0.0
    for ratio in (result.lr_positive, result.lr_negative, result.diagnostic_odds_ratio):
        assert all(math.isfinite(v) for v in (ratio.value, ratio.lower, ratio.upper))


def test_clopper_pearson_is_used_when_asked():
    result = diagnostic_accuracy(**LIVER_SCAN, method="clopper-pearson")
    wilson = diagnostic_accuracy(**LIVER_SCAN)
    assert result.method == "clopper-pearson"
    assert result.sensitivity.lower < wilson.sensitivity.lower


def test_columns_give_the_same_result_as_their_table():
    index = [True, True, False, False, True, False, True]
    reference = [1, 0, 1, 0, 1, 0, 0]
    result = diagnostic_accuracy_from_columns(index, reference)
    assert (result.table.tp, result.table.fp, result.table.fn, result.table.tn) == (2, 2, 1, 2)


def test_columns_of_different_lengths_are_refused_naming_both():
    with pytest.raises(ValueError, match="index_positive has 3, reference_positive has 2"):
        diagnostic_accuracy_from_columns([1, 0, 1], [1, 0])


def test_a_non_binary_reference_is_refused_naming_the_position():
    with pytest.raises(ValueError, match=r"reference_positive must be binary.*position 2"):
        diagnostic_accuracy_from_columns([1, 0, 1], [1, 0, 2])


def test_empty_columns_are_refused():
    with pytest.raises(ValueError, match="non-empty"):
        diagnostic_accuracy_from_columns([], [])


def test_a_negative_count_is_refused_by_name():
    with pytest.raises(ValueError, match="fn must not be negative"):
        diagnostic_accuracy(tp=3, fp=1, fn=-1, tn=4)


def test_a_fractional_count_is_refused_by_name():
    with pytest.raises(ValueError, match="tn must be a whole number"):
        diagnostic_accuracy(tp=3, fp=1, fn=1, tn=4.5)  # type: ignore[arg-type]


def test_a_table_without_diseased_cases_is_refused():
    with pytest.raises(ValueError, match="no positive case"):
        diagnostic_accuracy(tp=0, fp=3, fn=0, tn=4)


cells = st.integers(min_value=0, max_value=300)


@settings(max_examples=40, deadline=None)
@given(cells, cells, cells, cells, st.sampled_from(["wilson", "clopper-pearson"]))
def test_every_estimate_is_finite_and_inside_its_interval(tp, fp, fn, tn, method):
    if tp + fn == 0 or fp + tn == 0:
        return
    result = diagnostic_accuracy(tp, fp, fn, tn, method=method)
    estimates = [
        result.sensitivity,
        result.specificity,
        result.accuracy,
        result.prevalence,
        result.lr_positive,
        result.lr_negative,
        result.diagnostic_odds_ratio,
        result.youden_j,
    ]
    for estimate in estimates:
        assert math.isfinite(estimate.lower)
        assert math.isfinite(estimate.upper)
        assert estimate.lower <= estimate.value <= estimate.upper
    assert result.youden_j.lower >= -1.0
    assert result.youden_j.upper <= 1.0
