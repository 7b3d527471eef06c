from __future__ import annotations

from pathlib import Path

import pytest

from formats.datadictionary import (
    HEADER,
    Choice,
    DataDictionary,
    Field,
    FieldType,
    read_data_dictionary,
    write_data_dictionary,
)
from formats.datadictionary.tests.builders import cells_of, dictionary_csv, row
from formats.datadictionary.tests.fields import field

FIXTURE = Path(__file__).with_name("radiology_audit.csv")


def round_trip(text, **options):
    return write_data_dictionary(read_data_dictionary(text).dictionary, **options)


def test_the_audit_comes_back_cell_for_cell():
    text = FIXTURE.read_text(encoding="utf-8")
    assert cells_of(round_trip(text)) == cells_of(text)


def test_the_audit_comes_back_byte_for_byte_with_its_own_line_endings():
    text = FIXTURE.read_text(encoding="utf-8")
    assert round_trip(text, line_ending="\n") == text
    windows = text.replace("\n", "\r\n")
    assert round_trip(windows) == windows


def test_the_writer_starts_with_the_exact_header_and_no_bom_by_default():
    written = round_trip(dictionary_csv(row("record_id")))
    assert written.startswith(",".join(f'"{n}"' if "," in n else n for n in HEADER) + "\r\n")
    assert cells_of(written)[0] == list(HEADER)


def test_the_writer_adds_a_bom_when_asked():
    written = round_trip(dictionary_csv(row("record_id")), bom=True)
    assert written.startswith("\ufeffVariable / Field Name,")


def test_lf_line_endings_keep_carriage_returns_inside_cells_quoted():
    text = dictionary_csv(row("record_id", label="Line one\rline two"), line_ending="\n")
    written = round_trip(text, line_ending="\n")
    assert cells_of(written) == cells_of(text)
    assert written.count("\n") == 2


def test_any_other_line_ending_is_refused():
    dictionary = read_data_dictionary(dictionary_csv(row("record_id"))).dictionary
    with pytest.raises(ValueError, match="line_ending"):
        write_data_dictionary(dictionary, line_ending="\r")  # type: ignore[arg-type]


def test_yes_no_choices_are_not_written_when_the_source_left_them_out():
    text = dictionary_csv(
        row("record_id"),
        row("contrast", "yesno"),
        row("agreed", "truefalse", choices="1, True | 0, False"),
    )
    result = read_data_dictionary(text)
    assert field(result.dictionary, "contrast").choices == ()
    assert field(result.dictionary, "agreed").choices == (Choice("1", "True"), Choice("0", "False"))
    assert cells_of(round_trip(text)) == cells_of(text)


def test_a_dictionary_built_in_code_is_written_and_read_back_unchanged():
    dictionary = DataDictionary(
        (
            Field(name="record_id", form="study", field_type=FieldType.TEXT, label="ID"),
            Field(
                name="modality",
                form="study",
                field_type=FieldType.RADIO,
                label='Modality, "as scanned"',
                choices=(Choice("1", "CT"), Choice("2", "MRI, with contrast")),
                required=True,
            ),
        )
    )
    result = read_data_dictionary(write_data_dictionary(dictionary))
    assert result.dictionary == dictionary
    assert result.issues == ()


def test_slider_labels_with_an_empty_middle_come_back_as_written():
    text = dictionary_csv(row("record_id"), row("pain", "slider", choices="None | | Worst"))
    result = read_data_dictionary(text)
    assert field(result.dictionary, "pain").slider_labels == ("None", "", "Worst")
    assert result.issues == ()
    assert cells_of(round_trip(text)) == cells_of(text)
