"""REDCap's project XML: what the reader finds in files laid out as REDCap writes them,
what it refuses (and where), and read → write → read giving the same project."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formats.datadictionary import FieldType, ValidationType
from formats.projectxml import (
    Arm,
    Designation,
    Event,
    ProjectXmlError,
    RepeatingForm,
    read_project_xml,
    write_project_xml,
)

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str):
    return read_project_xml((FIXTURES / name).read_bytes())


@pytest.fixture(scope="module")
def classic():
    return read("classic.xml")


@pytest.fixture(scope="module")
def longitudinal():
    return read("longitudinal.xml")


def test_it_reads_every_field_type_of_a_classic_project(classic):
    types = {f.name: f.field_type for f in classic.dictionary.fields}
    assert types == {
        "record_id": FieldType.TEXT,
        "scan_date": FieldType.TEXT,
        "scan_time": FieldType.TEXT,
        "contrast": FieldType.RADIO,
        "findings": FieldType.CHECKBOX,
        "ctdi": FieldType.TEXT,
        "dlp": FieldType.TEXT,
        "dose_index": FieldType.CALC,
        "intro": FieldType.DESCRIPTIVE,
        "report": FieldType.FILE,
        "quality_noise": FieldType.RADIO,
        "quality_motion": FieldType.RADIO,
        "confidence": FieldType.SLIDER,
        "comments": FieldType.NOTES,
        "nodule_site": FieldType.DROPDOWN,
        "nodule_size": FieldType.TEXT,
        "solid": FieldType.YESNO,
    }
    assert classic.record_id_field == "record_id"
    assert classic.dictionary.forms() == ("scan", "nodules")
    assert dict(classic.form_labels) == {"scan": "Scan", "nodules": "Nodules"}


def test_it_keeps_every_attribute_redcap_writes_on_a_field(classic):
    get = classic.dictionary.get
    scan_date = get("scan_date")
    assert scan_date.validation is ValidationType.DATE_YMD
    assert (scan_date.validation_min, scan_date.validation_max) == ("2020-01-01", "today")
    assert scan_date.required
    assert scan_date.note == "Y-M-D"
    assert get("contrast").label == "<b>Contrast</b> given?<br>(intravenous)"
    assert get("contrast").choices[0].label == '<span style="color:green">Yes</span>'
    assert get("contrast").alignment.value == "LH"
    assert [(c.code, c.label) for c in get("findings").choices] == [
        ("1", "Nodule"),
        ("2", "Effusion"),
        ("99", "Other, not listed"),
    ]
    assert get("findings").branching_logic == "[contrast] = '1'"
    assert get("dose_index").calculation == "round([dlp]/[ctdi],1)"
    assert get("quality_noise").section_header == "Rate each"
    assert get("quality_motion").matrix_group == "quality"
    assert get("confidence").slider_labels == ("Unsure", "", "Certain")
    assert get("intro").label.startswith("<p>Rate the images")


def test_it_reads_dags_and_the_repeating_setup(classic):
    assert classic.dags == ("St Thomas", "Leeds General", "Oslo University")
    assert classic.repeating_forms == (RepeatingForm("event_1_arm_1", "nodules", "[nodule_site]"),)
    assert not classic.longitudinal


def test_records_come_as_redcaps_flat_rows(classic):
    assert classic.record_ids == ("1", "a-12")
    first, _, nodule_2, second = classic.records
    assert first["redcap_data_access_group"] == "st_thomas"
    # A date-time is written with a T in ODM and read back as REDCap's flat files give it.
    assert first["scan_time"] == "2026-03-09 14:30"
    # A line break inside an attribute value survives (XML would read it as a space).
    assert first["comments"] == "Breathing artefact at the bases;\nno repeat needed."
    assert (first["findings___1"], first["findings___2"], first["findings___99"]) == ("1", "0", "1")
    assert nodule_2["redcap_repeat_instrument"] == "nodules"
    assert nodule_2["redcap_repeat_instance"] == "2"
    assert nodule_2["nodule_size"] == "4.5"
    assert "scan_time" not in second  # a blank value is no value
    header = classic.records_csv().splitlines()[0]
    assert header.startswith(
        "record_id,redcap_repeat_instrument,redcap_repeat_instance,redcap_data_access_group,"
    )
    assert "report" not in header  # a file field has no column


def test_what_is_not_applied_is_kept_and_reported_item_by_item_with_its_line(classic):
    found = {(issue.line, issue.where) for issue in classic.issues}
    assert (12, "redcap:MissingDataCodes") in found
    assert (18, "redcap:DataQualityRulesGroup") in found
    assert (121, "report") in found  # redcap:StopActions
    assert (115, "dose_index, Field Annotation") in found  # @HIDDEN-SURVEY
    uploads = [i for i in classic.issues if "file uploaded" in i.message]
    assert [(i.line, i.where) for i in uploads] == [(229, "report")]
    # Settings that only shape REDCap's own pages are kept quietly.
    assert not any("SurveysEnabled" in issue.where for issue in classic.issues)
    assert dict(classic.field_extras) == {"report": (("StopActions", "1"),)}


def test_a_windows_download_with_a_bom_and_crlf_reads_the_same(classic):
    windows = read("classic-crlf-bom.xml")
    assert windows == classic
    assert windows.records[0]["comments"] == classic.records[0]["comments"]
    assert [i.line for i in windows.issues] == [i.line for i in classic.issues]


def test_it_reads_arms_events_with_their_offsets_and_designations(longitudinal):
    assert longitudinal.arms == (Arm(1, "Screen-detected"), Arm(2, "Incidental"))
    month_3 = longitudinal.events[1]
    assert month_3 == Event(
        "month_3_arm_1", "Month 3", 1, "90", "7", "14", custom_label="[visit_date]"
    )
    assert longitudinal.events[3].repeating
    assert Designation(2, "interval_scan_arm_2", "visit") in longitudinal.designations
    assert len(longitudinal.designations) == 5
    assert longitudinal.repeating_events == ("interval_scan_arm_2",)


def test_longitudinal_rows_carry_the_event_and_the_repeat_of_a_repeating_event(longitudinal):
    rows = [
        (
            r["study_id"],
            r["redcap_event_name"],
            r.get("redcap_repeat_instrument", ""),
            r.get("redcap_repeat_instance", ""),
        )
        for r in longitudinal.records
    ]
    assert rows == [
        ("101", "baseline_arm_1", "", ""),
        ("101", "baseline_arm_1", "lesion", "1"),
        ("101", "baseline_arm_1", "lesion", "2"),
        ("101", "month_3_arm_1", "", ""),
        ("201", "baseline_arm_2", "", ""),
        ("201", "interval_scan_arm_2", "", "1"),
        ("201", "interval_scan_arm_2", "", "2"),
    ]
    assert all(r["redcap_data_access_group"] == "lgi" for r in longitudinal.records[4:])


@pytest.mark.parametrize("name", ["classic.xml", "classic-crlf-bom.xml", "longitudinal.xml"])
def test_read_write_read_gives_the_same_project(name):
    project = read(name)
    written = write_project_xml(project)
    again = read_project_xml(written)
    assert again == project
    assert again.records_csv() == project.records_csv()
    assert again.dictionary_csv == project.dictionary_csv
    # And once more: the writer's own output is stable.
    assert write_project_xml(again) == written


def test_a_dictionary_built_in_code_writes_a_project_redcap_reads(classic):
    from dataclasses import replace

    from formats.datadictionary import read_data_dictionary

    fresh = read_data_dictionary(classic.dictionary_csv).dictionary
    project = replace(classic, dictionary=fresh, records=(), record_columns=(), kept=())
    again = read_project_xml(write_project_xml(project))
    assert again.dictionary == classic.dictionary
    assert again.records == ()


def problems(data: bytes | str) -> list[str]:
    with pytest.raises(ProjectXmlError) as caught:
        read_project_xml(data)
    return [str(problem) for problem in caught.value.problems]


def test_xml_that_does_not_parse_is_refused_with_its_line():
    (message,) = problems(b'<?xml version="1.0"?>\n<ODM>\n<Study>\n</ODM>')
    assert message.startswith("line 4: the XML cannot be read: mismatched tag")


def test_a_file_that_is_not_odm_is_refused_naming_what_it_is():
    (message,) = problems('<?xml version="1.0"?>\n<records><item/></records>')
    assert "line 2: this is not CDISC ODM: the file starts with <records>" in message


def test_odm_that_redcap_did_not_write_is_refused():
    text = (
        '<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study OID="S">'
        '<MetaDataVersion OID="M" Name="m"><ItemDef OID="a" Name="a" DataType="text"/>'
        "</MetaDataVersion></Study></ODM>"
    )
    (message,) = problems(text)
    assert "this ODM was not written by REDCap" in message


def test_a_field_redcap_would_refuse_is_named_at_its_itemdef_line():
    text = (FIXTURES / "classic.xml").read_text(encoding="utf-8")
    broken = text.replace('redcap:FieldType="slider"', 'redcap:FieldType="likert"')
    broken = broken.replace(
        'redcap:CheckboxChoices="1, Nodule|2, Effusion|99, Other, not listed"',
        'redcap:CheckboxChoices="1, Nodule|1, Effusion"',
        1,
    )
    found = problems(broken)
    assert found[0].startswith("line 97, findings, Choices, Calculations, OR Slider Labels:")
    assert found[1] == (
        "line 132, ItemDef: field confidence: redcap:FieldType 'likert' is not a REDCap field type"
    )


def test_entities_are_refused_so_a_billion_laughs_cannot_expand():
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE ODM [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
        '<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3">&b;</ODM>'
    )
    (message,) = problems(bomb)
    assert "refused for safety" in message


def test_an_empty_file_is_refused():
    (message,) = problems(b"")
    assert message.startswith("line 1:")


# Any text a person may type, but the control characters XML 1.0 cannot hold at all.
TYPED = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs"],
        blacklist_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32)])),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(comment=TYPED, code=st.sampled_from(["RUL", "RML", "LUL"]), record=st.from_regex(
    r"[A-Za-z0-9][A-Za-z0-9 _.@-]{0,10}[A-Za-z0-9]", fullmatch=True
))  # fmt: skip
def test_any_typed_text_and_record_id_survive_write_and_read(comment, code, record):
    from dataclasses import replace

    base = read("classic.xml")
    rows = (
        {"record_id": record, "comments": comment, "scan_complete": "0"},
        {
            "record_id": record,
            "redcap_repeat_instrument": "nodules",
            "redcap_repeat_instance": "1",
            "nodule_site": code,
        },
    )
    project = replace(base, records=rows)
    again = read_project_xml(write_project_xml(project))
    first = again.records[0]
    assert first["record_id"] == record
    assert first.get("comments", "") == comment
    assert again.records[1]["nodule_site"] == code
