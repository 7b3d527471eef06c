"""The plots of a result: ROC curves, the Bland-Altman plot and the agreement matrix.

Drawn from the stored result (`result["figures"]`), so a figure can be made again at any
time, as SVG for the page and PNG for slides. Matplotlib's `Figure` with the Agg canvas
(no pyplot, no display, no global state). Readable on screen and in print: dark ink on
white, line styles as well as colours, 10-point text or larger, fixed SVG ids and no date
so equal results give equal files.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INK = "#1a1a1a"
SERIES = [("#1f4e79", "-"), ("#b5451b", "--"), ("#2e7d32", ":"), ("#6a1b9a", "-.")]
# Typed loosely: matplotlib's stubs want literal keys, and these are all valid rcParams.
STYLE: Any = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "axes.edgecolor": INK,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "svg.hashsalt": "radcollab",
    "svg.fonttype": "path",
}
SIZES = {"roc": (5.4, 5.4), "bland_altman": (6.8, 4.8), "agreement": (6.0, 5.0)}
DESCRIPTIONS = {
    "roc": "ROC curve",
    "bland_altman": "Bland\u2013Altman plot",
    "agreement": "Agreement matrix",
}


def figure_names(result: Mapping[str, Any]) -> list[str]:
    return [name for name in DESCRIPTIONS if name in result.get("figures", {})]


def draw(result: Mapping[str, Any], name: str) -> Figure:
    """The named figure of a result; KeyError when the result has no such figure."""
    # Imported here: the pages load this module, and matplotlib slows the first request.
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    data = result["figures"][name]
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=SIZES[name])
        FigureCanvasAgg(figure)
        DRAWERS[name](figure, data)
        figure.set_layout_engine("tight")
    return figure


def svg(figure: Figure) -> bytes:
    import matplotlib as mpl

    buffer = io.BytesIO()
    with mpl.rc_context(STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def png(figure: Figure) -> bytes:
    import matplotlib as mpl

    buffer = io.BytesIO()
    with mpl.rc_context(STYLE):
        figure.savefig(buffer, format="png", dpi=200, metadata={"Software": None})
    return buffer.getvalue()


def _roc(figure: Figure, data: Mapping[str, Any]) -> None:
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], color="#888888", linewidth=1, linestyle=(0, (2, 2)), label="Chance")
    for (colour, style), curve in zip(SERIES, data["curves"], strict=False):
        axes.step(
            curve["fpr"],
            curve["tpr"],
            where="post",
            color=colour,
            linestyle=style,
            linewidth=2,
            label=curve["label"],
        )
    axes.set(
        xlim=(0, 1),
        ylim=(0, 1.005),
        aspect="equal",
        xlabel="1 \u2212 specificity (false-positive rate)",
        ylabel="Sensitivity (true-positive rate)",
        title="ROC curve",
    )
    axes.grid(color="#dddddd", linewidth=0.6)
    axes.legend(loc="lower right", frameon=True)


def _bland_altman(figure: Figure, data: Mapping[str, Any]) -> None:
    axes = figure.add_subplot()
    axes.scatter(
        data["means"],
        data["differences"],
        s=18,
        color=SERIES[0][0],
        alpha=0.8,
        edgecolors="white",
        linewidths=0.4,
    )
    for value, style, label in (
        (data["upper"], "--", f"Upper limit {data['upper']:.3g}"),
        (data["bias"], "-", f"Bias {data['bias']:.3g}"),
        (data["lower"], "--", f"Lower limit {data['lower']:.3g}"),
    ):
        axes.axhline(value, linestyle=style, color=INK, linewidth=1.2, label=label)
    axes.axhline(0, color="#999999", linewidth=0.8, linestyle=":")
    axes.set(
        title=f"Bland\u2013Altman plot (limits: bias ± {data['multiplier']:g} SD)",
        xlabel=f"Mean of {data['first']} and {data['second']}",
        ylabel=f"{data['first']} \u2212 {data['second']}",
    )
    axes.grid(color="#eeeeee", linewidth=0.6)
    axes.legend(loc="best", frameon=True)


def _agreement(figure: Figure, data: Mapping[str, Any]) -> None:
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    axes = figure.add_subplot()
    matrix = np.asarray(data["matrix"], dtype=float)
    labels = data["labels"]
    is_kappa = data["kind"] == "kappa"
    shown = np.nan_to_num(matrix, nan=0.0)
    low, high = (-1.0, 1.0) if is_kappa else (0.0, max(float(shown.max()), 1.0))
    image = axes.imshow(shown, cmap="Blues", vmin=low, vmax=high)
    for (row, column), value in np.ndenumerate(matrix):
        text = "n/a" if np.isnan(value) else (f"{value:.2f}" if is_kappa else f"{value:.0f}")
        axes.text(
            column,
            row,
            text,
            ha="center",
            va="center",
            fontsize=12,
            # White on the darker half of the scale, dark ink on the lighter half.
            color="white" if (shown[row, column] - low) / (high - low) > 0.55 else INK,
        )
    ticks = range(len(labels))
    axes.set_xticks(
        ticks,
        labels,
        rotation=30 if len(labels) > 3 else 0,
        ha="right" if len(labels) > 3 else "center",
    )
    axes.set_yticks(ticks, labels)
    axes.set(
        xlabel=data["columns"],
        ylabel=data["rows"],
        title="Pairwise Cohen's kappa" if is_kappa else "Agreement matrix (counts)",
    )
    bar = figure.colorbar(image, ax=axes, shrink=0.8, label="Kappa" if is_kappa else "Cases")
    if not is_kappa:
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()


DRAWERS: dict[str, Callable[[Figure, Mapping[str, Any]], None]] = {
    "roc": _roc,
    "bland_altman": _bland_altman,
    "agreement": _agreement,
}
