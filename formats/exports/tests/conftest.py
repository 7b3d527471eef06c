"""A small study for the exporters: two records, one with two repeating lesions."""

from __future__ import annotations

import pytest

from formats.datadictionary import read_data_dictionary
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.exports import ExportRecord

DICTIONARY = read_data_dictionary(
    dictionary_csv(
        row("record_id", label="Record ID", form="baseline"),
        row("initials", form="baseline", identifier="y", label="Initials"),
        row("age", form="baseline", validation="integer", label="Age <b>at scan</b>"),
        row("scan_date", form="baseline", validation="date_dmy", label="Scan date"),
        row("scan_time", form="baseline", validation="datetime_ymd", label="Scan time"),
        row("modality", "radio", form="baseline", choices="1, CT | 2, MRI", label="Modality"),
        row(
            "region",
            "dropdown",
            form="baseline",
            choices="head, Head | chest, Chest",
            label="Region",
        ),
        row(
            "findings",
            "checkbox",
            form="baseline",
            choices="1, Nodule | 2, Mass | -1, None",
            label="Findings",
        ),
        row("comment", "notes", form="baseline", label="Comment"),
        row("reporter", form="baseline", label="Reporter (free text)"),
        row("dose", "calc", form="baseline", choices="[age] * 2", label="Dose"),
        row("size_mm", form="lesions", validation="number_1dp", label="Size (mm)"),
        row("lesion_date", form="lesions", validation="date_ymd", label="Lesion seen"),
        row(
            "lesion_kind", "checkbox", form="lesions", choices="1, Solid | 2, Cystic", label="Kind"
        ),
    )
).dictionary
REPEATING = frozenset({"lesions"})


def records():
    return [
        ExportRecord(
            "LDS-1",
            "lds",
            values={
                "initials": "AB",
                "age": "54",
                "scan_date": "2024-12-31",
                "scan_time": "2024-12-31 14:30",
                "modality": "2",
                "region": "chest",
                "findings": {"1", "-1"},
                "comment": "=HYPERLINK(\"x\")\nsecond line",
                "reporter": "Dr Who",
                "dose": "108",
            },
            statuses={"baseline": 2},
        ),
        ExportRecord("LDS-1", "lds", "lesions", 1, {"size_mm": "12.5",
                     "lesion_date": "2025-01-02", "lesion_kind": "1,2"}, {"lesions": 1}),
        ExportRecord("LDS-1", "lds", "lesions", 2, {"size_mm": "3.0",
                     "lesion_date": "2025-02-03"}, {"lesions": 0}),
        ExportRecord("YRK-1", "yrk", values={"age": "61", "modality": "1",
                     "findings": frozenset(), "scan_date": "2023-03-04"},
                     statuses={"baseline": 1}),
    ]  # fmt: skip


@pytest.fixture
def dictionary():
    return DICTIONARY
