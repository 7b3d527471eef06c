"""XLSX, SPSS and Stata exports read back: values, variable labels and value labels."""

from __future__ import annotations

import io
import math
from datetime import date, datetime

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from formats.datadictionary import Choice, DataDictionary, Field, FieldType
from formats.exports import (
    CheckboxLayout,
    ExportError,
    ExportOptions,
    ExportPlan,
    ExportRecord,
    RepeatLayout,
    scan_max_instances,
    write_dta,
    write_sav,
    write_xlsx,
)
from formats.exports.tests.conftest import DICTIONARY, REPEATING, records


def plan_for(**options):
    return ExportPlan(
        DICTIONARY,
        ExportOptions(repeating_forms=REPEATING, **options),
        max_instances=scan_max_instances(records()),
    )


def read_xlsx(data):
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book
    }, book


def as_dicts(rows):
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def test_xlsx_has_typed_cells_and_a_sheet_of_variables():
    out = io.BytesIO()
    summary = write_xlsx(plan_for(), records(), out)
    sheets, book = read_xlsx(out.getvalue())
    assert list(sheets) == ["records", "variables"]
    base, first, _, other = as_dicts(sheets["records"])
    assert (base["age"], base["modality"], base["region"]) == (54, 2, "chest")
    assert base["scan_date"] == datetime(2024, 12, 31)  # noqa: DTZ001
    assert base["scan_time"] == datetime(2024, 12, 31, 14, 30)  # noqa: DTZ001
    assert (base["findings___1"], base["findings___2"], base["baseline_complete"]) == (1, 0, 2)
    assert base["dose"] == 108
    assert first["size_mm"] == 12.5
    assert first["redcap_repeat_instance"] == 1
    assert other["redcap_data_access_group"] == "yrk"
    assert other["size_mm"] is None
    comment_cell = book["records"].cell(row=2, column=14)
    assert comment_cell.value.startswith("=HYPERLINK")
    assert comment_cell.data_type == "s"
    variables = as_dicts(sheets["variables"])
    modality = next(v for v in variables if v["variable"] == "modality")
    assert (modality["label"], modality["value labels"]) == ("Modality", "1, CT | 2, MRI")
    assert next(v for v in variables if v["variable"] == "age")["label"] == "Age at scan"
    assert summary.rows == 4


def test_xlsx_with_labels_long_checkboxes_and_wide_repeats():
    out = io.BytesIO()
    plan = plan_for(labels=True, checkboxes=CheckboxLayout.LONG, repeats=RepeatLayout.WIDE)
    write_xlsx(plan, records(), out)
    sheets, _ = read_xlsx(out.getvalue())
    assert list(sheets) == ["records", "checkboxes", "variables"]
    lds, yrk = as_dicts(sheets["records"])
    assert (lds["modality"], lds["baseline_complete"], lds["size_mm__2"]) == ("MRI", "Complete", 3)
    assert yrk["modality"] == "CT"
    ticks = as_dicts(sheets["checkboxes"])
    assert [(t["field"], t["code"], t["label"]) for t in ticks] == [
        ("findings", "1", "Nodule"),
        ("findings", "-1", "None"),
        ("lesion_kind", "1", "Solid"),
        ("lesion_kind", "2", "Cystic"),
    ]


@pytest.mark.parametrize(
    ("writer", "reader", "suffix"),
    [(write_sav, pyreadstat.read_sav, "sav"), (write_dta, pyreadstat.read_dta, "dta")],
)
def test_spss_and_stata_keep_values_variable_labels_and_value_labels(
    tmp_path, writer, reader, suffix
):
    path = tmp_path / f"records.{suffix}"
    writer(plan_for(labels=True), records(), path)
    frame, meta = reader(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["modality"] == "Modality"
    assert labels["findings___1"] == "Findings (choice=Nodule)"
    assert meta.variable_value_labels["modality"] == {1: "CT", 2: "MRI"}
    assert meta.variable_value_labels["findings___1"] == {0: "Unchecked", 1: "Checked"}
    assert meta.variable_value_labels["baseline_complete"] == {
        0: "Incomplete", 1: "Unverified", 2: "Complete",
    }  # fmt: skip
    base = frame.iloc[0]
    assert (base["record_id"], base["age"], base["modality"]) == ("LDS-1", 54, 2)
    assert base["scan_date"] == date(2024, 12, 31)
    assert pd.Timestamp(base["scan_time"]) == pd.Timestamp("2024-12-31 14:30")
    assert base["region"] == "chest"
    assert frame.iloc[1]["size_mm"] == 12.5
    assert math.isnan(frame.iloc[3]["size_mm"])
    assert frame.iloc[1]["redcap_repeat_instance"] == 1


def test_spss_labels_text_codes_and_stata_lists_them_in_the_variable_label(tmp_path):
    write_sav(plan_for(), records(), tmp_path / "r.sav")
    write_dta(plan_for(), records(), tmp_path / "r.dta")
    _, sav = pyreadstat.read_sav(str(tmp_path / "r.sav"))
    _, dta = pyreadstat.read_dta(str(tmp_path / "r.dta"))
    assert sav.variable_value_labels["region"] == {"head": "Head", "chest": "Chest"}
    assert "region" not in dta.variable_value_labels
    assert dict(zip(dta.column_names, dta.column_labels, strict=True))["region"] == (
        "Region [head=Head; chest=Chest]"
    )


def test_long_checkboxes_write_a_second_file(tmp_path):
    plan = plan_for(checkboxes=CheckboxLayout.LONG)
    with pytest.raises(ExportError, match="needs checkboxes_out"):
        write_sav(plan, records(), tmp_path / "r.sav")
    summary = write_sav(plan, records(), tmp_path / "r.sav", checkboxes_out=tmp_path / "c.sav")
    ticks, _ = pyreadstat.read_sav(str(tmp_path / "c.sav"))
    assert list(ticks["label"]) == ["Nodule", "None", "Solid", "Cystic"]
    assert summary.checkbox_rows == 4


def test_stata_names_are_shortened_uniquely_and_reported(tmp_path):
    long_name = "a_very_long_variable_name_for_stata_files"
    dictionary = DataDictionary(
        (
            Field(name="record_id", form="f", field_type=FieldType.TEXT, label="ID"),
            Field(name=long_name + "_one", form="f", field_type=FieldType.TEXT, label="One"),
            Field(name=long_name + "_two", form="f", field_type=FieldType.TEXT, label="Two"),
            Field(name="in", form="f", field_type=FieldType.YESNO, label="In?"),
            Field(name="by", form="f", field_type=FieldType.RADIO, label="By",
                  choices=(Choice("1", "x" * 200),)),
        )
    )  # fmt: skip
    plan = ExportPlan(dictionary, ExportOptions())
    rows = [ExportRecord("1", values={long_name + "_one": "a", long_name + "_two": "b"})]
    summary = write_dta(plan, rows, tmp_path / "r.dta")
    frame, _ = pyreadstat.read_dta(str(tmp_path / "r.dta"))
    assert summary.renamed == {
        long_name + "_one": long_name[:32],
        long_name + "_two": long_name[:30] + "_2",
        "in": "in_",
    }
    assert list(frame[long_name[:30] + "_2"]) == ["b"]
    sav = write_sav(plan, rows, tmp_path / "r.sav")
    assert sav.renamed == {"by": "by_"}
    _, meta = pyreadstat.read_sav(str(tmp_path / "r.sav"))
    assert len(meta.variable_value_labels["by_"][1].encode()) <= 120


def test_a_calculated_value_that_is_not_a_number_is_refused_for_spss_by_column(tmp_path):
    rows = [ExportRecord("1", values={"dose": "n/a"})]
    with pytest.raises(ExportError, match="column dose: 'n/a' is not a number"):
        write_sav(plan_for(), rows, tmp_path / "r.sav")
