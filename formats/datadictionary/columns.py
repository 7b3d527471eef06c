"""The columns of REDCap's data-dictionary CSV, in the order REDCap writes them."""

from __future__ import annotations

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

# Problems that concern the whole file or a whole row name no column.
WHOLE_ROW = ""
