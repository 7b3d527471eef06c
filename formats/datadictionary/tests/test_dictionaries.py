"""Dictionaries as REDCap and people write them, each with what reading it must give.

Each `dictionaries/NN-name.csv` has a `NN-name.json` beside it: the header, byte-order
mark and line ending read, the forms, each field (its line, type, label and what else it
says), the issues (kept, not applied) and, for a file that is refused, every problem.
capture/tests/test_logic_dictionary.py reads the same files with the logic parser and
checks `not_evaluated` and `problems_with_logic`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from formats.datadictionary import (
    DataDictionaryError,
    Field,
    read_data_dictionary,
    write_data_dictionary,
)

FOLDER = Path(__file__).with_name("dictionaries")
FILES = sorted(FOLDER.glob("*.csv"))


def expected_of(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def described(field: Field) -> dict[str, Any]:
    """A field as the expected JSON describes it: only what it says."""
    data: dict[str, Any] = {"line": field.source.line if field.source else 0}
    data |= {"type": str(field.field_type), "label": field.label}
    optional = {
        "validation": str(field.validation) if field.validation else None,
        "range": [field.validation_min, field.validation_max]
        if field.validation_min or field.validation_max
        else None,
        "choices": [[c.code, c.label] for c in field.choices] or None,
        "slider_labels": list(field.slider_labels) or None,
        "matrix": field.matrix_group or None,
        "matrix_ranking": field.matrix_ranking or None,
        "action_tags": [[t.name, t.argument, t.applied] for t in field.action_tags] or None,
        "branching": field.branching_logic or None,
        "calculation": field.calculation or None,
    }
    return data | {key: value for key, value in optional.items() if value is not None}


def cells(text: str) -> list[list[str]]:
    records = []
    for record in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")):
        while record and record[-1] == "":
            record.pop()
        if record:
            records.append(record)
    return records


def test_there_are_at_least_fifteen_dictionaries_each_with_its_expectations():
    assert len(FILES) >= 15
    assert all(path.with_suffix(".json").exists() for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_each_dictionary_reads_as_expected(path):
    expected = expected_of(path)
    if "problems" in expected:
        with pytest.raises(DataDictionaryError) as caught:
            read_data_dictionary(path.read_bytes())
        assert [list(problem) for problem in caught.value.problems] == expected["problems"]
        return
    result = read_data_dictionary(path.read_bytes())
    dictionary = result.dictionary
    assert list(dictionary.columns) == expected["header"]
    assert dictionary.bom is expected["bom"]
    assert {"\r\n": "CRLF", "\n": "LF"}[dictionary.line_ending] == expected["line_ending"]
    assert list(dictionary.forms()) == expected["forms"]
    assert {field.name: described(field) for field in dictionary.fields} == expected["fields"]
    assert [[i.line, i.column, i.message] for i in result.issues] == expected["issues"]


@pytest.mark.parametrize(
    "path", [p for p in FILES if "problems" not in expected_of(p)], ids=lambda path: path.stem
)
def test_each_dictionary_comes_back_cell_for_cell(path):
    text = path.read_bytes().decode("utf-8")
    written = write_data_dictionary(read_data_dictionary(text).dictionary)
    assert cells(written) == cells(text)
    assert written.startswith("\ufeff") == text.startswith("\ufeff")
