from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from formats.datadictionary import (
    Alignment,
    Choice,
    DataDictionaryError,
    FieldType,
    Issue,
    Relative,
    ValidationType,
    parse_limit,
    read_data_dictionary,
)
from formats.datadictionary import columns as c
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.datadictionary.tests.fields import field

FIXTURE = Path(__file__).with_name("radiology_audit.csv")


@pytest.fixture
def audit():
    return read_data_dictionary(FIXTURE.read_text(encoding="utf-8"))


def test_the_radiology_audit_reports_only_its_survey_action_tag(audit):
    assert audit.issues == (Issue(12, c.ANNOTATION, "@HIDDEN-SURVEY is kept, not applied"),)
    assert field(audit.dictionary, "effective_dose").issues == audit.issues
    assert audit.dictionary.forms() == ("demographics", "imaging", "image_quality", "audit_outcome")
    assert len(audit.dictionary.fields) == 23


def test_demographics_hold_age_bands_and_no_identifiers(audit):
    demographics = audit.dictionary.fields_of("demographics")
    assert [field.name for field in demographics] == ["record_id", "site", "age_band", "sex"]
    assert not any(field.identifier for field in audit.dictionary.fields)
    age_band = field(audit.dictionary, "age_band")
    assert age_band.choices[-1] == Choice("4", "80 or over")
    assert field(audit.dictionary, "sex").alignment is Alignment.LEFT_HORIZONTAL


def test_imaging_fields_carry_their_types_choices_and_ranges(audit):
    get = audit.dictionary.get
    assert get("modality").field_type is FieldType.DROPDOWN
    assert get("modality").choices[0] == Choice("1", "CT")
    assert get("contrast").effective_choices == (Choice("1", "Yes"), Choice("0", "No"))
    dose = get("ct_dlp")
    assert (dose.validation, dose.validation_min, dose.validation_max) == (
        ValidationType.NUMBER_1DP,
        "0",
        "5000",
    )
    assert dose.label == "Dose-length product, DLP (mGy·cm)"
    scan_date = get("scan_date")
    assert parse_limit(scan_date.validation_max, scan_date.validation) is Relative.TODAY
    assert parse_limit(scan_date.validation_min, scan_date.validation) == date(2015, 1, 1)


def test_calc_checkbox_and_branching_logic_are_kept_as_written(audit):
    get = audit.dictionary.get
    assert get("effective_dose").calculation == "round([ct_dlp] * 0.014, 2)"
    assert get("effective_dose").annotation == "@HIDDEN-SURVEY"
    assert [choice.code for choice in get("findings").choices] == ["1", "2", "3", "4"]
    assert get("nodule_size").branching_logic == "[findings(3)] = '1'"
    assert get("contrast_reaction").branching_logic == "[imaging_arm_1][contrast] = '1'"


def test_html_labels_multi_line_labels_and_matrix_groups_survive(audit):
    get = audit.dictionary.get
    intro = get("imaging_intro")
    assert intro.label.startswith('<div class="rich-text-field-label">')
    assert intro.plain_label == "Imaging \u2013 complete one form per scan."
    assert get("report_comments").label.splitlines()[1].startswith("Do not enter names")
    matrix = [f.name for f in audit.dictionary.fields if f.matrix_group == "image_quality"]
    assert matrix == ["iq_noise", "iq_contrast", "iq_artefact"]
    assert get("confidence").slider_labels == ("Low", "Medium", "High")
    assert parse_limit(get("ct_ctdi").validation_max, ValidationType.NUMBER_1DP) == Decimal(200)


def test_a_file_field_is_read_so_a_later_layer_can_decide():
    result = read_data_dictionary(dictionary_csv(row("record_id"), row("scan", "file")))
    assert field(result.dictionary, "scan").field_type == "file"


def test_a_utf8_bom_is_ignored():
    text = FIXTURE.read_text(encoding="utf-8")
    with_bom = read_data_dictionary(("\ufeff" + text).encode("utf-8"))
    assert with_bom == read_data_dictionary(text)


def test_windows_line_endings_read_the_same_including_multi_line_cells():
    text = FIXTURE.read_text(encoding="utf-8")
    windows = read_data_dictionary(text.replace("\n", "\r\n"))
    label = field(windows.dictionary, "report_comments").label
    assert label == "Report comments\r\nDo not enter names, dates of birth or hospital numbers."
    assert windows.issues == read_data_dictionary(text).issues


def test_str_bytes_and_text_streams_are_all_accepted():
    text = dictionary_csv(row("record_id"))
    results = {
        read_data_dictionary(source)
        for source in (text, text.encode("utf-8"), io.StringIO(text, newline=""))
    }
    assert len(results) == 1


def test_empty_rows_and_a_missing_trailing_newline_are_harmless():
    text = dictionary_csv(row("record_id"), [""] * 18, row("age", "text")) + "\r\n\r\n"
    result = read_data_dictionary(text.rstrip("\r\n"))
    assert [field.name for field in result.dictionary.fields] == ["record_id", "age"]
    assert result.issues == ()


def test_short_rows_as_saved_by_spreadsheets_are_padded():
    text = dictionary_csv(row("record_id")[:5])
    assert field(read_data_dictionary(text).dictionary, "record_id").annotation == ""


def test_bytes_that_are_not_utf8_are_refused_with_their_line():
    data = dictionary_csv(row("record_id"), row("age", label="Âge")).encode("latin-1")
    with pytest.raises(DataDictionaryError) as caught:
        read_data_dictionary(data)
    assert caught.value.problems == ((3, "", "the file is not UTF-8 text; save it as CSV UTF-8"),)


def test_broken_quoting_is_refused_with_its_line():
    text = dictionary_csv(row("record_id")) + 'age,form_one,,text,"Age"x,,,,,,,,,,,,,\r\n'
    with pytest.raises(DataDictionaryError) as caught:
        read_data_dictionary(text)
    [problem] = caught.value.problems
    assert problem.line == 3
    assert problem.message.startswith("the CSV cannot be read")
