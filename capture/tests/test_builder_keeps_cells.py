"""A form-builder edit changes the cell it edits and nothing else (issue 15, item 6).

Each of the team's test dictionaries that reads is uploaded, one field's label is edited
in the builder page, and the dictionary the API and the download give back is compared
with the uploaded file cell for cell: the same header, the same records, the same cells,
except the label that was edited ("the same" as docs/data-dictionary.md defines it).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse

from capture import services, versions
from capture.forms_dictionary import field_initial
from core.testing.mfa import enable_totp
from formats.datadictionary import column_of, read_data_dictionary
from formats.datadictionary.tests.fields import field

pytestmark = pytest.mark.django_db

DICTIONARIES = Path(__file__).resolve().parents[2] / "formats/datadictionary/tests/dictionaries"
READABLE = sorted(
    path
    for path in DICTIONARIES.glob("*.csv")
    if not json.loads(path.with_suffix(".json").read_text(encoding="utf-8")).get("problems")
)


def records(text: str) -> list[list[str]]:
    """The CSV's records, blank ones dropped and empty cells at the end left out."""
    found = []
    for cells in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")):
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            found.append(cells)
    return found


def column_at(header: list[str], column: str) -> int:
    return next(i for i, name in enumerate(header) if column_of(name) == column)


@pytest.fixture
def admin(client, personas):
    enable_totp(personas.committee)
    client.force_login(personas.committee)
    return client


def test_the_readable_dictionaries_are_all_tried():
    assert len(READABLE) >= 14


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.stem)
def test_an_edit_in_the_builder_changes_only_the_edited_cell(admin, personas, path):
    original = path.read_bytes().decode("utf-8-sig")
    study, _ = services.study_create(
        actor=personas.committee, title=path.stem, dictionary_csv=original
    )
    dictionary = read_data_dictionary(original).dictionary
    edited = dictionary.fields[1] if len(dictionary.fields) > 1 else dictionary.fields[0]
    values = {k: v for k, v in field_initial(edited).items() if v not in (False, None)}
    values.update(label="Edited in the builder", base=versions.digest(original))

    url = reverse("capture:dictionary_field", args=[study.pk, edited.name])
    response = admin.post(url, values)
    assert response.status_code == 302, response.content.decode()[-3000:]

    api = admin.get(f"/api/v1/studies/{study.pk}/dictionary")
    assert api.status_code == 200
    downloaded = api.content.decode()
    before, after = records(original), records(downloaded)
    assert after[0] == before[0]  # the same header, other columns included
    assert len(after) == len(before)
    label_at = column_at(before[0], "Field Label")
    name_at = column_at(before[0], "Variable / Field Name")
    changed = [
        (line, column)
        for line, (old, new) in enumerate(zip(before, after, strict=True))
        for column in range(max(len(old), len(new)))
        if (old[column] if column < len(old) else "") != (new[column] if column < len(new) else "")
    ]
    row = next(i for i, cells in enumerate(before) if cells[name_at] == edited.name)
    assert changed == [(row, label_at)]
    assert after[row][label_at] == "Edited in the builder"
    # The study's own dictionary reads the edit, and keeps every issue it had.
    read = read_data_dictionary(downloaded)
    assert field(read.dictionary, edited.name).label == "Edited in the builder"
    assert len(read.issues) == len(read_data_dictionary(original).issues)


def test_the_builder_sets_action_tags_and_a_matrix_group(admin, personas):
    from capture.tests.factories import STUDY_CSV

    study, _ = services.study_create(
        actor=personas.committee, title="Tags", dictionary_csv=STUDY_CSV
    )
    age = services.current_dictionary(study).field("age")
    assert age is not None
    values = {k: v for k, v in field_initial(age).items() if v not in (False, None)}
    values.update(
        annotation="@HIDDEN @DEFAULT='40'",
        base=versions.digest(versions.proposal_csv(study)),
    )
    url = reverse("capture:dictionary_field", args=[study.pk, "age"])
    assert admin.post(url, values).status_code == 302
    edited = services.current_dictionary(study).field("age")
    assert edited is not None
    assert edited.annotation == "@HIDDEN @DEFAULT='40'"
    assert [tag.name for tag in edited.action_tags] == ["@HIDDEN", "@DEFAULT"]
    page = admin.get(url).content.decode()
    assert "Field annotation (action tags)" in page
