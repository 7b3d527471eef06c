"""Compiling a whole REDCap data dictionary's branching logic and calculations."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from capture.logic import (
    Context,
    DictionaryLogicError,
    compile_dictionary,
    evaluate,
    read_with_logic,
    resolve,
)
from capture.logic.form import FieldLogic
from capture.logic.nodes import Node
from capture.tests.test_logic_cases import run_in_node
from formats.datadictionary import (
    NOT_EVALUATED,
    DataDictionary,
    DataDictionaryError,
    ValidationType,
    read_data_dictionary,
)
from formats.datadictionary.tests.fields import field

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


def calc_of(logic: FieldLogic) -> Node:
    """A calculated field's compiled calculation."""
    assert logic.calc is not None
    return logic.calc


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
    assert evaluate(calc_of(compiled["dose"]), {"ct_dlp": "500"}) == 7.0
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


FIXTURE = Path(__file__).resolve().parents[2] / "formats/datadictionary/tests/radiology_audit.csv"


def test_the_shared_radiology_fixture_keeps_its_event_reference_not_evaluated():
    compiled = compile_dictionary(read_data_dictionary(FIXTURE.read_bytes()).dictionary)
    reaction = compiled["contrast_reaction"]
    assert reaction.branching is None
    assert reaction.not_evaluated == (
        (
            "Branching Logic (Show field only if...)",
            "[imaging_arm_1][contrast] reads a field at another event",
        ),
    )
    assert compiled["nodule_size"].branching is not None


def test_reading_with_logic_reports_what_is_not_evaluated_on_its_field():
    read = read_with_logic(FIXTURE.read_bytes())
    reaction = field(read.dictionary, "contrast_reaction")
    [issue] = reaction.not_evaluated
    assert issue.kind == NOT_EVALUATED
    assert issue.message == (
        "not evaluated here: [imaging_arm_1][contrast] reads a field at another event; "
        "the field is always shown"
    )
    assert issue in read.result.issues
    assert reaction.branching_logic == "[imaging_arm_1][contrast] = '1'"
    assert read.logic["contrast_reaction"].branching is None


def test_one_pass_reports_columns_choices_validation_and_logic_together():
    text = HEADER.replace("Field Label,", "") + "".join(
        line + "\n"
        for line in (
            "record_id,scan,,text,,,,,,,,,,,,,",
            'modality,scan,,radio,"CT | MRI",,,,,,,,,,,,',
            'dose,scan,,calc,"round([record_id] * 0.014, 2",,,,,,,,,,,,',
            "age,scan,,text,,,integer,,,,\"[modality] = '1' and [site] = 1\",,,,,,",
            "scan_date,scan,,text,,,date_dmy,31-02-2024,,,,,,,,,",
        )
    )
    with pytest.raises(DataDictionaryError) as caught:
        read_with_logic(text)
    assert [(p.line, p.column) for p in caught.value.problems] == [
        (1, "Field Label"),
        (3, "Choices, Calculations, OR Slider Labels"),
        (4, "Choices, Calculations, OR Slider Labels"),
        (5, "Branching Logic (Show field only if...)"),
        (6, "Text Validation Min"),
    ]
    assert "[site] is not a variable of this dictionary" in str(caught.value)
    assert "expected ',' or ')' to close round(" in str(caught.value)


def test_labels_and_decimal_commas_come_from_the_dictionary_into_the_tree():
    read = dictionary(
        row("sex", "radio", "1, Female | 2, Male"),
        row("weight", "text"),
        row("label", "calc", "concat([sex:label], ' ', [weight] * 2)"),
    )
    comma = ValidationType.NUMBER_1DP_COMMA_DECIMAL
    fields = tuple(replace(f, validation=comma) if f.name == "weight" else f for f in read.fields)
    compiled = compile_dictionary(DataDictionary(fields))
    assert evaluate(calc_of(compiled["label"]), {"sex": "1", "weight": "70,5"}) == "Female 141"


DICTIONARIES = FIXTURE.with_name("dictionaries")


def expectations() -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(DICTIONARIES.glob("*.csv")):
        found.append((path, json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))))
    return found


def _name(item: object) -> str:
    return getattr(item, "stem", "")


@pytest.mark.parametrize(("path", "expected"), expectations(), ids=_name)
def test_each_test_dictionary_reads_with_its_logic_as_expected(path, expected):
    if "problems" in expected:
        with pytest.raises(DataDictionaryError) as caught:
            read_with_logic(path.read_bytes())
        wanted = expected.get("problems_with_logic", expected["problems"])
        assert [list(problem) for problem in caught.value.problems] == wanted
        return
    read = read_with_logic(path.read_bytes())
    issues = read.result.issues
    assert [[i.line, i.column, i.message] for i in issues if i.kind == NOT_EVALUATED] == (
        expected["not_evaluated"]
    )
    assert [[i.line, i.column, i.message] for i in issues if i.kind != NOT_EVALUATED] == (
        expected["issues"]
    )
    for name, logic in read.logic.items():
        reported = [i.column for i in field(read.dictionary, name).not_evaluated]
        assert [column for column, _ in logic.not_evaluated] == reported


REPORT = {
    "record_id": "RC-7",
    "accession": "RC-12345",
    "report_text": "A 6 mm Nodule in the right upper lobe.",
    "sex": "1",
    "scan_date": "2024-03-05",
    "size_a": "12,5",
    "size_b": "8",
}


def test_the_new_functions_give_the_same_form_on_the_server_and_in_node():
    read = read_with_logic((DICTIONARIES / "15-new-functions.csv").read_bytes())
    context = Context(record_name="RC-7", dag_name="leeds")
    server = resolve(read.logic, REPORT, context=context)
    assert {name: server.values[name] for name in read.logic if read.logic[name].calc} == {
        "has_nodule": "1",
        "site_code": "RC-",
        "accession_number": "12345",
        "scan_year": "2024-3-5",
        "size_spread": "2.25",
        "label": "female",
        "record": "RC-7 / leeds / ",
        "rounded": "12.9",
    }
    assert server.hidden == frozenset()
    trees = {name: logic.to_json() for name, logic in read.logic.items()}
    payload = {
        "cases": [],
        "forms": [
            {
                "fields": trees,
                "values": REPORT,
                "context": {"recordName": "RC-7", "dagName": "leeds"},
            }
        ],
    }
    [browser] = run_in_node(payload)["forms"]
    assert browser["values"] == server.values
    assert sorted(browser["hidden"]) == sorted(server.hidden)
