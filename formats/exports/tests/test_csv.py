"""CSV export: REDCap's flat layout, codes or labels, checkboxes and repeats long or wide."""

from __future__ import annotations

import csv
import io

import pytest

from formats.exports import (
    CheckboxLayout,
    ExportError,
    ExportOptions,
    ExportPlan,
    ExportRecord,
    RepeatLayout,
    hmac_offset,
    scan_max_instances,
    write_csv,
)
from formats.exports.tests.conftest import DICTIONARY, REPEATING, records


def export(options, rows=None, **kwargs):
    rows = records() if rows is None else rows
    plan = ExportPlan(DICTIONARY, options, max_instances=scan_max_instances(rows))
    out, ticks = io.StringIO(newline=""), io.StringIO(newline="")
    summary = write_csv(plan, iter(rows), out, checkboxes_out=ticks, **kwargs)
    read = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    read_ticks = list(csv.DictReader(io.StringIO(ticks.getvalue(), newline="")))
    return summary, read, read_ticks, out.getvalue()


def test_codes_long_is_redcaps_flat_layout():
    summary, rows, ticks, text = export(ExportOptions(repeating_forms=REPEATING))
    assert text.splitlines()[0] == (
        "record_id,redcap_data_access_group,redcap_repeat_instrument,redcap_repeat_instance,"
        "initials,age,scan_date,scan_time,modality,region,findings___1,findings___2,"
        "findings____1,comment,reporter,dose,baseline_complete,size_mm,lesion_date,"
        "lesion_kind___1,lesion_kind___2,lesions_complete"
    )
    assert (summary.records, summary.rows, summary.checkbox_rows) == (4, 4, 0)
    base, first, second, other = rows
    assert base["modality"] == "2"
    assert base["region"] == "chest"
    assert (base["findings___1"], base["findings___2"], base["findings____1"]) == ("1", "0", "1")
    # Spreadsheet-safe by default: text that would run as a formula gets a quote.
    assert base["comment"] == '\'=HYPERLINK("x")\nsecond line'
    assert base["size_mm"] == ""
    assert base["lesion_kind___1"] == ""
    assert (first["redcap_repeat_instrument"], first["redcap_repeat_instance"]) == ("lesions", "1")
    assert (first["size_mm"], first["lesion_kind___1"], first["lesion_kind___2"]) == (
        "12.5", "1", "1",
    )  # fmt: skip
    assert first["age"] == ""
    assert first["findings___1"] == ""
    assert second["lesions_complete"] == "0"
    assert other["findings___1"] == "0"
    assert other["redcap_data_access_group"] == "yrk"
    assert ticks == []


def test_labels_replace_codes_of_choices_checkboxes_and_statuses():
    _, rows, _, _ = export(ExportOptions(labels=True, repeating_forms=REPEATING))
    base = rows[0]
    assert (base["modality"], base["region"], base["baseline_complete"]) == (
        "MRI", "Chest", "Complete",
    )  # fmt: skip
    assert (base["findings___1"], base["findings___2"]) == ("Checked", "Unchecked")
    assert rows[1]["lesions_complete"] == "Unverified"
    assert base["age"] == "54"


def test_long_checkboxes_go_to_their_own_table_one_row_per_ticked_option():
    options = ExportOptions(checkboxes=CheckboxLayout.LONG, repeating_forms=REPEATING)
    summary, rows, ticks, _ = export(options)
    assert "findings___1" not in rows[0]
    assert "lesion_kind___1" not in rows[0]
    assert [(t["record_id"], t["redcap_repeat_instance"], t["field"], t["code"], t["label"])
            for t in ticks] == [
        ("LDS-1", "", "findings", "1", "Nodule"),
        ("LDS-1", "", "findings", "-1", "None"),
        ("LDS-1", "1", "lesion_kind", "1", "Solid"),
        ("LDS-1", "1", "lesion_kind", "2", "Cystic"),
    ]  # fmt: skip
    assert summary.checkbox_rows == 4


def test_long_checkboxes_need_a_second_stream():
    plan = ExportPlan(DICTIONARY, ExportOptions(checkboxes=CheckboxLayout.LONG))
    with pytest.raises(ExportError, match="needs checkboxes_out"):
        write_csv(plan, records(), io.StringIO())


def test_wide_repeats_give_one_row_per_record_up_to_the_largest_instance():
    options = ExportOptions(repeats=RepeatLayout.WIDE, repeating_forms=REPEATING)
    summary, rows, _, text = export(options)
    header = text.splitlines()[0].split(",")
    assert "redcap_repeat_instrument" not in header
    assert header[-10:] == [
        "size_mm__1", "lesion_date__1", "lesion_kind___1__1", "lesion_kind___2__1",
        "lesions_complete__1", "size_mm__2", "lesion_date__2", "lesion_kind___1__2",
        "lesion_kind___2__2", "lesions_complete__2",
    ]  # fmt: skip
    assert (summary.records, summary.rows) == (4, 2)
    lds, yrk = rows
    assert (lds["age"], lds["size_mm__1"], lds["size_mm__2"]) == ("54", "12.5", "3.0")
    assert (lds["lesion_kind___2__1"], lds["lesion_kind___2__2"]) == ("1", "0")
    assert (yrk["size_mm__1"], yrk["lesion_kind___1__1"]) == ("", "")


def test_wide_repeats_need_the_largest_instances_first():
    options = ExportOptions(repeats=RepeatLayout.WIDE, repeating_forms=REPEATING)
    with pytest.raises(ExportError, match="needs max_instances"):
        ExportPlan(DICTIONARY, options)
    plan = ExportPlan(DICTIONARY, options, max_instances={"lesions": 1})
    with pytest.raises(ExportError, match="instance 2 of lesions, beyond max_instances"):
        write_csv(plan, records(), io.StringIO())


def test_wide_repeats_refuse_records_whose_rows_are_not_together():
    rows = records()
    shuffled = [rows[0], rows[3], rows[1]]
    options = ExportOptions(repeats=RepeatLayout.WIDE, repeating_forms=REPEATING)
    plan = ExportPlan(DICTIONARY, options, max_instances={"lesions": 2})
    with pytest.raises(ExportError, match="rows of record LDS-1 do not come together"):
        write_csv(plan, shuffled, io.StringIO())


def test_a_row_of_an_instrument_that_does_not_repeat_is_refused():
    plan = ExportPlan(DICTIONARY, ExportOptions())
    with pytest.raises(ExportError, match="'lesions', which is not a repeating instrument"):
        write_csv(plan, records(), io.StringIO())


def test_instruments_can_be_chosen():
    options = ExportOptions(forms=("lesions",), repeating_forms=REPEATING)
    summary, _rows, _, text = export(options)
    assert text.splitlines()[0] == (
        "record_id,redcap_data_access_group,redcap_repeat_instrument,redcap_repeat_instance,"
        "size_mm,lesion_date,lesion_kind___1,lesion_kind___2,lesions_complete"
    )
    assert summary.records == 4
    with pytest.raises(ExportError, match="no such instrument in the dictionary: scans"):
        ExportPlan(DICTIONARY, ExportOptions(forms=("scans",)))


def test_deidentified_drops_free_text_and_identifiers_and_shifts_dates_per_record():
    offset = hmac_offset(b"study secret")
    options = ExportOptions(
        deidentify=True, date_offset=offset, repeating_forms=REPEATING, labels=False
    )
    _, rows, _, text = export(options)
    header = text.splitlines()[0].split(",")
    for dropped in ("initials", "comment", "reporter"):
        assert dropped not in header
    assert {"age", "scan_date", "scan_time", "modality", "dose", "size_mm"} <= set(header)
    days = offset("LDS-1")
    assert days != 0
    assert -30 <= days <= 30
    from datetime import date, datetime, timedelta

    shift = timedelta(days=days)
    base, first, second, other = rows
    assert base["scan_date"] == (date(2024, 12, 31) + shift).isoformat()
    moment = datetime(2024, 12, 31, 14, 30) + shift  # noqa: DTZ001 - wall-clock time
    assert base["scan_time"] == moment.strftime("%Y-%m-%d %H:%M")
    assert first["lesion_date"] == (date(2025, 1, 2) + shift).isoformat()
    assert second["lesion_date"] == (date(2025, 2, 3) + shift).isoformat()
    # The gap between two dates of one record survives the shift.
    gap = date.fromisoformat(second["lesion_date"]) - date.fromisoformat(base["scan_date"])
    assert gap == date(2025, 2, 3) - date(2024, 12, 31)
    other_shift = timedelta(days=offset("YRK-1"))
    assert other["scan_date"] == (date(2023, 3, 4) + other_shift).isoformat()
    # The same record moves by the same days in another export.
    _, again, _, _ = export(options)
    assert again[0]["scan_date"] == base["scan_date"]


def test_deidentified_needs_a_date_offset():
    with pytest.raises(ExportError, match="needs a date_offset"):
        ExportPlan(DICTIONARY, ExportOptions(deidentify=True))


def test_progress_is_reported_while_streaming_and_at_the_end():
    many = [ExportRecord(f"R-{n}", "lds", values={"age": "40"}) for n in range(2500)]
    calls = []
    export(ExportOptions(), many, total=2500, progress=lambda done, total: calls.append(
        (done, total)))  # fmt: skip
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_the_input_is_consumed_as_a_stream():
    consumed = []

    def generated():
        for n in range(5):
            consumed.append(n)
            yield ExportRecord(f"R-{n}", "lds", values={"age": "40"})

    plan = ExportPlan(DICTIONARY, ExportOptions())
    rows = plan.rows(generated())
    next(rows)
    assert consumed == [0]


def test_a_bom_can_start_the_file_for_spreadsheets():
    plan = ExportPlan(DICTIONARY, ExportOptions())
    out = io.StringIO(newline="")
    write_csv(plan, [], out, bom=True)
    assert out.getvalue().startswith("\ufeffrecord_id,")
