"""What RadCollab does not support is read past, left out and reported by line and column."""

from __future__ import annotations

from formats.datadictionary import HEADER, Issue, read_data_dictionary
from formats.datadictionary import columns as c
from formats.datadictionary.tests.builders import cells_of, dictionary_csv, row


def issues_of(*rows, **options):
    return read_data_dictionary(dictionary_csv(row("record_id"), *rows, **options)).issues


def test_an_unknown_field_type_is_reported_and_the_field_left_out():
    text = dictionary_csv(row("record_id"), row("lookup", "sql", choices="select 1"))
    result = read_data_dictionary(text)
    assert result.issues == (
        Issue(3, c.FIELD_TYPE, "field type 'sql' is not supported; field 'lookup' is left out"),
    )
    assert result.dictionary.get("lookup") is None


def test_an_unknown_validation_type_is_reported_and_left_out_with_its_range():
    issues = issues_of(row("postcode", validation="postalcode_uk", min="1", max="2"))
    assert [(issue.line, issue.column) for issue in issues] == [
        (3, c.VALIDATION),
        (3, c.MINIMUM),
        (3, c.MAXIMUM),
    ]
    assert "'postalcode_uk' is not supported" in issues[0].message


def test_a_signature_is_reported_and_read_as_a_plain_file_field():
    result = read_data_dictionary(
        dictionary_csv(row("record_id"), row("sign", "file", validation="signature"))
    )
    assert [(i.line, i.column) for i in result.issues] == [(3, c.VALIDATION)]
    assert result.dictionary.get("sign").validation is None


def test_matrix_ranking_is_reported():
    issues = issues_of(row("rank_a", "radio", choices="1, A | 2, B", matrix="grid", ranking="y"))
    assert issues == (
        Issue(3, c.MATRIX_RANKING, "matrix ranking is not supported; it is left out"),
    )


def test_an_unknown_custom_alignment_is_reported():
    issues = issues_of(row("sex", "radio", choices="1, F | 2, M", alignment="RR"))
    assert issues == (Issue(3, c.ALIGNMENT, "'RR' is not one of RV, RH, LV, LH; it is left out"),)


def test_each_extra_column_is_reported_once_on_the_header_line():
    header = (*HEADER, "Reviewer notes")
    text = dictionary_csv([*row("record_id"), "check"], [*row("age"), ""], header=header)
    issues = read_data_dictionary(text).issues
    assert issues == (
        Issue(
            1,
            "Reviewer notes",
            "is not a REDCap data-dictionary column; left out, 1 filled cell",
        ),
    )


def test_a_cell_beyond_the_header_is_reported():
    text = dictionary_csv(row("record_id"), [*row("age"), "stray"])
    assert read_data_dictionary(text).issues == (
        Issue(3, "(column 19)", "'stray' is beyond the header; left out"),
    )


def test_choices_on_a_field_type_that_takes_none_are_reported():
    issues = issues_of(row("diagnosis", "text", choices="BIOPORTAL:ICD10"))
    assert issues == (
        Issue(3, c.CHOICES, "text fields take no choices; 'BIOPORTAL:ICD10' is left out"),
    )


def test_validation_and_ranges_on_field_types_without_them_are_reported():
    issues = issues_of(row("site", "radio", choices="1, A", validation="integer", min="1"))
    assert [(i.line, i.column) for i in issues] == [(3, c.VALIDATION), (3, c.MINIMUM)]


def test_cells_written_back_differently_are_reported_never_silently_changed():
    text = dictionary_csv(
        row(" age ", "radio", choices="1,Young|2,Old", required="Y", identifier="Y")
    )
    result = read_data_dictionary(text)
    assert {(i.line, i.column) for i in result.issues} == {
        (2, c.NAME),
        (2, c.CHOICES),
        (2, c.REQUIRED),
        (2, c.IDENTIFIER),
    }
    choices = next(i for i in result.issues if i.column == c.CHOICES)
    assert choices.message == "is written back as '1, Young | 2, Old', not '1,Young|2,Old'"


def test_issues_come_in_file_order_with_the_line_a_multi_line_record_starts_on():
    text = dictionary_csv(
        row("record_id", label="Two\nlines"),
        row("sex", "radio", choices="1, F | 2, M", alignment="XX"),
        row("lookup", "sql", label="Three\nlines\nhere"),
        row("scan", "file", validation="signature"),
    )
    assert cells_of(text)[1][4] == "Two\nlines"
    issues = read_data_dictionary(text).issues
    assert [(i.line, i.column) for i in issues] == [
        (4, c.ALIGNMENT),
        (5, c.FIELD_TYPE),
        (8, c.VALIDATION),
    ]
