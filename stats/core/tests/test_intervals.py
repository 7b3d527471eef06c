from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from stats.core.intervals import (
    clopper_pearson_interval,
    mover_difference,
    proportion,
    wilson_interval,
    z_critical,
)

# Newcombe (1998) Stat Med 17:857, Table II: (x, n, Wilson method 3, Clopper-Pearson method 5).
NEWCOMBE_1998 = [
    (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
    (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
    (0, 20, (0.0000, 0.1611), (0.0000, 0.1684)),
    (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
]


@pytest.mark.parametrize(("x", "n", "wilson", "exact"), NEWCOMBE_1998)
def test_wilson_interval_matches_newcombe_1998_examples(x, n, wilson, exact):
    assert wilson_interval(x, n) == pytest.approx(wilson, abs=5e-5)


@pytest.mark.parametrize(("x", "n", "wilson", "exact"), NEWCOMBE_1998)
def test_clopper_pearson_interval_matches_newcombe_1998_examples(x, n, wilson, exact):
    assert clopper_pearson_interval(x, n) == pytest.approx(exact, abs=5e-5)


def test_mover_difference_matches_newcombe_1998b_method_10_example():
    # Newcombe (1998b) Stat Med 17:873: 56/70 - 48/80, hybrid score interval 0.0524 to 0.3339.
    difference = mover_difference(proportion(56, 70), proportion(48, 80))
    assert difference.value == pytest.approx(0.2)
    assert (difference.lower, difference.upper) == pytest.approx((0.0524, 0.3339), abs=5e-5)


def test_z_critical_of_95_percent_is_1_96():
    assert z_critical(0.95) == pytest.approx(1.959964, abs=1e-6)


def test_proportion_of_an_empty_denominator_is_nan():
    estimate = proportion(0, 0)
    assert math.isnan(estimate.value)
    assert math.isnan(estimate.lower)


@pytest.mark.parametrize(("successes", "n"), [(-1, 5), (6, 5), (0, -3)])
def test_impossible_counts_are_refused(successes, n):
    with pytest.raises(ValueError, match=r"successes|trials"):
        wilson_interval(successes, n)


def test_an_unknown_method_is_refused_by_name():
    with pytest.raises(ValueError, match="method"):
        proportion(1, 2, method="wald")  # type: ignore[arg-type]


@pytest.mark.parametrize("level", [0.0, 1.0, 95])
def test_a_level_outside_zero_one_is_refused(level):
    with pytest.raises(ValueError, match="level"):
        wilson_interval(1, 2, level)


counts = st.integers(min_value=1, max_value=500).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@settings(max_examples=40, deadline=None)
@given(counts, levels)
def test_intervals_contain_the_estimate_and_lie_in_zero_one(count, level):
    x, n = count
    for method in ("wilson", "clopper-pearson"):
        estimate = proportion(x, n, method=method, level=level)
        assert 0.0 <= estimate.lower <= estimate.value <= estimate.upper <= 1.0


@settings(max_examples=40, deadline=None)
@given(counts, levels)
def test_intervals_agree_with_statsmodels_proportion_confint(count, level):
    x, n = count
    alpha = 1 - level
    assert wilson_interval(x, n, level) == pytest.approx(
        proportion_confint(x, n, alpha=alpha, method="wilson"), abs=1e-9
    )
    assert clopper_pearson_interval(x, n, level) == pytest.approx(
        proportion_confint(x, n, alpha=alpha, method="beta"), abs=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(counts, counts)
def test_mover_difference_agrees_with_statsmodels_newcombe_interval(first, second):
    ours = mover_difference(proportion(*first), proportion(*second))
    theirs = confint_proportions_2indep(*first, *second, method="newcomb", compare="diff")
    assert (ours.lower, ours.upper) == pytest.approx(theirs, abs=1e-9)
