"""Problems that make a dictionary unusable are all listed at once, by line and column."""

from __future__ import annotations

import pytest

from formats.datadictionary import HEADER, DataDictionaryError, Problem, read_data_dictionary
from formats.datadictionary import columns as c
from formats.datadictionary.tests.builders import dictionary_csv, row


def problems_of(*rows, **options):
    with pytest.raises(DataDictionaryError) as caught:
        read_data_dictionary(dictionary_csv(*rows, **options))
    return caught.value.problems


def where(problems):
    return [(problem.line, problem.column) for problem in problems]


@pytest.mark.parametrize("missing", [c.FORM, c.FIELD_TYPE, c.LABEL])
def test_a_missing_required_column_is_named_with_every_other_problem(missing):
    header = tuple(name for name in HEADER if name != missing)
    rows = [
        [cell for column, cell in zip(HEADER, cells, strict=True) if column != missing]
        for cells in (row("record_id"), row("Age"))
    ]
    problems = problems_of(*rows, header=header)
    assert problems == (
        Problem(1, missing, "the header has no such column; REDCap needs it"),
        Problem(
            3,
            c.NAME,
            "'Age' is not a valid variable name: use lower-case letters, digits and "
            "underscores, starting with a letter",
        ),
    )


def test_a_file_without_a_variable_name_column_is_not_a_dictionary():
    text = "record_id,age,sex\r\n1,34,2\r\n"
    with pytest.raises(DataDictionaryError) as caught:
        read_data_dictionary(text)
    assert caught.value.problems == (
        Problem(
            1,
            c.NAME,
            "this looks like a records export, not the data dictionary: its header has no "
            "'Variable / Field Name' (or field_name) column; the first line reads "
            "'record_id', 'age', 'sex'",
        ),
    )


def test_a_repeated_column_is_named_with_both_positions_even_under_another_name():
    header = (*HEADER, "field_note")
    problems = problems_of([*row("record_id"), ""], header=header)
    assert problems == (
        Problem(1, c.NOTE, "appears more than once in the header (columns 7 and 19)"),
    )


def test_an_empty_file_and_a_header_without_fields_are_refused():
    with pytest.raises(DataDictionaryError, match="the file is empty"):
        read_data_dictionary(b"")
    assert problems_of() == (Problem(1, "", "the dictionary has no fields"),)


def test_duplicate_variable_names_point_at_the_first_definition():
    problems = problems_of(row("record_id"), row("age"), row("age", form="form_one"))
    assert problems == (Problem(4, c.NAME, "'age' is already defined on line 3"),)


@pytest.mark.parametrize(
    "name", ["Age", "2nd_reader", "_age", "age band", "age-band", "", "a" * 101]
)
def test_invalid_variable_names_are_refused(name):
    assert where(problems_of(row("record_id"), row(name))) == [(3, c.NAME)]


def test_a_variable_name_of_exactly_100_characters_is_allowed():
    read_data_dictionary(dictionary_csv(row("record_id"), row("a" * 100)))


def test_invalid_and_empty_form_names_are_refused():
    problems = problems_of(row("record_id", form="Demographics"), row("age", form=""))
    assert where(problems) == [(2, c.FORM), (3, c.FORM)]


def test_an_empty_field_type_is_refused():
    assert where(problems_of(row("record_id", field_type=""))) == [(2, c.FIELD_TYPE)]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ("", "a radio field needs choices 'code, label | ...'"),
        ("1, CT | MRI", "choice 'MRI' is not written as 'code, label'"),
        ("1, CT | 1, MRI", "code '1' is used for more than one choice"),
        ("1, CT || 2, MRI", "choice '' is not written as 'code, label'"),
        (
            "1 a, CT",
            "choice '1 a, CT' has code '1 a'; "
            "use letters, digits, underscores, dots or minus signs",
        ),
    ],
)
def test_choices_that_do_not_parse_are_refused(choices, message):
    problems = problems_of(row("record_id"), row("modality", "radio", choices=choices))
    assert problems == (Problem(3, c.CHOICES, message),)


def test_yes_no_choices_written_in_the_csv_must_parse_too():
    problems = problems_of(row("record_id"), row("contrast", "yesno", choices="Yes | No"))
    assert where(problems) == [(3, c.CHOICES)]


def test_a_slider_with_more_than_three_labels_is_refused():
    problems = problems_of(row("record_id"), row("pain", "slider", choices="a | b | c | d"))
    assert problems == (
        Problem(3, c.CHOICES, "a slider has at most 3 labels (left | middle | right), not 4"),
    )


def test_a_calc_field_without_a_calculation_is_refused():
    problems = problems_of(row("record_id"), row("dose", "calc"))
    assert problems == (Problem(3, c.CHOICES, "a calc field needs a calculation"),)


@pytest.mark.parametrize(
    ("validation", "minimum", "maximum"),
    [
        ("integer", "10", "5"),
        ("number_1dp", "2.5", "-1"),
        ("date_dmy", "2024-12-31", "01-01-2024"),
        ("datetime_ymd", "2024-01-02 00:00", "2024-01-01 23:59"),
        ("time", "20:00", "07:00"),
    ],
)
def test_a_minimum_above_its_maximum_is_refused(validation, minimum, maximum):
    problems = problems_of(
        row("record_id"), row("value", validation=validation, min=minimum, max=maximum)
    )
    assert where(problems) == [(3, c.MINIMUM)]
    assert "is greater than the maximum" in problems[0].message


@pytest.mark.parametrize(
    ("validation", "value", "message"),
    [
        ("integer", "1.5", "'1.5' is not a whole number (validation integer)"),
        ("number", "ten", "'ten' is not a number (validation number)"),
        (
            "date_dmy",
            "2024/01/01",
            "'2024/01/01' is not written YYYY-MM-DD or DD-MM-YYYY, "
            "'today' or 'now' (validation date_dmy)",
        ),
        (
            "date_ymd",
            "2023-02-29",
            "'2023-02-29' is not a real date or time read as YYYY-MM-DD (validation date_ymd)",
        ),
        (
            "datetime_seconds_mdy",
            "2024-01-01 10:00",
            "'2024-01-01 10:00' is not written "
            "YYYY-MM-DD HH:MM:SS or MM-DD-YYYY HH:MM:SS, 'today' or 'now' "
            "(validation datetime_seconds_mdy)",
        ),
        ("time", "24:00", "'24:00' is not a time written HH:MM (00:00 to 23:59) (validation time)"),
        ("time", "now", "'now' is not a time written HH:MM (00:00 to 23:59) (validation time)"),
    ],
)
def test_a_limit_that_does_not_match_its_validation_is_refused(validation, value, message):
    problems = problems_of(row("record_id"), row("value", validation=validation, max=value))
    assert problems == (Problem(3, c.MAXIMUM, message),)


def test_a_limit_on_a_validation_without_a_range_is_refused():
    problems = problems_of(row("record_id"), row("email", validation="email", min="a"))
    assert problems == (Problem(3, c.MINIMUM, "email fields have no minimum or maximum"),)


def test_a_limit_without_any_validation_is_refused():
    problems = problems_of(row("record_id"), row("age", max="120"))
    assert problems == (
        Problem(3, c.MAXIMUM, "'120' needs a validation type such as integer or date_dmy"),
    )


def test_identifier_and_required_take_y_or_nothing():
    problems = problems_of(row("record_id", identifier="yes", required="n"))
    assert problems == (
        Problem(2, c.IDENTIFIER, "must be 'y' or empty, not 'yes'"),
        Problem(2, c.REQUIRED, "must be 'y' or empty, not 'n'"),
    )


def test_branching_logic_and_calculations_must_refer_to_existing_variables():
    problems = problems_of(
        row("record_id"),
        row("modality", "radio", choices="1, CT | 2, MRI"),
        row("dose", logic="[modalty] = '1' and [baseline_arm_1][contrst] = '1'"),
        row("nodule", logic="[findings(3)] = '1' or [modality][1] = '2'"),
        row("total", "calc", choices="[dose] + [dose_2]"),
    )
    missing = "refers to [{}], which is not a variable of this dictionary"
    assert problems == (
        Problem(4, c.BRANCHING_LOGIC, missing.format("modalty")),
        Problem(4, c.BRANCHING_LOGIC, missing.format("contrst")),
        Problem(5, c.BRANCHING_LOGIC, missing.format("findings")),
        Problem(6, c.CHOICES, missing.format("dose_2")),
    )


def test_the_fields_of_a_form_must_be_together():
    problems = problems_of(
        row("record_id", form="demographics"),
        row("modality", form="imaging"),
        row("age_band", form="demographics"),
    )
    assert problems == (
        Problem(
            4,
            c.FORM,
            "form 'demographics' was left on line 2 for another form; "
            "the fields of a form must be together",
        ),
    )


def test_every_problem_in_the_file_is_listed_at_once_in_file_order():
    problems = problems_of(
        row("record_id", form="demographics"),
        row("Age", form="demographics", max="120"),
        row("modality", "dropdown", form="imaging", choices="CT | MRI"),
        row("dose", "calc", form="imaging", logic="[modality] = '1' and [site] = '2'"),
        row("scan_date", form="imaging", validation="date_dmy", min="today", max="31-02-2024"),
        row("modality", "yesno", form="demographics", required="maybe"),
    )
    assert where(problems) == [
        (3, c.NAME),
        (3, c.MAXIMUM),
        (4, c.CHOICES),
        (5, c.CHOICES),
        (5, c.BRANCHING_LOGIC),
        (6, c.MAXIMUM),
        (7, c.NAME),
        (7, c.FORM),
        (7, c.REQUIRED),
    ]


def test_the_error_message_lists_every_problem_on_its_own_line():
    with pytest.raises(DataDictionaryError) as caught:
        read_data_dictionary(dictionary_csv(row("record_id"), row("Age"), row("dose", "calc")))
    assert str(caught.value).splitlines() == [
        "line 3, Variable / Field Name: 'Age' is not a valid variable name: use lower-case "
        "letters, digits and underscores, starting with a letter",
        "line 4, Choices, Calculations, OR Slider Labels: a calc field needs a calculation",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"PK\x03\x04\x14\x00binary",
            "the file is an Excel workbook (or another zip file), not CSV",
        ),
        (b"%PDF-1.7\n%\xe2\xe3", "the file is a PDF, not CSV"),
        ("Variable / Field Name\r\n".encode("utf-16"), "the file is UTF-16 text"),
    ],
)
def test_a_file_that_is_not_csv_text_says_what_it_is(data, message):
    with pytest.raises(DataDictionaryError) as caught:
        read_data_dictionary(data)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (1, "")
    assert problem.message.startswith(message)
    assert problem.message.endswith("save the dictionary as CSV UTF-8")


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ('<?xml version="1.0"?>\n<ODM>\n', "this looks like XML (REDCap's project XML?)"),
        ('{"field_name": "age"}\n', "this looks like JSON"),
        ("Title,Authors,Year\nA study,Smith,2024\n", "this is not a REDCap data dictionary"),
    ],
)
def test_a_file_that_is_not_a_dictionary_is_refused_on_its_first_line(text, start):
    with pytest.raises(DataDictionaryError) as caught:
        read_data_dictionary(text)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (1, c.NAME)
    assert problem.message.startswith(start)
    assert "has no 'Variable / Field Name' (or field_name) column" in problem.message
