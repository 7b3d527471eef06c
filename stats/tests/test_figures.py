"""Figures are ready for a paper: every text inside the canvas, legends with keys off the data."""

from __future__ import annotations

import random
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from matplotlib.cbook import STEP_LOOKUP_MAP
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text

from stats import figures
from stats.analyses import run_analysis
from stats.inputs import Column, Dataset, Raw, Settings

# Labels as long as the demo study's, and a field name with no space to break at.
LONG = {
    "ref": "Intracranial haemorrhage on the reference standard",
    "ai": "AI haemorrhage score (0-100)",
    "conf": "Reader 2: confidence that haemorrhage is present",
    "m1": "Reader 1: frontal horn width (mm)",
    "m2": "frontal_horn_width_of_the_second_reader_in_millimetres",
}
SHORT = dict.fromkeys(LONG, "")
# Each output the app offers: SVG at matplotlib's 72 points per inch, PNG at 200 dpi.
DPIS = {"svg": 72, "png": 200}
CHOICES = (("1", "Definitely absent"), ("2", "Probably absent"), ("3", "Unsure"),
           ("4", "Probably present"), ("5", "Definitely present"))  # fmt: skip


def _dataset(labels):
    rng = random.Random(8)
    rows: list[dict[str, Raw]] = []
    for _ in range(60):
        bleed = rng.random() < 0.35
        width = rng.gauss(38, 5)
        rows.append({
            "ref": int(bleed),
            "ai": round(min(99.0, max(1.0, rng.gauss(70 if bleed else 31, 17))), 1),
            "conf": str(min(5, max(1, round(1.6 + 2.4 * bleed + rng.gauss(0, 0.9))))),
            "m1": round(width + rng.gauss(0.6, 1.3), 1),
            "m2": round(width + rng.gauss(0, 1), 1),
            "conf2": str(min(5, max(1, round(1.6 + 2.1 * bleed + rng.gauss(0, 1.1))))),
            "conf3": str(min(5, max(1, round(1.6 + 2.2 * bleed + rng.gauss(0, 1.0))))),
        })  # fmt: skip
    columns = {
        name: Column(
            name,
            tuple(row[name] for row in rows),
            labels.get(name, labels.get("conf", "")),
            *((tuple(c for c, _ in CHOICES), dict(CHOICES)) if name.startswith("conf") else ()),
        )
        for name in rows[0]
    }
    return Dataset(tuple(f"STH-{i}" for i in range(1, 61)), columns)


def _result(name, labels):
    options: dict[str, dict[str, Any]] = {
        "roc": {"analysis": "roc", "index": "ai", "index_second": "conf", "reference": "ref"},
        "bland_altman": {"analysis": "bland_altman", "measurements": ["m1", "m2"]},
        "agreement": {"analysis": "agreement", "measurements": ["conf", "conf2"]},
        "kappa": {"analysis": "agreement", "measurements": ["conf", "conf2", "conf3"]},
    }
    return run_analysis(_dataset(labels), Settings.from_json(options[name]))


def _drawn(result, name, dpi):
    figure = figures.draw(result, name)
    figure.set_dpi(dpi)
    figure.canvas.draw()
    # The Agg canvas that figures.draw attaches has a renderer; the base type does not say so.
    return figure, figure.canvas.get_renderer()  # type: ignore[attr-defined]


def _inside(inner, outer, slack=1.0):
    return (
        inner.x0 >= outer.x0 - slack
        and inner.y0 >= outer.y0 - slack
        and inner.x1 <= outer.x1 + slack
        and inner.y1 <= outer.y1 + slack
    )


CASES = [
    (kind, labels, output)
    for kind in ("roc", "bland_altman", "agreement", "kappa")
    for labels in ("long", "short")
    for output in DPIS
]


@pytest.mark.parametrize(("kind", "labels", "output"), CASES)
def test_every_text_of_a_figure_lies_inside_its_canvas(kind, labels, output):
    result = _result(kind, LONG if labels == "long" else SHORT)
    name = "agreement" if kind == "kappa" else kind
    figure, renderer = _drawn(result, name, DPIS[output])
    undrawn = _labels_of_ticks_out_of_view(figure)
    outside = [
        (text.get_text(), text.get_window_extent(renderer).bounds)
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text() and id(text) not in undrawn
        and not _inside(text.get_window_extent(renderer), figure.bbox)
    ]  # fmt: skip
    assert not outside, f"text past the edge of a {figure.bbox.bounds} canvas: {outside}"
    assert _inside(figure.get_tightbbox(renderer).transformed(figure.dpi_scale_trans),
                   figure.bbox)  # fmt: skip


def _labels_of_ticks_out_of_view(figure):
    """Matplotlib keeps labels for ticks beyond the axis limits, but does not draw them."""
    undrawn = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * max(1.0, high - low)
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not low - slack <= tick.get_loc() <= high + slack:
                    undrawn.update({id(tick.label1), id(tick.label2)})
    return undrawn


def _legends(figure):
    return [*figure.legends, *(a.get_legend() for a in figure.axes if a.get_legend())]


def _data_points(axes):
    """Every point of every drawn line (steps as drawn, segments sampled) and marker."""
    points: list[np.ndarray] = []
    for line in axes.get_lines():
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        if line.get_drawstyle() in STEP_LOOKUP_MAP:
            x, y = STEP_LOOKUP_MAP[line.get_drawstyle()](x, y)
        vertices = axes.transData.transform(np.column_stack([x, y]))
        if line.get_transform() is not axes.transData:  # axhline: axes x, data y
            vertices = line.get_transform().transform(np.column_stack([x, y]))
        for start, end in pairwise(vertices):
            points.extend(start + t * (end - start) for t in np.linspace(0, 1, 40))
    for collection in axes.collections:
        if isinstance(collection, PathCollection):
            points.extend(axes.transData.transform(collection.get_offsets()))
    return np.asarray(points)


@pytest.mark.parametrize("name", ["roc", "bland_altman"])
@pytest.mark.parametrize("output", list(DPIS))
def test_a_legend_shows_each_line_key_and_hides_no_data(name, output):
    result = _result(name, LONG)
    figure, renderer = _drawn(result, name, DPIS[output])
    (legend,) = _legends(figure)
    texts, handles = legend.get_texts(), legend.legend_handles
    assert len(handles) == len(texts) >= 3
    for handle in handles:
        assert isinstance(handle, Line2D)
        assert handle.get_linestyle() != "None"
        assert _inside(handle.get_window_extent(renderer), figure.bbox), "a key is cut off"
    box = legend.get_window_extent(renderer)
    (axes,) = figure.axes
    points = _data_points(axes)
    x, y = points[:, 0], points[:, 1]
    hidden = points[(box.x0 <= x) & (x <= box.x1) & (box.y0 <= y) & (y <= box.y1)]
    assert not len(hidden), f"the legend covers {len(hidden)} points of the data"


def test_a_dollar_sign_in_a_field_label_is_text_not_mathematics():
    """Mathtext read "$) (a) - Fee ^{ in $" as a formula and failed: the download was a 500."""
    first, second = (10.0, 12.0, 9.5, 11.0, 13.2), (10.4, 11.6, 9.9, 11.5, 12.8)
    data = Dataset(
        tuple("ABCDE"),
        {"a": Column("a", first, "Cost ($)"), "b": Column("b", second, "Fee ^{ in $")},
    )
    result = run_analysis(
        data, Settings.from_json({"analysis": "bland_altman", "measurements": ["a", "b"]})
    )
    figure, _ = _drawn(result, "bland_altman", 72)
    assert "Cost ($) (a)" in figure.axes[0].yaxis.label.get_text().replace("\\$", "$")
    assert figures.svg(figure).startswith(b"<?xml")
