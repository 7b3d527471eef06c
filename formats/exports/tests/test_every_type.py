"""Every field type and validation written to CSV, XLSX, SPSS and Stata, and read back.

CSV with the csv module, XLSX with openpyxl, SPSS and Stata with pyreadstat: every value,
every variable's value labels, a name cut to Stata's 32 characters that carries value
labels, and a date column with no date at all.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from formats.datadictionary import ValidationType, read_data_dictionary
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.exports import (
    ExportOptions,
    ExportPlan,
    ExportRecord,
    Kind,
    write_codebook,
    write_csv,
    write_dta,
    write_sav,
    write_xlsx,
)

# An instrument name of 31 characters: its `_complete` column has 40, and value labels.
FORM = "a_very_long_instrument_name_now"
LONG_CHECKBOX = "a_checkbox_field_with_a_really_long_name"
STORED = {
    "date_ymd": "2024-02-29",
    "date_mdy": "2024-02-29",
    "date_dmy": "2024-02-29",
    "datetime_ymd": "2024-02-29 13:45",
    "datetime_mdy": "2024-02-29 13:45",
    "datetime_dmy": "2024-02-29 13:45",
    "datetime_seconds_ymd": "2024-02-29 13:45:30",
    "datetime_seconds_mdy": "2024-02-29 13:45:30",
    "datetime_seconds_dmy": "2024-02-29 13:45:30",
    "time": "13:45",
    "time_hh_mm_ss": "13:45:30",
    "time_mm_ss": "45:30",
    "integer": "42",
    "number": "3.25",
    "number_1dp": "3.2",
    "number_2dp": "3.25",
    "number_3dp": "3.125",
    "number_4dp": "3.0625",
    "number_comma_decimal": "3,25",
    "number_1dp_comma_decimal": "3,2",
    "number_2dp_comma_decimal": "3,25",
    "number_3dp_comma_decimal": "3,125",
    "number_4dp_comma_decimal": "3,0625",
    "email": "reader@example.org",
    "phone": "(615) 555-0123",
    "phone_australia": "02 9999 9999",
    "postalcode_australia": "2000",
    "postalcode_canada": "K1A 0B1",
    "postalcode_french": "75001",
    "postalcode_germany": "10115",
    "zipcode": "37203",
    "mrn_10d": "0123456789",
    "mrn_generic": "MRN-77",
    "vmrn": "1234567",
    "ssn": "",  # never stored
    "alpha_only": "abc",
}
VALIDATED = [v for v in ValidationType if v is not ValidationType.AUTOCOMPLETE]


def _dictionary():
    rows = [
        row("record_id", label="Record ID", form=FORM),
        row("t_text", label="Text", form=FORM),
        row("t_notes", "notes", "Notes", form=FORM),
        row("t_dropdown", "dropdown", "Dropdown", form=FORM, choices="1, One | 2, Two"),
        row("t_auto", "dropdown", "Autocomplete", form=FORM, choices="7, Seven | 8, Eight",
            validation="autocomplete"),
        row("t_radio", "radio", "Radio with text codes", form=FORM, choices="x, Ex | y, Why"),
        row(LONG_CHECKBOX, "checkbox", "Long checkbox", form=FORM, choices="1, C1 | 2, C2"),
        row("t_yesno", "yesno", "Yes or no", form=FORM),
        row("t_truefalse", "truefalse", "True or false", form=FORM),
        row("t_slider", "slider", "Slider", form=FORM),
        row("t_calc", "calc", "Calc", form=FORM, choices="[v_integer] * 2"),
        row("t_file", "file", "File", form=FORM),
        row("t_descriptive", "descriptive", "Read this", form=FORM),
        row("t_sql", "sql", "SQL", form=FORM, choices="select 1"),
        row("e_date", label="Never given", form=FORM, validation="date_ymd"),
        row("e_datetime", label="Never given either", form=FORM, validation="datetime_ymd"),
        row("e_number", label="No number", form=FORM, validation="number"),
        row("e_choice", "radio", "No choice", form=FORM, choices="1, A | 2, B"),
        *(row(f"v_{v.value}", label=f"Validated {v.value}", form=FORM, validation=v.value)
          for v in VALIDATED),
    ]  # fmt: skip
    return read_data_dictionary(dictionary_csv(*rows)).dictionary


DICTIONARY = _dictionary()
FULL: dict[str, str | set[str]] = {
    "t_text": "free text",
    "t_notes": "two\nlines",
    "t_dropdown": "2",
    "t_auto": "8",
    "t_radio": "y",
    LONG_CHECKBOX: {"2"},
    "t_yesno": "1",
    "t_truefalse": "0",
    "t_slider": "55",
    "t_calc": "84",
    "t_sql": "kept as text",
    **{f"v_{v.value}": STORED[v.value] for v in VALIDATED},
}
RECORDS = [
    ExportRecord("R-1", "aaa", values=FULL, statuses={FORM: 2}),
    ExportRecord("R-2", "bbb", values={}, statuses={FORM: 0}),
]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every-type")
    plan = ExportPlan(DICTIONARY, ExportOptions(spreadsheet_safe=False))
    with (folder / "r.csv").open("w", newline="", encoding="utf-8") as out:
        write_csv(plan, RECORDS, out)
    write_xlsx(plan, RECORDS, str(folder / "r.xlsx"))
    sav = write_sav(plan, RECORDS, folder / "r.sav")
    dta = write_dta(plan, RECORDS, folder / "r.dta")
    return plan, folder, sav, dta


def expected(plan):
    """Each column's stored text per record, as the CSV has it."""
    out = io.StringIO(newline="")
    write_csv(plan, RECORDS, out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_the_csv_holds_every_value_as_stored(written):
    _, folder, _, _ = written
    with (folder / "r.csv").open(newline="", encoding="utf-8") as handle:
        first, second = list(csv.DictReader(handle))
    for v in VALIDATED:
        assert first[f"v_{v.value}"] == STORED[v.value]
    assert (first[f"{LONG_CHECKBOX}___1"], first[f"{LONG_CHECKBOX}___2"]) == ("0", "1")
    assert (first["t_notes"], first["t_radio"], first[f"{FORM}_complete"]) == (
        "two\nlines",
        "y",
        "2",
    )
    assert "t_file" in first
    assert "t_descriptive" not in first
    assert second["e_date"] == first["e_date"] == ""


def _same(kind, stored, read):
    if stored == "":
        return (
            read in ("", None) or read is pd.NaT or (isinstance(read, float) and math.isnan(read))
        )
    if kind is Kind.DATE:
        return read in (date.fromisoformat(stored), datetime.fromisoformat(stored))
    if kind is Kind.DATETIME:
        return read == datetime.fromisoformat(stored)
    if isinstance(read, int | float):
        return float(read) == float(stored)
    return str(read) == stored


@pytest.mark.parametrize(
    ("suffix", "read"), [("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)]
)
def test_spss_and_stata_read_back_every_value_and_value_label(written, suffix, read):
    plan, folder, sav, dta = written
    summary = sav if suffix == "sav" else dta
    frame, meta = read(str(folder / f"r.{suffix}"), dates_as_pandas_datetime=False)
    rows = expected(plan)
    for column in plan.columns:
        name = summary.renamed.get(column.name, column.name)
        assert name in frame.columns, column.name
        for index, stored in enumerate(r[column.name] for r in rows):
            value = frame[name].iloc[index]
            assert _same(column.kind, stored, value), (suffix, column.name, stored, value)
        if column.value_labels and (column.numeric_codes or suffix == "sav"):
            labels = meta.variable_value_labels[name]
            assert {str(int(k)) if isinstance(k, float) else str(k): v
                    for k, v in labels.items()} == dict(column.value_labels)  # fmt: skip


def test_stata_cuts_long_names_uniquely_and_the_codebook_says_which_is_which(written):
    plan, _, _, dta = written
    complete = f"{FORM}_complete"
    assert dta.renamed == {
        complete: complete[:31],
        f"{LONG_CHECKBOX}___1": LONG_CHECKBOX[: 32 - 1],
        f"{LONG_CHECKBOX}___2": LONG_CHECKBOX[: 32 - 3] + "_2",
    }
    assert all(len(name) <= 32 for name in dta.renamed.values())
    assert len(set(dta.renamed.values())) == len(dta.renamed)
    # The same columns always get the same names.
    again = write_dta(plan, RECORDS, plan_path := written[1] / "again.dta")
    assert again.renamed == dta.renamed
    assert plan_path.exists()
    out = io.StringIO(newline="")
    write_codebook(plan.columns, dta.renamed, out)
    book = {r["redcap_name"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert book[complete]["variable"] == dta.renamed[complete]
    assert book[complete]["value_labels"] == "0=Incomplete; 1=Unverified; 2=Complete"
    assert book["t_text"]["variable"] == "t_text"


def test_empty_columns_are_typed_from_the_dictionary(written):
    _, folder, _, _ = written
    for suffix, read in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
        frame, meta = read(str(folder / f"r.{suffix}"))
        for name in ("e_date", "e_datetime", "e_number", "e_choice"):
            assert frame[name].isna().all(), (suffix, name)
            assert meta.readstat_variable_types[name] in ("double", "float"), (suffix, name)
        assert meta.original_variable_types["e_date"] in ("%td", "DATE11")
        assert meta.original_variable_types["e_datetime"] in ("%tc", "DATETIME20")
        labels = meta.variable_value_labels["e_choice"]
        assert {int(code): label for code, label in labels.items()} == {1: "A", 2: "B"}


def test_xlsx_reads_back_typed(written):
    _, folder, _, _ = written
    book = load_workbook(folder / "r.xlsx")
    header, first, _ = [list(r) for r in book["records"].iter_rows(values_only=True)]
    values = dict(zip(header, first, strict=True))
    assert values["v_integer"] == 42
    assert values["v_number_4dp"] == 3.0625
    assert values["v_date_dmy"] == datetime(2024, 2, 29)  # noqa: DTZ001
    assert values["v_datetime_seconds_ymd"] == datetime(2024, 2, 29, 13, 45, 30)  # noqa: DTZ001
    assert values["v_number_comma_decimal"] == "3,25"
    assert values["t_radio"] == "y"
    assert values[f"{FORM}_complete"] == 2
