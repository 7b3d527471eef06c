"""Captured values and REDCap's flat records CSV: pure checks and readers (no Django here).

`check_value` turns what a person typed into REDCap's storage form, with an error that
refuses the save or a warning that needs confirming. `RecordReader` and `validate_all`
read REDCap's flat "records" CSV against a data dictionary, row by row, naming every
problem by row and field. See docs/exports.md.
"""

from __future__ import annotations

from formats.records.columns import (
    DAG_COLUMN,
    EVENT_COLUMN,
    REPEAT_INSTANCE_COLUMN,
    REPEAT_INSTRUMENT_COLUMN,
    STATUS_LABELS,
    Status,
    checkbox_column,
    status_column,
)
from formats.records.flatcsv import (
    Finding,
    RecordReader,
    RecordRow,
    RecordsCsvError,
    Validation,
    read_valid_records,
    validate_all,
)
from formats.records.validate import (
    Checked,
    browser_pattern,
    check_checkbox,
    check_value,
    expected_format,
    split_checkbox,
)

__all__ = [
    "DAG_COLUMN",
    "EVENT_COLUMN",
    "REPEAT_INSTANCE_COLUMN",
    "REPEAT_INSTRUMENT_COLUMN",
    "STATUS_LABELS",
    "Checked",
    "Finding",
    "RecordReader",
    "RecordRow",
    "RecordsCsvError",
    "Status",
    "Validation",
    "browser_pattern",
    "check_checkbox",
    "check_value",
    "checkbox_column",
    "expected_format",
    "read_valid_records",
    "split_checkbox",
    "status_column",
    "validate_all",
]
