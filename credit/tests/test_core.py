"""The pure rules core: who qualifies and why, grouping and order, names, ORCID, exports."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit import core
from credit.core import Contributor, Place, Rules

LONDON = Place("St Thomas' Hospital", "London", "United Kingdom")
LEEDS = Place("Leeds General Infirmary", "Yorkshire", "United Kingdom")
BOSTON = Place("Massachusetts General Hospital", "US Northeast", "United States")
RULES = Rules(consortium_name="CT Head Collaborative", min_complete_records=5)


def person(pk: int, given: str, family: str, **extra) -> Contributor:
    return Contributor(person_id=pk, given_names=given, family_name=family, **extra)


def test_it_lists_who_meets_any_route_and_says_why():
    people = [
        person(1, "Ada", "Zane", place=LONDON, records_complete=5),
        person(2, "Ben", "Young", place=LONDON, records_complete=4),
        person(3, "Cy", "Xu", place=LEEDS, site_lead=True),
    ]
    listing = core.author_list(people, RULES)
    assert [[p.name for p in g.people] for g in listing.groups] == [["Cy Xu"], ["Ada Zane"]]
    by_name = {d.contributor.name: d for d in listing.decisions}
    assert by_name["Ada Zane"].reasons == ("5 complete records (at least 5 needed)",)
    assert not by_name["Ben Young"].qualifies
    assert "4 complete records; 5 needed" in by_name["Ben Young"].shortfalls
    assert by_name["Cy Xu"].reasons == ("site lead",)


def test_a_threshold_of_none_is_not_a_route():
    rules = Rules(consortium_name="C", site_leads_qualify=True, writing_committee_qualify=False)
    decision = core.decide(person(1, "A", "B", records_complete=500), rules)
    assert not decision.qualifies
    assert decision.shortfalls == ("not a site lead",)


def test_validation_writing_committee_and_credit_roles_each_qualify():
    rules = Rules(consortium_name="C", min_validations=3, credit_roles_qualify=True)
    assert core.decide(person(1, "A", "B", validations=3), rules).qualifies
    assert core.decide(person(2, "A", "C", writing_committee="Chair"), rules).reasons == (
        "writing committee (Chair)",
    )
    roles = core.decide(person(3, "A", "D", credit_roles=("Investigation",)), rules)
    assert roles.reasons == ("CRediT roles: Investigation",)


def test_someone_who_declined_is_left_off_with_the_reason():
    decision = core.decide(person(1, "A", "B", site_lead=True, confirmation="declined"), RULES)
    assert not decision.qualifies
    assert decision.shortfalls == ("asked not to be listed",)


@pytest.mark.parametrize(
    ("grouping", "labels"),
    [
        (
            "site",
            ["Leeds General Infirmary", "Massachusetts General Hospital", "St Thomas' Hospital"],
        ),
        ("region", ["London", "US Northeast", "Yorkshire"]),
        ("country", ["United Kingdom", "United States"]),
        ("none", [""]),
    ],
)
def test_it_groups_by_site_region_or_country(grouping, labels):
    people = [
        person(1, "A", "One", place=LONDON, site_lead=True),
        person(2, "B", "Two", place=LEEDS, site_lead=True),
        person(3, "C", "Three", place=BOSTON, site_lead=True),
    ]
    listing = core.author_list(people, Rules(consortium_name="C", grouping=grouping))
    assert [g.label for g in listing.groups] == labels
    assert listing.size == 3


def test_people_of_no_site_come_first_as_the_steering_committee():
    people = [
        person(1, "A", "Aaron", place=LEEDS, site_lead=True),
        person(2, "B", "Zed", writing_committee="Chair"),
    ]
    listing = core.author_list(people, Rules(consortium_name="C"))
    assert [g.label for g in listing.groups] == [core.NO_GROUP, "Leeds General Infirmary"]


def test_it_sorts_by_family_name_ignoring_accents_and_case():
    people = [
        person(1, "Zoë", "Ó Briain", site_lead=True, place=LONDON),
        person(2, "Al", "obi", site_lead=True, place=LONDON),
        person(3, "Bo", "Nash", site_lead=True, place=LONDON),
    ]
    names = [p.family_name for p in core.author_list(people, RULES).groups[0].people]
    assert names == ["Nash", "Ó Briain", "obi"]


contributors = st.builds(
    Contributor,
    person_id=st.integers(1, 10_000),
    given_names=st.text(min_size=1, max_size=8),
    family_name=st.text(min_size=1, max_size=8),
    place=st.sampled_from([None, LONDON, LEEDS, BOSTON]),
    records_complete=st.integers(0, 20),
    validations=st.integers(0, 5),
    site_lead=st.booleans(),
    writing_committee=st.sampled_from(["", "Member"]),
)


@given(st.lists(contributors, max_size=40), st.sampled_from(core.GROUPINGS))
def test_the_list_holds_exactly_the_people_who_qualify_sorted_within_groups(people, grouping):
    rules = Rules(consortium_name="C", min_complete_records=5, min_validations=2, grouping=grouping)
    listing = core.author_list(people, rules)
    listed = [p for g in listing.groups for p in g.people]
    assert len(listed) == sum(1 for p in people if core.decide(p, rules).qualifies)
    for group in listing.groups:
        keys = [core.sort_key(p) for p in group.people]
        assert keys == sorted(keys)
    assert core.from_json(core.to_json(listing)).groups == listing.groups


def test_rules_name_each_field_at_fault():
    problems = Rules(
        consortium_name=" ",
        min_complete_records=0,
        site_leads_qualify=False,
        writing_committee_qualify=False,
        grouping="city",  # type: ignore[arg-type]
    ).problems()
    assert set(problems) == {"consortium_name", "min_complete_records", "grouping"}
    nothing_on = Rules(
        consortium_name="C", site_leads_qualify=False, writing_committee_qualify=False
    )
    assert "at least one way" in nothing_on.problems()["min_complete_records"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dr Aisha Okafor", ("Aisha", "Okafor")),
        ("Prof. Mary Jane van Dyke", ("Mary Jane van", "Dyke")),
        ("Cher", ("", "Cher")),
        ("", ("", "")),
    ],
)
def test_a_first_guess_of_given_and_family_names(name, expected):
    assert core.split_name(name) == expected


@pytest.mark.parametrize(
    "orcid",
    # ORCID's own examples of valid iDs (support.orcid.org, "Structure of the ORCID iD").
    ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"],
)
def test_published_orcid_ids_pass_the_check_digit(orcid):
    assert core.orcid_problem(orcid) is None
    assert core.orcid_problem(f"https://orcid.org/{orcid}") is None


@pytest.mark.parametrize(
    ("value", "words"),
    [("0000-0002-1825-0098", "last character"), ("1825-0097", "has the form"), ("x", "form")],
)
def test_a_mistyped_orcid_is_refused_with_the_reason(value, words):
    assert words in (core.orcid_problem(value) or "")


def _listing() -> core.AuthorList:
    people = [
        person(1, "Mary-Jane", "Smith", place=LONDON, site_lead=True, affiliation="GSTT, London"),
        person(2, "Bo", "=cmd()", place=LEEDS, site_lead=True, orcid="0000-0002-1825-0097"),
    ]
    return core.author_list(people, Rules(consortium_name="CT Head Collaborative"))


def test_pubmed_text_has_the_group_author_and_medline_investigator_tags():
    text = core.pubmed_text(_listing())
    assert text.startswith("Group author: CT Head Collaborative\n")
    assert "St Thomas' Hospital: Mary-Jane Smith." in text
    assert "CN  - CT Head Collaborative" in text
    assert "IR  - Smith MJ\nFIR - Smith, Mary-Jane\nIRAD- GSTT, London" in text


def test_csv_rows_number_people_in_list_order():
    rows = core.csv_rows(_listing())
    assert rows[0] == core.CSV_HEADER
    assert [row[1] for row in rows[1:]] == ["1", "2"]
    assert rows[1][0] == "Leeds General Infirmary"
    assert rows[1][4] == "0000-0002-1825-0097"


def test_the_csv_file_neutralises_formulas():
    from credit.exports import list_csv

    body = list_csv(_listing()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][3] == "'=cmd()"
