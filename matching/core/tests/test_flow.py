"""The optimal matching against the linear-programming optimum and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching.core import Instance, RoundError, solve

FORBIDDEN = 10**12


@st.composite
def rounds(draw, max_mentees=7, max_mentors=4):
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(0, max_mentors))
    capacities = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    cells = draw(st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=n * m, max_size=n * m))
    mentees = [f"e{i}" for i in range(n)]
    mentors = [f"r{j}" for j in range(m)]
    fits, excluded = {}, {}
    for (i, j), cell in zip(itertools.product(range(n), range(m)), cells, strict=True):
        if cell is None:
            excluded[(mentees[i], mentors[j])] = "same institution"
        else:
            fits[(mentees[i], mentors[j])] = cell
    return Instance.from_pairs(
        mentees=mentees,
        mentors=mentors,
        capacities=dict(zip(mentors, capacities, strict=True)),
        fits=fits,
        excluded=excluded,
    )


def lp_optimum(instance: Instance, value) -> float:
    """The assignment optimum on the capacity-expanded instance, one column per place
    plus one "unmatched" column per mentee (worth 0); excluded pairs are forbidden."""
    n = len(instance.mentees)
    slots = [j for j, cap in enumerate(instance.capacities.tolist()) for _ in range(cap)]
    cost = np.full((n, len(slots) + n), float(FORBIDDEN))
    cost[:, len(slots) :] = 0.0
    for i, j, f in zip(
        instance.arc_mentee.tolist(),
        instance.arc_mentor.tolist(),
        instance.arc_fit.tolist(),
        strict=True,
    ):
        for column, slot in enumerate(slots):
            if slot == j:
                cost[i, column] = -value(f)
    if n == 0:
        return 0.0
    rows, columns = linear_sum_assignment(cost)
    return float(-cost[rows, columns].sum())


def check_feasible(instance: Instance, result) -> None:
    allowed = set(
        zip(
            (instance.mentees[i] for i in instance.arc_mentee.tolist()),
            (instance.mentors[j] for j in instance.arc_mentor.tolist()),
            strict=True,
        )
    )
    mentees = [p.mentee for p in result.pairs]
    assert len(mentees) == len(set(mentees))
    for pair in result.pairs:
        assert (pair.mentee, pair.mentor) in allowed
    for j, mentor in enumerate(instance.mentors):
        assert sum(p.mentor == mentor for p in result.pairs) <= instance.capacities[j]
    assert {u.mentee for u in result.unmatched} == set(instance.mentees) - set(mentees)


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_total_fit_equals_the_lp_optimum(instance):
    result = solve(instance)
    check_feasible(instance, result)
    assert result.total_fit == lp_optimum(instance, lambda f: f)


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_matched_first_matches_the_most_then_the_best_fit(instance):
    result = solve(instance, objective="matched_first")
    check_feasible(instance, result)
    big = 10**6
    optimum = lp_optimum(instance, lambda f: big + f)
    assert len(result.pairs) == optimum // big
    assert result.total_fit == optimum % big


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_fit_is_the_largest_total_then_the_most_pairs(instance):
    # The flow's weights are 2 * fit + 1 (`objective_weights`); the LP with a weight
    # per pair that makes any unit of total outweigh every pair must agree on both.
    result = solve(instance)
    big = 10**4  # more than the most pairs a round here can have
    optimum = round(lp_optimum(instance, lambda f: big * f + 1))
    assert result.total_fit == optimum // big
    assert len(result.pairs) == optimum % big


def test_fit_gives_up_no_total_for_more_pairs():
    # a-x alone (10) against a-y and b-x (4 + 5 = 9, two pairs): the total wins; with
    # b-x worth 6 the totals tie (10) and the two pairs win.
    fits = {("a", "x"): 10, ("a", "y"): 4, ("b", "x"): 5}
    instance = Instance.from_pairs(
        mentees=["a", "b"], mentors=["x", "y"], capacities={"x": 1, "y": 1}, fits=fits
    )
    assert {(p.mentee, p.mentor) for p in solve(instance).pairs} == {("a", "x")}
    tied = Instance.from_pairs(
        mentees=["a", "b"],
        mentors=["x", "y"],
        capacities={"x": 1, "y": 1},
        fits={**fits, ("b", "x"): 6},
    )
    assert {(p.mentee, p.mentor) for p in solve(tied).pairs} == {("a", "y"), ("b", "x")}


def brute_force(instance: Instance):
    """Every feasible assignment of a tiny round, as (pairs, min fit, total)."""
    n, m = len(instance.mentees), len(instance.mentors)
    fit = {
        (i, j): f
        for i, j, f in zip(
            instance.arc_mentee.tolist(),
            instance.arc_mentor.tolist(),
            instance.arc_fit.tolist(),
            strict=True,
        )
    }
    for choice in itertools.product([None, *range(m)], repeat=n):
        used = [choice.count(j) for j in range(m)]
        if any(used[j] > instance.capacities[j] for j in range(m)):
            continue
        if any(j is not None and (i, j) not in fit for i, j in enumerate(choice)):
            continue
        fits = [fit[(i, j)] for i, j in enumerate(choice) if j is not None]
        yield len(fits), min(fits, default=0), sum(fits)


@settings(max_examples=120, deadline=None)
@given(rounds(max_mentees=5, max_mentors=3))
def test_protecting_the_worst_off_is_lexicographically_optimal(instance):
    result = solve(instance, objective="protect_worst_off")
    check_feasible(instance, result)
    best = max(brute_force(instance))
    assert (len(result.pairs), result.min_fit or 0, result.total_fit) == best


@settings(max_examples=80, deadline=None)
@given(rounds(), st.data())
def test_pinned_pairs_are_kept_and_the_rest_is_optimal(instance, data):
    if not len(instance.arc_fit):
        return
    k = data.draw(st.integers(0, len(instance.arc_fit) - 1))
    i, j = int(instance.arc_mentee[k]), int(instance.arc_mentor[k])
    if instance.capacities[j] == 0:
        with pytest.raises(RoundError, match="no place left"):
            solve(instance, pinned=[(instance.mentees[i], instance.mentors[j])])
        return
    result = solve(instance, pinned=[(instance.mentees[i], instance.mentors[j])])
    check_feasible(instance, result)
    assert (instance.mentees[i], instance.mentors[j], True) in {
        (p.mentee, p.mentor, p.pinned) for p in result.pairs
    }


def test_an_infeasible_round_returns_the_best_partial_match_and_says_why():
    instance = Instance.from_pairs(
        mentees=["ann", "bob", "cat", "dan"],
        mentors=["dr x", "dr y"],
        capacities={"dr x": 1, "dr y": 1},
        fits={("ann", "dr x"): 50, ("bob", "dr x"): 40, ("cat", "dr y"): 10, ("ann", "dr y"): 5},
        excluded={
            ("dan", "dr x"): "at the same institution",
            ("dan", "dr y"): "at the same institution",
            ("bob", "dr y"): "asked to avoid",
            ("cat", "dr x"): "at the same institution",
        },
    )
    result = solve(instance)
    assert {(p.mentee, p.mentor) for p in result.pairs} == {("ann", "dr x"), ("cat", "dr y")}
    reasons = {u.mentee: u.reason for u in result.unmatched}
    assert reasons["dan"] == "every mentor is excluded (2 at the same institution)"
    assert reasons["bob"].startswith("the only mentor they could be paired with is full")


def test_worst_off_protection_gives_up_total_fit_to_lift_the_lowest():
    instance = Instance.from_pairs(
        mentees=["a", "b"],
        mentors=["x", "y"],
        capacities={"x": 1, "y": 1},
        fits={("a", "x"): 100, ("a", "y"): 30, ("b", "x"): 60, ("b", "y"): 10},
    )
    assert solve(instance).total_fit == 110  # a-x and b-y: the larger total
    assert solve(instance).min_fit == 10
    protected = solve(instance, objective="protect_worst_off")
    assert protected.min_fit == 30  # a-y and b-x
    assert protected.total_fit == 90


def test_fit_mode_prefers_more_pairs_when_the_total_is_equal():
    instance = Instance.from_pairs(
        mentees=["a", "b"], mentors=["x"], capacities={"x": 2}, fits={("a", "x"): 7, ("b", "x"): 0}
    )
    assert len(solve(instance).pairs) == 2


@pytest.mark.parametrize(
    ("pin", "message"),
    [
        (("a", "y"), "this pair is excluded"),
        (("z", "x"), "not in this round"),
    ],
)
def test_a_bad_pin_is_refused_with_the_pair_named(pin, message):
    instance = Instance.from_pairs(
        mentees=["a"], mentors=["x", "y"], capacities={"x": 1, "y": 1}, fits={("a", "x"): 1}
    )
    with pytest.raises(RoundError, match=message):
        solve(instance, pinned=[pin])


def test_bad_input_is_refused_with_the_field_named():
    with pytest.raises(RoundError, match="objective"):
        solve(Instance.from_pairs(mentees=[], mentors=[], capacities={}, fits={}), objective="x")
    with pytest.raises(RoundError, match="capacities"):
        Instance.from_pairs(mentees=[], mentors=["x"], capacities={"x": -1}, fits={})
