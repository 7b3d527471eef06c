"""How results read: numbers formatted for people, STARD-style sentences, CSV of the tables.

A result is plain JSON (`stats.analyses.run_analysis`): tables hold raw numbers, and the
formats here turn them into text for the page, the terminal and the sentences, so the CSV
and the API keep full precision while people read 87.5%. A number that cannot be
estimated is stored as null and shown as "not estimable", never as NaN.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator

from formats.csvsafe import SpreadsheetSafeWriter
from stats.results import Cell, Result, Table

NOT_ESTIMABLE = "not estimable"
# A cell with nothing to report (the SE of a proportion in the kappa table): shown blank,
# unlike null, which is a number the data could not give.
NA = ""
DASH = "\u2013"  # en dash for ranges of positive numbers, as journals print them


def fmt(value: Cell, kind: str) -> str:
    """One cell as text: `pct` (a proportion shown as %), `num`, `ratio`, `p`, `int`, `text`."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NOT_ESTIMABLE if kind != "text" else ""
    if kind == "text" or isinstance(value, str):  # NA ("") among numbers is shown blank
        return str(value)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "p":
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if kind == "ratio":
        return _significant(value, 3)
    if kind == "coef":
        return f"{value:.3f}"
    return _significant(value, 3)


def _significant(value: float, digits: int) -> str:
    """`digits` significant figures without scientific notation (1234 stays 1234)."""
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:.{min(decimals, 6)}f}"


def interval(lower: float | None, upper: float | None, kind: str) -> str:
    """ "80.1-92.4%" or "-9.9 to 5.7": an en dash only when neither end is negative."""
    if lower is None or upper is None:
        return NOT_ESTIMABLE
    low, high = fmt(lower, kind), fmt(upper, kind)
    if kind == "pct":
        low = low.rstrip("%")
    if lower < 0 or upper < 0:
        return f"{low} to {high}"
    return f"{low}{DASH}{high}"


def level_text(level: float) -> str:
    return f"{100 * level:g}% CI"


def estimate_sentence(
    subject: str,
    value: float | None,
    lower: float | None,
    upper: float | None,
    level: float,
    kind: str,
) -> str:
    """ "Sensitivity was 87.5% (95% CI 80.1-92.4%)", or why it could not be estimated."""
    if value is None:
        return f"{subject} could not be estimated."
    if lower is None or upper is None:
        return f"{subject} was {fmt(value, kind)} (no confidence interval could be computed)."
    return f"{subject} was {fmt(value, kind)} ({level_text(level)} {interval(lower, upper, kind)})."


def cells(table: Table) -> Iterator[list[str]]:
    """The rows of a stored table as text, each cell in its column's (or row's) format."""
    formats = table["formats"]
    row_formats = table.get("row_formats")
    for index, row in enumerate(table["rows"]):
        shown = []
        for position, value in enumerate(row):
            kind = formats[position]
            if kind == "est" and row_formats:
                kind = row_formats[index]
            shown.append(fmt(value, "num" if kind == "est" else kind))
        yield shown


def results_csv(result: Result) -> str:
    """Every table of a result, one block each, numbers at full precision; NA is not estimable."""
    out = io.StringIO()
    # Titles and sentences quote field labels: text a spreadsheet could run is quoted.
    writer = SpreadsheetSafeWriter(csv.writer(out, lineterminator="\n"))
    writer.writerow(["analysis", result["title"]])
    writer.writerow(["rows analysed", result["n"]])
    if result.get("excluded"):
        writer.writerow(["rows left out (missing values)", " ".join(result["excluded"])])
    for table in result["tables"]:
        writer.writerow([])
        writer.writerow([table["title"]])
        writer.writerow(table["columns"])
        for row in table["rows"]:
            writer.writerow(["NA" if v is None else v for v in row])
    writer.writerow([])
    for warning in result.get("warnings", []):
        writer.writerow([f"Warning: {warning}"])
    for sentence in result["sentences"]:
        writer.writerow([sentence])
    return out.getvalue()
