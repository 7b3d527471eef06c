"""Reading REDCap's flat records CSV: streaming, every error by row and field."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from formats.datadictionary import read_data_dictionary
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.records import (
    RecordReader,
    RecordsCsvError,
    read_valid_records,
    validate_all,
)

TODAY = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 12, 0)  # noqa: DTZ001 - the study's wall-clock time
DICTIONARY = read_data_dictionary(
    dictionary_csv(
        row("record_id", label="Record ID", form="baseline"),
        row("age", form="baseline", validation="integer", min="18", max="120"),
        row("scan_date", form="baseline", validation="date_dmy", max="today"),
        row("modality", "radio", form="baseline", choices="1, CT | 2, MRI"),
        row("findings", "checkbox", form="baseline", choices="1, Nodule | 2, Mass | -1, None"),
        row("comment", "notes", form="baseline"),
        row("bmi", "calc", form="baseline", choices="[age] * 2"),
        row("intro", "descriptive", form="baseline"),
        row("size_mm", form="lesions", validation="number_1dp"),
    )
).dictionary
HEADER = [
    "record_id",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "redcap_data_access_group",
    "age",
    "scan_date",
    "modality",
    "findings___1",
    "findings___2",
    "findings____1",
    "comment",
    "bmi",
    "baseline_complete",
    "size_mm",
    "lesions_complete",
]


def flat_csv(*rows, header=HEADER, bom=False):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for cells in rows:
        writer.writerow(
            [cells.get(name, "") for name in header] if isinstance(cells, dict) else cells
        )
    return ("\ufeff" if bom else "") + buffer.getvalue()


def stream(text):
    return io.StringIO(text, newline="")


def options(**extra):
    return {"today": TODAY, "now": NOW, "repeating_forms": {"lesions"}, **extra}


def validate(text, **extra):
    return validate_all(stream(text), DICTIONARY, **options(**extra))


def test_it_reads_base_and_repeating_rows_with_checkboxes_and_statuses():
    text = flat_csv(
        {
            "record_id": "LDS-1",
            "redcap_data_access_group": "lds",
            "age": "54",
            "scan_date": "31-12-2024",
            "modality": "2",
            "findings___1": "1",
            "findings___2": "0",
            "findings____1": "1",
            "comment": 'line one\nline two, with a comma and "quotes"',
            "baseline_complete": "2",
        },
        {
            "record_id": "LDS-1",
            "redcap_repeat_instrument": "lesions",
            "redcap_repeat_instance": "2",
            "redcap_data_access_group": "lds",
            "size_mm": "12",
            "lesions_complete": "1",
        },
        bom=True,
    )
    base, lesion = list(RecordReader(stream(text), DICTIONARY, **options(groups={"lds"})))
    assert (base.row, base.record_id, base.instrument, base.instance, base.group) == (
        2, "LDS-1", None, None, "lds",
    )  # fmt: skip
    assert base.values == {
        "age": "54",
        "scan_date": "2024-12-31",
        "modality": "2",
        "findings": frozenset({"1", "-1"}),
        "comment": 'line one\nline two, with a comma and "quotes"',
    }
    assert base.statuses == {"baseline": 2}
    assert (lesion.row, lesion.instrument, lesion.instance) == (3, "lesions", 2)
    assert lesion.values == {"size_mm": "12.0"}
    assert lesion.statuses == {"lesions": 1}
    assert not base.errors
    assert not lesion.errors


def test_a_multi_line_cell_keeps_later_rows_numbered_as_a_spreadsheet_shows_them():
    text = flat_csv(
        {"record_id": "1", "comment": "a\nb\nc"},
        {"record_id": "2", "age": "old"},
    )
    result = validate(text)
    assert [str(error) for error in result.errors] == [
        "row 3, field age: 'old' is not an integer; expected a whole number, such as 42"
    ]


def test_validate_all_lists_every_error_with_its_row_and_field():
    text = flat_csv(
        {"record_id": "1", "age": "abc", "scan_date": "31-02-2024", "modality": "3"},
        {"record_id": "", "findings___2": "yes", "baseline_complete": "4"},
        {"record_id": "3", "redcap_repeat_instrument": "baseline", "redcap_repeat_instance": "1"},
        {"record_id": "4", "redcap_repeat_instrument": "lesions", "redcap_repeat_instance": "0"},
        {"record_id": "5", "redcap_repeat_instance": "2"},
        {"record_id": "6", "size_mm": "1.5"},
        {"record_id": "7", "redcap_repeat_instrument": "lesions", "redcap_repeat_instance": "1",
         "age": "40", "size_mm": "1.55"},
        {"record_id": "8", "redcap_data_access_group": "york"},
        {"record_id": "1", "age": "40"},
    )  # fmt: skip
    result = validate(text, groups={"lds"})
    assert not result.ok
    assert [str(error) for error in result.errors] == [
        "row 2, field age: 'abc' is not an integer; expected a whole number, such as 42",
        "row 2, field scan_date: '31-02-2024' is not a real date; "
        "expected DD-MM-YYYY, such as 31-12-2024",
        "row 2, field modality: '3' is not one of the choices; "
        "expected one of the codes 1 (CT), 2 (MRI)",
        "row 3, field record_id: is empty; every row needs one",
        "row 3, column findings___2: 'yes' is not 0 (unticked) or 1 (ticked)",
        "row 3, column baseline_complete: '4' is not 0 (incomplete), 1 (unverified) "
        "or 2 (complete)",
        "row 4, column redcap_repeat_instrument: 'baseline' is not a repeating instrument "
        "(repeating: lesions)",
        "row 4, column redcap_repeat_instance: '1' is given without an instrument",
        "row 5, column redcap_repeat_instance: '0' is not a positive whole number",
        "row 6, column redcap_repeat_instance: '2' is given without an instrument",
        "row 7, field size_mm: '1.5' belongs to the repeating instrument lesions; "
        "give it on a row with redcap_repeat_instrument lesions",
        "row 8, field age: '40' belongs to the instrument baseline, not to this row's lesions",
        "row 8, field size_mm: '1.55' has 2 decimal places; "
        "expected a number with 1 decimal place, such as 12.5",
        "row 9, column redcap_data_access_group: 'york' is not a site of this study",
        "row 10, field record_id: record 1 was already given on row 2",
    ]
    assert (result.rows, result.records) == (9, 7)


def test_range_violations_are_warnings_not_errors():
    result = validate(flat_csv({"record_id": "1", "age": "130", "scan_date": "02-06-2025"}))
    assert result.ok
    assert [str(warning) for warning in result.warnings] == [
        "row 2, field age: 130 is above the maximum, 120; confirm it if it is right",
        "row 2, field scan_date: 02-06-2025 is after the latest, today (01-06-2025); "
        "confirm it if it is right",
    ]


def test_unknown_and_repeated_columns_are_errors_on_the_header_row():
    header = ["record_id", "age", "agee", "findings___7", "findings", "intro", "age"]
    result = validate(flat_csv(["1", "40", "", "", "", "", "41"], header=header))
    assert [str(error) for error in result.errors] == [
        "row 1, column agee: is not a field of this study's data dictionary",
        "row 1, column findings___7: the checkbox field findings has no choice '7'",
        "row 1, column findings: the checkbox field findings is given as one column per "
        "choice, findings___<code>",
        "row 1, column age: appears more than once in the header",
    ]


def test_columns_redcap_writes_that_are_not_applied_here_are_skipped_with_a_notice():
    header = ["record_id", "redcap_survey_identifier", "age", "intro", "baseline_timestamp",
              "old__v1", "chk__v2___3"]  # fmt: skip
    cells = ["1", "x", "40", "hello", "2025-01-01 10:00", "kept", "1"]
    reader = RecordReader(
        stream(flat_csv(cells, header=header)),
        DICTIONARY,
        skip={"old__v1": "archived values are not imported", "chk__v2": "archived too"},
        **options(),
    )
    (row,) = list(reader)
    assert not reader.file_errors
    assert not row.errors
    assert row.values == {"age": "40"}
    assert [str(n) for n in reader.notices] == [
        "row 1, column redcap_survey_identifier: survey information is not kept here; "
        "its cells are skipped",
        "row 1, column intro: intro is a descriptive field and holds no data; its cells "
        "are skipped",
        "row 1, column baseline_timestamp: survey information is not kept here; its cells "
        "are skipped",
        "row 1, column old__v1: archived values are not imported",
        "row 1, column chk__v2___3: archived too",
    ]


def test_the_first_column_must_be_the_record_id():
    result = validate(flat_csv(["40", "1"], header=["age", "record_id"]))
    assert [str(error) for error in result.errors] == [
        "row 1, column 'age': the first column must be the record id, 'record_id'"
    ]
    assert result.rows == 0


def test_calculated_columns_are_noticed_and_not_read():
    result = validate(flat_csv({"record_id": "1", "bmi": "80"}))
    assert result.ok
    assert [str(notice) for notice in result.notices] == [
        "row 1, column bmi: is calculated; its values are recalculated on import, not read"
    ]
    (only,) = RecordReader(stream(flat_csv({"record_id": "1", "bmi": "80"})), DICTIONARY,
                           **options())  # fmt: skip
    assert only.values == {}


def test_a_row_longer_than_the_header_is_an_error():
    text = "record_id,age\r\n1,40,surprise\r\n"
    assert [str(e) for e in validate(text).errors] == [
        "row 2, the row has 3 cells but the header only 2; 'surprise' is beyond the last column"
    ]


def test_a_record_given_two_sites_is_an_error():
    text = flat_csv(
        {"record_id": "1", "redcap_data_access_group": "lds"},
        {"record_id": "1", "redcap_data_access_group": "yrk", "redcap_repeat_instrument":
         "lesions", "redcap_repeat_instance": "1"},
    )  # fmt: skip
    assert [str(e) for e in validate(text).errors] == [
        "row 3, column redcap_data_access_group: 'yrk' differs from 'lds' given before for 1"
    ]


def test_an_empty_file_is_refused():
    assert [str(e) for e in validate("").errors] == ["row 1, the file is empty; no header row"]


def test_a_file_that_is_not_utf8_is_refused_where_it_breaks():
    data = b"record_id,age\r\n1,40\r\n2,\xff\r\n"
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    result = validate_all(text, DICTIONARY, **options())
    assert "the file is not UTF-8 text from here on; save it as CSV UTF-8" in str(result.errors[0])


def test_blank_rows_are_skipped():
    text = "record_id,age\r\n1,40\r\n,\r\n\r\n2,41\r\n"
    assert validate(text).rows == 2


def test_the_reader_streams_rows_one_at_a_time():
    def lines():
        yield "record_id,age\r\n"
        for number in range(1, 100_001):
            yield f"{number},{number % 80 + 18}\r\n"

    reader = RecordReader(lines(), DICTIONARY, **options())
    first = next(iter(reader))
    assert (first.record_id, reader.rows_read) == ("1", 1)


def test_read_valid_records_yields_a_clean_file_and_raises_at_the_first_error():
    clean = flat_csv({"record_id": "1", "age": "40"}, {"record_id": "2", "age": "41"})
    assert [r.record_id for r in read_valid_records(stream(clean), DICTIONARY, **options())] == [
        "1",
        "2",
    ]
    dirty = flat_csv({"record_id": "1", "age": "40"}, {"record_id": "2", "age": "x"})
    rows = read_valid_records(stream(dirty), DICTIONARY, **options())
    assert next(rows).record_id == "1"
    with pytest.raises(RecordsCsvError, match="row 3, field age: 'x' is not an integer"):
        next(rows)


def test_read_valid_records_refuses_a_bad_header_before_any_row():
    with pytest.raises(RecordsCsvError, match="column nope"):
        list(read_valid_records(stream("record_id,nope\r\n1,2\r\n"), DICTIONARY, **options()))


def test_a_cell_repeated_on_many_rows_is_checked_alike_on_each_of_them():
    # The reader remembers each distinct cell's check: every row still gets its own
    # value, its own errors and warnings, with its own row number.
    cells = [
        {"record_id": str(n), "age": age, "scan_date": "31-12-2024", "modality": "2"}
        for n, age in enumerate(["40", "abc", "130", "40", "abc", "130"], start=1)
    ]
    rows = list(RecordReader(stream(flat_csv(*cells)), DICTIONARY, **options()))
    assert [row.values.get("age") for row in rows] == ["40", None, "130", "40", None, "130"]
    assert [row.values["scan_date"] for row in rows] == ["2024-12-31"] * 6
    assert [(f.row, f.column) for row in rows for f in row.errors] == [(3, "age"), (6, "age")]
    assert [(f.row, f.column) for row in rows for f in row.warnings] == [(4, "age"), (7, "age")]
    assert rows[1].errors[0].message == rows[4].errors[0].message


def test_what_a_reader_remembers_is_bounded_per_field():
    from formats.records import flatcsv

    cells = [{"record_id": str(n), "comment": f"note {n}"} for n in range(1, 50)]
    reader = RecordReader(stream(flat_csv(*cells)), DICTIONARY, **options())
    saved = flatcsv._REMEMBERED_PER_FIELD
    flatcsv._REMEMBERED_PER_FIELD = 10
    try:
        rows = list(reader)
    finally:
        flatcsv._REMEMBERED_PER_FIELD = saved
    assert rows[-1].values["comment"] == "note 49"
    assert len(reader._checks["comment"]) == 10
