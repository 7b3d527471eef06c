"""REDCap's data-dictionary CSV: a pure reader and writer (no Django here).

`read_data_dictionary` returns the dictionary with its issues (what is kept as written
but not applied, and logic not evaluated here, each by line and column and on its
field), or raises `DataDictionaryError` listing every problem of the file at once.
`write_data_dictionary` writes it back cell for cell (docs/data-dictionary.md).
"""

from __future__ import annotations

from formats.datadictionary.actiontags import APPLIED as APPLIED_ACTION_TAGS
from formats.datadictionary.actiontags import ActionTag, parse_action_tags
from formats.datadictionary.columns import API_HEADER, HEADER, column_of
from formats.datadictionary.limits import Limit, Relative, parse_limit, resolve_limit
from formats.datadictionary.logic import (
    LogicCheck,
    LogicVerdict,
    check_references,
    referenced_variables,
)
from formats.datadictionary.model import (
    COMMA_DECIMAL,
    IDENTIFYING_VALIDATION,
    NOT_APPLIED,
    NOT_EVALUATED,
    NUMERIC_VALIDATION,
    Alignment,
    Choice,
    DataDictionary,
    DataDictionaryError,
    Field,
    FieldType,
    ImportResult,
    Issue,
    Problem,
    Source,
    ValidationType,
)
from formats.datadictionary.reader import read_data_dictionary
from formats.datadictionary.writer import field_cells, row_cells, write_data_dictionary

__all__ = [
    "API_HEADER",
    "APPLIED_ACTION_TAGS",
    "COMMA_DECIMAL",
    "HEADER",
    "IDENTIFYING_VALIDATION",
    "NOT_APPLIED",
    "NOT_EVALUATED",
    "NUMERIC_VALIDATION",
    "ActionTag",
    "Alignment",
    "Choice",
    "DataDictionary",
    "DataDictionaryError",
    "Field",
    "FieldType",
    "ImportResult",
    "Issue",
    "Limit",
    "LogicCheck",
    "LogicVerdict",
    "Problem",
    "Relative",
    "Source",
    "ValidationType",
    "check_references",
    "column_of",
    "field_cells",
    "parse_action_tags",
    "parse_limit",
    "read_data_dictionary",
    "referenced_variables",
    "resolve_limit",
    "row_cells",
    "write_data_dictionary",
]
