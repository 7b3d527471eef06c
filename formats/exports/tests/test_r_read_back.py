"""Every field type and validation read back in R through the generated script.

The CSV export and its R script (base R only) are run by Rscript where R is installed;
a summary of what R holds (each column's class, label, factor levels and values) is
compared with the export plan. Where Rscript is missing the test skips, saying so.
"""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest

from formats.exports import ExportOptions, ExportPlan, Kind, write_csv
from formats.exports.plan import CODED_KINDS, NUMERIC_KINDS
from formats.exports.rscript import write_r_script
from formats.exports.tests.test_every_type import DICTIONARY, RECORDS, expected

RSCRIPT = shutil.which("Rscript")
pytestmark = pytest.mark.skipif(
    RSCRIPT is None, reason="Rscript is not installed here: the R read-back runs where R is"
)

SUMMARY = r"""
cell <- function(x, i) {
  v <- x[i]
  if (is.na(v)) return("")
  if (inherits(x, "POSIXct")) return(format(v, "%Y-%m-%d %H:%M:%S", tz = "UTC"))
  if (is.factor(x)) return(as.character(v))
  if (is.numeric(x)) return(format(v, digits = 15, scientific = FALSE, trim = TRUE))
  as.character(v)
}
summary <- do.call(rbind, lapply(names(data), function(name) {
  x <- data[[name]]
  label <- attr(x, "label")
  data.frame(
    name = name,
    class = class(x)[1],
    label = if (is.null(label)) "" else label,
    levels = if (is.factor(x)) paste(levels(x), collapse = "|") else "",
    first = cell(x, 1),
    second = cell(x, 2),
    stringsAsFactors = FALSE
  )
}))
write.csv(summary, "summary.csv", row.names = FALSE, na = "", fileEncoding = "UTF-8")
"""


@pytest.fixture(scope="module")
def read_in_r(tmp_path_factory):
    folder = tmp_path_factory.mktemp("r-read-back")
    plan = ExportPlan(DICTIONARY, ExportOptions(spreadsheet_safe=False))
    with (folder / "records.csv").open("w", newline="", encoding="utf-8") as out:
        write_csv(plan, RECORDS, out)
    script = write_r_script(plan, csv_name="records.csv") + SUMMARY
    (folder / "read.R").write_text(script, encoding="utf-8")
    assert RSCRIPT is not None
    done = subprocess.run(
        [RSCRIPT, "read.R"], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    with (folder / "summary.csv").open(newline="", encoding="utf-8") as handle:
        return plan, {row["name"]: row for row in csv.DictReader(handle)}


R_CLASS = {Kind.DATE: "Date", Kind.DATETIME: "POSIXct"}


def _expected_class(column):
    if column.kind in CODED_KINDS and column.value_labels:
        return "factor"
    if column.kind in NUMERIC_KINDS:
        return "numeric"
    return R_CLASS.get(column.kind, "character")


def _expected_value(column, stored):
    if stored == "":
        return ""
    if column.kind in CODED_KINDS and column.value_labels:
        return dict(column.value_labels).get(stored, "")
    if column.kind is Kind.DATETIME:
        return stored if len(stored) == 19 else f"{stored}:00"
    if column.kind in NUMERIC_KINDS:
        return format(float(stored), "g") if "." in stored else stored
    return stored


def test_r_reads_every_column_with_its_class_label_and_levels(read_in_r):
    plan, summary = read_in_r
    assert set(summary) == {column.name for column in plan.columns}
    for column in plan.columns:
        found = summary[column.name]
        assert found["class"] == _expected_class(column), column.name
        assert found["label"] == column.label, column.name
        if found["class"] == "factor":
            assert found["levels"].split("|") == [label for _, label in column.value_labels]


def test_r_reads_back_every_value(read_in_r):
    plan, summary = read_in_r
    rows = expected(plan)
    for column in plan.columns:
        found = summary[column.name]
        for place, row in (("first", rows[0]), ("second", rows[1])):
            wanted = _expected_value(column, row[column.name])
            if column.kind in NUMERIC_KINDS and wanted:
                assert float(found[place]) == float(wanted), (column.name, place)
            else:
                assert found[place] == wanted, (column.name, place)
