"""The R script for a CSV export, and the de-identification helpers."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formats.datadictionary import Field, FieldType, ValidationType
from formats.exports import (
    CheckboxLayout,
    ExportOptions,
    ExportPlan,
    hmac_offset,
    is_dropped,
    shift_stored,
    write_csv,
    write_r_script,
)
from formats.exports.rscript import r_string
from formats.exports.tests.conftest import DICTIONARY, REPEATING, records


def test_the_r_script_reads_the_csv_as_text_then_types_factors_and_labels():
    plan = ExportPlan(DICTIONARY, ExportOptions(repeating_forms=REPEATING))
    script = write_r_script(plan, csv_name="audit.csv", title="Chest CT audit")
    assert script.startswith("# R script for a RadCollab export: Chest CT audit.")
    assert 'data <- read.csv("audit.csv", colClasses = "character"' in script
    assert 'data[["age"]] <- as.numeric(data[["age"]])' in script
    assert 'data[["scan_date"]] <- as.Date(data[["scan_date"]], format = "%Y-%m-%d")' in script
    assert (
        'as.POSIXct(data[["scan_time"]], tz = "UTC", '
        'tryFormats = c("%Y-%m-%d %H:%M:%OS", "%Y-%m-%d %H:%M"))'
    ) in script
    assert (
        'data[["modality"]] <- factor(data[["modality"]], levels = c("1", "2"), '
        'labels = c("CT", "MRI"))'
    ) in script
    assert (
        'data[["findings___1"]] <- factor(data[["findings___1"]], levels = c("0", "1"), '
        'labels = c("Unchecked", "Checked"))'
    ) in script
    assert 'attr(data[["age"]], "label") <- "Age at scan"' in script
    # Labels are set after factor(), which would drop them.
    assert script.index("attr(data[[") > script.index("factor(")


def test_the_r_script_for_a_labelled_csv_uses_the_labels_as_levels():
    plan = ExportPlan(DICTIONARY, ExportOptions(labels=True, repeating_forms=REPEATING))
    script = write_r_script(plan)
    assert 'data[["modality"]] <- factor(data[["modality"]], levels = c("CT", "MRI"))' in script


def test_the_r_script_reads_the_checkbox_table_of_a_long_layout():
    options = ExportOptions(checkboxes=CheckboxLayout.LONG, repeating_forms=REPEATING)
    script = write_r_script(ExportPlan(DICTIONARY, options), csv_name="audit.csv")
    assert 'checkboxes <- read.csv("audit_checkboxes.csv"' in script


def test_r_strings_are_escaped():
    assert r_string('say "hi"\\\n') == '"say \\"hi\\"\\\\\\n"'


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_the_r_script_runs_in_r(tmp_path):
    plan = ExportPlan(DICTIONARY, ExportOptions(repeating_forms=REPEATING))
    with (tmp_path / "records.csv").open("w", newline="", encoding="utf-8") as out:
        write_csv(plan, records(), out)
    script = write_r_script(plan) + '\nstopifnot(levels(data[["modality"]]) == c("CT", "MRI"))\n'
    (tmp_path / "load.R").write_text(script, encoding="utf-8")
    subprocess.run(["Rscript", "load.R"], cwd=tmp_path, check=True)  # noqa: S607


def text_field(**kwargs):
    return Field(name="x", form="f", field_type=kwargs.pop("field_type", FieldType.TEXT),
                 label="X", **kwargs)  # fmt: skip


@pytest.mark.parametrize(
    ("field", "dropped"),
    [
        (text_field(), True),
        (text_field(field_type=FieldType.NOTES), True),
        (text_field(field_type=FieldType.FILE), True),
        (text_field(validation=ValidationType.EMAIL), True),
        (text_field(validation=ValidationType.PHONE), True),
        (text_field(validation=ValidationType.ALPHA_ONLY), True),
        (text_field(validation=ValidationType.INTEGER, identifier=True), True),
        (text_field(validation=ValidationType.INTEGER), False),
        (text_field(validation=ValidationType.DATE_DMY), False),
        (text_field(field_type=FieldType.RADIO), False),
        (text_field(field_type=FieldType.CALC), False),
    ],
)
def test_deidentified_exports_drop_free_text_contact_details_and_identifiers(field, dropped):
    assert is_dropped(field) is dropped


@given(st.text(min_size=1, max_size=20))
def test_the_offset_is_deterministic_non_zero_and_within_the_window(record_id):
    offset = hmac_offset(b"secret", max_days=30)
    days = offset(record_id)
    assert days == offset(record_id)
    assert days != 0
    assert -30 <= days <= 30


def test_the_offset_depends_on_the_secret_and_spreads_over_the_window():
    first, second = hmac_offset(b"one"), hmac_offset(b"two")
    ids = [f"LDS-{n}" for n in range(2000)]
    assert [first(i) for i in ids] != [second(i) for i in ids]
    assert {first(i) for i in ids} == set(range(-30, 0)) | set(range(1, 31))


def test_the_offset_refuses_a_bad_window_or_an_empty_secret():
    with pytest.raises(ValueError, match="max_days must be at least 1"):
        hmac_offset(b"s", max_days=0)
    with pytest.raises(ValueError, match="must not be empty"):
        hmac_offset(b"")


@pytest.mark.parametrize(
    ("stored", "days", "shifted"),
    [
        ("2024-12-31", 1, "2025-01-01"),
        ("2024-03-01", -1, "2024-02-29"),
        ("2024-12-31 23:59", 30, "2025-01-30 23:59"),
        ("2024-12-31 23:59:59", -30, "2024-12-01 23:59:59"),
        ("", 5, ""),
    ],
)
def test_shifting_moves_the_date_and_keeps_the_clock(stored, days, shifted):
    assert shift_stored(stored, days) == shifted
