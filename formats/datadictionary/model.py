"""The data dictionary as RadCollab understands it: forms made of typed fields.

Each field read from a file also keeps the row it was read from (`Field.source`), so
writing it back gives every cell as it was, including those RadCollab does not apply,
and its findings (`Field.issues`): what is kept but not applied, and which logic is not
evaluated here. Both are left out of equality: two fields are equal when they mean the
same.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from formats.datadictionary.actiontags import ActionTag, parse_action_tags
from formats.datadictionary.columns import HEADER


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
    SQL = "sql"  # a dropdown whose choices a database query gives: kept, not applied


class ValidationType(StrEnum):
    """Every validation type REDCap ships, and `autocomplete` for a searchable dropdown."""

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
    TIME_HH_MM_SS = "time_hh_mm_ss"
    TIME_MM_SS = "time_mm_ss"
    INTEGER = "integer"
    NUMBER = "number"
    NUMBER_1DP = "number_1dp"
    NUMBER_2DP = "number_2dp"
    NUMBER_3DP = "number_3dp"
    NUMBER_4DP = "number_4dp"
    NUMBER_COMMA_DECIMAL = "number_comma_decimal"
    NUMBER_1DP_COMMA_DECIMAL = "number_1dp_comma_decimal"
    NUMBER_2DP_COMMA_DECIMAL = "number_2dp_comma_decimal"
    NUMBER_3DP_COMMA_DECIMAL = "number_3dp_comma_decimal"
    NUMBER_4DP_COMMA_DECIMAL = "number_4dp_comma_decimal"
    EMAIL = "email"
    PHONE = "phone"
    PHONE_AUSTRALIA = "phone_australia"
    POSTALCODE_AUSTRALIA = "postalcode_australia"
    POSTALCODE_CANADA = "postalcode_canada"
    POSTALCODE_FRENCH = "postalcode_french"
    POSTALCODE_GERMANY = "postalcode_germany"
    ZIPCODE = "zipcode"
    MRN_10D = "mrn_10d"
    MRN_GENERIC = "mrn_generic"
    VMRN = "vmrn"
    SSN = "ssn"
    ALPHA_ONLY = "alpha_only"
    AUTOCOMPLETE = "autocomplete"  # on a dropdown: a searchable select


V = ValidationType

# Names older REDCap versions wrote, read as the type they became (and kept as written).
LEGACY_VALIDATION: dict[str, ValidationType] = {
    "date": V.DATE_YMD,
    "datetime": V.DATETIME_YMD,
    "datetime_seconds": V.DATETIME_SECONDS_YMD,
    "int": V.INTEGER,
    "float": V.NUMBER,
}

# Numbers written with a decimal comma (`12,5`), stored so; logic reads them as numbers.
COMMA_DECIMAL = frozenset(
    {
        V.NUMBER_COMMA_DECIMAL,
        V.NUMBER_1DP_COMMA_DECIMAL,
        V.NUMBER_2DP_COMMA_DECIMAL,
        V.NUMBER_3DP_COMMA_DECIMAL,
        V.NUMBER_4DP_COMMA_DECIMAL,
    }
)
NUMERIC_VALIDATION = COMMA_DECIMAL | {
    V.INTEGER,
    V.NUMBER,
    V.NUMBER_1DP,
    V.NUMBER_2DP,
    V.NUMBER_3DP,
    V.NUMBER_4DP,
}
# A value of this type identifies a person, so no value of it is ever stored.
IDENTIFYING_VALIDATION = frozenset({V.SSN})


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

# The two kinds of issue: something kept as written that RadCollab does not apply, and
# branching logic or a calculation that RadCollab does not run.
NOT_APPLIED = "kept, not applied"
NOT_EVALUATED = "not evaluated here"


class Issue(NamedTuple):
    """Something RadCollab reads and keeps but does not apply or evaluate."""

    line: int
    column: str
    message: str
    kind: str = NOT_APPLIED


class Problem(NamedTuple):
    """Something that makes the dictionary unusable, as REDCap itself would refuse it."""

    line: int
    column: str
    message: str


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
    matrix_ranking: bool = False
    annotation: str = ""
    # The row as read, for writing back every cell; None for a field built in code.
    source: Source | None = field(default=None, compare=False, repr=False)
    # What the reader found: kept but not applied, or not evaluated here.
    issues: tuple[Issue, ...] = field(default=(), compare=False, repr=False)

    @property
    def effective_choices(self) -> tuple[Choice, ...]:
        """The choices a person sees: yes/no and true/false have them even when not written."""
        return self.choices or IMPLICIT_CHOICES.get(self.field_type, ())

    @property
    def plain_label(self) -> str:
        """The label without HTML tags, for exports and screen-reader text."""
        return html.unescape(_TAG.sub("", self.label)).strip()

    @cached_property
    def action_tags(self) -> tuple[ActionTag, ...]:
        """The action tags of the field annotation, in order, with their arguments."""
        return parse_action_tags(self.annotation)

    def action_tag(self, name: str) -> ActionTag | None:
        """The first tag called `name` (`"@DEFAULT"`, any case) that RadCollab applies."""
        wanted = name.upper()
        return next((t for t in self.action_tags if t.name == wanted and t.applied), None)

    @property
    def autocomplete(self) -> bool:
        """A dropdown drawn as a searchable select."""
        return self.validation is ValidationType.AUTOCOMPLETE

    @property
    def decimal_comma(self) -> bool:
        return self.validation in COMMA_DECIMAL

    @property
    def not_evaluated(self) -> tuple[Issue, ...]:
        """Its branching logic or calculation that RadCollab keeps but does not run."""
        return tuple(issue for issue in self.issues if issue.kind == NOT_EVALUATED)


@dataclass(frozen=True)
class Source:
    """A row as read: the file's header, every cell of the row, the field it read as, and
    the line the row starts on.

    The writer writes a cell back as it was whenever the field still reads as it did
    there: a field changed in code writes the changed columns from its typed values.
    """

    columns: tuple[str, ...]
    cells: tuple[str, ...]
    read: Field
    line: int = 0


@dataclass(frozen=True)
class DataDictionary:
    """The fields in order, and how the file they came from was laid out.

    `columns` is the header as read (REDCap's 18 columns for a dictionary built in code);
    `bom` and `line_ending` are the source's, which the writer keeps unless told otherwise.
    """

    fields: tuple[Field, ...]
    columns: tuple[str, ...] = field(default=HEADER, compare=False)
    bom: bool = field(default=False, compare=False)
    line_ending: str = field(default="\r\n", compare=False)

    def forms(self) -> tuple[str, ...]:
        """Form names in the order their first field appears."""
        return tuple(dict.fromkeys(field.form for field in self.fields))

    def fields_of(self, form: str) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.form == form)

    def get(self, name: str) -> Field | None:
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        found: dict[str, Field] = {}
        for item in self.fields:
            found.setdefault(item.name, item)
        return found

    @property
    def issues(self) -> tuple[Issue, ...]:
        """Every field's issues, in dictionary order."""
        return tuple(issue for item in self.fields for issue in item.issues)


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
