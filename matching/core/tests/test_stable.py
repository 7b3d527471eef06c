"""Deferred acceptance against the definition of stability and a textbook example."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.core import RoundError, blocking_pairs, deferred_acceptance


@st.composite
def markets(draw):
    n = draw(st.integers(0, 8))
    m = draw(st.integers(0, 4))
    mentees = [f"e{i}" for i in range(n)]
    mentors = [f"r{j}" for j in range(m)]
    mentee_prefs = {
        e: draw(st.permutations(mentors).map(lambda p: p[: draw(st.integers(0, m))]))
        for e in mentees
    }
    mentor_prefs = {
        r: draw(st.permutations(mentees).map(lambda p: p[: draw(st.integers(0, n))]))
        for r in mentors
    }
    capacities = {r: draw(st.integers(0, 3)) for r in mentors}
    return mentee_prefs, mentor_prefs, capacities


@settings(max_examples=200, deadline=None)
@given(markets())
def test_deferred_acceptance_leaves_no_blocking_pair(market):
    mentee_prefs, mentor_prefs, capacities = market
    result = deferred_acceptance(mentee_prefs, mentor_prefs, capacities)
    assert blocking_pairs(result.mentor_of, mentee_prefs, mentor_prefs, capacities) == []
    for mentor, capacity in capacities.items():
        assert sum(m == mentor for m in result.mentor_of.values()) <= capacity
    for mentee, mentor in result.mentor_of.items():
        assert mentor in mentee_prefs[mentee]
        assert mentee in mentor_prefs[mentor]
    assert {u.mentee for u in result.unmatched} == set(mentee_prefs) - set(result.mentor_of)


def test_the_mentee_optimal_stable_matching_of_a_textbook_market():
    # Two stable matchings exist: {a-x, b-y} (mentee-optimal) and {a-y, b-x}.
    mentee_prefs = {"a": ["x", "y"], "b": ["y", "x"]}
    mentor_prefs = {"x": ["b", "a"], "y": ["a", "b"]}
    result = deferred_acceptance(mentee_prefs, mentor_prefs, {"x": 1, "y": 1})
    assert result.mentor_of == {"a": "x", "b": "y"}


def test_capacities_let_a_mentor_hold_several_and_reject_the_least_preferred():
    mentee_prefs = {"a": ["x"], "b": ["x"], "c": ["x", "y"]}
    mentor_prefs = {"x": ["c", "a", "b"], "y": ["c"]}
    result = deferred_acceptance(mentee_prefs, mentor_prefs, {"x": 2, "y": 1})
    assert result.mentor_of == {"a": "x", "c": "x"}
    assert [(u.mentee, u.reason) for u in result.unmatched] == [
        ("b", "all 1 mentors who ranked them were full with mentees they ranked higher")
    ]


def test_the_checker_names_a_blocking_pair():
    mentee_prefs = {"a": ["x", "y"], "b": ["x"]}
    mentor_prefs = {"x": ["a", "b"], "y": ["a"]}
    assert blocking_pairs({"a": "y", "b": "x"}, mentee_prefs, mentor_prefs, {"x": 1, "y": 1}) == [
        ("a", "x")
    ]


def test_a_mentee_ranked_twice_is_refused():
    with pytest.raises(RoundError, match="ranked twice"):
        deferred_acceptance({"a": ["x", "x"]}, {"x": ["a"]}, {"x": 1})
