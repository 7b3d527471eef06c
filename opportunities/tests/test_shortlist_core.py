"""The shortlist's method without Django: hard requirements with reasons, the estimate and
its steps, the list within a budget against brute force, the groups, and the words."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opportunities.shortlist.core import (
    FELLOWSHIP,
    LIKELY,
    REACH,
    RESIDENCY,
    TARGET,
    Applicant,
    Assumptions,
    Budget,
    Fees,
    Programme,
    best_by_count,
    best_by_money,
    estimate,
    exclusion_reasons,
    group_of,
    shortlist,
)

YEAR = 2026
IMG = Applicant(
    stage=RESIDENCY,
    graduation_year=2021,
    step2=250,
    visas=frozenset({"J-1"}),
    research_outputs=2,
    presentations=1,
    regions=frozenset({"Northeast"}),
)


def programme(pid: int = 1, **facts) -> Programme:
    return Programme(id=pid, name=f"Programme {pid}", **facts)


# Hard requirements ----------------------------------------------------------------------


def test_a_programme_that_sponsors_only_h1b_is_excluded_for_a_j1_applicant_with_the_reason():
    p = programme(visas=frozenset({"H-1B"}), sources={"visa": "programme website, as of 2026"})
    (reason,) = exclusion_reasons(p, IMG, YEAR)
    assert reason.startswith("Visa: it sponsors H-1B; you need J-1")
    assert "programme website, as of 2026" in reason


def test_a_programme_sponsoring_no_visa_excludes_anyone_who_needs_one_but_not_others():
    p = programme(visas=frozenset())
    assert "sponsors no visa" in exclusion_reasons(p, IMG, YEAR)[0]
    assert exclusion_reasons(p, Applicant(visas=frozenset()), YEAR) == []


def test_unknown_sponsorship_excludes_no_one_but_says_to_ask():
    result = shortlist([programme(visas=None)], IMG, Budget(programmes=5), year=YEAR)
    assert not result.excluded
    assert any("not published: ask" in r for r in result.chosen[0].reasons)


def test_graduation_year_and_minimum_score_are_hard_limits_with_the_numbers():
    p = programme(graduated_within=3, step2_minimum=255)
    reasons = exclusion_reasons(p, IMG, YEAR)
    assert reasons[0].startswith("Graduation year: it accepts graduates of the last 3 years;")
    assert "you graduated 5 years ago" in reasons[0]
    assert reasons[1].startswith("Step 2 CK: its minimum is 255; yours is 250")
    assert exclusion_reasons(programme(graduated_within=5, step2_minimum=250), IMG, YEAR) == []


def test_fellowships_of_another_subspecialty_are_excluded_and_residencies_ignored():
    resident = Applicant(stage=FELLOWSHIP, subspecialty="Neuroradiology")
    ps = [
        programme(1, kind=FELLOWSHIP, subspecialty="Neuroradiology"),
        programme(2, kind=FELLOWSHIP, subspecialty="Interventional"),
        programme(3, kind=RESIDENCY),
    ]
    result = shortlist(ps, resident, Budget(programmes=5), year=YEAR)
    assert [p.programme.id for p in result.chosen] == [1]
    assert [e.programme.id for e in result.excluded] == [2]
    assert "fellowship in Interventional; you chose Neuroradiology" in result.excluded[0].reasons[0]


# The estimate ---------------------------------------------------------------------------


def test_a_published_rate_is_the_base_and_each_fit_factor_is_stated():
    p = programme(
        applications=1000,
        interviews=100,
        step2_median=240,
        research="required",
        region="Northeast",
        sources={"interviews": "NRMP survey (demo), as of 2026-01-01"},
    )
    found = estimate(p, IMG)
    assert found.basis == "published"
    assert found.value == pytest.approx(0.10 * 1.5 * 1.2 * 1.2)
    assert "100 interviews offered to 1,000 applicants (10%)" in found.steps[0]
    assert "NRMP survey (demo)" in found.steps[0]
    assert "10 above its median Step 2 CK 240" in found.steps[1]
    assert "expects research" in found.steps[2]
    assert "Northeast, a region you prefer" in found.steps[3]
    assert found.steps[-1] == "Estimate: 22%."


def test_without_published_numbers_the_rate_is_a_labelled_assumption_one_can_change():
    found = estimate(programme(research="none"), Applicant())
    assert found.basis == "assumed"
    assert found.value == 0.10
    assert "assumed 10%" in found.steps[0]
    assert "assumption" in found.steps[0]
    changed = estimate(programme(research="none"), Applicant(), Assumptions(residency_rate=0.2))
    assert changed.value == 0.2


def test_below_the_median_lowers_and_no_research_where_required_halves():
    p = programme(applications=100, interviews=40, step2_median=260, research="required")
    found = estimate(p, Applicant(step2=250))
    assert found.value == pytest.approx(0.4 * 0.6 * 0.5)


def test_the_estimate_stays_within_its_bounds_and_says_so():
    p = programme(applications=10, interviews=9, step2_median=200, region="Northeast")
    found = estimate(p, IMG)
    assert found.value == 0.95
    assert "Kept between 1% and 95%." in found.steps


def test_an_own_estimate_replaces_the_computed_one_and_is_labelled_as_theirs():
    found = estimate(programme(), IMG, own=0.33)
    assert found.value == 0.33
    assert found.basis == "yours"
    assert found.steps[-1] == "You replaced it with your own estimate: 33%."


# The list within the budget -------------------------------------------------------------

values_strategy = st.lists(
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=0, max_size=8
)


def brute_force(values, fees_each, money, fees):
    best = 0.0
    for size in range(len(values) + 1):
        for combo in itertools.combinations(range(len(values)), size):
            if fees.cost(size) + sum(fees_each[i] for i in combo) <= money:
                best = max(best, sum(values[i] for i in combo))
    return best


@settings(max_examples=200, deadline=None)
@given(values=values_strategy, n=st.integers(min_value=0, max_value=9))
def test_the_top_n_is_as_good_as_every_list_of_n(values, n):
    chosen = best_by_count(values, n)
    assert len(chosen) == min(n, len(values))
    best = max(
        (
            sum(values[i] for i in combo)
            for combo in itertools.combinations(range(len(values)), min(n, len(values)))
        ),
        default=0.0,
    )
    assert sum(values[i] for i in chosen) == pytest.approx(best)


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    values=values_strategy,
    money=st.integers(min_value=0, max_value=600_00),
    flat=st.integers(min_value=0, max_value=150_00),
    flat_count=st.integers(min_value=0, max_value=4),
)
def test_the_money_knapsack_matches_brute_force(data, values, money, flat, flat_count):
    fees_each = data.draw(
        st.lists(
            st.sampled_from([0, 0, 25_00, 50_00, 80_00]),
            min_size=len(values),
            max_size=len(values),
        )
    )
    fees = Fees(flat=flat, flat_count=flat_count, tiers=((3, 20_00), (None, 45_00)))
    chosen = best_by_money(values, fees_each, money, fees)
    spent = fees.cost(len(chosen)) + sum(fees_each[i] for i in chosen)
    assert spent <= money
    assert len(set(chosen)) == len(chosen)
    assert sum(values[i] for i in chosen) == pytest.approx(
        brute_force(values, fees_each, money, fees)
    )


def test_the_fee_tiers_add_up_like_eras_style_tiers():
    fees = Fees()
    assert fees.cost(0) == 0
    assert fees.cost(1) == fees.cost(10) == 99_00
    assert fees.cost(11) == 99_00 + 17_00
    assert fees.cost(25) == 99_00 + 10 * 17_00 + 5 * 21_00
    assert fees.cost(31) == 99_00 + 10 * 17_00 + 10 * 21_00 + 28_00
    assert "$99 for up to 10 programmes" in fees.describe()
    assert "$28 each for 31 and beyond" in fees.describe()


def test_a_money_budget_buys_the_most_expected_interviews_and_reports_the_cost():
    ps = [programme(i, applications=100, interviews=i * 3, research="none") for i in range(1, 16)]
    result = shortlist(ps, Applicant(), Budget(money=150_00), year=YEAR)
    # $99 covers ten; the 11th, 12th and 13th cost $17 each: 99 + 51 = 150.
    assert len(result.chosen) == 13
    assert result.cost == 150_00
    assert [p.programme.id for p in result.chosen] == list(range(15, 2, -1))
    assert "Left out: the budget" in result.left_out[0].reasons[0]


def test_a_budget_is_either_programmes_or_money():
    with pytest.raises(ValueError, match="either a number of programmes or an amount"):
        Budget(programmes=3, money=100)


# Groups and words -----------------------------------------------------------------------


def test_groups_follow_the_stated_thresholds():
    assert group_of(0.149)[0] == REACH
    assert group_of(0.15)[0] == TARGET
    assert group_of(0.399)[0] == TARGET
    assert group_of(0.40)[0] == LIKELY


def test_every_chosen_programme_has_a_group_and_reasons_and_no_text_speaks_of_chance():
    ps = [
        programme(1, applications=100, interviews=5, research="none"),
        programme(2, applications=100, interviews=25, research="none"),
        programme(3, applications=100, interviews=60, research="none"),
        programme(4, visas=frozenset()),
    ]
    result = shortlist(ps, IMG, Budget(programmes=3), year=YEAR)
    assert {p.group for p in result.chosen} == {REACH, TARGET, LIKELY}
    assert all(p.reasons for p in result.chosen)
    assert [e.programme.id for e in result.excluded] == [4]
    words = " ".join(
        [r for p in (*result.chosen, *result.left_out) for r in p.reasons]
        + [r for e in result.excluded for r in e.reasons]
        + [result.budget_text, *result.warnings]
    ).lower()
    for banned in ("chance", "odds", "probability of match", "match rate"):
        assert banned not in words
    assert result.expected_interviews == pytest.approx(0.05 + 0.25 + 0.60)


def test_the_core_does_not_import_django():
    code = "import sys, opportunities.shortlist.core; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_empty_directory_and_a_budget_of_nothing_are_said_plainly():
    empty = shortlist([], IMG, Budget(programmes=3), year=YEAR)
    assert empty.warnings == ("The directory has no residency programmes yet.",)
    excluded = shortlist([programme(visas=frozenset())], IMG, Budget(programmes=3), year=YEAR)
    assert excluded.warnings == ("No programme meets your requirements: see the exclusions below.",)
    broke = shortlist([programme()], IMG, Budget(money=50_00), year=YEAR)
    assert broke.warnings == ("The budget does not cover even one application.",)
    assert broke.cost == 0
