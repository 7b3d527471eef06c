"""The shape of an analysis result, as `stats.analyses.run_analysis` makes it and a run keeps
it (JSON): tables of raw numbers, sentences, notes and the data of its figures.

Types only (no numpy, no Django), so that the pages, the API, the CSV and the figures read
the same shape the analyses write. A number that could not be estimated is null (None).
"""

from __future__ import annotations

from typing import NotRequired, TypeAlias

from typing_extensions import TypedDict

# A table cell: a label or count text, a whole number, a number, or null (not estimable).
Cell: TypeAlias = str | int | float | None
Number: TypeAlias = float | None


class Table(TypedDict):
    title: str
    columns: list[str]
    # Each column's format (`stats.report.fmt`); "est" columns take the row's format.
    formats: list[str]
    rows: list[list[Cell]]
    row_formats: NotRequired[list[str]]


class RocCurve(TypedDict):
    label: str
    fpr: list[float]
    tpr: list[float]


class RocFigure(TypedDict):
    curves: list[RocCurve]


class BlandAltmanFigure(TypedDict):
    means: list[float]
    differences: list[float]
    bias: Number
    lower: Number
    upper: Number
    multiplier: float
    first: str
    second: str


class AgreementFigure(TypedDict):
    kind: str  # "counts" (Cohen: the agreement matrix) or "kappa" (Fleiss: pairwise kappas)
    labels: list[str]
    matrix: list[list[int]] | list[list[Number]]
    rows: str
    columns: str


class Figures(TypedDict, total=False):
    roc: RocFigure
    bland_altman: BlandAltmanFigure
    agreement: AgreementFigure


# `Settings.to_json`: texts, lists of codes, numbers, a flag; threshold may be null.
SettingsJSON: TypeAlias = dict[str, str | int | float | bool | list[str] | None]


class Body(TypedDict):
    """What one analysis adds to the common part of a result."""

    tables: list[Table]
    sentences: list[str]
    notes: list[str]
    warnings: NotRequired[list[str]]
    figures: NotRequired[Figures]
    values: NotRequired[dict[str, dict[str, int]]]


class Result(TypedDict):
    analysis: str
    title: str
    n: int
    excluded: list[str]
    columns: dict[str, str]  # column name → its title (label and name)
    settings: SettingsJSON
    warnings: list[str]
    notes: list[str]
    figures: Figures
    tables: list[Table]
    sentences: list[str]
    values: NotRequired[dict[str, dict[str, int]]]
