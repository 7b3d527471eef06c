"""check_value over every validation and field type: storage form, errors and warnings."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from formats.datadictionary import Choice, Field, FieldType, ValidationType
from formats.records import browser_pattern, check_checkbox, check_value, expected_format

TODAY = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 12, 30, 15)  # noqa: DTZ001 - the study's wall-clock time


def text(validation=None, minimum="", maximum=""):
    return Field(
        name="answer",
        form="baseline",
        field_type=FieldType.TEXT,
        label="Answer",
        validation=validation,
        validation_min=minimum,
        validation_max=maximum,
    )


def check(field, raw):
    return check_value(field, raw, today=TODAY, now=NOW)


V = ValidationType
GOOD = [
    (V.DATE_YMD, "2024-12-31", "2024-12-31"),
    (V.DATE_YMD, "2024/1/5", "2024-01-05"),
    (V.DATE_MDY, "12-31-2024", "2024-12-31"),
    (V.DATE_MDY, "2024-12-31", "2024-12-31"),
    (V.DATE_DMY, "31-12-2024", "2024-12-31"),
    (V.DATE_DMY, "5/1/2024", "2024-01-05"),
    (V.DATETIME_YMD, "2024-12-31 14:30", "2024-12-31 14:30"),
    (V.DATETIME_MDY, "12-31-2024 9:05", "2024-12-31 09:05"),
    (V.DATETIME_DMY, "31-12-2024 23:59", "2024-12-31 23:59"),
    (V.DATETIME_SECONDS_YMD, "2024-12-31 14:30:05", "2024-12-31 14:30:05"),
    (V.DATETIME_SECONDS_MDY, "12-31-2024 14:30", "2024-12-31 14:30:00"),
    (V.DATETIME_SECONDS_DMY, "31-12-2024 14:30:59", "2024-12-31 14:30:59"),
    (V.TIME, "09:05", "09:05"),
    (V.TIME, "9:05", "09:05"),
    (V.INTEGER, "42", "42"),
    (V.INTEGER, "-007", "-7"),
    (V.INTEGER, "+3", "3"),
    (V.NUMBER, "12.50", "12.50"),
    (V.NUMBER, "-.5", "-0.5"),
    (V.NUMBER, "5.", "5"),
    (V.NUMBER_1DP, "12.5", "12.5"),
    (V.NUMBER_1DP, "12", "12.0"),
    (V.NUMBER_2DP, "12.5", "12.50"),
    (V.NUMBER_2DP, "0.25", "0.25"),
    (V.EMAIL, "someone@example.org", "someone@example.org"),
    (V.PHONE, "415-555-2671", "(415) 555-2671"),
    (V.PHONE, "(415) 555 2671 ext. 12", "(415) 555-2671 x12"),
    (V.ALPHA_ONLY, "Abc", "Abc"),
    (V.TIME_HH_MM_SS, "9:05:07", "09:05:07"),
    (V.TIME_MM_SS, "04:30", "04:30"),
    (V.NUMBER_3DP, "1.5", "1.500"),
    (V.NUMBER_4DP, "2", "2.0000"),
    (V.NUMBER_COMMA_DECIMAL, "12,50", "12,50"),
    (V.NUMBER_COMMA_DECIMAL, "-007,5", "-7,5"),
    (V.NUMBER_COMMA_DECIMAL, ",5", "0,5"),
    (V.NUMBER_1DP_COMMA_DECIMAL, "12", "12,0"),
    (V.NUMBER_2DP_COMMA_DECIMAL, "0,5", "0,50"),
    (V.NUMBER_3DP_COMMA_DECIMAL, "+1,25", "1,250"),
    (V.NUMBER_4DP_COMMA_DECIMAL, "3", "3,0000"),
    (V.PHONE_AUSTRALIA, "(02) 9876 5432", "(02) 9876 5432"),
    (V.PHONE_AUSTRALIA, "0398765432", "0398765432"),
    (V.POSTALCODE_AUSTRALIA, "2000", "2000"),
    (V.POSTALCODE_CANADA, "k1a0b1", "k1a0b1"),
    (V.POSTALCODE_FRENCH, "75001", "75001"),
    (V.POSTALCODE_GERMANY, "10115", "10115"),
    (V.ZIPCODE, "37203-1234", "37203-1234"),
    (V.MRN_10D, "0123456789", "0123456789"),
    (V.MRN_GENERIC, "AB-12_x", "AB-12_x"),
    (V.VMRN, "1234", "1234"),
    (V.AUTOCOMPLETE, "any text", "any text"),
]
BAD = [
    (V.DATE_YMD, "31-12-2024", "expected YYYY-MM-DD, such as 2024-12-31"),
    (V.DATE_YMD, "2024-02-30", "is not a real date"),
    (V.DATE_MDY, "31-12-2024", "expected MM-DD-YYYY, such as 12-31-2024"),
    (V.DATE_DMY, "12-31-2024", "is not a real date; expected DD-MM-YYYY"),
    (V.DATE_DMY, "31-12-2024 10:00", "is not written that way"),
    (V.DATETIME_YMD, "2024-12-31", "expected YYYY-MM-DD HH:MM, such as 2024-12-31 14:30"),
    (V.DATETIME_YMD, "2024-12-31 14:30:05", "is not a real date and time"),
    (V.DATETIME_DMY, "31-12-2024 24:00", "expected DD-MM-YYYY HH:MM"),
    (V.DATETIME_SECONDS_MDY, "12-31-2024 14:30:61", "expected MM-DD-YYYY HH:MM:SS"),
    (V.DATETIME_MDY, "31-12-2024 10:00", "expected MM-DD-YYYY HH:MM"),
    (V.DATETIME_SECONDS_YMD, "2024-12-31T14:30:5", "is not a real date and time"),
    (V.DATETIME_SECONDS_DMY, "31-12-2024", "is not written that way"),
    (V.TIME, "25:00", "is not a time; expected a time HH:MM (00:00 to 23:59)"),
    (V.TIME, "noon", "is not a time"),
    (V.INTEGER, "abc", "'abc' is not an integer; expected a whole number, such as 42"),
    (V.INTEGER, "4.0", "is not an integer"),
    (V.NUMBER, "1,5", "is not a number"),
    (V.NUMBER, ".", "is not a number"),
    (V.NUMBER, "1e3", "is not a number"),
    (V.NUMBER_1DP, "12.55", "has 2 decimal places; expected a number with 1 decimal place"),
    (V.NUMBER_2DP, "1.234", "has 3 decimal places"),
    (V.EMAIL, "someone@", "is not an email address"),
    (V.PHONE, "12345", "is not a phone number; expected a North American phone number"),
    (V.PHONE, "415-055-2671", "is not a phone number"),
    (V.ALPHA_ONLY, "ab c", "is not letters only"),
    (V.ALPHA_ONLY, "Müller", "is not letters only"),
    (V.INTEGER, "١٢", "is not an integer"),
    (V.TIME_HH_MM_SS, "24:00:00", "is not a time; expected a time HH:MM:SS"),
    (V.TIME_HH_MM_SS, "09:05", "is not a time"),
    (V.TIME_MM_SS, "60:00", "is not minutes and seconds; expected minutes and seconds MM:SS"),
    (V.TIME_MM_SS, "1:30", "is not minutes and seconds"),
    (V.NUMBER_3DP, "1.2345", "has 4 decimal places; expected a number with 3 decimal places"),
    (V.NUMBER_4DP, "1.23456", "has 5 decimal places"),
    (V.NUMBER_COMMA_DECIMAL, "12.5", "is not a number written with a decimal comma"),
    (V.NUMBER_COMMA_DECIMAL, "1e3", "such as 12,5"),
    (V.NUMBER_1DP_COMMA_DECIMAL, "12,55", "has 2 decimal places"),
    (V.NUMBER_2DP_COMMA_DECIMAL, "1,234", "has 3 decimal places"),
    (V.NUMBER_3DP_COMMA_DECIMAL, "1.5", "is not a number written with a decimal comma"),
    (V.NUMBER_4DP_COMMA_DECIMAL, "abc", "is not a number"),
    (V.PHONE_AUSTRALIA, "(01) 9876 5432", "is not an Australian phone number"),
    (V.POSTALCODE_AUSTRALIA, "200", "is not an Australian postcode; expected an Australian"),
    (V.POSTALCODE_CANADA, "D1A 0B1", "is not a Canadian postal code"),
    (V.POSTALCODE_FRENCH, "99000", "is not a French postal code"),
    (V.POSTALCODE_GERMANY, "00123", "is not a German postal code"),
    (V.ZIPCODE, "3720", "is not a ZIP code; expected a U.S. ZIP code"),
    (V.MRN_10D, "123456789", "is not a 10-digit medical record number"),
    (V.MRN_GENERIC, "AB 12", "is not a medical record number"),
    (V.VMRN, "123", "is not a Vanderbilt medical record number"),
]


@pytest.mark.parametrize(("validation", "raw", "stored"), GOOD)
def test_it_stores_a_good_value_in_redcaps_export_form(validation, raw, stored):
    checked = check(text(validation), raw)
    assert (checked.value, checked.error, checked.warning) == (stored, None, None)


@pytest.mark.parametrize(("validation", "raw", "message"), BAD)
def test_it_refuses_a_bad_value_naming_the_field_and_the_expected_format(validation, raw, message):
    checked = check(text(validation), raw)
    assert checked.value == ""
    assert checked.error is not None
    assert checked.error.startswith(f"field answer: {raw!r}")
    assert message in checked.error


def test_every_validation_type_is_covered_by_both_tables():
    # No value of an ssn field is ever stored; any text suits a text field that wrongly
    # has autocomplete (a dropdown's): both have their own tests below.
    assert {row[0] for row in GOOD} == set(ValidationType) - {V.SSN}
    assert {row[0] for row in BAD} == set(ValidationType) - {V.SSN, V.AUTOCOMPLETE}


@pytest.mark.parametrize("raw", ["123-45-6789", "anything"])
def test_a_social_security_number_is_never_stored_nor_repeated(raw):
    checked = check(text(V.SSN), raw)
    assert checked.value == ""
    assert checked.error == (
        "field answer: a Social Security number identifies a person; RadCollab keeps "
        "pseudonymised data only, so it is not stored. Leave the field empty."
    )
    assert check(text(V.SSN), " ").error is None


def test_an_autocomplete_dropdown_takes_one_of_its_choices():
    field = Field(
        name="site",
        form="baseline",
        field_type=FieldType.DROPDOWN,
        label="Site",
        choices=(Choice("1", "Leeds"), Choice("2", "York")),
        validation=V.AUTOCOMPLETE,
    )
    assert check(field, "2").value == "2"
    assert "is not one of the choices" in check(field, "Leeds").error


def test_an_sql_field_keeps_its_value_as_text():
    field = Field(name="lookup", form="baseline", field_type=FieldType.SQL, label="Lookup")
    assert check(field, " Site 4 ") == check(text(), "Site 4")


@pytest.mark.parametrize(
    ("validation", "good", "bad"),
    [
        (V.PHONE_AUSTRALIA, "(02) 9876 5432", "(01) 9876 5432"),
        (V.POSTALCODE_CANADA, "K1A 0B1", "D1A 0B1"),
        (V.MRN_GENERIC, "AB-12_x", "AB 12"),
        (V.NUMBER_2DP, "12.5", "12.555"),
        (V.NUMBER_2DP_COMMA_DECIMAL, "12,5", "12.5"),
        (V.TIME_MM_SS, "04:30", "60:00"),
        (V.INTEGER, "-3", "3.0"),
    ],
)
def test_the_browser_pattern_agrees_with_the_server(validation, good, bad):
    source = browser_pattern(validation)
    assert source is not None
    pattern = re.compile(source.replace("\\-", "-"))
    assert pattern.fullmatch(good)
    assert not pattern.fullmatch(bad)
    assert check(text(validation), good).error is None
    assert check(text(validation), bad).error is not None


def test_a_blank_value_is_accepted_and_stored_empty():
    assert check(text(V.INTEGER, "1", "5"), "  ") == check(text(), "")
    assert check(text(V.INTEGER), "").value == ""


def test_free_text_keeps_its_content_with_surrounding_space_trimmed():
    assert check(text(), "  a note\r\nline two ").value == "a note\nline two"


RANGES = [
    (V.INTEGER, "18", "120", "17", "field answer: 17 is below the minimum, 18"),
    (V.INTEGER, "18", "120", "121", "field answer: 121 is above the maximum, 120"),
    (V.NUMBER, "0.5", "", "0.49", "below the minimum, 0.5"),
    (V.NUMBER_1DP, "", "10.0", "10.1", "above the maximum, 10.0"),
    (V.TIME, "08:00", "18:00", "07:59", "below the minimum, 08:00"),
    (V.DATE_DMY, "01-01-2020", "today", "02-06-2025", "after the latest, today (01-06-2025)"),
    (V.DATE_YMD, "2020-01-01", "", "2019-12-31", "before the earliest, 2020-01-01"),
    (V.DATE_MDY, "now", "", "05-31-2025", "before the earliest, now (06-01-2025)"),
    (V.DATETIME_YMD, "", "now", "2025-06-01 12:31", "after the latest, now (2025-06-01 12:30)"),
    (V.DATETIME_DMY, "today", "", "31-05-2025 23:59", "before the earliest, today (01-06-2025"),
    (V.DATETIME_SECONDS_YMD, "", "now", "2025-06-01 12:30:16", "now (2025-06-01 12:30:15)"),
    (V.NUMBER_3DP, "1.5", "", "1.499", "below the minimum, 1.5"),
    (V.NUMBER_1DP_COMMA_DECIMAL, "1,5", "", "1,4", "field answer: 1,4 is below the minimum, 1,5"),
    (V.NUMBER_COMMA_DECIMAL, "", "10", "10,01", "above the maximum, 10"),
    (V.TIME_HH_MM_SS, "08:00:00", "", "07:59:59", "below the minimum, 08:00:00"),
    (V.TIME_MM_SS, "", "10:00", "10:01", "above the maximum, 10:00"),
]


@pytest.mark.parametrize(("validation", "minimum", "maximum", "raw", "message"), RANGES)
def test_a_value_out_of_range_is_kept_with_a_warning_to_confirm(
    validation, minimum, maximum, raw, message
):
    checked = check(text(validation, minimum, maximum), raw)
    assert checked.error is None
    assert checked.value != ""
    assert checked.warning is not None
    assert message in checked.warning
    assert checked.warning.endswith("confirm it if it is right")


@pytest.mark.parametrize(
    ("validation", "minimum", "maximum", "raw"),
    [
        (V.INTEGER, "18", "120", "18"),
        (V.INTEGER, "18", "120", "120"),
        (V.DATE_DMY, "", "today", "01-06-2025"),
        (V.DATETIME_YMD, "", "now", "2025-06-01 12:30"),
        (V.DATETIME_YMD, "today", "", "2025-06-01 00:00"),
        (V.TIME, "08:00", "18:00", "18:00"),
    ],
)
def test_a_value_on_its_limit_is_in_range(validation, minimum, maximum, raw):
    assert check(text(validation, minimum, maximum), raw).warning is None


def coded(field_type, choices=()):
    return Field(
        name="choice",
        form="baseline",
        field_type=field_type,
        label="Choice",
        choices=tuple(Choice(code, label) for code, label in choices),
    )


MODALITY = (("1", "CT"), ("2", "MRI"), ("us", "Ultrasound"))


@pytest.mark.parametrize("field_type", [FieldType.DROPDOWN, FieldType.RADIO])
def test_a_choice_must_be_one_of_the_codes(field_type):
    field = coded(field_type, MODALITY)
    assert check(field, "us").value == "us"
    refused = check(field, "CT")
    assert refused.error == (
        "field choice: 'CT' is not one of the choices; "
        "expected one of the codes 1 (CT), 2 (MRI), us (Ultrasound)"
    )


@pytest.mark.parametrize(
    ("field_type", "good", "bad"),
    [(FieldType.YESNO, "0", "yes"), (FieldType.TRUEFALSE, "1", "2")],
)
def test_yes_no_and_true_false_take_their_implicit_codes(field_type, good, bad):
    field = coded(field_type)
    assert check(field, good).value == good
    assert "is not one of the choices" in check(field, bad).error


def test_checkbox_codes_are_stored_in_the_dictionarys_order():
    field = coded(FieldType.CHECKBOX, MODALITY)
    assert check(field, "us, 1").value == "1,us"
    assert check_checkbox(field, {"2"}).value == "2"
    assert check_checkbox(field, set()).value == ""


def test_an_unknown_checkbox_code_is_refused_by_name():
    refused = check(coded(FieldType.CHECKBOX, MODALITY), "1,9,x")
    assert refused.error.startswith("field choice: '1,9,x' has '9', 'x', not among the choices")


def test_a_long_choice_list_is_shortened_in_the_message():
    field = coded(FieldType.DROPDOWN, [(str(n), f"Site {n}") for n in range(1, 31)])
    assert "12 (Site 12) and 18 more" in check(field, "99").error


def slider(minimum="", maximum=""):
    return Field(
        name="pain",
        form="baseline",
        field_type=FieldType.SLIDER,
        label="Pain",
        validation_min=minimum,
        validation_max=maximum,
    )


@pytest.mark.parametrize(("raw", "stored"), [("0", "0"), ("100", "100"), ("050", "50")])
def test_a_slider_takes_a_whole_number_from_0_to_100(raw, stored):
    assert check(slider(), raw).value == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("101", "is off the slider's scale; expected a whole number from 0 to 100"),
        ("-1", "is off the slider's scale"),
        ("5.5", "is not a whole number"),
    ],
)
def test_a_slider_refuses_values_off_its_scale(raw, message):
    assert message in check(slider(), raw).error


def test_a_slider_with_its_own_scale_uses_it():
    assert check(slider("1", "10"), "10").ok
    assert "from 1 to 10" in check(slider("1", "10"), "11").error


@pytest.mark.parametrize(
    ("field_type", "reason"),
    [
        (FieldType.CALC, "is calculated from other fields"),
        (FieldType.DESCRIPTIVE, "holds no value"),
        (FieldType.FILE, "takes an uploaded file"),
    ],
)
def test_calculated_descriptive_and_file_fields_are_not_typed_in(field_type, reason):
    field = coded(field_type)
    assert reason in check(field, "12").error
    assert check(field, "").ok


def test_expected_formats_read_as_the_form_shows_them():
    assert expected_format(V.DATE_DMY) == "DD-MM-YYYY"
    assert expected_format(V.DATETIME_SECONDS_MDY) == "MM-DD-YYYY HH:MM:SS"
    assert expected_format(V.INTEGER) == "a whole number"
