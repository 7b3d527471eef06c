from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats import inter_rater

from stats.core.agreement import (
    cohen_kappa,
    cohen_kappa_from_table,
    contingency_table,
    fleiss_counts,
    fleiss_kappa,
    pabak,
    percent_agreement,
)

# SAS PROC FREQ output for a 3 x 3 table in which rater B never used the first category,
# as reproduced in statsmodels' test suite (statsmodels/stats/tests/test_inter_rater.py).
SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]

# Fleiss (1971) Psychological Bulletin 76:378: 30 patients, 6 psychiatrists, 5 diagnoses
# (R package irr, dataset "diagnoses"); one row per patient, one column per rater.
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4],
    [2, 2, 2, 5, 5, 5],
    [2, 3, 3, 3, 3, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3],
    [3, 3, 3, 3, 5, 5],
    [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4],
    [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4],
    [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3],
    [1, 4, 4, 4, 4, 4],
    [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5],
    [1, 1, 1, 1, 1, 2],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 4, 4, 4, 4, 4],
    [2, 2, 4, 5, 5, 5],
    [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4],
    [1, 1, 1, 1, 5, 5],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3],
    [5, 5, 5, 5, 5, 5],
]

# Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories.
FLEISS_WIKIPEDIA = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_unweighted_kappa_matches_sas_including_both_standard_errors():
    result = cohen_kappa_from_table(SAS_TABLE)
    assert result.kappa == pytest.approx(0.4842, abs=5e-5)
    assert result.se == pytest.approx(0.1380, abs=5e-5)
    assert (result.lower, result.upper) == pytest.approx((0.2137, 0.7547), abs=5e-5)
    assert result.se_null == pytest.approx(0.1484, abs=5e-5)
    assert result.z == pytest.approx(3.2626, abs=5e-5)
    assert result.p_value == pytest.approx(0.0011, abs=5e-5)


def test_linear_weighted_kappa_matches_sas_including_both_standard_errors():
    result = cohen_kappa_from_table(SAS_TABLE, weights="linear")
    assert result.kappa == pytest.approx(0.4701, abs=5e-5)
    assert result.se == pytest.approx(0.1457, abs=5e-5)
    assert (result.lower, result.upper) == pytest.approx((0.1845, 0.7558), abs=5e-5)
    assert result.se_null == pytest.approx(0.1426, abs=5e-5)
    assert result.z == pytest.approx(3.2971, abs=5e-5)


def test_kappa_of_the_wikipedia_two_by_two_example_is_0_4():
    # 50 grant applications: both yes 20, A yes B no 5, A no B yes 10, both no 15.
    result = cohen_kappa_from_table([[20, 5], [10, 15]])
    assert (result.observed_agreement, result.expected_agreement) == pytest.approx((0.7, 0.5))
    assert result.kappa == pytest.approx(0.4)


def test_fleiss_kappa_of_the_fleiss_1971_diagnoses_matches_the_published_0_430():
    categories, counts = fleiss_counts(FLEISS_1971)
    result = fleiss_kappa(counts)
    assert categories == (1, 2, 3, 4, 5)
    assert result.kappa == pytest.approx(0.430, abs=5e-4)
    # R irr::kappam.fleiss, which uses the Fleiss, Nee & Landis (1979) null SE: z = 17.65183.
    assert result.z == pytest.approx(17.65183, abs=5e-5)


def test_fleiss_kappa_of_the_wikipedia_example_is_0_210():
    result = fleiss_kappa(FLEISS_WIKIPEDIA)
    assert result.kappa == pytest.approx(0.210, abs=5e-4)
    assert result.observed_agreement == pytest.approx(0.378, abs=5e-4)
    assert result.expected_agreement == pytest.approx(0.213, abs=5e-4)


def test_an_unused_category_inside_the_scale_changes_weighted_but_not_unweighted_kappa():
    a, b = [1, 2, 2, 5, 5, 1, 3], [1, 2, 3, 5, 2, 2, 5]
    scale = [1, 2, 3, 4, 5]
    declared = cohen_kappa(a, b, categories=scale, weights="linear")
    assert declared.categories == (1, 2, 3, 4, 5)
    assert declared.kappa != pytest.approx(cohen_kappa(a, b, weights="linear").kappa)
    assert cohen_kappa(a, b, categories=scale).kappa == pytest.approx(cohen_kappa(a, b).kappa)


def test_an_unused_category_at_the_end_of_the_scale_leaves_weighted_kappa_unchanged():
    # Linear and quadratic weights only rescale when the scale grows at one end.
    a, b = [1, 2, 2, 3, 3, 1], [1, 2, 3, 3, 2, 2]
    for weights in ("linear", "quadratic"):
        declared = cohen_kappa(a, b, categories=[1, 2, 3, 4], weights=weights)
        assert declared.kappa == pytest.approx(cohen_kappa(a, b, weights=weights).kappa)


def test_declared_categories_fix_the_order_of_an_ordinal_scale():
    scale, table = contingency_table(
        ["low", "high"], ["mid", "high"], categories=["low", "mid", "high"]
    )
    assert scale == ("low", "mid", "high")
    assert table.tolist() == [[0, 1, 0], [0, 0, 0], [0, 0, 1]]


def test_percent_agreement_and_pabak_of_a_binary_rating():
    a, b = [1, 1, 1, 1, 0, 0, 1, 1, 1, 1], [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]
    assert percent_agreement(a, b).value == pytest.approx(0.8)
    result = pabak(a, b)
    agreement = percent_agreement(a, b)
    assert result.value == pytest.approx(0.6)
    assert (result.lower, result.upper) == pytest.approx(
        (2 * agreement.lower - 1, 2 * agreement.upper - 1)
    )


def test_pabak_refuses_more_than_two_categories():
    with pytest.raises(ValueError, match="two categories"):
        pabak([1, 2, 3], [1, 2, 2])


def test_a_rating_outside_the_declared_categories_is_refused_naming_it():
    with pytest.raises(ValueError, match="rater_b has the rating 7 at position 2"):
        cohen_kappa([1, 2, 3], [1, 2, 7], categories=[1, 2, 3])


def test_mismatched_rating_columns_are_refused():
    with pytest.raises(ValueError, match="rater_a has 3, rater_b has 2"):
        cohen_kappa([1, 2, 3], [1, 2])


def test_a_missing_rating_is_refused_naming_its_position():
    with pytest.raises(ValueError, match="rater_a has a missing rating at position 1"):
        cohen_kappa([1, None, 3], [1, 2, 3])


def test_ratings_of_mixed_types_need_declared_categories():
    with pytest.raises(ValueError, match="pass categories explicitly"):
        cohen_kappa([1, "1"], [1, "1"])


def test_kappa_with_a_single_used_category_is_refused():
    with pytest.raises(ValueError, match="one category"):
        cohen_kappa([1, 1, 1], [1, 1, 1], categories=[0, 1])


def test_fleiss_kappa_refuses_unequal_numbers_of_raters_naming_the_row():
    with pytest.raises(ValueError, match="row 1 has 3"):
        fleiss_kappa([[2, 2], [1, 2]])


def test_an_unknown_weighting_is_refused():
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa_from_table(SAS_TABLE, weights="cubic")  # type: ignore[arg-type]


square_tables = st.integers(min_value=2, max_value=5).flatmap(
    lambda k: st.lists(st.lists(st.integers(0, 30), min_size=k, max_size=k), min_size=k, max_size=k)
)


@settings(max_examples=40, deadline=None)
@given(square_tables, st.sampled_from(["none", "linear", "quadratic"]))
def test_kappa_and_its_standard_errors_agree_with_statsmodels(table, weights):
    counts = np.array(table)
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    total = counts.sum()
    if total == 0 or np.isclose(rows @ cols, total**2) or np.isclose(rows @ cols / total**2, 1):
        return
    ours = cohen_kappa_from_table(counts, weights=weights)
    wt = None if weights == "none" else weights
    with np.errstate(invalid="ignore", divide="ignore"):
        theirs = inter_rater.cohens_kappa(counts, wt=wt)
    assert ours.kappa == pytest.approx(theirs.kappa, abs=1e-10)
    # statsmodels takes the root of a variance that rounding made slightly negative (NaN);
    # RadCollab clips it to zero.
    assert ours.se == pytest.approx(np.nan_to_num(theirs.std_kappa), abs=1e-7)
    assert ours.se_null == pytest.approx(np.nan_to_num(theirs.std_kappa0), abs=1e-7)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=2, max_size=60).filter(lambda r: len(set(r)) > 1),
    st.sampled_from(["none", "linear", "quadratic"]),
)
def test_kappa_of_identical_ratings_is_one(ratings, weights):
    assert cohen_kappa(ratings, ratings, weights=weights).kappa == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=2, max_value=8).flatmap(
        lambda raters: st.lists(
            st.lists(st.integers(0, 3), min_size=raters, max_size=raters), min_size=1, max_size=30
        )
    )
)
def test_fleiss_kappa_agrees_with_statsmodels(ratings):
    _, counts = fleiss_counts(ratings, categories=[0, 1, 2, 3])
    if np.count_nonzero(counts.sum(axis=0)) < 2:
        return
    assert fleiss_kappa(counts).kappa == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-10)


# Rectangular numeric ratings take fleiss_counts' vectorised path; these check it against
# statsmodels and against the general (per-rating) path on the same data.
RANDOM_RATINGS = {
    "category codes": lambda rng: rng.integers(1, 6, size=(2000, 5)),
    "unsigned bytes": lambda rng: rng.integers(0, 4, size=(500, 7)).astype(np.uint8),
    "half-point scores": lambda rng: rng.integers(0, 9, size=(1000, 4)) / 2,
    "sparse large codes": lambda rng: rng.choice([-7, 10**9, 3, 2**40], size=(800, 6)),
}


@pytest.mark.parametrize("make", RANDOM_RATINGS.values(), ids=RANDOM_RATINGS.keys())
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fleiss_kappa_from_raw_ratings_matches_statsmodels_to_1e_12(make, seed):
    ratings = make(np.random.default_rng(seed))
    categories, counts = fleiss_counts(ratings)
    expected_counts, expected_categories = inter_rater.aggregate_raters(ratings)
    assert categories == tuple(expected_categories.tolist())
    np.testing.assert_array_equal(counts, expected_counts)
    assert fleiss_kappa(counts).kappa == pytest.approx(
        inter_rater.fleiss_kappa(expected_counts), abs=1e-12
    )


@pytest.mark.parametrize("categories", [None, [5, 4, 3, 2, 1, 0]])
def test_the_vectorised_and_the_general_path_give_the_same_table(categories):
    ratings = np.random.default_rng(4).integers(1, 6, size=(300, 4))
    fast = fleiss_counts(ratings, categories=categories)
    general = fleiss_counts(ratings.astype(object), categories=categories)
    assert fast[0] == general[0]
    np.testing.assert_array_equal(fast[1], general[1])


def test_fleiss_counts_refuses_a_rating_off_the_scale_naming_row_and_position():
    ratings = np.array([[1, 2, 3], [2, 2, 2], [3, 1, 9]])
    with pytest.raises(ValueError, match=r"row 2 has the rating 9 at position 2"):
        fleiss_counts(ratings, categories=[1, 2, 3])


def test_fleiss_counts_refuses_a_missing_rating_naming_row_and_position():
    with pytest.raises(ValueError, match=r"row 1 has a missing rating at position 0"):
        fleiss_counts([[1.0, 2.0], [np.nan, 2.0]])
