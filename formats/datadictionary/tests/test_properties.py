"""Properties over generated dictionaries: what is valid comes back exactly, and nothing
that is read past changes without an issue saying so."""

from __future__ import annotations

import operator
import string
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from formats.datadictionary import (
    Alignment,
    Choice,
    DataDictionary,
    Field,
    FieldType,
    ValidationType,
    read_data_dictionary,
    write_data_dictionary,
)
from formats.datadictionary.model import CHOICE_TYPES, IMPLICIT_CHOICES

V = ValidationType
# Built from alphabets rather than st.from_regex, which is several times slower to draw.
LOWER = string.ascii_lowercase
names = st.builds(
    operator.add, st.sampled_from(LOWER), st.text(LOWER + string.digits + "_", max_size=30)
)
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
token_text = (
    st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="|"), min_size=1, max_size=20
    )
    .map(str.strip)
    .filter(bool)
)
codes = st.text(string.ascii_letters + string.digits + "_.-", min_size=1, max_size=6)
choice_lists = st.lists(
    st.builds(Choice, codes, token_text),
    min_size=1,
    max_size=6,
    unique_by=lambda choice: choice.code,
).map(tuple)

DAY_ZERO = date(2000, 1, 1)


@st.composite
def ordered(draw, values, render, words=()):
    """A (min, max) pair of cells in order; either may be empty or, for dates, a word."""
    low, high = sorted(draw(st.lists(values, min_size=2, max_size=2)))
    minimum = draw(st.sampled_from(["", render(low), *words]))
    maximum = draw(st.sampled_from(["", render(high), *words]))
    return minimum, maximum


days = st.integers(0, 20000)
RANGES = {
    V.INTEGER: ordered(st.integers(-999, 999), str),
    V.NUMBER: ordered(st.decimals(-1000, 1000, places=2), str),
    V.NUMBER_1DP: ordered(st.decimals(0, 500, places=1), str),
    V.TIME: ordered(st.integers(0, 1439), lambda m: f"{m // 60:02}:{m % 60:02}"),
    V.DATE_DMY: ordered(days, lambda d: (DAY_ZERO + timedelta(d)).strftime("%d-%m-%Y")),
    V.DATE_YMD: ordered(days, lambda d: str(DAY_ZERO + timedelta(d)), ("today", "now")),
    V.DATETIME_SECONDS_MDY: ordered(
        days, lambda d: (DAY_ZERO + timedelta(d)).strftime("%Y-%m-%d 12:00:00"), ("now",)
    ),
    V.EMAIL: st.just(("", "")),
}


@st.composite
def text_cells(draw):
    validation = draw(st.sampled_from([None, *RANGES]))
    minimum, maximum = draw(RANGES[validation]) if validation else ("", "")
    return {"validation": validation, "validation_min": minimum, "validation_max": maximum}


@st.composite
def type_cells(draw, earlier):
    # An sql field is kept but reported (its query is not run), so it has its own tests.
    field_type = draw(st.sampled_from([t for t in FieldType if t is not FieldType.SQL]))
    cells = {"field_type": field_type}
    if field_type is FieldType.TEXT:
        cells |= draw(text_cells())
    elif field_type in CHOICE_TYPES or (field_type in IMPLICIT_CHOICES and draw(st.booleans())):
        cells["choices"] = draw(choice_lists)
    elif field_type is FieldType.CALC:
        cells["calculation"] = draw(st.sampled_from(["1 + 1", *(f"[{n}] * 2" for n in earlier)]))
    elif field_type is FieldType.SLIDER:
        cells["slider_labels"] = tuple(draw(st.lists(token_text, max_size=3)))
        cells["validation"] = draw(st.sampled_from([None, V.NUMBER]))
        limits = draw(ordered(st.integers(-100, 100), str))
        cells["validation_min"], cells["validation_max"] = limits
    return cells


@st.composite
def fields(draw, name, form, earlier):
    logic = st.sampled_from(["", *(f"[{n}] = '1'" for n in earlier)])
    return Field(
        name=name,
        form=form,
        label=draw(any_text),
        section_header=draw(any_text),
        note=draw(any_text),
        branching_logic=draw(logic),
        identifier=draw(st.booleans()),
        required=draw(st.booleans()),
        alignment=draw(st.sampled_from([None, *Alignment])),
        question_number=draw(st.sampled_from(["", "1", "2a"])),
        matrix_group=draw(st.sampled_from(["", "grid_a"])),
        # Action tags are reported when not applied: tested on their own.
        annotation=draw(any_text.filter(lambda text: "@" not in text)),
        **draw(type_cells(earlier)),
    )


@st.composite
def dictionaries(draw):
    variable_names = draw(st.lists(names, min_size=1, max_size=8, unique=True))
    form_names = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    count = len(variable_names)
    # Sorted form indices keep each form's fields together, as REDCap requires.
    form_indices = st.integers(0, len(form_names) - 1)
    form_of = [
        form_names[i] for i in sorted(draw(st.lists(form_indices, min_size=count, max_size=count)))
    ]
    return DataDictionary(
        tuple(
            draw(fields(name, form_of[i], variable_names[:i]))
            for i, name in enumerate(variable_names)
        )
    )


@settings(max_examples=60, deadline=None)
@given(dictionaries(), st.booleans(), st.sampled_from(["\r\n", "\n"]))
def test_a_valid_dictionary_comes_back_exactly(dictionary, bom, line_ending):
    written = write_data_dictionary(dictionary, bom=bom, line_ending=line_ending)
    result = read_data_dictionary(written.encode("utf-8"))
    assert result.issues == ()
    assert result.dictionary == dictionary
    assert write_data_dictionary(result.dictionary, bom=bom, line_ending=line_ending) == written
