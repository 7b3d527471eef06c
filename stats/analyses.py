"""Run one analysis on a dataset: checked input in, a JSON result (tables, sentences, plots) out.

The web app (on a study's captured data), the API (on posted columns) and
`manage.py analyse` (on a CSV) all call `run_analysis`. The maths is `stats.core`'s; this
module picks the columns, refuses bad input with `AnalysisInputError` naming the field and
rows, and lays the numbers out as tables whose NaNs are stored as null ("not estimable").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from itertools import combinations
from typing import TypeVar

import numpy as np

from stats import core
from stats.inputs import (
    Analysis,
    AnalysisInputError,
    Dataset,
    Settings,
    binary,
    categorical,
    drop_missing,
    needs_rows,
    numeric,
)
from stats.report import NA, estimate_sentence, fmt, interval, level_text
from stats.results import Body, Cell, Number, Result, RocCurve, Table

CURVE_DECIMALS = 6
T = TypeVar("T")


def run_analysis(data: Dataset, settings: Settings) -> Result:
    """The result of `settings.analysis` on `data`, as JSON-safe plain data."""
    settings.check()
    roles = _roles(settings)
    prepared = drop_missing(data, settings, roles)
    if not prepared.data.row_ids:
        raise AnalysisInputError(
            next(iter(roles.values())), "No row has a value in every chosen column."
        )
    body = RUNNERS[settings.analysis](prepared.data, settings)
    titles = {name: prepared.data.columns[name].title for name in roles}
    # The keys in the order the result has always been stored in.
    result: Result = {
        "analysis": settings.analysis.value,
        "title": settings.analysis.label,
        "n": len(prepared.data.row_ids),
        "excluded": list(prepared.excluded),
        "columns": titles,
        "settings": settings.to_json(),
        "warnings": body.get("warnings", []),
        "notes": body["notes"],
        "figures": body.get("figures", {}),
        "tables": body["tables"],
        "sentences": body["sentences"],
    }
    if "values" in body:
        result["values"] = body["values"]
    if prepared.excluded:
        result["notes"].append(f"{len(prepared.excluded)} rows with a missing value were left out.")
    return result


def _roles(settings: Settings) -> dict[str, str]:
    """column name → the setting it was chosen for (what a message names)."""
    if settings.analysis in (Analysis.ACCURACY, Analysis.ROC):
        pairs = [("index", settings.index), ("index_second", settings.index_second)]
        pairs.append(("reference", settings.reference))
        return {name: role for role, name in pairs if name}
    return dict.fromkeys(settings.measurements, "measurements")


def _guard(field: str, compute: Callable[[], T]) -> T:
    """Run a core function; its ValueError (already worded for people) names `field`."""
    try:
        return compute()
    except ValueError as error:
        message = str(error)
        raise AnalysisInputError(field, message[:1].upper() + message[1:] + ".") from error


def _table(
    title: str,
    columns: list[str],
    formats: list[str],
    rows: Sequence[Sequence[object]],
    row_formats: list[str] | None = None,
) -> Table:
    table: Table = {
        "title": title,
        "columns": columns,
        "formats": formats,
        "rows": [[_cell(value) for value in row] for row in rows],
    }
    if row_formats:
        table["row_formats"] = row_formats
    return table


def _cell(value: object) -> Cell:
    """A cell as stored (JSON): NaN and infinities become None (null), numpy scalars plain."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int):
        return value
    raise TypeError(f"A table cell holds text or a number, not {value!r}.")


def _finite(value: float) -> Number:
    """A number as stored: NaN and infinities become None (null), numpy floats plain."""
    number = float(value)
    return number if math.isfinite(number) else None


# --- Diagnostic accuracy -------------------------------------------------------------


def _reference(data: Dataset, settings: Settings) -> np.ndarray:
    truth = binary(
        data,
        "reference",
        settings.reference,
        settings.reference_positive,
        setting="reference_positive",
    )
    title = data.columns[settings.reference].title
    positives = int(truth.sum())
    if positives in (0, truth.size):
        which = "positive" if positives else "negative"
        raise AnalysisInputError(
            "reference",
            f"{title} has a single class: all {truth.size} rows are {which}. "
            "Accuracy and ROC analysis need positive and negative cases.",
        )
    return truth


def _index_positive(data: Dataset, settings: Settings) -> np.ndarray:
    if settings.threshold is not None:
        return numeric(data, "index", settings.index) >= settings.threshold
    return binary(data, "index", settings.index, settings.index_positive, setting="index_positive")


ACCURACY_ROWS = [
    ("Sensitivity", "sensitivity", "pct"),
    ("Specificity", "specificity", "pct"),
    ("Positive predictive value", "ppv", "pct"),
    ("Negative predictive value", "npv", "pct"),
    ("Accuracy", "accuracy", "pct"),
    ("Prevalence", "prevalence", "pct"),
    ("Positive likelihood ratio", "lr_positive", "ratio"),
    ("Negative likelihood ratio", "lr_negative", "ratio"),
    ("Diagnostic odds ratio", "diagnostic_odds_ratio", "ratio"),
    ("Youden's J", "youden_j", "coef"),
]


def _accuracy(data: Dataset, settings: Settings) -> Body:
    truth = _reference(data, settings)
    called = _index_positive(data, settings)
    result = _guard(
        "index",
        lambda: core.diagnostic_accuracy_from_columns(
            called, truth, method=settings.ci_method, level=settings.level
        ),
    )
    t = result.table
    counts = {
        "sensitivity": f"{t.tp}/{t.tp + t.fn}",
        "specificity": f"{t.tn}/{t.tn + t.fp}",
        "ppv": f"{t.tp}/{t.tp + t.fp}",
        "npv": f"{t.tn}/{t.tn + t.fn}",
        "accuracy": f"{t.tp + t.tn}/{t.total}",
        "prevalence": f"{t.tp + t.fn}/{t.total}",
    }
    rows, sentences, notes = [], [], []
    for label, attribute, _ in ACCURACY_ROWS:
        estimate = getattr(result, attribute)
        note = "0.5 added to every cell (a zero cell)" if estimate.corrected else ""
        rows.append(
            [label, estimate.value, estimate.lower, estimate.upper, counts.get(attribute, ""), note]
        )
    for label, attribute, kind in ACCURACY_ROWS[:5]:
        estimate = getattr(result, attribute)
        value, lower, upper = (_finite(v) for v in (estimate.value, estimate.lower, estimate.upper))
        sentences.append(estimate_sentence(label, value, lower, upper, settings.level, kind))
    if t.tp + t.fp == 0:
        notes.append("No case was positive on the index test, so PPV is not estimable.")
    if t.tn + t.fn == 0:
        notes.append("No case was negative on the index test, so NPV is not estimable.")
    method = "Wilson score" if settings.ci_method == "wilson" else "Clopper\u2013Pearson exact"
    notes.append(
        f"Proportions: {method} intervals; likelihood ratios and DOR: log method; "
        "Youden's J: Newcombe's hybrid score interval."
    )
    rule = (
        f"positive at or above {settings.threshold:g}"
        if settings.threshold is not None
        else f"positive codes {', '.join(settings.index_positive) or '1 / yes / true'}"
    )
    return {
        "tables": [
            _table(
                "2\u00d72 table (index test in rows, reference standard in columns)",
                ["", "Reference positive", "Reference negative", "Total"],
                ["text", "int", "int", "int"],
                [
                    ["Index test positive", t.tp, t.fp, t.tp + t.fp],
                    ["Index test negative", t.fn, t.tn, t.fn + t.tn],
                    ["Total", t.tp + t.fn, t.fp + t.tn, t.total],
                ],
            ),
            _table(
                f"Accuracy statistics ({level_text(settings.level)})",
                ["Statistic", "Estimate", "Lower", "Upper", "Count", "Note"],
                ["text", "est", "est", "est", "text", "text"],
                rows,
                [kind for _, _, kind in ACCURACY_ROWS],
            ),
        ],
        "sentences": sentences,
        "notes": [f"Index test {rule}.", *notes],
        "values": {"table": {"tp": int(t.tp), "fp": int(t.fp), "fn": int(t.fn), "tn": int(t.tn)}},
    }


# --- ROC -------------------------------------------------------------------------------


def _roc(data: Dataset, settings: Settings) -> Body:
    truth = _reference(data, settings)
    positives, negatives = int(truth.sum()), int((~truth).sum())
    for count, which in ((positives, "positive"), (negatives, "negative")):
        if count < 2:
            raise AnalysisInputError(
                "reference",
                f"ROC analysis with DeLong's variance needs at least 2 {which} cases on the "
                f"reference standard; there {'is' if count == 1 else 'are'} {count}.",
            )
    tests = [("index", settings.index)]
    if settings.index_second:
        tests.append(("index_second", settings.index_second))
    scores = {role: numeric(data, role, name) for role, name in tests}
    auc_rows, youden_rows, sentences, warnings = [], [], [], []
    curves: list[RocCurve] = []
    for role, name in tests:
        title = data.columns[name].title
        auc = _guard(
            role,
            partial(
                core.auc_delong,
                scores[role],
                truth,
                level=settings.level,
                transform=settings.transform,
            ),
        )
        youden = core.youden_optimal_threshold(scores[role], truth)
        curve = core.roc_curve(scores[role], truth)
        auc_rows.append([title, auc.auc, auc.se, auc.lower, auc.upper, positives, negatives])
        youden_rows.append(
            [title, youden.threshold, youden.sensitivity, youden.specificity, youden.youden_j]
        )
        curves.append(
            {
                "label": f"{title}, AUC {auc.auc:.3f}",
                "fpr": np.round(curve.fpr, CURVE_DECIMALS).tolist(),
                "tpr": np.round(curve.tpr, CURVE_DECIMALS).tolist(),
            }
        )
        sentences.append(
            estimate_sentence(
                f"The AUC of {title}", auc.auc, auc.lower, auc.upper, settings.level, "coef"
            )
        )
        warnings.extend(_reversed_score(title, auc.auc))
    tables = [
        _table(
            f"Area under the ROC curve (DeLong, {level_text(settings.level)})",
            ["Test", "AUC", "SE", "Lower", "Upper", "Positives", "Negatives"],
            ["text", "coef", "coef", "coef", "coef", "int", "int"],
            auc_rows,
        ),
        _table(
            "Youden-optimal threshold (positive at or above)",
            ["Test", "Threshold", "Sensitivity", "Specificity", "Youden's J"],
            ["text", "num", "pct", "pct", "coef"],
            youden_rows,
        ),
    ]
    if settings.index_second:
        tables.append(_paired(data, settings, scores, truth, sentences))
    notes = [
        "Higher scores mean more likely positive; a rating scale that runs the other way "
        "must be reversed first.",
        "AUC interval: "
        + ("logit-transformed." if settings.transform == "logit" else "AUC ± z·SE, clipped."),
    ]
    return {
        "tables": tables,
        "sentences": sentences,
        "warnings": warnings,
        "notes": notes,
        "figures": {"roc": {"curves": curves}},
    }


def _reversed_score(title: str, auc: float) -> list[str]:
    """An AUC under 0.5 most often means the score runs the other way, not a useless test."""
    if not auc < 0.5:
        return []
    return [
        f"The AUC of {title} is {fmt(auc, 'coef')}, below 0.5: its higher values went with "
        "negative cases more often than with positive ones. Check the reference standard's "
        "positive codes. If lower values of this score mean disease, the score runs the "
        f"other way: read that way its AUC is {fmt(1 - auc, 'coef')} (1 \u2212 AUC)."
    ]


def _paired(
    data: Dataset,
    settings: Settings,
    scores: dict[str, np.ndarray],
    truth: np.ndarray,
    sentences: list[str],
) -> Table:
    test = _guard(
        "index_second",
        lambda: core.delong_paired_test(
            scores["index"], scores["index_second"], truth, level=settings.level
        ),
    )
    first = data.columns[settings.index].title
    second = data.columns[settings.index_second].title
    sentences.append(
        f"The AUC of {first} minus that of {second} was {fmt(test.difference, 'coef')} "
        f"({level_text(settings.level)} {interval(test.lower, test.upper, 'coef')}; "
        f"p {_p_phrase(test.p_value)}, paired DeLong test)."
    )
    return _table(
        f"Paired DeLong test ({first} \u2212 {second})",
        ["Difference", "SE", "Lower", "Upper", "z", "p", "Correlation of AUCs"],
        ["coef", "coef", "coef", "coef", "num", "p", "coef"],
        [
            [
                test.difference,
                test.se,
                test.lower,
                test.upper,
                test.z,
                test.p_value,
                test.correlation,
            ]
        ],
    )


def _p_phrase(p: float) -> str:
    shown = fmt(p, "p")
    return shown if shown.startswith("<") else f"= {shown}"


# --- Agreement -------------------------------------------------------------------------


def _agreement(data: Dataset, settings: Settings) -> Body:
    names = list(settings.measurements)
    needs_rows("measurements", "Agreement", len(data.row_ids), 2)
    weighted = len(names) == 2 and settings.weights != "none"
    ratings, scale = categorical(
        data, names, "measurements", order=settings.order, ordered=weighted
    )
    if len(set(scale)) < 2:
        raise AnalysisInputError(
            "measurements",
            f"Every rating is {scale[0]!r}: kappa needs at least two categories in use.",
        )
    titles = [data.columns[n].title for n in names]
    labels = _category_labels(data, names, scale)
    if len(names) == 2:
        return _cohen(ratings, scale, labels, titles, settings)
    return _fleiss(ratings, scale, titles, settings)


def _category_labels(data: Dataset, names: list[str], scale: tuple[str, ...]) -> list[str]:
    known = data.columns[names[0]].category_labels
    return [f"{code} {known[code]}" if code in known else code for code in scale]


def _cohen(
    ratings: list[list[str]],
    scale: tuple[str, ...],
    labels: list[str],
    titles: list[str],
    settings: Settings,
) -> Body:
    a, b = ratings
    kappa = _guard(
        "measurements",
        lambda: core.cohen_kappa(
            a, b, categories=scale, weights=settings.weights, level=settings.level
        ),
    )
    agreement = core.percent_agreement(a, b, method=settings.ci_method, level=settings.level)
    weighted = WEIGHT_NAMES[settings.weights]
    rows: list[list[object]] = [
        [
            f"Cohen's kappa ({weighted})",
            kappa.kappa,
            kappa.se,
            kappa.lower,
            kappa.upper,
            kappa.z,
            kappa.p_value,
        ],
        ["Observed agreement", agreement.value, NA, agreement.lower, agreement.upper, NA, NA],
    ]
    row_formats = ["coef", "pct"]
    if len(scale) == 2:
        adjusted = core.pabak(a, b, categories=scale, method=settings.ci_method)
        rows.append(["PABAK", adjusted.value, NA, adjusted.lower, adjusted.upper, NA, NA])
        row_formats.append("coef")
    _, table = core.contingency_table(a, b, categories=scale)
    matrix = table.astype(int).tolist()
    sentence = (
        f"Agreement between {titles[0]} and {titles[1]} was {_strength(kappa.kappa)} "
        f"({weighted} Cohen's κ = {fmt(kappa.kappa, 'coef')}, {level_text(settings.level)} "
        f"{interval(kappa.lower, kappa.upper, 'coef')})."
    )
    return {
        "tables": [
            _table(
                f"Agreement ({level_text(settings.level)})",
                ["Statistic", "Estimate", "SE", "Lower", "Upper", "z", "p"],
                ["text", "est", "coef", "est", "est", "num", "p"],
                rows,
                row_formats,
            ),
            _table(
                f"Agreement matrix: {titles[0]} (rows) by {titles[1]} (columns)",
                ["", *labels, "Total"],
                ["text", *["int"] * (len(labels) + 1)],
                [[label, *row, sum(row)] for label, row in zip(labels, matrix, strict=True)]
                + [["Total", *np.sum(matrix, axis=0).tolist(), int(np.sum(matrix))]],
            ),
        ],
        "sentences": [sentence],
        "notes": [
            f"Observed agreement {fmt(agreement.value, 'pct')}; kappa standard errors by "
            "Fleiss, Cohen & Everitt (1969). Strength labels after Landis & Koch (1977).",
            *_scale_note(scale, settings),
        ],
        "figures": {
            "agreement": {
                "kind": "counts",
                "labels": labels,
                "matrix": matrix,
                "rows": titles[0],
                "columns": titles[1],
            }
        },
    }


def _scale_note(scale: tuple[str, ...], settings: Settings) -> list[str]:
    """Weights depend on the order of the categories, so a weighted result states it."""
    if settings.weights == "none":
        return []
    return [f"Weights use the categories in this order: {' < '.join(scale)}."]


WEIGHT_NAMES = {
    "none": "unweighted",
    "linear": "linear-weighted",
    "quadratic": "quadratic-weighted",
}


def _strength(kappa: float) -> str:
    """Landis & Koch (1977) words, as readers of radiology papers expect them."""
    for bound, word in (
        (0, "poor"),
        (0.2, "slight"),
        (0.4, "fair"),
        (0.6, "moderate"),
        (0.8, "substantial"),
    ):
        if kappa <= bound:
            return word
    return "almost perfect"


def _fleiss(
    ratings: list[list[str]], scale: tuple[str, ...], titles: list[str], settings: Settings
) -> Body:
    per_subject = [list(row) for row in zip(*ratings, strict=True)]
    _, counts = core.fleiss_counts(per_subject, categories=scale)
    fleiss = _guard("measurements", lambda: core.fleiss_kappa(counts))
    pairs, matrix = [], np.eye(len(titles)).tolist()
    for (i, first), (j, second) in combinations(enumerate(ratings), 2):
        try:
            kappa = core.cohen_kappa(first, second, categories=scale, level=settings.level)
            value, lower, upper = kappa.kappa, kappa.lower, kappa.upper
        except ValueError:
            value = lower = upper = float("nan")
        pairs.append([titles[i], titles[j], value, lower, upper])
        matrix[i][j] = matrix[j][i] = value
    sentence = (
        f"Agreement among the {len(titles)} readers was {_strength(fleiss.kappa)} "
        f"(Fleiss' κ = {fmt(fleiss.kappa, 'coef')}, z = {fmt(fleiss.z, 'num')}, "
        f"p {_p_phrase(fleiss.p_value)}; {fleiss.n_subjects} subjects)."
    )
    return {
        "tables": [
            _table(
                "Fleiss' kappa",
                [
                    "Kappa",
                    "SE under κ = 0",
                    "z",
                    "p",
                    "Subjects",
                    "Raters",
                    "Observed agreement",
                    "Chance agreement",
                ],
                ["coef", "coef", "num", "p", "int", "int", "pct", "pct"],
                [
                    [
                        fleiss.kappa,
                        fleiss.se_null,
                        fleiss.z,
                        fleiss.p_value,
                        fleiss.n_subjects,
                        fleiss.n_raters,
                        fleiss.observed_agreement,
                        fleiss.expected_agreement,
                    ]
                ],
            ),
            _table(
                f"Pairwise Cohen's kappa, unweighted ({level_text(settings.level)})",
                ["Reader", "Reader", "Kappa", "Lower", "Upper"],
                ["text", "text", "coef", "coef", "coef"],
                pairs,
            ),
        ],
        "sentences": [sentence],
        "notes": [
            "Fleiss' kappa has no confidence interval: its standard error holds only under "
            "κ = 0 (Fleiss, Nee & Landis 1979)."
        ],
        "figures": {
            "agreement": {
                "kind": "kappa",
                "labels": titles,
                "matrix": [[_finite(value) for value in row] for row in matrix],
                "rows": "Reader",
                "columns": "Reader",
            }
        },
    }


# --- ICC, Bland-Altman, repeatability -------------------------------------------------


ICC_DESCRIPTIONS = {
    "ICC(1,1)": "One-way random, single rater",
    "ICC(2,1)": "Two-way random, absolute agreement, single rater",
    "ICC(3,1)": "Two-way mixed, consistency, single rater",
    "ICC(1,k)": "One-way random, mean of k raters",
    "ICC(2,k)": "Two-way random, absolute agreement, mean of k raters",
    "ICC(3,k)": "Two-way mixed, consistency, mean of k raters",
}


def _matrix(data: Dataset, settings: Settings) -> np.ndarray:
    columns = [numeric(data, "measurements", name) for name in settings.measurements]
    return np.column_stack(columns)


def _icc(data: Dataset, settings: Settings) -> Body:
    needs_rows("measurements", "ICC", len(data.row_ids), 3)
    matrix = _matrix(data, settings)
    analysis = _guard(
        "measurements", lambda: core.intraclass_correlations(matrix, level=settings.level)
    )
    rows = [
        [
            icc.form,
            icc.mcgraw_wong,
            ICC_DESCRIPTIONS.get(icc.form, ""),
            icc.value,
            icc.lower,
            icc.upper,
            icc.f,
            icc.df1,
            icc.df2,
            icc.p_value,
        ]
        for icc in analysis.forms
    ]
    main = analysis.icc2_1
    sentences = [
        estimate_sentence(
            f"{main.form} ({main.mcgraw_wong}, two-way random, absolute agreement, single rater)",
            main.value,
            main.lower,
            main.upper,
            settings.level,
            "coef",
        ),
        estimate_sentence(
            f"{analysis.icc3_1.form} ({analysis.icc3_1.mcgraw_wong}, consistency, single rater)",
            analysis.icc3_1.value,
            analysis.icc3_1.lower,
            analysis.icc3_1.upper,
            settings.level,
            "coef",
        ),
    ]
    ms = analysis.mean_squares
    notes = ["Intervals after McGraw & Wong (1996); negative ICCs are reported as computed."]
    if any(r[3] is None or r[3] != r[3] for r in rows):
        notes.append(
            "A form marked not estimable is undefined for these data: raters disagree more "
            "than subjects differ."
        )
    return {
        "tables": [
            _table(
                f"Intraclass correlations, {analysis.n_subjects} subjects \u00d7 "
                f"{analysis.n_raters} raters ({level_text(settings.level)})",
                [
                    "Form",
                    "McGraw\u2013Wong",
                    "Model",
                    "ICC",
                    "Lower",
                    "Upper",
                    "F",
                    "df1",
                    "df2",
                    "p",
                ],
                ["text", "text", "text", "coef", "coef", "coef", "num", "num", "num", "p"],
                rows,
            ),
            _table(
                "Mean squares",
                ["Between subjects", "Within subjects", "Between raters", "Residual"],
                ["num", "num", "num", "num"],
                [[ms.rows, ms.within, ms.raters, ms.error]],
            ),
        ],
        "sentences": sentences,
        "notes": notes,
    }


def _bland_altman(data: Dataset, settings: Settings) -> Body:
    needs_rows("measurements", "Bland\u2013Altman analysis", len(data.row_ids), 3)
    first_name, second_name = settings.measurements
    first = numeric(data, "measurements", first_name)
    second = numeric(data, "measurements", second_name)
    result = _guard(
        "measurements",
        lambda: core.bland_altman(
            first, second, multiplier=settings.multiplier, level=settings.level
        ),
    )
    slope = _guard("measurements", lambda: core.proportional_bias(first, second))
    titles = (data.columns[first_name].title, data.columns[second_name].title)
    sentences = [
        estimate_sentence(
            f"The mean difference ({titles[0]} \u2212 {titles[1]})",
            result.bias.value,
            result.bias.lower,
            result.bias.upper,
            settings.level,
            "num",
        ),
        f"The limits of agreement (bias ± {settings.multiplier:g} SD) were "
        f"{interval(result.lower_limit.value, result.upper_limit.value, 'num')}.",
    ]
    return {
        "tables": [
            _table(
                f"Bias and limits of agreement ({level_text(settings.level)})",
                ["Statistic", "Estimate", "Lower", "Upper"],
                ["text", "num", "num", "num"],
                [
                    [
                        "Bias (mean difference)",
                        result.bias.value,
                        result.bias.lower,
                        result.bias.upper,
                    ],
                    [
                        "Lower limit of agreement",
                        result.lower_limit.value,
                        result.lower_limit.lower,
                        result.lower_limit.upper,
                    ],
                    [
                        "Upper limit of agreement",
                        result.upper_limit.value,
                        result.upper_limit.lower,
                        result.upper_limit.upper,
                    ],
                    ["SD of differences", result.sd, NA, NA],
                ],
            ),
            _table(
                "Proportional bias (difference regressed on the mean)",
                ["Slope", "Intercept", "p", "r"],
                ["num", "num", "p", "coef"],
                [[slope.slope, slope.intercept, slope.p_value, slope.r]],
            ),
        ],
        "sentences": sentences,
        "notes": [
            f"Differences are {titles[0]} \u2212 {titles[1]}; limits bias ± "
            f"{settings.multiplier:g} SD with approximate Bland & Altman (1999) intervals."
        ],
        "figures": {
            "bland_altman": {
                "means": ((first + second) / 2).tolist(),
                "differences": (first - second).tolist(),
                "bias": _finite(result.bias.value),
                "lower": _finite(result.lower_limit.value),
                "upper": _finite(result.upper_limit.value),
                "multiplier": settings.multiplier,
                "first": titles[0],
                "second": titles[1],
            }
        },
    }


def _repeatability(data: Dataset, settings: Settings) -> Body:
    needs_rows("measurements", "Repeatability", len(data.row_ids), 2)
    matrix = _matrix(data, settings)
    result = _guard("measurements", lambda: core.repeatability(list(matrix), level=settings.level))
    wsd, rc = result.within_subject_sd, result.repeatability_coefficient
    cv = result.within_subject_cv
    notes = ["RC = 2.77 \u00d7 wSD: 95% of repeat differences are expected to be smaller."]
    if cv != cv:
        notes.append(
            "The within-subject CV is not estimable: a subject's mean is zero or negative, "
            "so the scale has no true zero."
        )
    return {
        "tables": [
            _table(
                f"Repeatability, {result.n_subjects} subjects \u00d7 {matrix.shape[1]} "
                f"measurements ({level_text(settings.level)})",
                ["Statistic", "Estimate", "Lower", "Upper"],
                ["text", "est", "est", "est"],
                [
                    ["Within-subject SD (wSD)", wsd.value, wsd.lower, wsd.upper],
                    ["Repeatability coefficient (RC)", rc.value, rc.lower, rc.upper],
                    ["Within-subject CV", cv, NA, NA],
                    ["Degrees of freedom", result.degrees_of_freedom, NA, NA],
                ],
                ["num", "num", "pct", "int"],
            )
        ],
        "sentences": [
            estimate_sentence(
                "The within-subject SD", wsd.value, wsd.lower, wsd.upper, settings.level, "num"
            ),
            estimate_sentence(
                "The repeatability coefficient",
                rc.value,
                rc.lower,
                rc.upper,
                settings.level,
                "num",
            ),
        ],
        "notes": notes,
    }


RUNNERS: dict[Analysis, Callable[[Dataset, Settings], Body]] = {
    Analysis.ACCURACY: _accuracy,
    Analysis.ROC: _roc,
    Analysis.AGREEMENT: _agreement,
    Analysis.ICC: _icc,
    Analysis.BLAND_ALTMAN: _bland_altman,
    Analysis.REPEATABILITY: _repeatability,
}

__all__ = ["Result", "run_analysis"]
