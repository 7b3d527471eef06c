"""A longitudinal study's flat CSV: each row names its event in redcap_event_name."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from formats.records import RecordReader
from formats.records.flatcsv import Events
from formats.records.tests.test_flatcsv import DICTIONARY

TODAY = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 12, 0)  # noqa: DTZ001 - the study's wall-clock time
EVENTS = Events(
    forms={
        "baseline_arm_1": frozenset({"baseline", "lesions"}),
        "week_6_arm_1": frozenset({"lesions"}),
        "visits_arm_1": frozenset({"lesions"}),
    },
    repeating={"baseline_arm_1": frozenset({"lesions"})},
    repeating_events=frozenset({"visits_arm_1"}),
)
HEADER = [
    "record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
    "age", "baseline_complete", "size_mm", "lesions_complete",
]  # fmt: skip


def read(*rows, events=EVENTS, header=HEADER):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    buffer.seek(0)
    reader = RecordReader(buffer, DICTIONARY, today=TODAY, now=NOW, events=events)
    return reader, list(reader)


def messages(rows):
    return [str(e) for r in rows for e in r.errors]


def test_rows_carry_their_event_and_repeats_per_event():
    _, rows = read(
        ["1", "baseline_arm_1", "", "", "40", "2", "", ""],
        ["1", "baseline_arm_1", "lesions", "1", "", "", "5.5", "1"],
        ["1", "baseline_arm_1", "lesions", "2", "", "", "6.5", "1"],
        ["1", "week_6_arm_1", "", "", "", "", "7.0", "2"],
        ["1", "visits_arm_1", "", "1", "", "", "8.0", ""],
        ["1", "visits_arm_1", "", "2", "", "", "9.0", ""],
    )
    assert messages(rows) == []
    assert [(r.event, r.instrument, r.instance) for r in rows] == [
        ("baseline_arm_1", None, None),
        ("baseline_arm_1", "lesions", 1),
        ("baseline_arm_1", "lesions", 2),
        ("week_6_arm_1", None, None),
        ("visits_arm_1", None, 1),
        ("visits_arm_1", None, 2),
    ]
    assert rows[3].values == {"size_mm": "7.0"}


def test_unknown_events_and_forms_not_collected_are_refused_per_row():
    _, rows = read(
        ["1", "nope_arm_1", "", "", "40", "", "", ""],
        ["1", "week_6_arm_1", "", "", "41", "", "", ""],
        ["1", "", "", "", "", "", "1", ""],
        ["1", "week_6_arm_1", "lesions", "", "", "", "1", ""],
    )
    assert messages(rows) == [
        "row 2, column redcap_event_name: 'nope_arm_1' is not an event of this study "
        "(baseline_arm_1, week_6_arm_1, visits_arm_1)",
        "row 3, field age: '41' belongs to the form baseline, which is not collected at the "
        "event week_6_arm_1",
        "row 4, column redcap_event_name: is empty: name the row's event (baseline_arm_1, "
        "week_6_arm_1, visits_arm_1)",
        "row 5, column redcap_repeat_instrument: 'lesions' is not a repeating instrument at "
        "week_6_arm_1 (repeating: none)",
        "row 5, field record_id: record 1 at week_6_arm_1 was already given on row 3",
    ]


def test_a_repeating_event_needs_the_instance():
    _, rows = read(["1", "visits_arm_1", "", "", "", "", "8.0", ""])
    assert messages(rows) == [
        "row 2, column redcap_repeat_instance: '': a row of the repeating event visits_arm_1 "
        "needs its instance (1, 2, ...)"
    ]


def test_a_longitudinal_study_needs_the_event_column_unless_it_has_one_event():
    reader, _ = read(["1", "40"], header=["record_id", "age"])
    assert [str(e) for e in reader.file_errors] == [
        "row 1, column redcap_event_name: is missing: this study has "
        "several events, so each row names its event (baseline_arm_1, week_6_arm_1, "
        "visits_arm_1)"
    ]
    single = Events(forms={"baseline_arm_1": frozenset({"baseline"})})
    reader, rows = read(["1", "40"], header=["record_id", "age"], events=single)
    assert reader.file_errors == []
    assert rows[0].event == "baseline_arm_1"


def test_a_classic_study_reads_a_file_of_one_event_and_refuses_a_second():
    reader, rows = read(
        ["1", "event_1_arm_1", "40"],
        ["2", "event_1_arm_1", "41"],
        ["3", "event_2_arm_1", "42"],
        events=None,
        header=["record_id", "redcap_event_name", "age"],
    )
    assert [n.column for n in reader.notices] == ["redcap_event_name"]
    assert rows[0].event is None
    assert messages(rows) == [
        "row 4, column redcap_event_name: 'event_2_arm_1' is a second event after "
        "'event_1_arm_1': this study has no events; define them (the study's Events page) "
        "before importing several"
    ]
