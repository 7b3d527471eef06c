"""Streaming exports of captured records: CSV, XLSX, SPSS, Stata and an R script.

Make an `ExportPlan` from the data dictionary and `ExportOptions`, then hand it an
iterator of `ExportRecord` (one REDCap row each, the rows of a record together) and a
target. CSV and XLSX never hold more than one record; SPSS and Stata hold the table
in compact column arrays because pyreadstat writes a whole DataFrame. No Django here.
See docs/exports.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from formats.exports.codebook import write_codebook
from formats.exports.csvout import write_csv
from formats.exports.deidentify import hmac_offset, is_dropped, shift_stored
from formats.exports.model import (
    PROGRESS_EVERY,
    CheckboxLayout,
    ExportError,
    ExportOptions,
    ExportRecord,
    ExportSummary,
    Progress,
    RepeatLayout,
)
from formats.exports.plan import Column, ExportPlan, Kind, scan_max_instances
from formats.exports.rscript import write_r_script

if TYPE_CHECKING:
    from formats.exports.statfiles import write_dta, write_sav
    from formats.exports.xlsx import write_xlsx

__all__ = [
    "PROGRESS_EVERY",
    "CheckboxLayout",
    "Column",
    "ExportError",
    "ExportOptions",
    "ExportPlan",
    "ExportRecord",
    "ExportSummary",
    "Kind",
    "Progress",
    "RepeatLayout",
    "hmac_offset",
    "is_dropped",
    "scan_max_instances",
    "shift_stored",
    "write_codebook",
    "write_csv",
    "write_dta",
    "write_r_script",
    "write_sav",
    "write_xlsx",
]

# Loaded on first use: pandas, pyreadstat and openpyxl would slow a web process's first request.
_LAZY = {"write_dta": "statfiles", "write_sav": "statfiles", "write_xlsx": "xlsx"}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
