"""Reading one row into a Field: what is refused, and what is kept but not applied.

A row always becomes a field. What REDCap would refuse (a bad name, choices that do not
parse, a min above its max) is a problem; what REDCap accepts but RadCollab does not
apply (an sql field's query, a validation type an institution added, matrix ranking, an
unknown alignment) is kept as written and reported as an issue.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from formats.datadictionary import columns as c
from formats.datadictionary.actiontags import NEEDS_ARGUMENT, WHOLE_NUMBER_ARGUMENT
from formats.datadictionary.choices import parse_choices, parse_slider_labels
from formats.datadictionary.limits import Limit, comparable, parse_limit, takes_limits
from formats.datadictionary.model import (
    CHOICE_TYPES,
    IMPLICIT_CHOICES,
    LEGACY_VALIDATION,
    Alignment,
    Choice,
    Field,
    FieldType,
    ValidationType,
)
from formats.datadictionary.rows import Row

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
MAX_NAME_LENGTH = 100
_VALIDATION_NAMES = frozenset(validation.value for validation in ValidationType)
_Parsed = TypeVar("_Parsed")
_ChoicesCell = tuple[tuple[Choice, ...], str, tuple[str, ...]]
_KEPT = "kept, not applied"


def read_field(row: Row) -> Field:
    """The row's field; findings go to the row's problems and issues."""
    _check_names(row)
    field_type = _field_type(row)
    choices, calculation, slider_labels = _choices_cell(row, field_type)
    validation = _validation(row, field_type)
    minimum, maximum = _range(row, field_type, validation)
    field = Field(
        name=row.text(c.NAME),
        form=row.text(c.FORM),
        field_type=field_type,
        label=row.raw(c.LABEL),
        section_header=row.raw(c.SECTION_HEADER),
        choices=choices,
        calculation=calculation,
        slider_labels=slider_labels,
        note=row.raw(c.NOTE),
        validation=validation,
        validation_min=minimum,
        validation_max=maximum,
        identifier=_flag(row, c.IDENTIFIER),
        branching_logic=row.raw(c.BRANCHING_LOGIC),
        required=_flag(row, c.REQUIRED),
        alignment=_alignment(row),
        question_number=row.raw(c.QUESTION_NUMBER),
        matrix_group=row.text(c.MATRIX_GROUP),
        matrix_ranking=_matrix_ranking(row),
        annotation=row.raw(c.ANNOTATION),
    )
    _check_action_tags(row, field)
    return field


def _check_names(row: Row) -> None:
    name = row.text(c.NAME)
    if len(name) > MAX_NAME_LENGTH:
        row.problem(c.NAME, f"{name!r} has {len(name)} characters; at most 100 are allowed")
    else:
        _check_name_pattern(row, c.NAME, "variable name")
    if row.has(c.FORM):
        _check_name_pattern(row, c.FORM, "form name")


def _check_name_pattern(row: Row, column: str, kind: str) -> None:
    text = row.text(column)
    if not text:
        row.problem(column, f"is empty; every field needs a {kind}")
    elif not NAME_PATTERN.fullmatch(text):
        row.problem(
            column,
            f"{text!r} is not a valid {kind}: use lower-case letters, digits and "
            "underscores, starting with a letter",
        )


def _field_type(row: Row) -> FieldType:
    """The field type; TEXT stands in for one that is missing or wrong (a problem)."""
    text = row.text(c.FIELD_TYPE)
    try:
        return FieldType(text)
    except ValueError:
        if not row.has(c.FIELD_TYPE):
            return FieldType.TEXT
        known = ", ".join(FieldType)
        if not text:
            row.problem(c.FIELD_TYPE, f"is empty; use one of {known}")
        else:
            row.problem(c.FIELD_TYPE, f"{text!r} is not a REDCap field type; use one of {known}")
        return FieldType.TEXT


def _choices_cell(row: Row, field_type: FieldType) -> _ChoicesCell:
    text = row.text(c.CHOICES)
    if field_type is FieldType.CALC:
        if not text:
            row.problem(c.CHOICES, "a calc field needs a calculation")
        return (), row.raw(c.CHOICES), ()
    if field_type is FieldType.SLIDER:
        return (), "", _parse(row, parse_slider_labels, text) if text else ()
    if field_type is FieldType.SQL:
        row.issue(
            c.CHOICES,
            "an sql field's choices come from a database query RadCollab cannot run; "
            f"the query is {_KEPT}, and the field takes its values as text",
        )
        return (), "", ()
    if field_type in CHOICE_TYPES or (field_type in IMPLICIT_CHOICES and text):
        if not text:
            row.problem(c.CHOICES, f"a {field_type} field needs choices 'code, label | ...'")
        return _parse(row, parse_choices, text) if text else (), "", ()
    if text:
        what = "an ontology search (BioPortal)" if text.upper().startswith("BIOPORTAL") else ""
        row.issue(
            c.CHOICES,
            f"{field_type} fields take no choices; {what or repr(text)} is {_KEPT}",
        )
    return (), "", ()


def _parse(row: Row, parse: Callable[[str], tuple[_Parsed, ...]], text: str) -> tuple[_Parsed, ...]:
    try:
        return parse(text)
    except ValueError as error:
        row.problem(c.CHOICES, str(error))
        return ()


def _validation(row: Row, field_type: FieldType) -> ValidationType | None:
    text = row.text(c.VALIDATION)
    if not text:
        return None
    known = _known_validation(text)
    if field_type is FieldType.SLIDER:
        if known is ValidationType.NUMBER:
            return known
        row.issue(c.VALIDATION, f"a slider shows its number with 'number', not {text!r}; {_KEPT}")
    elif field_type in {FieldType.DROPDOWN, FieldType.SQL}:
        if known is ValidationType.AUTOCOMPLETE:
            return known
        message = f"a {field_type} field takes 'autocomplete' only; {text!r} is {_KEPT}"
        row.issue(c.VALIDATION, message)
    elif field_type is FieldType.FILE and text.lower() == "signature":
        message = f"no signature pad is drawn here (the field takes a file); 'signature' is {_KEPT}"
        row.issue(c.VALIDATION, message)
    elif field_type is not FieldType.TEXT:
        row.issue(c.VALIDATION, f"{field_type} fields take no validation; {text!r} is {_KEPT}")
    elif known is ValidationType.AUTOCOMPLETE:
        row.issue(c.VALIDATION, f"'autocomplete' applies to dropdown fields; it is {_KEPT}")
    elif known is None:
        row.issue(
            c.VALIDATION,
            f"validation type {text!r} is not one REDCap ships; it is {_KEPT}, "
            "with its min and max",
        )
    else:
        return known
    return None


def _known_validation(text: str) -> ValidationType | None:
    if text in _VALIDATION_NAMES:
        return ValidationType(text)
    return LEGACY_VALIDATION.get(text)


def _range(row: Row, field_type: FieldType, validation: ValidationType | None) -> tuple[str, str]:
    bounds = {column: row.text(column) for column in (c.MINIMUM, c.MAXIMUM) if row.text(column)}
    kind = _range_kind(row, field_type, validation, bounds)
    if kind is None:
        return "", ""
    limits = {column: _limit(row, column, text, kind) for column, text in bounds.items()}
    _check_order(row, limits)
    return row.text(c.MINIMUM), row.text(c.MAXIMUM)


def _range_kind(
    row: Row, field_type: FieldType, validation: ValidationType | None, bounds: dict[str, str]
) -> ValidationType | None:
    """The type the min and max are read as; None (with findings) when they do not apply."""
    if field_type is FieldType.SLIDER:
        return ValidationType.INTEGER
    if validation is not None and takes_limits(validation):
        return validation
    for column, text in bounds.items():
        if field_type is not FieldType.TEXT or (row.text(c.VALIDATION) and validation is None):
            row.issue(column, f"{text!r} is {_KEPT}: it has no validation RadCollab applies")
        elif validation is None:
            row.problem(column, f"{text!r} needs a validation type such as integer or date_dmy")
        else:
            row.problem(column, f"{validation} fields have no minimum or maximum")
    return None


def _limit(row: Row, column: str, text: str, kind: ValidationType) -> Limit | None:
    try:
        return parse_limit(text, kind)
    except ValueError as error:
        row.problem(column, f"{error} (validation {kind})")
        return None


def _check_order(row: Row, limits: dict[str, Limit | None]) -> None:
    minimum, maximum = limits.get(c.MINIMUM), limits.get(c.MAXIMUM)
    if minimum is None or maximum is None or not comparable(minimum, maximum):
        return
    # Both were read as the same validation type, so they are of one comparable type.
    if minimum > maximum:  # type: ignore[operator]
        row.problem(c.MINIMUM, f"the minimum {minimum} is greater than the maximum {maximum}")


def _flag(row: Row, column: str) -> bool:
    text = row.text(column)
    if text.lower() not in {"", "y"}:
        row.problem(column, f"must be 'y' or empty, not {text!r}")
    return text.lower() == "y"


def _alignment(row: Row) -> Alignment | None:
    text = row.text(c.ALIGNMENT)
    if not text:
        return None
    try:
        return Alignment(text)
    except ValueError:
        row.issue(c.ALIGNMENT, f"{text!r} is not one of RV, RH, LV, LH; it is {_KEPT}")
        return None


def _matrix_ranking(row: Row) -> bool:
    ranked = _flag(row, c.MATRIX_RANKING)
    if ranked:
        row.issue(
            c.MATRIX_RANKING,
            f"matrix ranking (one choice per column) is {_KEPT}: choices may repeat",
        )
    return ranked


def _check_action_tags(row: Row, field: Field) -> None:
    """Report tags that are kept but not applied: unknown ones, and applied ones that
    cannot apply here (a missing argument, the wrong field type)."""
    for tag in field.action_tags:
        if not tag.applied:
            row.issue(c.ANNOTATION, f"{tag.name} is {_KEPT}")
            continue
        reason = _tag_problem(tag.name, tag.argument, tag.number, field)
        if reason:
            row.issue(c.ANNOTATION, f"{tag.text}: {reason}; it is {_KEPT}")


def _tag_problem(name: str, argument: str | None, number: int | None, field: Field) -> str:
    kind = field.field_type
    if name in NEEDS_ARGUMENT and not argument:
        return f'{name} needs a value, written {name}="..."'
    if name in WHOLE_NUMBER_ARGUMENT and (number is None or number < 1):
        return f"{name} needs a whole number of at least 1, such as {name}=50"
    if name in {"@MAXCHECKED", "@NONEOFTHEABOVE"} and kind is not FieldType.CHECKBOX:
        return f"{name} applies to checkbox fields only"
    if name in {"@CHARLIMIT", "@WORDLIMIT"} and kind not in {FieldType.TEXT, FieldType.NOTES}:
        return f"{name} applies to text and notes fields only"
    if name in {"@NOW", "@TODAY"} and kind is not FieldType.TEXT:
        return f"{name} applies to text fields only"
    if name == "@NONEOFTHEABOVE" and argument:
        codes = {choice.code for choice in field.effective_choices}
        unknown = [code for code in _codes(argument) if code not in codes]
        if unknown:
            return f"{', '.join(unknown)} is not a code of this field"
    return ""


def _codes(argument: str) -> list[str]:
    return [code.strip() for code in argument.split(",") if code.strip()]
