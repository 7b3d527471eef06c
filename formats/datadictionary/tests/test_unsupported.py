"""What RadCollab does not apply is kept as written, written back, and reported by line
and column, on the field it belongs to."""

from __future__ import annotations

from formats.datadictionary import (
    HEADER,
    NOT_APPLIED,
    FieldType,
    Issue,
    read_data_dictionary,
    write_data_dictionary,
)
from formats.datadictionary import columns as c
from formats.datadictionary.tests.builders import cells_of, dictionary_csv, row
from formats.datadictionary.tests.fields import field


def read(*rows, **options):
    return read_data_dictionary(dictionary_csv(row("record_id"), *rows, **options))


def comes_back(text):
    result = read_data_dictionary(text)
    return cells_of(write_data_dictionary(result.dictionary)) == cells_of(text)


def test_an_sql_field_is_kept_with_its_query_and_reported():
    text = dictionary_csv(row("record_id"), row("lookup", "sql", choices="select 1, 'A'"))
    result = read_data_dictionary(text)
    lookup = field(result.dictionary, "lookup")
    assert lookup.field_type is FieldType.SQL
    assert (
        lookup.issues
        == result.issues
        == (
            Issue(
                3,
                c.CHOICES,
                "an sql field's choices come from a database query RadCollab cannot run; "
                "the query is kept, not applied, and the field takes its values as text",
            ),
        )
    )
    assert comes_back(text)


def test_a_validation_type_redcap_does_not_ship_is_kept_with_its_range():
    text = dictionary_csv(
        row("record_id"), row("postcode", validation="postalcode_uk", min="1", max="2")
    )
    result = read_data_dictionary(text)
    assert [(issue.line, issue.column) for issue in result.issues] == [
        (3, c.VALIDATION),
        (3, c.MINIMUM),
        (3, c.MAXIMUM),
    ]
    assert "'postalcode_uk' is not one REDCap ships; it is kept, not applied" in (
        result.issues[0].message
    )
    assert field(result.dictionary, "postcode").validation is None
    assert comes_back(text)


def test_a_signature_is_kept_and_read_as_a_plain_file_field():
    text = dictionary_csv(row("record_id"), row("sign", "file", validation="signature"))
    result = read_data_dictionary(text)
    assert [(i.line, i.column) for i in result.issues] == [(3, c.VALIDATION)]
    assert field(result.dictionary, "sign").validation is None
    assert comes_back(text)


def test_matrix_ranking_is_read_kept_and_reported():
    text = dictionary_csv(
        row("record_id"),
        row("rank_a", "radio", choices="1, A | 2, B", matrix="grid", ranking="y"),
    )
    result = read_data_dictionary(text)
    assert field(result.dictionary, "rank_a").matrix_ranking is True
    assert result.issues == (
        Issue(
            3,
            c.MATRIX_RANKING,
            "matrix ranking (one choice per column) is kept, not applied: choices may repeat",
        ),
    )
    assert comes_back(text)


def test_an_unknown_custom_alignment_is_kept_and_reported():
    result = read(row("sex", "radio", choices="1, F | 2, M", alignment="RR"))
    assert result.issues == (
        Issue(3, c.ALIGNMENT, "'RR' is not one of RV, RH, LV, LH; it is kept, not applied"),
    )
    assert cells_of(write_data_dictionary(result.dictionary))[2][13] == "RR"


def test_each_other_column_is_kept_with_its_cells_and_reported_once_on_the_header_line():
    header = (*HEADER[:5], "Reviewer notes", *HEADER[5:])
    text = dictionary_csv(
        [*row("record_id")[:5], "check", *row("record_id")[5:]],
        [*row("age")[:5], "", *row("age")[5:]],
        header=header,
    )
    result = read_data_dictionary(text)
    assert result.issues == (
        Issue(
            1,
            "Reviewer notes",
            "is not a REDCap data-dictionary column; it is kept, not applied, "
            "with its 1 filled cell",
        ),
    )
    assert comes_back(text)


def test_redcaps_old_field_units_column_is_named_as_such():
    header = (c.NAME, c.FORM, "Field Units", c.FIELD_TYPE, c.LABEL)
    text = dictionary_csv(["weight", "vitals", "kg", "text", "Weight"], header=header)
    [issue] = read_data_dictionary(text).issues
    assert issue.message.startswith("is REDCap's old Field Units column; it is kept")
    assert comes_back(text)


def test_a_cell_beyond_the_header_is_kept_and_reported():
    text = dictionary_csv(row("record_id"), [*row("age"), "stray"])
    result = read_data_dictionary(text)
    assert result.issues == (
        Issue(3, "(column 19)", "'stray' is beyond the header; it is kept, not applied"),
    )
    assert comes_back(text)


def test_choices_on_a_field_type_that_takes_none_are_kept():
    result = read(
        row("diagnosis", "text", choices="BIOPORTAL:ICD10"),
        row("intro", "descriptive", choices="1, A"),
    )
    assert result.issues == (
        Issue(
            3,
            c.CHOICES,
            "text fields take no choices; an ontology search (BioPortal) is kept, not applied",
        ),
        Issue(4, c.CHOICES, "descriptive fields take no choices; '1, A' is kept, not applied"),
    )


def test_validation_and_ranges_on_field_types_without_them_are_kept():
    result = read(row("site", "radio", choices="1, A", validation="integer", min="1"))
    assert [(i.line, i.column) for i in result.issues] == [(3, c.VALIDATION), (3, c.MINIMUM)]
    assert all(issue.kind == NOT_APPLIED for issue in result.issues)


def test_cells_in_another_spelling_are_read_and_written_back_as_they_were():
    text = dictionary_csv(
        row(" age ", "radio", choices="1,Young|2,Old", required="Y", identifier="Y")
    )
    result = read_data_dictionary(text)
    age = field(result.dictionary, "age")
    assert (age.required, age.identifier, age.choices[1].label) == (True, True, "Old")
    assert result.issues == ()
    assert cells_of(write_data_dictionary(result.dictionary)) == cells_of(text)


def test_issues_come_in_file_order_with_the_line_a_multi_line_record_starts_on():
    text = dictionary_csv(
        row("record_id", label="Two\nlines"),
        row("sex", "radio", choices="1, F | 2, M", alignment="XX"),
        row("lookup", "sql", label="Three\nlines\nhere"),
        row("scan", "file", validation="signature"),
    )
    assert cells_of(text)[1][4] == "Two\nlines"
    result = read_data_dictionary(text)
    assert [(i.line, i.column) for i in result.issues] == [
        (4, c.ALIGNMENT),
        (5, c.CHOICES),
        (8, c.VALIDATION),
    ]
    assert [f.name for f in result.dictionary.fields if f.issues] == ["sex", "lookup", "scan"]


def test_action_tags_are_read_with_their_arguments_and_the_others_reported():
    result = read(
        row(
            "scan_date",
            validation="date_ymd",
            annotation='@TODAY @READONLY @HIDDEN-SURVEY\n@CHARLIMIT="x" contact@example.org',
        ),
        row("score", annotation="@DEFAULT='[age]' @CALCTEXT(if([a]='1', 'x', 'y'))"),
    )
    scan = field(result.dictionary, "scan_date")
    assert [(t.name, t.argument, t.applied) for t in scan.action_tags] == [
        ("@TODAY", None, True),
        ("@READONLY", None, True),
        ("@HIDDEN-SURVEY", None, False),
        ("@CHARLIMIT", "x", True),
    ]
    score = field(result.dictionary, "score")
    default = score.action_tag("@default")
    assert default is not None
    assert default.argument == "[age]"
    assert score.action_tags[1].argument == "if([a]='1', 'x', 'y')"
    assert [(i.line, i.message) for i in result.issues] == [
        (3, "@HIDDEN-SURVEY is kept, not applied"),
        (
            3,
            '@CHARLIMIT="x": @CHARLIMIT needs a whole number of at least 1, such as '
            "@CHARLIMIT=50; it is kept, not applied",
        ),
        (5, "@CALCTEXT is kept, not applied"),  # the annotation above spans two lines
    ]
