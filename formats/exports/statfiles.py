"""SPSS `.sav` and Stata `.dta` through pyreadstat, with variable and value labels.

pyreadstat writes a whole pandas DataFrame at once, so these two formats hold the table
in memory; it is built column by column in compact arrays as the records stream past:
8-byte floats for numbers, 4-byte floats for codes (exact for whole numbers), 8-byte
date-times, and references to the record's own strings for text. See docs/exports.md
for the measured memory. Codes stay codes (whatever `labels` says): the labels travel
as value labels, which is how SPSS and Stata show them.
"""

from __future__ import annotations

import math
import os
from array import array
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyreadstat

from formats.exports.model import ExportError, ExportRecord, ExportSummary, Progress
from formats.exports.plan import CODED_KINDS, Column, ExportPlan, Kind, Tally

Path = str | os.PathLike[str]
_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - stored date-times are wall-clock times.
_NAT = np.iinfo(np.int64).min
_FLOAT32_EXACT = 2**24  # Whole numbers below this are exact in a 4-byte float.


class _Format:
    def __init__(
        self,
        *,
        name: str,
        max_name: int,
        reserved: frozenset[str],
        max_label_bytes: int,
        max_value_label_bytes: int,
        string_value_labels: bool,
    ) -> None:
        self.name, self.max_name, self.reserved = name, max_name, reserved
        self.max_label_bytes = max_label_bytes
        self.max_value_label_bytes = max_value_label_bytes
        self.string_value_labels = string_value_labels


SPSS = _Format(
    name="SPSS",
    max_name=64,
    reserved=frozenset(
        ["all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"]
    ),
    max_label_bytes=256,
    max_value_label_bytes=120,
    string_value_labels=True,
)
STATA = _Format(
    name="Stata",
    max_name=32,
    reserved=frozenset(
        [
            "_all",
            "_b",
            "byte",
            "_coef",
            "_cons",
            "double",
            "float",
            "if",
            "in",
            "int",
            "long",
            "_n",
            "_pi",
            "_pred",
            "_rc",
            "_skip",
            "strl",
            "using",
            "with",
        ]
    ),
    max_label_bytes=80,
    max_value_label_bytes=32_000,
    string_value_labels=False,
)


def write_sav(
    plan: ExportPlan,
    records: Iterable[ExportRecord],
    out: Path,
    *,
    checkboxes_out: Path | None = None,
    total: int | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """SPSS: numeric codes and strings both carry value labels."""
    return _write(plan, records, out, checkboxes_out, SPSS, total=total, progress=progress)


def write_dta(
    plan: ExportPlan,
    records: Iterable[ExportRecord],
    out: Path,
    *,
    checkboxes_out: Path | None = None,
    total: int | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Stata: value labels on whole-number codes; other codes are strings, listed in the label."""
    return _write(plan, records, out, checkboxes_out, STATA, total=total, progress=progress)


def _write(
    plan: ExportPlan,
    records: Iterable[ExportRecord],
    out: Path,
    checkboxes_out: Path | None,
    fmt: _Format,
    *,
    total: int | None,
    progress: Progress | None,
) -> ExportSummary:
    if plan.long_checkboxes and checkboxes_out is None:
        raise ExportError("a long checkbox layout needs checkboxes_out for its second table")
    main = [_collector(column, fmt) for column in plan.columns]
    ticks = [_collector(column, fmt) for column in plan.checkbox_columns]
    rows = tick_rows = 0
    tally = Tally()
    for emitted in plan.rows(records, total=total, progress=progress, tally=tally):
        rows += 1
        for collect, cell in zip(main, emitted.cells, strict=True):
            collect.add(cell)
        for tick in emitted.checkbox_rows:
            tick_rows += 1
            for collect, cell in zip(ticks, tick, strict=True):
                collect.add(cell)
    renamed = _save(plan.columns, main, out, fmt)
    if plan.long_checkboxes and checkboxes_out is not None:
        _save(plan.checkbox_columns, ticks, checkboxes_out, fmt)
    return ExportSummary(tally.records, rows, tick_rows, len(plan.columns), renamed)


def _save(
    columns: tuple[Column, ...], collectors: list[_Collector], out: Path, fmt: _Format
) -> dict[str, str]:
    names = safe_names([column.name for column in columns], fmt, _limits(columns, fmt))
    data = {names[c.name]: collect.series() for c, collect in zip(columns, collectors, strict=True)}
    frame = pd.DataFrame(data, copy=False)
    for collect in collectors:
        collect.clear()
    labels = {names[c.name]: _variable_label(c, fmt) for c in columns}
    value_labels = {names[c.name]: _value_labels(c, fmt) for c in columns if _value_labels(c, fmt)}
    formats = {names[c.name]: _date_format(fmt) for c in columns if c.kind is Kind.DATE}
    writer: Callable[..., None] = pyreadstat.write_sav if fmt is SPSS else pyreadstat.write_dta
    writer(
        frame,
        os.fspath(out),
        column_labels=labels,
        variable_value_labels=value_labels,
        variable_format=formats,
    )
    return {name: safe for name, safe in names.items() if name != safe}


def _date_format(fmt: _Format) -> str:
    return "DATE11" if fmt is SPSS else "%td"


def _limits(columns: tuple[Column, ...], fmt: _Format) -> dict[str, int]:
    """Names shorter than the format's limit where pyreadstat needs room.

    pyreadstat names a Stata variable's value-label set after the variable, followed by
    its place among the labelled variables (`baseline_complete` -> `baseline_complete3`),
    and Stata allows that name 32 characters too: so a labelled variable's name leaves
    room for the digits, or the file cannot be written at all.
    """
    if fmt is not STATA:
        return {}
    labelled = [c.name for c in columns if _value_labels(c, fmt)]
    return {name: fmt.max_name - len(str(place)) for place, name in enumerate(labelled)}


def safe_names(
    names: list[str], fmt: _Format, limits: dict[str, int] | None = None
) -> dict[str, str]:
    """Each name as the format allows it: short enough, not reserved, and unique.

    Deterministic: the same columns in the same order always get the same names. A name
    cut short that meets one already taken ends in `_2`, `_3`, ... instead.
    """
    taken: set[str] = set()
    safe: dict[str, str] = {}
    for name in names:
        limit = (limits or {}).get(name, fmt.max_name)
        candidate = name
        if candidate.lower() in fmt.reserved:
            candidate += "_"
        candidate = _fit(candidate, limit)
        number = 1
        while candidate.lower() in taken:
            number += 1
            suffix = f"_{number}"
            candidate = _fit(name, limit - len(suffix)) + suffix
        taken.add(candidate.lower())
        safe[name] = candidate
    return safe


def _fit(text: str, limit: int) -> str:
    """Cut to at most `limit` UTF-8 bytes without splitting a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def _variable_label(column: Column, fmt: _Format) -> str:
    label = column.label
    if column.kind in CODED_KINDS and not column.numeric_codes and not fmt.string_value_labels:
        listed = "; ".join(f"{code}={name}" for code, name in column.value_labels)
        label = f"{label} [{listed}]"
    return _fit(label, fmt.max_label_bytes)


def _value_labels(column: Column, fmt: _Format) -> dict[int, str] | dict[str, str]:
    if column.kind not in CODED_KINDS:
        return {}
    if column.numeric_codes:
        return {
            int(code): _fit(name, fmt.max_value_label_bytes) for code, name in column.value_labels
        }
    if fmt.string_value_labels:
        return {code: _fit(name, fmt.max_value_label_bytes) for code, name in column.value_labels}
    return {}


# A column as pyreadstat takes it: numbers (NaN missing), texts, dates (None missing) or
# date-times (NaT missing).
Collected: TypeAlias = "pd.Series[float] | pd.Series[str] | pd.Series[date | None]"


class _Collector:
    """One column's values as they stream past, in a compact array."""

    def add(self, cell: str) -> None:
        raise NotImplementedError

    def series(self) -> Collected:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError


class _Numbers(_Collector):
    def __init__(self, column: Column, *, single: bool) -> None:
        self.column, self.single = column, single
        self.values: array[float] = array("f") if single else array("d")
        self.dtype = np.float32 if single else np.float64

    def add(self, cell: str) -> None:
        if not cell:
            self.values.append(math.nan)
            return
        try:
            self.values.append(float(cell))
        except ValueError:
            raise ExportError(
                f"column {self.column.name}: {cell!r} is not a number, and SPSS and Stata "
                "store this column as numbers"
            ) from None

    def series(self) -> pd.Series[float]:
        return pd.Series(np.frombuffer(self.values, dtype=self.dtype), copy=False)

    def clear(self) -> None:
        self.values = array("f") if self.single else array("d")


class _Texts(_Collector):
    def __init__(self) -> None:
        self.values: list[str] = []

    def add(self, cell: str) -> None:
        self.values.append(cell)

    def series(self) -> pd.Series[str]:
        return pd.Series(self.values, dtype=object)

    def clear(self) -> None:
        self.values = []


class _Dates(_Collector):
    def __init__(self) -> None:
        self.values: list[date | None] = []

    def add(self, cell: str) -> None:
        self.values.append(date.fromisoformat(cell) if cell else None)

    def series(self) -> pd.Series[date | None] | pd.Series[float]:
        if all(value is None for value in self.values):
            # No date at all: pyreadstat would write a column of None as text, which its
            # date format turns unreadable; a numeric column of missing values reads back.
            return pd.Series(np.full(len(self.values), np.nan))
        return pd.Series(self.values, dtype=object)

    def clear(self) -> None:
        self.values = []


class _DateTimes(_Collector):
    def __init__(self) -> None:
        self.values = array("q")

    def add(self, cell: str) -> None:
        if not cell:
            self.values.append(_NAT)
            return
        delta = datetime.fromisoformat(cell) - _EPOCH
        self.values.append((delta.days * 86_400 + delta.seconds) * 1_000_000)

    def series(self) -> pd.Series[datetime]:  # a datetime is a date
        stamps = np.frombuffer(self.values, dtype=np.int64).view("datetime64[us]")
        return pd.Series(stamps, copy=False)

    def clear(self) -> None:
        self.values = array("q")


def _collector(column: Column, fmt: _Format) -> _Collector:
    if column.kind in CODED_KINDS:
        if not column.numeric_codes:
            return _Texts()
        small = all(abs(int(code)) < _FLOAT32_EXACT for code, _ in column.value_labels)
        return _Numbers(column, single=small)
    if column.kind in {Kind.INSTANCE, Kind.INTEGER, Kind.NUMBER}:
        return _Numbers(column, single=False)
    if column.kind is Kind.DATE:
        return _Dates()
    if column.kind is Kind.DATETIME:
        return _DateTimes()
    return _Texts()
