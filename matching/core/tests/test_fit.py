from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.core import (
    DEFAULT_WEIGHTS,
    MenteeWants,
    MentorOffers,
    WeightsError,
    check_weights,
    fit,
)

words = st.frozensets(st.sampled_from(["neuro", "msk", "chest", "ai", "mri", "ct"]), max_size=4)


def test_the_score_is_the_weighted_sum_of_named_parts():
    mentee = MenteeWants(
        subspecialties=frozenset({"neuro", "msk"}),
        meeting_frequency="monthly",
        mode="remote",
        languages=frozenset({"English"}),
    )
    mentor = MentorOffers(
        subspecialties=frozenset({"neuro"}),
        meeting_frequency="fortnightly",
        mode="either",
        languages=frozenset({"English", "Welsh"}),
    )
    result = fit(mentee, mentor, check_weights({}))
    points = {p.criterion: p.points for p in result.parts}
    assert points["subspecialties"] == 15  # 1 of 2, times 30
    assert points["meeting_frequency"] == 5  # neighbours count half
    assert points["mode"] == 10
    assert points["language"] == 10
    assert result.score == 40
    assert result.units == 4000
    assert "Shared subspecialties: +15 (1 of 2: neuro)" in result.explanation()


@given(words, words, words, words)
def test_the_score_never_exceeds_the_sum_of_the_weights(a, b, c, d):
    result = fit(
        MenteeWants(subspecialties=a, methods=b),
        MentorOffers(subspecialties=c, methods=d),
        DEFAULT_WEIGHTS,
    )
    assert 0 <= result.score <= sum(DEFAULT_WEIGHTS.values())
    assert result.score == pytest.approx(sum(p.points for p in result.parts))


def test_a_zero_weight_drops_the_criterion_from_the_explanation():
    weights = check_weights({"language": 0})
    assert "language" not in {
        p.criterion for p in fit(MenteeWants(), MentorOffers(), weights).parts
    }


@pytest.mark.parametrize(
    ("weights", "field"),
    [({"charm": 3}, "charm"), ({"mode": -1}, "mode"), ({"goals": 1.5}, "goals")],
)
def test_a_bad_weight_is_refused_naming_it(weights, field):
    with pytest.raises(WeightsError, match=field):
        check_weights(weights)


def test_a_ranked_mentor_scores_by_the_place_given():
    mentee = MenteeWants(ranked=("x", "y"))
    first = fit(mentee, MentorOffers(key="x"), DEFAULT_WEIGHTS)
    second = fit(mentee, MentorOffers(key="y"), DEFAULT_WEIGHTS)
    unranked = fit(mentee, MentorOffers(key="z"), DEFAULT_WEIGHTS)
    points = [
        {p.criterion: p.points for p in f.parts}["preference"] for f in (first, second, unranked)
    ]
    assert points == [20, 10, 0]
    assert "choice 1 of 2" in first.explanation()
