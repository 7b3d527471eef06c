"""REDCap's arms, events, designations and repeating CSVs, as REDCap writes them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formats.longitudinal import (
    DesignError,
    design_from_csv,
    read_arms,
    read_events,
    unique_event_name,
)
from formats.longitudinal.model import UNIQUE_NAME, Design
from formats.longitudinal.writer import event_rows, mapping_rows, repeating_rows

ARMS = "\ufeffarm_num,name\r\n1,Arm 1\r\n2,Drug B\r\n"
# Project Setup's download (day_offset) ...
EVENTS_UI = (
    "event_name,arm_num,day_offset,offset_min,offset_max,unique_event_name,custom_event_label\n"
    "Baseline,1,0,0,0,baseline_arm_1,\n"
    "6-week follow-up,1,42,7,14,,[visit_date]\n"
    "Baseline,2,0,0,0,,\n"
)
# ... and the API's export (days_offset, event_id), in another order.
EVENTS_API = (
    "event_name,arm_num,unique_event_name,custom_event_label,event_id,days_offset,offset_min,"
    "offset_max\r\nBaseline,1,baseline_arm_1,,41,0,0,0\r\n"
)
MAPPING = (
    "arm_num,unique_event_name,form\n1,baseline_arm_1,demographics\n"
    "1,6_week_follow_up_arm_1,visit\n2,baseline_arm_2,demographics\n"
)
REPEATING = (
    "event_name,form_name,custom_form_label\n"
    "6_week_follow_up_arm_1,visit,[visit_date]\nbaseline_arm_2,,\n"
)


def test_it_reads_redcaps_files_with_bom_and_crlf():
    design, notices = design_from_csv(
        arms=ARMS.encode(), events=EVENTS_UI, designations=MAPPING, repeating=REPEATING
    )
    assert [a.name for a in design.arms] == ["Arm 1", "Drug B"]
    names = [e.unique_name for e in design.events]
    assert names == ["baseline_arm_1", "6_week_follow_up_arm_1", "baseline_arm_2"]
    follow_up = design.event("6_week_follow_up_arm_1")
    baseline = design.event("baseline_arm_2")
    assert follow_up is not None
    assert baseline is not None
    assert (follow_up.day_offset, follow_up.offset_min, follow_up.offset_max) == (42, 7, 14)
    assert follow_up.custom_label == "[visit_date]"
    assert baseline.repeating
    visit = next(d for d in design.designations if d.form == "visit")
    assert visit.repeating
    assert visit.custom_label == "[visit_date]"
    assert notices == []


def test_the_api_header_variant_reads_the_same_and_event_id_is_reported():
    parsed = read_events(EVENTS_API)
    assert parsed.problems == []
    assert parsed.items[0].unique_name == "baseline_arm_1"
    assert any("event_id" in n for n in parsed.notices)


def test_without_arms_file_each_arm_is_named_by_its_number():
    design, notices = design_from_csv(events=EVENTS_API)
    assert [(a.number, a.name) for a in design.arms] == [(1, "Arm 1")]
    assert notices
    assert "Arm <number>" in notices[-1]


def test_every_row_problem_is_named_and_nothing_is_returned():
    events = "event_name,arm_num,day_offset\nBaseline,one,0\n,1,x\n"
    with pytest.raises(DesignError) as caught:
        design_from_csv(events=events)
    assert caught.value.problems == [
        "Events, row 2, arm_num: 'one' is not a whole number.",
        "Events, row 3, event_name: the event needs a name.",
        "Events, row 3, day_offset: 'x' is not a number of days.",
    ]


def test_designations_must_name_known_events_forms_and_the_events_arm():
    mapping = "arm_num,unique_event_name,form\n2,baseline_arm_1,demographics\n1,nope_arm_1,visit\n"
    with pytest.raises(DesignError) as caught:
        design_from_csv(arms=ARMS, events=EVENTS_UI, designations=mapping)
    assert "Designations, row 2, arm_num: event 'baseline_arm_1' is in arm 1, not 2." in (
        caught.value.problems
    )
    assert any("row 3" in p and "nope_arm_1" in p for p in caught.value.problems)
    with pytest.raises(DesignError) as caught:
        design_from_csv(arms=ARMS, events=EVENTS_UI, designations=MAPPING, instruments=["visit"])
    assert any("no instrument 'demographics'" in p for p in caught.value.problems)


def test_a_file_without_the_needed_columns_says_which():
    parsed = read_arms("number,title\n1,A\n")
    assert parsed.problems == [
        "The arms file needs the column(s) arm_num, name; it has number, title."
    ]
    assert read_arms(b"\xff\xfe").problems == [
        "The arms file is not UTF-8 text: save it as CSV (UTF-8)."
    ]


def test_unique_names_follow_redcap():
    assert unique_event_name("Baseline", 1) == "baseline_arm_1"
    assert unique_event_name("Visit 1 (screening) - extended", 2) == "visit_1_screening_arm_2"
    assert unique_event_name("Baseline", 1, {"baseline_arm_1"}) == "baseline_arm_1b"


@given(st.text(max_size=40), st.integers(min_value=1, max_value=99))
def test_a_generated_unique_name_is_always_valid(label, arm):
    name = unique_event_name(label, arm)
    assert UNIQUE_NAME.fullmatch(name)
    assert name.endswith(f"_arm_{arm}")


def test_the_writer_gives_back_what_the_reader_read():
    design, _ = design_from_csv(
        arms=ARMS, events=EVENTS_UI, designations=MAPPING, repeating=REPEATING
    )
    assert Design.from_dict(design.as_dict()) == design
    assert event_rows(design)[1]["days_offset"] == 42
    assert mapping_rows(design)[2] == {
        "arm_num": 2,
        "unique_event_name": "baseline_arm_2",
        "form": "demographics",
    }
    assert repeating_rows(design)[0] == {
        "event_name": "baseline_arm_2",
        "form_name": "",
        "custom_form_label": "",
    }
