"""`manage.py analyse FILE ANALYSIS ...`: tables on a CSV, and clear errors naming the option."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

CSV = """case,ref,ai,r1,r2,m1,m2
A1,1,0.91,1,1,10.1,10.4
A2,1,0.75,1,0,12.0,11.5
A3,0,0.20,0,0,9.8,9.9
A4,0,0.55,1,0,11.1,11.6
A5,1,0.66,1,1,13.2,13.0
A6,0,0.10,0,0,8.7,9.1
A7,0,0.35,0,1,10.0,10.3
A8,1,0.88,0,1,12.5,12.1
"""


@pytest.fixture
def reads(tmp_path):
    path = tmp_path / "reads.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def analyse(*args):
    out = StringIO()
    call_command("analyse", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_it_prints_the_tables_and_the_stard_sentences(reads):
    printed = analyse(reads, "accuracy", "--index", "ai", "--threshold", "0.5",
                      "--reference", "ref")  # fmt: skip
    assert "2\u00d72 table" in printed
    assert "Sensitivity was 100.0% (95% CI 51.0\u2013100.0%)." in printed
    assert "Specificity was 75.0% (95% CI 30.1\u201395.4%)." in printed


def test_every_analysis_runs_from_the_command_line(reads):
    assert "Paired DeLong test" in analyse(
        reads, "roc", "--index", "ai", "--index-second", "r1", "--reference", "ref"
    )
    assert "Cohen's kappa" in analyse(reads, "agreement", "--measurements", "r1", "r2")
    assert "Fleiss' kappa" in analyse(reads, "agreement", "--measurements", "r1", "r2", "ref")
    assert "ICC(2,1)" in analyse(reads, "icc", "--measurements", "m1", "m2")
    assert "limits of agreement" in analyse(
        reads, "bland_altman", "--measurements", "m1", "m2", "--multiplier", "2"
    )
    assert "repeatability coefficient" in analyse(
        reads, "repeatability", "--measurements", "m1", "m2"
    )


def test_json_csv_and_figures_can_be_written(reads, tmp_path):
    printed = analyse(
        reads, "roc", "--index", "ai", "--reference", "ref", "--json",
        "--csv-out", tmp_path / "results.csv", "--figures", tmp_path / "figures",
    )  # fmt: skip
    result = json.loads(printed[: printed.rindex("}") + 1])
    assert result["analysis"] == "roc"
    assert "Area under the ROC curve" in (tmp_path / "results.csv").read_text(encoding="utf-8")
    assert (tmp_path / "figures" / "roc.svg").read_bytes().startswith(b"<?xml")
    assert (tmp_path / "figures" / "roc.png").read_bytes().startswith(b"\x89PNG")


def test_bad_input_names_the_option_and_the_rows(reads):
    with pytest.raises(CommandError) as error:
        analyse(reads, "accuracy", "--index", "m1", "--reference", "ref", "--id-column", "case")
    assert str(error.value).startswith("--index: m1 is not binary")
    assert "A1 ('10.1')" in str(error.value)
    with pytest.raises(CommandError, match=r"--measurements: .*exactly two"):
        analyse(reads, "bland_altman", "--measurements", "m1", "m2", "r1")


def test_missing_cells_are_named_by_line_or_left_out(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("a,b\n1,1.2\n,2.1\n3,3.3\n4,3.8\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"a has no value in 1 row: line 3"):
        analyse(path, "icc", "--measurements", "a", "b")
    printed = analyse(path, "icc", "--measurements", "a", "b", "--exclude-missing")
    assert "Left out for a missing value: line 3" in printed


def test_a_ragged_or_missing_file_is_refused(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: 1 cells where the header has 2"):
        analyse(path, "icc", "--measurements", "a", "b")
    with pytest.raises(CommandError, match="Cannot read"):
        analyse(tmp_path / "nothing.csv", "icc", "--measurements", "a", "b")


def test_na_cells_are_missing_and_left_out_with_exclude_missing(tmp_path):
    path = tmp_path / "from_r.csv"
    path.write_text('a,b\n1,1.2\nNA,2.1\n3,3.3\n4,3.8\n"N/A",5.0\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"--measurements: a has no value in 2 rows"):
        analyse(path, "icc", "--measurements", "a", "b")
    printed = analyse(path, "icc", "--measurements", "a", "b", "--exclude-missing")
    assert "Left out for a missing value: line 3, line 6" in printed


def test_weighted_kappa_on_words_takes_the_order_option(tmp_path):
    severity = ["None", "Minimal", "Moderate", "Severe"]
    table = [[4, 0, 0, 0], [4, 2, 1, 1], [0, 2, 15, 2], [0, 0, 3, 4]]
    rows = [
        f"{severity[i]},{severity[j]}"
        for i, row in enumerate(table)
        for j, count in enumerate(row)
        for _ in range(count)
    ]
    path = tmp_path / "severity.csv"
    path.write_text("a,b\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"^--order: Weighted kappa needs the categories"):
        analyse(path, "agreement", "--measurements", "a", "b", "--weights", "quadratic")
    printed = analyse(path, "agreement", "--measurements", "a", "b", "--weights", "quadratic",
                      "--order", "None,Minimal,Moderate,Severe", "--json")  # fmt: skip
    result = json.loads(printed)
    assert round(result["tables"][0]["rows"][0][1], 3) == 0.764


def test_an_auc_below_one_half_is_printed_as_a_warning(reads):
    printed = analyse(reads, "roc", "--index", "ai", "--reference", "ref",
                      "--reference-positive", "0")  # fmt: skip
    assert "Warning: The AUC of ai is" in printed
    assert "below 0.5" in printed
