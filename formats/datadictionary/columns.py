"""The columns of REDCap's data-dictionary CSV, and how a header names them.

REDCap has written its dictionary with several headers over the years: the 18-column
display header (`Variable / Field Name`, ...), the older 14- to 16-column layouts
(`Choices OR Calculations`, `Text Validation Type`, a `Field Units` column), and the
API's snake_case header (`field_name`, `select_choices_or_calculations`, ...). A column is
recognised by its normalised name (capitals, spaces and punctuation ignored), in any
order. The constants below are the display names, which the reader uses to name a
column in its findings whatever the file called it.
"""

from __future__ import annotations

import re

NAME = "Variable / Field Name"
FORM = "Form Name"
SECTION_HEADER = "Section Header"
FIELD_TYPE = "Field Type"
LABEL = "Field Label"
CHOICES = "Choices, Calculations, OR Slider Labels"
NOTE = "Field Note"
VALIDATION = "Text Validation Type OR Show Slider Number"
MINIMUM = "Text Validation Min"
MAXIMUM = "Text Validation Max"
IDENTIFIER = "Identifier?"
BRANCHING_LOGIC = "Branching Logic (Show field only if...)"
REQUIRED = "Required Field?"
ALIGNMENT = "Custom Alignment"
QUESTION_NUMBER = "Question Number (surveys only)"
MATRIX_GROUP = "Matrix Group Name"
MATRIX_RANKING = "Matrix Ranking?"
ANNOTATION = "Field Annotation"

HEADER: tuple[str, ...] = (
    NAME,
    FORM,
    SECTION_HEADER,
    FIELD_TYPE,
    LABEL,
    CHOICES,
    NOTE,
    VALIDATION,
    MINIMUM,
    MAXIMUM,
    IDENTIFIER,
    BRANCHING_LOGIC,
    REQUIRED,
    ALIGNMENT,
    QUESTION_NUMBER,
    MATRIX_GROUP,
    MATRIX_RANKING,
    ANNOTATION,
)

# The API's export of the metadata (`content=metadata`), in REDCap's order.
API_HEADER: tuple[str, ...] = (
    "field_name",
    "form_name",
    "section_header",
    "field_type",
    "field_label",
    "select_choices_or_calculations",
    "field_note",
    "text_validation_type_or_show_slider_number",
    "text_validation_min",
    "text_validation_max",
    "identifier",
    "branching_logic",
    "required_field",
    "custom_alignment",
    "question_number",
    "matrix_group_name",
    "matrix_ranking",
    "field_annotation",
)

# Without these a row is not a field: a header that lacks one is a problem.
REQUIRED_COLUMNS: tuple[str, ...] = (NAME, FORM, FIELD_TYPE, LABEL)

# REDCap's legacy `Field Units` column: kept as written, applied nowhere.
FIELD_UNITS = "Field Units"

# Problems that concern the whole file or a whole row name no column.
WHOLE_ROW = ""

_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def normalised(name: str) -> str:
    """A header cell with capitals, spaces and punctuation ignored: `Field Label ` and
    `field_label` are both `fieldlabel`."""
    return _NOT_ALPHANUMERIC.sub("", name.casefold())


_OTHER_NAMES: dict[str, tuple[str, ...]] = {
    CHOICES: ("Choices OR Calculations", "select_choices_or_calculations"),
    VALIDATION: ("Text Validation Type", "Text Validation"),
    BRANCHING_LOGIC: ("Branching Logic",),
    QUESTION_NUMBER: ("Question Number",),
    REQUIRED: ("Required",),
}
_ALIASES: dict[str, str] = {
    normalised(name): column
    for column, api in zip(HEADER, API_HEADER, strict=True)
    for name in (column, api, *_OTHER_NAMES.get(column, ()))
}


def column_of(header_cell: str) -> str | None:
    """The display name of the column a header cell names, or None for another column."""
    return _ALIASES.get(normalised(header_cell))
