"""Every cell kept: a dictionary read and written back is the same file, cell for cell.

"The same" is defined in docs/data-dictionary.md ("Every cell kept"): the same header
(names and order) and, row by row, the same cells character for character; blank rows
and trailing empty cells are not cells, and the byte-order mark and line ending are the
writer's (by default the source's, CR-only written as CRLF). The dictionaries are
generated as REDCap and people write them: any of REDCap's header spellings in any
order, optional columns left out, columns of their own, odd spacing and capitals, every
line ending, and things RadCollab keeps without applying (sql fields, unknown
validation types, action tags, matrix ranking, event references).
"""

from __future__ import annotations

import csv
import io
import string
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from formats.datadictionary import (
    API_HEADER,
    HEADER,
    Choice,
    FieldType,
    read_data_dictionary,
    write_data_dictionary,
)
from formats.datadictionary import columns as c
from formats.datadictionary.writer import BOM

LOWER = string.ascii_lowercase
names = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(LOWER),
    st.text(LOWER + string.digits + "_", max_size=12),
)
free_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=25)
annotation_cells = st.one_of(
    free_text,
    st.sampled_from(
        ["@HIDDEN", "@READONLY @HIDDEN-SURVEY", '@DEFAULT="[today]"', "@CHARLIMIT=x", "@FOO=1"]
    ),
)

SPELLINGS = {
    column: [column, api, column.upper(), f" {column} ", column.replace(" ", "")]
    for column, api in zip(HEADER, API_HEADER, strict=True)
}
SPELLINGS[c.CHOICES].append("Choices OR Calculations")
SPELLINGS[c.VALIDATION].append("Text Validation Type")
REQUIRED = (c.NAME, c.FORM, c.FIELD_TYPE, c.LABEL)
OTHER_COLUMNS = ["Field Units", "Reviewer notes", "", "Notes (internal)"]


@st.composite
def layouts(draw):
    """A header: the required columns, some optional ones, some of the file's own."""
    optional = [column for column in HEADER if column not in REQUIRED]
    present = [*REQUIRED, *(col for col in optional if draw(st.booleans()))]
    headers: list[tuple[str | None, str]] = [
        (col, draw(st.sampled_from(SPELLINGS[col]))) for col in present
    ]
    others = draw(st.lists(st.sampled_from(OTHER_COLUMNS), max_size=2, unique=True))
    headers += [(None, name) for name in others]
    return draw(st.permutations(headers))


TYPE_CELLS = {
    "text": {
        c.CHOICES: ["", "BIOPORTAL:ICD10"],
        c.VALIDATION: ["", "integer", " integer ", "zipcode", "postalcode_uk", "date", "ssn"],
    },
    "notes": {c.CHOICES: [""], c.VALIDATION: ["", "integer"]},
    "radio": {c.CHOICES: ["1, A | 2, B", "1,A|2,B", " 1, A ", "1, | 2, Two"], c.VALIDATION: [""]},
    "checkbox": {c.CHOICES: ["1, A | 2, B", "a, x|b, y"], c.VALIDATION: ["", "integer"]},
    "dropdown": {c.CHOICES: ["1, A | 2, B"], c.VALIDATION: ["", "autocomplete"]},
    "yesno": {c.CHOICES: ["", "1, Yes | 0, No"], c.VALIDATION: [""]},
    "calc": {c.CHOICES: ["1 + 1", "round( 2 * 3 ,1)"], c.VALIDATION: [""]},
    "slider": {c.CHOICES: ["", "Low | High", "Low | | High"], c.VALIDATION: ["", "number", "x"]},
    "sql": {c.CHOICES: ["select value from x"], c.VALIDATION: ["", "autocomplete"]},
    "descriptive": {c.CHOICES: ["", "stray"], c.VALIDATION: [""]},
    "file": {c.CHOICES: [""], c.VALIDATION: ["", "signature"]},
}
FLAGS = ["", "y", "Y", " y "]
NEED_CHOICES = {"radio", "checkbox", "dropdown", "calc"}


@st.composite
def rows(draw, layout, name, earlier):
    present = {column for column, _ in layout}
    has_choices = c.CHOICES in present
    kinds = [k for k in sorted(TYPE_CELLS) if has_choices or k not in NEED_CHOICES]
    kind = draw(st.sampled_from(kinds))
    validation = draw(st.sampled_from(TYPE_CELLS[kind][c.VALIDATION]))
    validation = validation if c.VALIDATION in present else ""
    minimum = draw(st.sampled_from(["", "1", " 3 "])) if "integer" in validation else ""
    logic = ["", *(f"[{n}] = '1'" for n in earlier), *(f"[e_1][{n}]<>''" for n in earlier)]
    cells = {
        c.NAME: draw(st.sampled_from([name, f" {name} "])),
        c.FORM: "form_one",
        c.FIELD_TYPE: kind if draw(st.booleans()) else f" {kind}",
        c.LABEL: draw(free_text),
        c.SECTION_HEADER: draw(free_text),
        c.CHOICES: draw(st.sampled_from(TYPE_CELLS[kind][c.CHOICES])),
        c.NOTE: draw(free_text),
        c.VALIDATION: validation,
        c.MINIMUM: minimum,
        c.IDENTIFIER: draw(st.sampled_from(FLAGS)),
        c.BRANCHING_LOGIC: draw(st.sampled_from(logic)),
        c.REQUIRED: draw(st.sampled_from(FLAGS)),
        c.ALIGNMENT: draw(st.sampled_from(["", "RV", "LH", "RR", " RH"])),
        c.QUESTION_NUMBER: draw(st.sampled_from(["", "1", "2a"])),
        c.MATRIX_GROUP: draw(st.sampled_from(["", "grid", " grid"])),
        c.MATRIX_RANKING: draw(st.sampled_from(["", "y"])),
        c.ANNOTATION: draw(annotation_cells),
    }
    record = [cells.get(column, "") if column else draw(free_text) for column, _ in layout]
    return record + draw(st.lists(free_text, max_size=2))


@st.composite
def files(draw):
    layout = draw(layouts())
    variable_names = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    records = [
        draw(rows(layout, name, variable_names[:i])) for i, name in enumerate(variable_names)
    ]
    header = [name for _, name in layout]
    line_ending = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    text = "".join(_record(cells) + line_ending for cells in [header, *records])
    return (BOM if draw(st.booleans()) else "") + text, line_ending


def _record(cells):
    """One record as REDCap writes it: a cell with any line break inside is quoted."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().removesuffix("\r\n")


def cells(text):
    """Each record's cells, with trailing empty cells dropped (they are not cells)."""
    found = []
    for record in csv.reader(io.StringIO(text.removeprefix(BOM), newline="")):
        while record and record[-1] == "":
            record.pop()
        if record:
            found.append(record)
    return found


@settings(max_examples=150, deadline=None)
@given(files())
def test_a_dictionary_read_and_written_back_is_the_same_file_cell_for_cell(generated):
    text, line_ending = generated
    result = read_data_dictionary(text)
    written = write_data_dictionary(result.dictionary)
    assert cells(written) == cells(text)
    assert written.startswith(BOM) == text.startswith(BOM)
    assert written.count("\r\n") >= (len(cells(text)) if line_ending != "\n" else 0)


@settings(max_examples=80, deadline=None)
@given(files(), st.data())
def test_a_field_changed_in_code_changes_its_cells_and_nothing_else(generated, data):
    text, _ = generated
    dictionary = read_data_dictionary(text).dictionary
    index = data.draw(st.integers(0, len(dictionary.fields) - 1))
    field = dictionary.fields[index]
    changed = replace(field, label=field.label + " (revised)", required=not field.required)
    fields = list(dictionary.fields)
    fields[index] = changed
    written = write_data_dictionary(replace(dictionary, fields=tuple(fields)))
    before, after = cells(text), cells(written)
    label_at = next(i for i, name in enumerate(before[0]) if c.column_of(name) == c.LABEL)
    assert after[index + 1][label_at] == field.label + " (revised)"
    required_at = [i for i, name in enumerate(before[0]) if c.column_of(name) == c.REQUIRED]
    added = [] if required_at else after[0][len(before[0]) :]
    assert after[0] == before[0] + added
    # A nameless header cell stays where a row holds a cell under it (it is a column then);
    # the added column follows it.
    named = [name for name in added if name]
    assert [c.column_of(name) for name in named] == ([] if required_at else [c.REQUIRED])
    width = len(before[0])
    for number, (old, new) in enumerate(zip(before[1:], after[1:], strict=True)):
        # Cells beyond the header stay beyond it, after a column the change added.
        expected = list(old[:width]) + [""] * (width - len(old)) + [""] * len(added)
        if number == index:
            expected[label_at] = field.label + " (revised)"
            expected[required_at[0] if required_at else width] = "y" if changed.required else ""
        expected += old[width:]
        while expected and expected[-1] == "":
            expected.pop()
        assert new == expected


def test_a_field_added_in_code_is_written_in_the_files_own_layout():
    text = "field_name,form_name,field_type,field_label,my_notes\r\nage,f,text,Age,keep\r\n"
    dictionary = read_data_dictionary(text).dictionary
    added = replace(
        dictionary.fields[0],
        name="sex",
        field_type=FieldType.RADIO,
        label="Sex",
        choices=(Choice("1", "F"), Choice("2", "M")),
        source=None,
    )
    written = write_data_dictionary(replace(dictionary, fields=(*dictionary.fields, added)))
    assert cells(written) == [
        [*text.split("\r\n")[0].split(","), "select_choices_or_calculations"],
        ["age", "f", "text", "Age", "keep"],
        ["sex", "f", "radio", "Sex", "", "1, F | 2, M"],
    ]
