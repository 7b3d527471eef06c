"""The data dictionary as RadCollab understands it: forms made of typed fields."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class FieldType(StrEnum):
    TEXT = "text"
    NOTES = "notes"
    DROPDOWN = "dropdown"
    RADIO = "radio"
    CHECKBOX = "checkbox"
    YESNO = "yesno"
    TRUEFALSE = "truefalse"
    CALC = "calc"
    DESCRIPTIVE = "descriptive"
    SLIDER = "slider"
    FILE = "file"


class ValidationType(StrEnum):
    DATE_YMD = "date_ymd"
    DATE_MDY = "date_mdy"
    DATE_DMY = "date_dmy"
    DATETIME_YMD = "datetime_ymd"
    DATETIME_MDY = "datetime_mdy"
    DATETIME_DMY = "datetime_dmy"
    DATETIME_SECONDS_YMD = "datetime_seconds_ymd"
    DATETIME_SECONDS_MDY = "datetime_seconds_mdy"
    DATETIME_SECONDS_DMY = "datetime_seconds_dmy"
    TIME = "time"
    INTEGER = "integer"
    NUMBER = "number"
    NUMBER_1DP = "number_1dp"
    NUMBER_2DP = "number_2dp"
    EMAIL = "email"
    PHONE = "phone"
    ALPHA_ONLY = "alpha_only"


class Alignment(StrEnum):
    """REDCap's codes: right or left, vertical or horizontal (blank means RV)."""

    RIGHT_VERTICAL = "RV"
    RIGHT_HORIZONTAL = "RH"
    LEFT_VERTICAL = "LV"
    LEFT_HORIZONTAL = "LH"


CHOICE_TYPES = frozenset({FieldType.DROPDOWN, FieldType.RADIO, FieldType.CHECKBOX})


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


IMPLICIT_CHOICES: dict[FieldType, tuple[Choice, ...]] = {
    FieldType.YESNO: (Choice("1", "Yes"), Choice("0", "No")),
    FieldType.TRUEFALSE: (Choice("1", "True"), Choice("0", "False")),
}

_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, kw_only=True)
class Field:
    """One row of the dictionary; text cells are kept exactly as read so they write back."""

    name: str
    form: str
    field_type: FieldType
    label: str
    section_header: str = ""
    choices: tuple[Choice, ...] = ()
    calculation: str = ""
    slider_labels: tuple[str, ...] = ()
    note: str = ""
    validation: ValidationType | None = None
    validation_min: str = ""
    validation_max: str = ""
    identifier: bool = False
    branching_logic: str = ""
    required: bool = False
    alignment: Alignment | None = None
    question_number: str = ""
    matrix_group: str = ""
    annotation: str = ""

    @property
    def effective_choices(self) -> tuple[Choice, ...]:
        """The choices a person sees: yes/no and true/false have them even when not written."""
        return self.choices or IMPLICIT_CHOICES.get(self.field_type, ())

    @property
    def plain_label(self) -> str:
        """The label without HTML tags, for exports and screen-reader text."""
        return html.unescape(_TAG.sub("", self.label)).strip()


@dataclass(frozen=True)
class DataDictionary:
    fields: tuple[Field, ...]

    def forms(self) -> tuple[str, ...]:
        """Form names in the order their first field appears."""
        return tuple(dict.fromkeys(field.form for field in self.fields))

    def fields_of(self, form: str) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.form == form)

    def get(self, name: str) -> Field | None:
        return next((field for field in self.fields if field.name == name), None)


class Issue(NamedTuple):
    """Something RadCollab reads past: left out or written back differently."""

    line: int
    column: str
    message: str


class Problem(NamedTuple):
    """Something that makes the dictionary unusable."""

    line: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportResult:
    dictionary: DataDictionary
    issues: tuple[Issue, ...]


class DataDictionaryError(ValueError):
    """Every problem found in one dictionary, so a person can fix them all in one go."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("\n".join(_describe(problem) for problem in problems))


def _describe(problem: Problem) -> str:
    where = f"line {problem.line}" + (f", {problem.column}" if problem.column else "")
    return f"{where}: {problem.message}"
