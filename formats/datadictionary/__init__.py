"""REDCap's data-dictionary CSV: a pure reader and writer (no Django here).

`read_data_dictionary` either returns the dictionary with the issues it read past
(things RadCollab does not support, left out and named by line and column) or raises
`DataDictionaryError` listing every problem that makes the dictionary unusable.
`write_data_dictionary` writes it back; export(import(x)) keeps every supported cell.
"""

from __future__ import annotations

from formats.datadictionary.columns import HEADER
from formats.datadictionary.limits import Limit, Relative, parse_limit, resolve_limit
from formats.datadictionary.logic import referenced_variables
from formats.datadictionary.model import (
    Alignment,
    Choice,
    DataDictionary,
    DataDictionaryError,
    Field,
    FieldType,
    ImportResult,
    Issue,
    Problem,
    ValidationType,
)
from formats.datadictionary.reader import read_data_dictionary
from formats.datadictionary.writer import write_data_dictionary

__all__ = [
    "HEADER",
    "Alignment",
    "Choice",
    "DataDictionary",
    "DataDictionaryError",
    "Field",
    "FieldType",
    "ImportResult",
    "Issue",
    "Limit",
    "Problem",
    "Relative",
    "ValidationType",
    "parse_limit",
    "read_data_dictionary",
    "referenced_variables",
    "resolve_limit",
    "write_data_dictionary",
]
