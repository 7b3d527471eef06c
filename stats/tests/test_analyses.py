"""The analysis adapter without Django: choices, bad input by field and row, and the layout."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from stats import figures
from stats.analyses import run_analysis
from stats.inputs import AnalysisInputError, Settings, dataset_from_columns
from stats.report import cells, estimate_sentence, fmt, interval, results_csv


def settings(**chosen):
    return Settings.from_json(chosen)


def refused(data, field, **chosen):
    with pytest.raises(AnalysisInputError) as error:
        run_analysis(dataset_from_columns(data), settings(**chosen))
    assert error.value.field == field
    return error.value.message


# Altman & Bland (1994), liver scan against pathology: 231 TP, 32 FP, 27 FN, 54 TN.
LIVER = {
    "scan": [1] * 231 + [1] * 32 + [0] * 27 + [0] * 54,
    "pathology": [1] * 231 + [0] * 32 + [1] * 27 + [0] * 54,
}


def test_accuracy_from_columns_reproduces_altman_and_bland_1994():
    result = run_analysis(
        dataset_from_columns(LIVER),
        settings(analysis="accuracy", index="scan", reference="pathology"),
    )
    rows = {row[0]: row for row in result["tables"][1]["rows"]}
    assert rows["Sensitivity"][1] == pytest.approx(231 / 258)
    assert rows["Specificity"][1] == pytest.approx(54 / 86)
    assert rows["Sensitivity"][4] == "231/258"
    assert result["sentences"][0] == "Sensitivity was 89.5% (95% CI 85.2\u201392.7%)."
    json.dumps(result, allow_nan=False)  # plain JSON, no NaN anywhere


def test_clopper_pearson_is_a_choice():
    result = run_analysis(
        dataset_from_columns(LIVER),
        settings(analysis="accuracy", index="scan", reference="pathology",
                 ci_method="clopper-pearson"),
    )  # fmt: skip
    wilson = run_analysis(
        dataset_from_columns(LIVER),
        settings(analysis="accuracy", index="scan", reference="pathology"),
    )
    exact, score = result["tables"][1]["rows"][0][2], wilson["tables"][1]["rows"][0][2]
    assert isinstance(exact, float)
    assert isinstance(score, float)
    assert exact < score


def test_an_undefined_ppv_reads_not_estimable_and_never_nan():
    data: dict[str, Any] = {"test": [0, 0, 0, 0], "truth": [1, 0, 1, 0]}
    result = run_analysis(
        dataset_from_columns(data), settings(analysis="accuracy", index="test", reference="truth")
    )
    ppv = result["tables"][1]["rows"][2]
    assert ppv[1:4] == [None, None, None]
    shown = list(cells(result["tables"][1]))[2]
    assert shown[1] == "not estimable"
    assert "Positive predictive value could not be estimated." in result["sentences"]
    assert any("PPV is not estimable" in note for note in result["notes"])
    assert "nan" not in json.dumps(result).lower()


def test_positive_codes_and_thresholds_turn_scores_into_calls():
    data: dict[str, Any] = {"conf": ["1", "2", "3", "3", "1", "2"], "ai": [10, 80, 60, 90, 20, 40],
            "truth": [0, 0, 1, 1, 0, 1]}  # fmt: skip
    by_codes = run_analysis(
        dataset_from_columns(data),
        settings(analysis="accuracy", index="conf", index_positive="3", reference="truth"),
    )
    assert by_codes["values"]["table"] == {"tp": 2, "fp": 0, "fn": 1, "tn": 3}
    by_threshold = run_analysis(
        dataset_from_columns(data),
        settings(analysis="accuracy", index="ai", threshold=50, reference="truth"),
    )
    assert by_threshold["values"]["table"] == {"tp": 2, "fp": 1, "fn": 1, "tn": 2}


def test_a_non_binary_index_test_is_refused_naming_the_rows():
    message = refused(
        {"score": [1, 0, 7, 1], "truth": [1, 0, 1, 0]},
        "index", analysis="accuracy", index="score", reference="truth",
    )  # fmt: skip
    assert "score is not binary" in message
    assert "row 3 ('7')" in message


def test_a_single_class_reference_is_refused():
    message = refused(
        {"test": [1, 0, 1], "truth": [1, 1, 1]},
        "reference", analysis="accuracy", index="test", reference="truth",
    )  # fmt: skip
    assert "single class: all 3 rows are positive" in message


def test_too_few_cases_for_delong_are_refused():
    message = refused(
        {"score": [0.9, 0.1, 0.2], "truth": [1, 0, 0]},
        "reference", analysis="roc", index="score", reference="truth",
    )  # fmt: skip
    assert "at least 2 positive cases" in message


def test_missing_values_are_refused_by_field_and_row_unless_left_out():
    data: dict[str, Any] = {"a": [1.0, None, 3.0, 4.0, ""], "b": [1.1, 2.0, 2.9, 4.2, 5.1]}
    message = refused(data, "measurements", analysis="bland_altman", measurements=["a", "b"])
    assert message.startswith("a has no value in 2 rows: row 2, row 5.")
    result = run_analysis(
        dataset_from_columns(data),
        settings(analysis="bland_altman", measurements=["a", "b"], exclude_missing=True),
    )
    assert result["excluded"] == ["row 2", "row 5"]
    assert result["n"] == 3


def test_non_numeric_cells_are_refused_with_their_values():
    message = refused(
        {"a": ["12", "13 mm", "see report"], "b": [12, 13, 14]},
        "measurements", analysis="icc", measurements=["a", "b"],
    )  # fmt: skip
    assert (
        "a needs numbers; 2 rows hold something else: row 2 ('13 mm'), row 3 ('see report')"
        in message
    )


def test_unbalanced_columns_are_refused():
    with pytest.raises(AnalysisInputError, match="same length: a has 3, b has 2"):
        dataset_from_columns({"a": [1, 2, 3], "b": [1, 2]})


def test_settings_are_checked_before_any_data():
    with pytest.raises(AnalysisInputError) as error:
        settings(analysis="bland_altman", measurements=["a", "b", "c"])
    assert error.value.field == "measurements"
    with pytest.raises(AnalysisInputError) as error:
        settings(analysis="roc", index="a", reference="a")
    assert error.value.field == "reference"
    with pytest.raises(AnalysisInputError) as error:
        settings(analysis="kappa")
    assert error.value.field == "analysis"
    with pytest.raises(AnalysisInputError) as error:
        settings(analysis="icc", measurements=["a", "b"], level=1.5)
    assert error.value.field == "level"
    with pytest.raises(AnalysisInputError) as error:
        settings(analysis="accuracy", index="a", reference="b", index_positive="1", threshold=2)
    assert error.value.field == "threshold"


def test_paired_delong_compares_two_tests_on_the_same_cases():
    data: dict[str, Any] = {
        "ai": [0.9, 0.8, 0.7, 0.55, 0.6, 0.3, 0.2, 0.1, 0.45, 0.65],
        "reader": [5, 4, 2, 3, 4, 1, 2, 1, 3, 2],
        "truth": [1, 1, 1, 1, 0, 0, 0, 0, 0, 1],
    }
    result = run_analysis(
        dataset_from_columns(data),
        settings(analysis="roc", index="ai", index_second="reader", reference="truth"),
    )
    assert [t["title"].split(" (")[0] for t in result["tables"]] == [
        "Area under the ROC curve", "Youden-optimal threshold", "Paired DeLong test",
    ]  # fmt: skip
    assert len(result["figures"]["roc"]["curves"]) == 2
    assert "paired DeLong test" in result["sentences"][-1]


def test_two_readers_get_cohen_and_three_get_fleiss():
    a, b, c = [1, 1, 0, 0, 1, 0, 1, 0], [1, 0, 0, 0, 1, 0, 1, 1], [1, 1, 0, 1, 1, 0, 1, 0]
    two = run_analysis(
        dataset_from_columns({"a": a, "b": b}),
        settings(analysis="agreement", measurements=["a", "b"]),
    )
    assert two["tables"][0]["rows"][0][0] == "Cohen's kappa (unweighted)"
    assert two["figures"]["agreement"]["matrix"] == [[3, 1], [1, 3]]
    three = run_analysis(
        dataset_from_columns({"a": a, "b": b, "c": c}),
        settings(analysis="agreement", measurements=["a", "b", "c"]),
    )
    assert three["tables"][0]["title"] == "Fleiss' kappa"
    assert "Fleiss' \u03ba" in three["sentences"][0]


def test_icc_reproduces_shrout_and_fleiss_1979():
    table = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    columns = {f"judge{j + 1}": [row[j] for row in table] for j in range(4)}
    result = run_analysis(
        dataset_from_columns(columns), settings(analysis="icc", measurements=list(columns))
    )
    values = {row[0]: row[3] for row in result["tables"][0]["rows"]}
    assert values["ICC(1,1)"] == pytest.approx(0.17, abs=0.005)
    assert values["ICC(2,1)"] == pytest.approx(0.29, abs=0.005)
    assert values["ICC(3,1)"] == pytest.approx(0.71, abs=0.005)


def test_repeatability_cv_on_a_scale_without_zero_is_not_estimable():
    data: dict[str, Any] = {"first": [-10.0, 20.0, 30.0], "second": [-11.0, 21.5, 29.0]}
    result = run_analysis(
        dataset_from_columns(data),
        settings(analysis="repeatability", measurements=["first", "second"]),
    )
    cv = result["tables"][0]["rows"][2]
    assert cv[1] is None
    assert any("no true zero" in note for note in result["notes"])


def test_figures_come_back_as_svg_and_png_and_equal_data_give_equal_svg():
    data: dict[str, Any] = {"a": [10.0, 12.0, 9.5, 11.0, 13.2], "b": [10.4, 11.6, 9.9, 11.5, 12.8]}
    result = run_analysis(
        dataset_from_columns(data), settings(analysis="bland_altman", measurements=["a", "b"])
    )
    assert figures.figure_names(result) == ["bland_altman"]
    drawn = figures.svg(figures.draw(result, "bland_altman"))
    assert drawn.startswith(b"<?xml")
    assert b"<svg" in drawn
    assert drawn == figures.svg(figures.draw(result, "bland_altman"))
    assert figures.png(figures.draw(result, "bland_altman")).startswith(b"\x89PNG")


def test_the_results_csv_keeps_full_precision():
    result = run_analysis(
        dataset_from_columns(LIVER),
        settings(analysis="accuracy", index="scan", reference="pathology"),
    )
    text = results_csv(result)
    assert "Sensitivity,0.8953488372093024," in text
    assert "Sensitivity was 89.5%" in text


def test_numbers_read_as_journals_print_them():
    assert fmt(0.875, "pct") == "87.5%"
    assert fmt(1234.5, "num") == "1234"
    assert fmt(0.0004, "p") == "< 0.001"
    assert fmt(math.nan, "coef") == "not estimable"
    assert interval(-9.9, 5.7, "num") == "-9.90 to 5.70"
    assert (
        estimate_sentence("Sensitivity", 0.875, 0.801, 0.924, 0.95, "pct")
        == "Sensitivity was 87.5% (95% CI 80.1\u201392.4%)."
    )


# --- An ordered scale for weighted kappa (issue 13, item 16) ---------------------------

SEVERITY = ("None", "Minimal", "Moderate", "Severe")
# Two readers' severity on 38 cases: reader A in rows, reader B in columns, in severity order.
SEVERITY_TABLE = [[4, 0, 0, 0], [4, 2, 1, 1], [0, 2, 15, 2], [0, 0, 3, 4]]


def _severity_columns(codes=SEVERITY):
    a, b = [], []
    for i, row in enumerate(SEVERITY_TABLE):
        for j, count in enumerate(row):
            a += [codes[i]] * count
            b += [codes[j]] * count
    return {"a": a, "b": b}


def _kappa(result):
    return result["tables"][0]["rows"][0][1]


def _weighted(columns, **chosen):
    return run_analysis(
        dataset_from_columns(columns),
        settings(analysis="agreement", measurements=["a", "b"], weights="quadratic", **chosen),
    )


def test_weighted_kappa_on_words_follows_the_order_given_not_the_alphabet():
    from statsmodels.stats.inter_rater import cohens_kappa

    ordinal = _kappa(_weighted(_severity_columns(), order=list(SEVERITY)))
    alphabetical = _kappa(_weighted(_severity_columns(), order=sorted(SEVERITY)))
    assert round(alphabetical, 3) == 0.319  # what sorting the words used to give, silently
    assert round(ordinal, 3) == 0.764
    # Independent checks: statsmodels on the table, and 1 - sum(w O) / sum(w E) by hand
    # with disagreement weights (i - j)^2, as scikit-learn's cohen_kappa_score computes it.
    table = np.asarray(SEVERITY_TABLE, dtype=float)
    assert ordinal == pytest.approx(cohens_kappa(table, wt="quadratic").kappa, abs=1e-12)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    distance = np.subtract.outer(np.arange(4), np.arange(4)) ** 2
    by_hand = 1 - (distance * table).sum() / (distance * expected).sum()
    assert ordinal == pytest.approx(by_hand, abs=1e-12)


def test_weighted_kappa_states_the_order_it_used():
    result = _weighted(_severity_columns(), order="None, Minimal, Moderate, Severe")
    assert "None < Minimal < Moderate < Severe" in " ".join(result["notes"])
    assert result["figures"]["agreement"]["labels"] == list(SEVERITY)


def test_weighted_kappa_on_words_without_an_order_is_refused_naming_the_field():
    with pytest.raises(AnalysisInputError) as error:
        _weighted(_severity_columns())
    assert error.value.field == "order"
    assert "a and b hold words whose order is not known" in error.value.message
    assert "'Minimal'" in error.value.message


def test_unweighted_kappa_on_words_needs_no_order():
    result = run_analysis(
        dataset_from_columns(_severity_columns()),
        settings(analysis="agreement", measurements=["a", "b"]),
    )
    assert _kappa(result) == pytest.approx(0.4907216494845362)


def test_numbers_are_a_scale_in_numeric_order_not_text_order():
    numbers = _severity_columns(codes=("2", "9", "10", "11"))  # as text, "10" < "2"
    assert round(_kappa(_weighted(numbers)), 3) == round(
        _kappa(_weighted(numbers, order=["2", "9", "10", "11"])), 3
    )
    floats = _severity_columns(codes=(0.5, 1.0, 1.5, 2.0))
    assert _weighted(floats, order=[0.5, 1, 1.5, 2.0])["figures"]["agreement"]["labels"] == [
        "0.5", "1", "1.5", "2",
    ]  # fmt: skip


def test_captured_data_take_the_data_dictionarys_choice_order():
    from stats.services import SnapshotData, snapshot_dataset

    columns = _severity_columns(codes=("N", "MI", "MO", "S"))
    choices = [["N", "None"], ["MI", "Minimal"], ["MO", "Moderate"], ["S", "Severe"]]
    snapshot: SnapshotData = {
        "fields": [
            {"name": name, "label": f"Reader {name}", "numeric": False, "choices": choices}
            for name in ("a", "b")
        ],
        "records": [f"STH-{i}" for i in range(1, 39)],
        "columns": columns,
    }
    result = run_analysis(
        snapshot_dataset(snapshot),
        settings(analysis="agreement", measurements=["a", "b"], weights="quadratic"),
    )
    assert round(_kappa(result), 3) == 0.764


def test_codes_outside_the_order_are_refused_with_their_rows():
    columns = _severity_columns()
    columns["b"][0] = "Mild"
    with pytest.raises(AnalysisInputError) as error:
        _weighted(columns, order=list(SEVERITY))
    assert error.value.field == "order"
    assert "b holds codes outside the order given" in error.value.message
    assert "row 1 ('Mild')" in error.value.message


def test_an_order_that_repeats_a_category_is_refused():
    with pytest.raises(AnalysisInputError) as error:
        settings(analysis="agreement", measurements=["a", "b"], order=["None", "Mild", "None"])
    assert error.value.field == "order"
    assert "'None' more than once" in error.value.message


# --- Too many categories for kappa (issue 13, item 12) -------------------------------


def test_agreement_on_thousands_of_distinct_values_is_refused_before_any_table():
    values = [round(10 + i / 100, 2) for i in range(3000)]
    message = refused(
        {"a": values, "b": values[::-1]},
        "measurements", analysis="agreement", measurements=["a", "b"],
    )  # fmt: skip
    assert message.startswith("a and b hold 3,000 different values.")
    assert "at most 50" in message
    assert "ICC or Bland\u2013Altman" in message


def test_fifty_categories_are_still_an_agreement_analysis():
    codes = [str(i % 50) for i in range(200)]
    result = run_analysis(
        dataset_from_columns({"a": codes, "b": codes}),
        settings(analysis="agreement", measurements=["a", "b"]),
    )
    assert _kappa(result) == pytest.approx(1.0)


# --- Missing-value marks and an AUC below 0.5 (issue 13, item 18) ----------------------


@pytest.mark.parametrize("mark", ["NA", "N/A", "#N/A", "NaN", "nan", ".", ".a", "", "  "])
def test_missing_value_marks_of_statistical_software_are_missing(mark):
    data: dict[str, Any] = {"a": [1.0, mark, 3.0, 4.0, 5.2], "b": [1.1, 2.0, 2.9, 4.2, 5.1]}
    message = refused(data, "measurements", analysis="icc", measurements=["a", "b"])
    assert message.startswith("a has no value in 1 row: row 2.")
    result = run_analysis(
        dataset_from_columns(data),
        settings(analysis="icc", measurements=["a", "b"], exclude_missing=True),
    )
    assert result["excluded"] == ["row 2"]


def test_a_missing_value_mark_declared_as_a_category_is_a_value():
    from stats.inputs import Column, Dataset

    choices = ("0", "1", "NA")
    a = Column("a", ("0", "1", "NA", "1", "0"), "", choices, {"NA": "Not assessable"})
    b = Column("b", ("0", "1", "NA", "0", "0"), "", choices, {"NA": "Not assessable"})
    result = run_analysis(
        Dataset(tuple(f"R{i}" for i in range(5)), {"a": a, "b": b}),
        settings(analysis="agreement", measurements=["a", "b"], exclude_missing=True),
    )
    assert result["n"] == 5
    assert result["excluded"] == []


def test_an_auc_below_one_half_warns_that_the_score_may_run_the_other_way():
    data: dict[str, Any] = {
        "score": [0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.75, 0.9],
        "truth": [1, 1, 1, 0, 0, 0, 1, 0],
    }
    result = run_analysis(
        dataset_from_columns(data), settings(analysis="roc", index="score", reference="truth")
    )
    (warning,) = result["warnings"]
    assert warning.startswith("The AUC of score is 0.125, below 0.5")
    assert "read that way its AUC is 0.875" in warning
    assert "Warning: The AUC of score" in results_csv(result)
    data["score"] = [1 - s for s in data["score"]]
    result = run_analysis(
        dataset_from_columns(data), settings(analysis="roc", index="score", reference="truth")
    )
    assert result["warnings"] == []
