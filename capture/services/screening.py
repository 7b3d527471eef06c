"""Patient identifiers screened out of what is written: values and free text."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError

from capture.logic import Stored
from core.identifiers import describe, find_identifiers
from formats.datadictionary import Field


def identifier_errors(fields: list[Field], values: Mapping[str, Stored]) -> dict[str, str]:
    """Every value about to be written that looks like a patient identifier, by field."""
    errors: dict[str, str] = {}
    for f in fields:
        if f.name in values and (problem := identifier_problem(f, values[f.name])):
            errors[f.name] = problem
    return errors


def text_errors(**texts: str) -> dict[str, str]:
    """Free text kept beside the values (a reason, a query) that looks like an identifier."""
    return {
        name: describe(findings)
        for name, text in texts.items()
        if text and (findings := find_identifiers(text))
    }


def screen_text(**texts: str) -> None:
    """Refuse free text that looks like a patient identifier, naming the box it is in."""
    if errors := text_errors(**texts):
        raise ValidationError(errors)


def identifier_problem(field: Field, value: Stored | None) -> str | None:
    """Why a value is refused, if it looks like a patient identifier (forms and imports).

    Any field's value, whatever its type or validation: a number can be an NHS number and
    a field validated as an email or phone number holds nothing else.
    `field` is kept for the callers: every field is screened alike.
    """
    text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")
    findings = find_identifiers(text) if text.strip() else []
    return describe(findings) if findings else None
