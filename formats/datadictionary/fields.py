"""Reading one row into a Field, collecting what is refused and what is left out."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from formats.datadictionary import columns as c
from formats.datadictionary.choices import parse_choices, parse_slider_labels
from formats.datadictionary.limits import Limit, comparable, parse_limit, takes_limits
from formats.datadictionary.model import (
    CHOICE_TYPES,
    IMPLICIT_CHOICES,
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


def read_field(row: Row) -> Field | None:
    """The row's field, or None when its type is not supported (reported as an issue)."""
    _check_names(row)
    field_type = _field_type(row)
    if field_type is None:
        return None
    choices, calculation, slider_labels = _choices_cell(row, field_type)
    validation = _validation(row, field_type)
    minimum, maximum = _range(row, field_type, validation)
    _report_matrix_ranking(row)
    return Field(
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
        annotation=row.raw(c.ANNOTATION),
    )


def _check_names(row: Row) -> None:
    name = row.text(c.NAME)
    if len(name) > MAX_NAME_LENGTH:
        row.problem(c.NAME, f"{name!r} has {len(name)} characters; at most 100 are allowed")
    else:
        _check_name_pattern(row, c.NAME, "variable name")
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


def _field_type(row: Row) -> FieldType | None:
    text = row.text(c.FIELD_TYPE)
    try:
        return FieldType(text)
    except ValueError:
        if not text:
            row.problem(c.FIELD_TYPE, f"is empty; use one of {', '.join(FieldType)}")
        else:
            row.issue(
                c.FIELD_TYPE,
                f"field type {text!r} is not supported; field {row.text(c.NAME)!r} is left out",
            )
        return None


def _choices_cell(row: Row, field_type: FieldType) -> _ChoicesCell:
    text = row.text(c.CHOICES)
    if field_type is FieldType.CALC:
        if not text:
            row.problem(c.CHOICES, "a calc field needs a calculation")
        return (), row.raw(c.CHOICES), ()
    if field_type is FieldType.SLIDER:
        return (), "", _parse(row, parse_slider_labels, text) if text else ()
    if field_type in CHOICE_TYPES or (field_type in IMPLICIT_CHOICES and text):
        if not text:
            row.problem(c.CHOICES, f"a {field_type} field needs choices 'code, label | ...'")
        return _parse(row, parse_choices, text) if text else (), "", ()
    if text:
        row.issue(c.CHOICES, f"{field_type} fields take no choices; {text!r} is left out")
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
    if field_type is FieldType.SLIDER and text != ValidationType.NUMBER:
        row.issue(c.VALIDATION, f"a slider shows its number with 'number', not {text!r}; left out")
    elif field_type not in {FieldType.TEXT, FieldType.SLIDER}:
        row.issue(c.VALIDATION, f"{field_type} fields take no validation; {text!r} is left out")
    elif text not in _VALIDATION_NAMES:
        row.issue(
            c.VALIDATION,
            f"validation type {text!r} is not supported; it is left out with its min and max",
        )
    else:
        return ValidationType(text)
    return None


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
            row.issue(column, f"{text!r} is left out: it has no supported validation to apply to")
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
        row.issue(c.ALIGNMENT, f"{text!r} is not one of RV, RH, LV, LH; it is left out")
        return None


def _report_matrix_ranking(row: Row) -> None:
    if row.text(c.MATRIX_RANKING):
        row.issue(c.MATRIX_RANKING, "matrix ranking is not supported; it is left out")
