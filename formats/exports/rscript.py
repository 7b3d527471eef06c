"""An R script that reads the CSV export and gives it types, factor levels and labels.

The script reads every column as text (so codes such as `T` or `01` survive), then turns
numbers into numbers, dates into `Date` and date-times into `POSIXct`, coded columns into
factors with `factor(x, levels = ..., labels = ...)`, and sets each column's "label"
attribute (what RStudio, haven and labelled show). Base R only.
"""

from __future__ import annotations

from formats.exports.plan import CODED_KINDS, Column, ExportPlan, Kind

_HEAD = """\
# R script for a RadCollab export{title}.
# Reads {csv_name} (and its checkbox table where there is one) from the working directory.
# Generated; base R only.

{frame} <- read.csv({csv_literal}, colClasses = "character", na.strings = "",
  check.names = FALSE, encoding = "UTF-8", fileEncoding = "UTF-8")
"""


def write_r_script(
    plan: ExportPlan,
    *,
    csv_name: str = "records.csv",
    checkboxes_csv_name: str | None = None,
    title: str = "",
) -> str:
    """The script's text, for the CSV written from the same plan (codes or labels alike)."""
    parts = [_table(plan.columns, "data", csv_name, plan.options.labels, title)]
    if plan.long_checkboxes:
        name = checkboxes_csv_name or csv_name.removesuffix(".csv") + "_checkboxes.csv"
        parts.append(_table(plan.checkbox_columns, "checkboxes", name, False, title))
    return "\n".join(parts)


def _table(columns: tuple[Column, ...], frame: str, csv_name: str, labels: bool, title: str) -> str:
    lines = [
        _HEAD.format(
            title=f": {_comment(title)}" if title else "",
            csv_name=_comment(csv_name),
            frame=frame,
            csv_literal=r_string(csv_name),
        )
    ]
    lines.append("# Types")
    lines.extend(line for column in columns if (line := _typed(frame, column)))
    lines.append("\n# Factors: codes and their labels")
    lines.extend(line for column in columns if (line := _factor(frame, column, labels)))
    lines.append("\n# Variable labels")
    for column in columns:
        lines.append(f'attr({_ref(frame, column)}, "label") <- {r_string(column.label)}')
    return "\n".join(lines) + "\n"


def _ref(frame: str, column: Column) -> str:
    return f"{frame}[[{r_string(column.name)}]]"


def _typed(frame: str, column: Column) -> str | None:
    ref = _ref(frame, column)
    if column.kind in {Kind.INSTANCE, Kind.INTEGER, Kind.NUMBER}:
        return f"{ref} <- as.numeric({ref})"
    if column.kind is Kind.DATE:
        return f'{ref} <- as.Date({ref}, format = "%Y-%m-%d")'
    if column.kind is Kind.DATETIME:
        # REDCap's date-times come with seconds or without (datetime_ymd is 2024-02-29
        # 13:45): one format would read the other as NA, so R tries both.
        return (
            f'{ref} <- as.POSIXct({ref}, tz = "UTC", '
            'tryFormats = c("%Y-%m-%d %H:%M:%OS", "%Y-%m-%d %H:%M"))'
        )
    return None


def _factor(frame: str, column: Column, labels: bool) -> str | None:
    if column.kind not in CODED_KINDS or not column.value_labels:
        return None
    ref = _ref(frame, column)
    names = _vector([label for _, label in column.value_labels])
    if labels:
        return f"{ref} <- factor({ref}, levels = {names})"
    codes = _vector([code for code, _ in column.value_labels])
    return f"{ref} <- factor({ref}, levels = {codes}, labels = {names})"


def _vector(items: list[str]) -> str:
    return "c(" + ", ".join(r_string(item) for item in items) + ")"


def r_string(text: str) -> str:
    """A double-quoted R string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def _comment(text: str) -> str:
    return " ".join(text.split())
