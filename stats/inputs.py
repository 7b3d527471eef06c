"""What an analysis is asked to do, and the data it reads: checked before any sum is done.

Plain Python (no Django), shared by the web app, the API and `manage.py analyse`, so that
all three refuse the same bad input with the same message. A message names the field
(the form field or API key, with the column's name) and the rows at fault — record ids
on captured data, line numbers in a CSV — because "position 17" means nothing to the
person who has to fix it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from stats.titles import TITLES

if TYPE_CHECKING:
    from stats.core._checks import BoolArray, FloatArray
    from stats.core.agreement import KappaWeights
    from stats.core.intervals import ProportionMethod
    from stats.core.roc import AucTransform
    from stats.results import SettingsJSON

# A cell as read: text (a CSV, a code), a number, a flag, or None (nothing captured).
Raw = str | int | float | bool | None
SHOWN_ROWS = 8  # rows named in a message before "and N more"
TRUE_WORDS = frozenset({"1", "yes", "y", "true", "t", "positive", "pos"})
FALSE_WORDS = frozenset({"0", "no", "n", "false", "f", "negative", "neg"})
# How statistical software writes a missing value in a CSV: R "NA", Excel "#N/A", numpy
# and pandas "nan"/"NaN", SAS, Stata and SPSS "." (Stata's extended missing ".a" to ".z").
# Matched whole and ignoring case; a code the data dictionary or `order` declares is a value.
MISSING_WORDS = frozenset({"na", "n/a", "#n/a", "nan"})
STATA_MISSING = re.compile(r"\.[a-z]?", re.IGNORECASE)
# Kappa treats every distinct value as a category and builds a k x k table: beyond this many
# the column is a measurement (use ICC or Bland-Altman), and the table would be too sparse
# for chance agreement to mean anything, long before it grows too large for memory.
MAX_CATEGORIES = 50


class Analysis(StrEnum):
    ACCURACY = "accuracy"
    ROC = "roc"
    AGREEMENT = "agreement"
    ICC = "icc"
    BLAND_ALTMAN = "bland_altman"
    REPEATABILITY = "repeatability"

    @property
    def label(self) -> str:
        return TITLES[self.value]


COMMON = ("level", "exclude_missing")
RELEVANT: dict[str, tuple[str, ...]] = {
    "accuracy": (
        "index",
        "reference",
        "index_positive",
        "threshold",
        "reference_positive",
        "ci_method",
        *COMMON,
    ),
    "roc": ("index", "index_second", "reference", "reference_positive", "transform", *COMMON),
    "agreement": ("measurements", "weights", "order", "ci_method", *COMMON),
    "icc": ("measurements", *COMMON),
    "bland_altman": ("measurements", "multiplier", *COMMON),
    "repeatability": ("measurements", *COMMON),
}
CI_METHODS = {"wilson": "Wilson score", "clopper-pearson": "Clopper\u2013Pearson exact"}
TRANSFORMS = {"none": "AUC ± z·SE (clipped to 0\u20131)", "logit": "Logit-transformed"}
WEIGHTS = {"none": "Unweighted", "linear": "Linear weights", "quadratic": "Quadratic weights"}
LEVELS = (0.9, 0.95, 0.99)


class AnalysisInputError(ValueError):
    """Bad input for an analysis: `field` names the setting or column at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Settings:
    """The choices of one analysis: which columns play which part, and how to compute.

    `index_positive` / `reference_positive` are the codes that count as positive; empty
    means the column must already be binary (1/0, yes/no, true/false). `threshold` makes a
    numeric index test positive at or above it. `order` lists agreement categories from
    lowest to highest, for weighted kappa on data without a data dictionary.
    """

    analysis: Analysis
    index: str = ""
    index_second: str = ""
    reference: str = ""
    measurements: tuple[str, ...] = ()
    index_positive: tuple[str, ...] = ()
    reference_positive: tuple[str, ...] = ()
    threshold: float | None = None
    ci_method: ProportionMethod = "wilson"
    level: float = 0.95
    transform: AucTransform = "none"
    weights: KappaWeights = "none"
    order: tuple[str, ...] = ()
    multiplier: float = 1.96
    exclude_missing: bool = False
    event: str = ""  # a longitudinal study's event analysed (its unique name)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from a stored or posted mapping; unknown keys are refused by name."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise AnalysisInputError(unknown[0], f"Unknown setting {unknown[0]!r}.")
        values = dict(data)
        try:
            values["analysis"] = Analysis(values.get("analysis", ""))
        except ValueError:
            choices = ", ".join(a.value for a in Analysis)
            raise AnalysisInputError(
                "analysis", f"Unknown analysis {data.get('analysis')!r}; choose one of {choices}."
            ) from None
        for name in LISTS:
            values[name] = _codes(values.get(name, ()))
        settings = cls(**values)
        settings.check()
        return settings

    def to_json(self) -> SettingsJSON:
        data: SettingsJSON = asdict(self)
        data["analysis"] = self.analysis.value
        for name in LISTS:
            data[name] = list(getattr(self, name))
        return data

    def columns(self) -> list[str]:
        """The columns this analysis reads, in the order they are shown."""
        if self.analysis in (Analysis.ACCURACY, Analysis.ROC):
            return [c for c in (self.index, self.index_second, self.reference) if c]
        return list(self.measurements)

    def check(self) -> None:
        """Refuse settings that cannot make sense whatever the data, naming the setting."""
        _check_choice("ci_method", self.ci_method, CI_METHODS)
        _check_choice("transform", self.transform, TRANSFORMS)
        _check_choice("weights", self.weights, WEIGHTS)
        if not 0.5 <= self.level < 1:
            raise AnalysisInputError(
                "level", f"The confidence level must lie between 0.5 and 1, got {self.level}."
            )
        if not (math.isfinite(self.multiplier) and 0 < self.multiplier <= 5):
            raise AnalysisInputError(
                "multiplier",
                f"The limits-of-agreement multiplier must lie in (0, 5], got {self.multiplier}.",
            )
        if self.threshold is not None and not math.isfinite(self.threshold):
            raise AnalysisInputError("threshold", "The threshold must be a finite number.")
        self._check_order()
        self._check_roles()

    def _check_order(self) -> None:
        if not self.order:
            return
        repeated = sorted({code for code in self.order if self.order.count(code) > 1})
        if repeated:
            raise AnalysisInputError(
                "order", f"The order lists {', '.join(map(repr, repeated))} more than once."
            )
        if len(self.order) < 2:
            raise AnalysisInputError(
                "order", "The order needs at least two categories, from lowest to highest."
            )
        if len(self.order) > MAX_CATEGORIES:
            raise AnalysisInputError(
                "order",
                f"The order lists {len(self.order)} categories; agreement takes at most "
                f"{MAX_CATEGORIES}.",
            )

    def _check_roles(self) -> None:
        if self.analysis in (Analysis.ACCURACY, Analysis.ROC):
            if not self.index:
                raise AnalysisInputError("index", "Choose the index test.")
            if not self.reference:
                raise AnalysisInputError("reference", "Choose the reference standard.")
            if self.reference in (self.index, self.index_second):
                raise AnalysisInputError(
                    "reference", "The reference standard must differ from the index test."
                )
            if self.index_second and self.index_second == self.index:
                raise AnalysisInputError(
                    "index_second", "The second test must differ from the first."
                )
            if self.threshold is not None and self.index_positive:
                raise AnalysisInputError(
                    "threshold", "Give the index test's positive codes or a threshold, not both."
                )
            if self.index_second and self.analysis is Analysis.ACCURACY:
                raise AnalysisInputError(
                    "index_second", "A second test is compared in ROC analysis only."
                )
            return
        wanted = 2 if self.analysis is Analysis.BLAND_ALTMAN else None
        if len(set(self.measurements)) != len(self.measurements):
            raise AnalysisInputError("measurements", "Choose each reader or measurement once.")
        if len(self.measurements) < 2 or (wanted and len(self.measurements) != wanted):
            need = "exactly two" if wanted else "at least two"
            raise AnalysisInputError(
                "measurements",
                f"{self.analysis.label} needs {need} readers or measurements; "
                f"{len(self.measurements)} chosen.",
            )


LISTS = ("measurements", "index_positive", "reference_positive", "order")


def _codes(value: str | Iterable[Raw]) -> tuple[str, ...]:
    """A list of codes as the cells read: "4, 5" or [4, 5.0] both give ("4", "5")."""
    if isinstance(value, str):
        value = value.split(",")
    return tuple(code for code in (as_code(v) for v in value) if code)


def _check_choice(name: str, value: str, choices: Mapping[str, str]) -> None:
    if value not in choices:
        raise AnalysisInputError(
            name, f"Unknown {name.replace('_', ' ')} {value!r}; choose one of {', '.join(choices)}."
        )


@dataclass(frozen=True)
class Column:
    """One column of data with what the person knows it by."""

    name: str
    values: tuple[Raw, ...]
    label: str = ""
    # The declared scale (codes in order) and code labels, when a data dictionary has them.
    categories: tuple[str, ...] = ()
    category_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return (
            f"{self.label} ({self.name})" if self.label and self.label != self.name else self.name
        )


@dataclass(frozen=True)
class Dataset:
    """Rows (records or lines) by columns; cells are raw: text, numbers, booleans or None."""

    row_ids: tuple[str, ...]
    columns: Mapping[str, Column]

    def column(self, role: str, name: str) -> Column:
        found = self.columns.get(name)
        if found is None:
            known = ", ".join(sorted(self.columns)) or "none"
            raise AnalysisInputError(role, f"There is no column {name!r} (columns: {known}).")
        if len(found.values) != len(self.row_ids):
            raise AnalysisInputError(
                role,
                f"{found.title} has {len(found.values)} values for {len(self.row_ids)} rows.",
            )
        return found

    def subset(self, keep: Sequence[int]) -> Dataset:
        return Dataset(
            tuple(self.row_ids[i] for i in keep),
            {
                name: Column(
                    c.name,
                    tuple(c.values[i] for i in keep),
                    c.label,
                    c.categories,
                    c.category_labels,
                )
                for name, c in self.columns.items()
            },
        )


def dataset_from_columns(
    columns: Mapping[str, Sequence[Raw]], row_ids: Sequence[str] | None = None
) -> Dataset:
    """A dataset from plain columns (the API, tests); rows are numbered from 1."""
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise AnalysisInputError("columns", f"Columns must have the same length: {described}.")
    n = next(iter(lengths.values()), 0)
    if row_ids is None:
        row_ids = [f"row {i}" for i in range(1, n + 1)]
    elif len(row_ids) != n:
        raise AnalysisInputError("row_ids", f"row_ids has {len(row_ids)} ids for {n} rows.")
    return Dataset(
        tuple(str(r) for r in row_ids),
        {name: Column(name, tuple(values)) for name, values in columns.items()},
    )


def is_missing(cell: Raw, categories: Iterable[str] = ()) -> bool:
    """None, NaN, an empty cell or a missing-value mark (NA, N/A, NaN, "."), unless declared.

    `categories` are codes the data dictionary or the analysis declares as values, so a
    scale whose choices include "NA" (not assessable) keeps it as a category.
    """
    if cell is None:
        return True
    if isinstance(cell, float):
        return math.isnan(cell)
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    if not text:
        return True
    if text.lower() not in MISSING_WORDS and not STATA_MISSING.fullmatch(text):
        return False
    return text not in categories


def as_code(cell: Raw) -> str:
    """A cell as the code a data dictionary would store: 1.0 and True both read "1"."""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def name_rows(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:SHOWN_ROWS])
    more = len(ids) - SHOWN_ROWS
    return f"{shown} and {more} more" if more > 0 else shown


@dataclass(frozen=True)
class Prepared:
    """The rows an analysis uses, and the ones left out for a missing value."""

    data: Dataset
    excluded: tuple[str, ...]


def drop_missing(data: Dataset, settings: Settings, roles: Mapping[str, str]) -> Prepared:
    """Refuse (naming field and rows) or leave out rows with a missing value in a used column."""
    missing_rows: set[int] = set()
    for name, role in roles.items():
        column = data.column(role, name)
        declared = {*column.categories, *settings.order}
        rows = [i for i, cell in enumerate(column.values) if is_missing(cell, declared)]
        if rows and not settings.exclude_missing:
            ids = [data.row_ids[i] for i in rows]
            raise AnalysisInputError(
                role,
                f"{column.title} has no value in {len(ids)} "
                f"{'row' if len(ids) == 1 else 'rows'}: {name_rows(ids)}. Complete them, or "
                "choose to leave out rows with missing values.",
            )
        missing_rows.update(rows)
    keep = [i for i in range(len(data.row_ids)) if i not in missing_rows]
    excluded = tuple(data.row_ids[i] for i in sorted(missing_rows))
    return Prepared(data.subset(keep) if missing_rows else data, excluded)


def numeric(data: Dataset, role: str, name: str) -> FloatArray:
    """A column as floats, refusing text such as "12 mm" or "n/a" with the rows named."""
    # Imported here: the forms and the API load this module, and numpy slows the first request.
    import numpy as np

    column = data.column(role, name)
    values: list[float] = []
    bad: list[str] = []
    for row_id, cell in zip(data.row_ids, column.values, strict=True):
        number = _number(cell)
        if number is None:
            bad.append(f"{row_id} ({cell!r})" if len(bad) < SHOWN_ROWS else row_id)
        else:
            values.append(number)
    if bad:
        raise AnalysisInputError(
            role,
            f"{column.title} needs numbers; {len(bad)} "
            f"{'row holds' if len(bad) == 1 else 'rows hold'} something else: {name_rows(bad)}.",
        )
    return np.asarray(values, dtype=np.float64)


def _number(cell: Raw) -> float | None:
    if isinstance(cell, bool):
        return float(cell)
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        try:
            value = float(str(cell).strip())
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def binary(
    data: Dataset, role: str, name: str, positive: Iterable[str], *, setting: str
) -> BoolArray:
    """A column as positive/negative: by the positive codes, or already binary (1/0, yes/no)."""
    import numpy as np

    column = data.column(role, name)
    codes = [as_code(cell) for cell in column.values]
    chosen = set(positive)
    if chosen:
        unknown = sorted(chosen - set(codes) - set(column.categories))
        if unknown and not set(codes) & chosen:
            raise AnalysisInputError(
                setting,
                f"No row of {column.title} holds the positive code "
                f"{', '.join(repr(u) for u in unknown)}; it holds {_observed(codes)}.",
            )
        return np.asarray([code in chosen for code in codes], dtype=np.bool_)
    flags: list[bool] = []
    bad: list[str] = []
    for row_id, code in zip(data.row_ids, codes, strict=True):
        word = code.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            flags.append(word in TRUE_WORDS)
        else:
            bad.append(f"{row_id} ({code!r})" if len(bad) < SHOWN_ROWS else row_id)
    if bad:
        raise AnalysisInputError(
            role,
            f"{column.title} is not binary (1/0, yes/no or true/false): {len(bad)} "
            f"{'row holds' if len(bad) == 1 else 'rows hold'} another value: "
            f"{name_rows(bad)}. Say which codes count as positive"
            + (", or give a threshold." if role == "index" else "."),
        )
    return np.asarray(flags, dtype=np.bool_)


def _observed(codes: Sequence[str]) -> str:
    distinct = sorted(set(codes), key=_sort_key)
    shown = ", ".join(repr(c) for c in distinct[:10])
    return shown + (f" and {len(distinct) - 10} more values" if len(distinct) > 10 else "")


def _sort_key(code: str) -> tuple[int, float, str]:
    number = _number(code)
    return (0, number, "") if number is not None else (1, 0.0, code)


def categorical(
    data: Dataset,
    names: Sequence[str],
    role: str,
    *,
    order: Sequence[str] = (),
    ordered: bool = False,
) -> tuple[list[list[str]], tuple[str, ...]]:
    """Rater columns as codes, and the shared scale they are rated on.

    The scale is `order` when given, else the data dictionary's choices in its order, else
    the values seen: numbers in numeric order, words as sorted text. Words have no known
    order, so an `ordered` (weighted) analysis of them without `order` is refused, as is a
    column with more distinct values than `MAX_CATEGORIES`, before any table is made.
    """
    columns = [data.column(role, name) for name in names]
    ratings = [[as_code(cell) for cell in c.values] for c in columns]
    declared = {c.categories for c in columns if c.categories}
    if order or len(declared) == 1:
        scale = tuple(order) if order else next(iter(declared))
        for column, codes in zip(columns, ratings, strict=True):
            _check_on_scale(data, column, codes, scale, "order" if order else role)
        _check_scale_size(columns, len(scale), role, "choices in the data dictionary")
        return ratings, scale
    observed = {code for codes in ratings for code in codes}
    _check_scale_size(columns, len(observed), role, "different values")
    if ordered and not all(_number(code) is not None for code in observed):
        raise AnalysisInputError(*_unknown_order(columns, observed, len(declared) > 1))
    return ratings, tuple(sorted(observed, key=_sort_key))


def _check_on_scale(
    data: Dataset, column: Column, codes: Sequence[str], scale: tuple[str, ...], field: str
) -> None:
    known = set(scale)
    bad = [
        f"{row} ({code!r})"
        for row, code in zip(data.row_ids, codes, strict=True)
        if code not in known
    ]
    if bad:
        given = "the order given" if field == "order" else "its choices"
        shown = ", ".join(scale[:10]) + (", …" if len(scale) > 10 else "")
        raise AnalysisInputError(
            field, f"{column.title} holds codes outside {given} ({shown}): {name_rows(bad)}."
        )


def _check_scale_size(columns: Sequence[Column], size: int, role: str, what: str) -> None:
    if size > MAX_CATEGORIES:
        raise AnalysisInputError(
            role,
            f"{_joined(columns)} hold {size:,} {what}. Kappa treats each value as a "
            f"category and takes at most {MAX_CATEGORIES}: for measurements on a continuous "
            "scale use ICC or Bland\u2013Altman instead.",
        )


def _joined(columns: Sequence[Column]) -> str:
    titles = [c.title for c in columns]
    return titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} and {titles[-1]}"


def _unknown_order(
    columns: Sequence[Column], observed: set[str], conflicting: bool
) -> tuple[str, str]:
    """The field and message for a weighted analysis whose scale has no known order."""
    titles = _joined(columns)
    if conflicting:
        return (
            "measurements",
            f"{titles} have different choices in the data dictionary, so there is no one "
            "ordered scale for weighted kappa. Give them the same choices, or choose "
            "unweighted kappa.",
        )
    words = ", ".join(repr(code) for code in sorted(observed, key=_sort_key)[:10])
    return (
        "order",
        f"Weighted kappa needs the categories in order, and {titles} hold words whose "
        f"order is not known ({words}). Give the order from lowest to highest, or choose "
        "unweighted kappa.",
    )


def needs_rows(role: str, what: str, have: int, minimum: int) -> None:
    if have < minimum:
        raise AnalysisInputError(
            role, f"{what} needs at least {minimum} rows with values; there {_are(have)}."
        )


def _are(n: int) -> str:
    return "is 1" if n == 1 else f"are {n}"
