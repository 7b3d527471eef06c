"""Compiling a whole REDCap data dictionary's branching logic and calculations."""

from __future__ import annotations

from pathlib import Path

import pytest

from capture.logic import DictionaryLogicError, compile_dictionary, evaluate, resolve
from formats.datadictionary import read_data_dictionary

HEADER = (
    "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
    '"Choices, Calculations, OR Slider Labels",Field Note,'
    "Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,"
    "Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,"
    "Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation\n"
)


def dictionary(*rows: str):
    return read_data_dictionary(HEADER + "".join(row + "\n" for row in rows)).dictionary


def row(name: str, kind: str, choices: str = "", branching: str = "") -> str:
    quoted = [f'"{cell}"' for cell in (choices, branching)]
    return f"{name},scan,,{kind},{name},{quoted[0]},,,,,,{quoted[1]},,,,,,"


def test_it_compiles_branching_and_calculations_in_dictionary_order():
    compiled = compile_dictionary(
        dictionary(
            row("modality", "checkbox", "1, CT | 2, MRI"),
            row("ct_dlp", "text", branching="[modality(1)] = '1'"),
            row("dose", "calc", "round([ct_dlp] * 0.014, 2)", "[modality(1)] = '1'"),
        )
    )
    assert list(compiled) == ["modality", "ct_dlp", "dose"]
    assert compiled["modality"].branching is None
    assert compiled["modality"].calc is None
    assert evaluate(compiled["dose"].calc, {"ct_dlp": "500"}) == 7.0
    outcome = resolve(compiled, {"modality": ["2"], "ct_dlp": "500"})
    assert outcome.hidden == {"ct_dlp", "dose"}
    outcome = resolve(compiled, {"modality": ["1"], "ct_dlp": "500"})
    assert outcome.values["dose"] == "7"


def test_it_reports_every_unreadable_expression_with_its_field_and_column():
    with pytest.raises(DictionaryLogicError) as caught:
        compile_dictionary(
            dictionary(
                row("modality", "checkbox", "1, CT | 2, MRI"),
                row("ct_dlp", "text", branching="[modality] = '1'"),
                row("dose", "calc", "round([ct_dlp] * 0.014, 2", "[modality(1)] = '1'"),
            )
        )
    problems = caught.value.problems
    assert [(p.field, p.column) for p in problems] == [
        ("ct_dlp", "Branching Logic (Show field only if...)"),
        ("dose", "Choices, Calculations, OR Slider Labels"),
    ]
    assert "[modality] is a checkbox" in str(caught.value)
    assert "expected ',' or ')' to close round( at character 1" in str(caught.value)


def test_the_shared_radiology_fixture_names_its_one_event_reference():
    fixture = (
        Path(__file__).resolve().parents[2] / "formats/datadictionary/tests/radiology_audit.csv"
    )
    with pytest.raises(DictionaryLogicError) as caught:
        compile_dictionary(read_data_dictionary(fixture.read_bytes()).dictionary)
    assert [p.field for p in caught.value.problems] == ["contrast_reaction"]
    assert "event and instance references are not supported" in str(caught.value)
