"""Large rounds solved on candidate arcs must give the optimum of the whole round."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.core import Instance, RoundError, solve
from matching.core.sparse import Scores, duals, solve_certified, top_k_rows
from matching.core.tests.test_flow import lp_optimum


@st.composite
def matrices(draw, max_mentees=9, max_mentors=5):
    n = draw(st.integers(1, max_mentees))
    m = draw(st.integers(1, max_mentors))
    cells = draw(st.lists(st.integers(-1, 40), min_size=n * m, max_size=n * m))
    capacities = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    return np.array(cells, dtype=np.int64).reshape(n, m), np.array(capacities, dtype=np.int64)


def blocks_of(matrix, rows=2):
    """The matrix as the scorer of rows the solver reads, `rows` rows at a time."""
    return Scores(len(matrix), lambda part: matrix[part], chunk=rows)


def whole(matrix, capacities) -> Instance:
    i, j = np.nonzero(matrix >= 0)
    return Instance(
        mentees=tuple(range(matrix.shape[0])),
        mentors=tuple(range(matrix.shape[1])),
        capacities=capacities,
        arc_mentee=i.astype(np.int64),
        arc_mentor=j.astype(np.int64),
        arc_fit=matrix[i, j],
    )


@settings(max_examples=150, deadline=None)
@given(matrices(), st.integers(1, 3), st.sampled_from(["fit", "matched_first"]))
def test_the_proved_matching_is_the_optimum_of_the_whole_round(data, k, objective):
    matrix, capacities = data
    found = solve_certified(blocks_of(matrix), capacities, k=k, objective=objective)
    full = solve(whole(matrix, capacities), objective=objective)
    assert found.proved
    assert found.total_fit == full.total_fit
    assert len(found.mentee) == len(full.pairs)
    assert (matrix[found.mentee, found.mentor] >= 0).all()
    assert len(set(found.mentee.tolist())) == len(found.mentee)
    assert (np.bincount(found.mentor, minlength=len(capacities)) <= capacities).all()
    if objective == "fit":
        assert found.total_fit == round(lp_optimum(whole(matrix, capacities), lambda f: f))


def test_a_short_candidate_list_is_completed_by_the_dual_check():
    # Everyone's best is mentor 0, who has one place: the optimum needs second choices.
    matrix = np.array([[90, 80, -1], [90, 10, 70], [90, 85, 84]], dtype=np.int64)
    capacities = np.array([1, 1, 1], dtype=np.int64)
    found = solve_certified(blocks_of(matrix), capacities, k=1)
    assert found.passes > 1
    assert found.added > 0
    assert found.total_fit == solve(whole(matrix, capacities)).total_fit == 90 + 80 + 84


def test_without_the_proof_top_k_is_a_restriction():
    matrix = np.array([[90, 80, -1], [90, 10, 70], [90, 85, 84]], dtype=np.int64)
    found = solve_certified(blocks_of(matrix), np.array([1, 1, 1]), k=1, prove=False)
    assert not found.proved
    assert found.passes == 1
    assert found.total_fit == 90


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(-1, 9), min_size=7, max_size=7), min_size=1, max_size=5))
def test_top_k_rows_keeps_each_rows_best_allowed_fits(rows):
    block = np.array(rows, dtype=np.int32)
    columns, fits = top_k_rows(block, 3)
    for r, row in enumerate(block.tolist()):
        expected = sorted((f for f in row if f >= 0), reverse=True)[:3]
        got = [f for f in fits[r].tolist() if f >= 0]
        assert got == expected
        assert [row[c] for c in columns[r].tolist() if c >= 0] == got


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(1, 40),
    st.integers(1, 8),
    st.data(),
)
def test_top_k_rows_of_float32_breaks_ties_by_the_scramble(rows, width, k, data):
    # Half points with many ties, some excluded (-1) and some -0.0: the float32 path
    # (one sort key) must give the order of (value, largest first; scramble; column).
    cells = data.draw(
        st.lists(
            st.sampled_from([-1.0, -0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 7.5, 100.0]),
            min_size=rows * width,
            max_size=rows * width,
        )
    )
    block = np.array(cells, dtype=np.float32).reshape(rows, width)
    columns, values = top_k_rows(block, k)
    for r in range(rows):
        ranked = sorted(
            (-float(block[r, c]), (c * 2654435761 + r * 40503) % (1 << 31), c)
            for c in range(width)
            if block[r, c] >= 0
        )[:k]
        expected = [c for _, _, c in ranked]
        assert columns[r].tolist() == expected + [-1] * (k - len(expected))
        assert values[r, : len(expected)].tolist() == [float(block[r, c]) for c in expected]


def test_duals_refuse_a_matching_that_is_not_optimal():
    tails = np.array([0, 0, 1], dtype=np.int64)
    heads = np.array([0, 1, 1], dtype=np.int64)
    weights = np.array([5, 1, 9], dtype=np.int64)
    # Mentee 0 takes mentor 1 (weight 1) while mentor 0 (weight 5) has a free place.
    with pytest.raises(RoundError, match="not optimal"):
        duals(tails, heads, weights, np.array([1, 1]), np.array([1]), 2)


def test_duals_refuse_a_matching_a_cycle_of_swaps_improves():
    # a-x and b-y (1 + 1) where a-y and b-x (5 + 5) are possible: both mentors full.
    tails = np.array([0, 0, 1, 1], dtype=np.int64)
    heads = np.array([0, 1, 0, 1], dtype=np.int64)
    weights = np.array([1, 5, 5, 1], dtype=np.int64)
    with pytest.raises(RoundError, match="cycle"):
        duals(tails, heads, weights, np.array([1, 1]), np.array([0, 3]), 2)


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_duals_of_an_optimal_matching_are_feasible_and_tight(data):
    matrix, capacities = data
    instance = whole(matrix, capacities)
    found = solve(instance)
    at = {
        (i, j): a
        for a, (i, j) in enumerate(zip(instance.arc_mentee, instance.arc_mentor, strict=True))
    }
    chosen = np.array([at[(p.mentee, p.mentor)] for p in found.pairs], dtype=np.int64)
    weights = 2 * instance.arc_fit + 1
    u, v = duals(instance.arc_mentee, instance.arc_mentor, weights, capacities, chosen, len(matrix))
    assert (u >= 0).all()
    assert (v >= 0).all()
    assert (u[instance.arc_mentee] + v[instance.arc_mentor] >= weights).all()
    # Equal to the primal value: the duals prove the matching optimal.
    assert int(u.sum() + (capacities * v).sum()) == int(weights[chosen].sum())


def test_an_unknown_objective_is_refused():
    with pytest.raises(RoundError, match="objective"):
        solve_certified(
            blocks_of(np.zeros((1, 1), dtype=np.int64)), np.ones(1, dtype=np.int64), objective="x"
        )


@settings(max_examples=100, deadline=None)
@given(matrices(), st.integers(1, 3), st.sampled_from(["fit", "matched_first"]))
def test_float32_points_with_a_scale_give_the_same_optimum(data, k, objective):
    # The benchmark hands over float32 points (hundredths / 100) and scale 100: the
    # float filter of the proof must not lose a pair that breaks the duals.
    matrix, capacities = data
    points = np.where(matrix >= 0, matrix / 100, -1).astype(np.float32)
    scores = Scores(len(points), lambda part: points[part], scale=100, chunk=3)
    found = solve_certified(scores, capacities, k=k, objective=objective)
    full = solve(whole(matrix, capacities), objective=objective)
    assert found.total_fit == full.total_fit
    assert len(found.mentee) == len(full.pairs)


def test_a_mentee_with_nothing_left_out_is_not_read_again():
    matrix = np.array([[90, 80, -1], [90, 10, 70], [90, 85, 84]], dtype=np.int64)
    found = solve_certified(blocks_of(matrix), np.array([1, 1, 1]), k=3)
    assert found.passes == 1
    assert found.rescored == 0
    assert found.total_fit == 90 + 80 + 84


@settings(max_examples=60, deadline=None)
@given(matrices(max_mentees=14), st.integers(1, 3), st.sampled_from(["fit", "matched_first"]))
def test_scoring_blocks_in_threads_gives_the_same_matching(data, k, objective):
    matrix, capacities = data
    alone = solve_certified(blocks_of(matrix), capacities, k=k, objective=objective)
    threaded = solve_certified(blocks_of(matrix), capacities, k=k, objective=objective, threads=3)
    assert threaded.total_fit == alone.total_fit
    assert threaded.passes == alone.passes
    for mine, theirs in ((threaded.mentee, alone.mentee), (threaded.mentor, alone.mentor)):
        assert mine.tolist() == theirs.tolist()


def test_rows_are_cut_into_as_many_blocks_as_threads_and_never_above_the_chunk():
    scores = Scores(10, lambda part: np.zeros((len(part), 1)), chunk=4)
    assert [len(part) for _, part in scores.parts()] == [4, 4, 2]
    assert [len(part) for _, part in scores.parts(at_least=5)] == [2, 2, 2, 2, 2]
    assert [start for start, _ in scores.parts(np.arange(3, dtype=np.int64), at_least=2)] == [0, 2]
    assert scores.parts(np.zeros(0, dtype=np.int64), at_least=2) == []
