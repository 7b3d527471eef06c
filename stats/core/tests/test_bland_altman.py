from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from stats.core.bland_altman import bland_altman, bland_altman_svg, proportional_bias

# Bland & Altman (1986) Lancet i:307, Table 1: first PEFR reading (l/min) of 17 subjects with
# the Wright peak flow meter and with the mini Wright meter.
WRIGHT = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427]
MINI_WRIGHT = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451]


def test_pefr_bias_and_sd_match_bland_and_altman_1986():
    result = bland_altman(WRIGHT, MINI_WRIGHT)
    assert round(result.bias.value, 1) == -2.1
    assert round(result.sd, 1) == 38.8


def test_pefr_limits_with_two_sd_match_bland_and_altman_1986():
    # The paper computed -2.1 +/- 2 x 38.8 from rounded figures: -79.7 to 75.5 l/min.
    result = bland_altman(WRIGHT, MINI_WRIGHT, multiplier=2)
    assert result.lower_limit.value == pytest.approx(-79.7, abs=0.15)
    assert result.upper_limit.value == pytest.approx(75.5, abs=0.15)


def test_limit_intervals_use_the_bland_altman_1999_approximate_standard_error():
    result = bland_altman(WRIGHT, MINI_WRIGHT)
    n, sd = 17, result.sd
    half = sps.t.ppf(0.975, n - 1) * sd * math.sqrt(1 / n + 1.96**2 / (2 * (n - 1)))
    assert result.upper_limit.upper - result.upper_limit.value == pytest.approx(half)
    assert result.lower_limit.value - result.lower_limit.lower == pytest.approx(half)
    bias_half = sps.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert result.bias.upper - result.bias.value == pytest.approx(bias_half)


def test_proportional_bias_recovers_a_known_slope():
    means = np.linspace(10, 100, 12)
    differences = 0.1 * means + 2
    first, second = means + differences / 2, means - differences / 2
    result = proportional_bias(first, second)
    assert (result.slope, result.intercept) == pytest.approx((0.1, 2.0))
    assert result.p_value < 1e-6


def test_pefr_show_no_proportional_bias():
    assert proportional_bias(WRIGHT, MINI_WRIGHT).p_value > 0.05


def test_the_plot_is_svg_text_and_the_same_each_time():
    svg = bland_altman_svg(WRIGHT, MINI_WRIGHT, units="l/min")
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert svg == bland_altman_svg(WRIGHT, MINI_WRIGHT, units="l/min")


def test_drawing_the_plot_opens_no_pyplot_figure():
    import matplotlib.pyplot as plt

    bland_altman_svg(WRIGHT, MINI_WRIGHT)
    assert plt.get_fignums() == []


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="first has 3, second has 2"):
        bland_altman([1, 2, 3], [1, 2])


def test_a_single_pair_is_refused():
    with pytest.raises(ValueError, match="at least 2 values"):
        bland_altman([1], [2])


def test_a_missing_measurement_is_refused_naming_its_position():
    with pytest.raises(ValueError, match="second has a missing or infinite value at position 0"):
        bland_altman([1, 2, 3], [math.nan, 2, 3])


def test_a_non_positive_multiplier_is_refused():
    with pytest.raises(ValueError, match="multiplier"):
        bland_altman([1, 2, 3], [1, 2, 4], multiplier=0)


pairs = st.integers(3, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n),
        st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n),
    )
)


@settings(max_examples=40, deadline=None)
@given(pairs)
def test_limits_are_symmetric_about_the_bias_and_contain_their_estimates(pair):
    result = bland_altman(*pair)
    assert result.upper_limit.value - result.bias.value == pytest.approx(
        result.bias.value - result.lower_limit.value, abs=1e-6
    )
    for estimate in (result.bias, result.lower_limit, result.upper_limit):
        assert estimate.lower <= estimate.value <= estimate.upper
