"""The plots of a result: ROC curves, the Bland-Altman plot and the agreement matrix.

Drawn from the stored result (`result["figures"]`), so a figure can be made again at any
time, as SVG for the page and PNG for slides. Matplotlib's `Figure` with the Agg canvas
(no pyplot, no display, no global state). Readable on screen and in print: dark ink on
white, line styles as well as colours, 10-point text or larger, fixed SVG ids and no date
so equal results give equal files.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from stats.results import AgreementFigure, BlandAltmanFigure, Result, RocFigure

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

INK = "#1a1a1a"
SERIES = [("#1f4e79", "-"), ("#b5451b", "--"), ("#2e7d32", ":"), ("#6a1b9a", "-.")]
FONT_SIZES: dict[RcKeyType, int] = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
}
STYLE: dict[RcKeyType, object] = {
    **FONT_SIZES,
    "axes.edgecolor": INK,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "svg.hashsalt": "radcollab",
    "svg.fonttype": "path",
}
# Inches. Each leaves room below the axes for a legend, so no key hides a curve or a point.
SIZES = {"roc": (5.4, 6.6), "bland_altman": (6.8, 5.6), "agreement": (6.0, 5.4)}
MARGIN = 0.92  # share of the figure's width (or height) a wrapped label may take
DESCRIPTIONS = {
    "roc": "ROC curve",
    "bland_altman": "Bland\u2013Altman plot",
    "agreement": "Agreement matrix",
}


def figure_names(result: Result) -> list[str]:
    return [name for name in DESCRIPTIONS if name in result.get("figures", {})]


def draw(result: Result, name: str) -> Figure:
    """The named figure of a result; KeyError when the result has no such figure.

    The constrained layout makes room for every label, tick and legend inside the canvas;
    labels from the data dictionary, however long, are wrapped to fit it first.
    """
    # Imported here: the pages load this module, and matplotlib slows the first request.
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    found = result["figures"]
    if name not in found:
        raise KeyError(name)
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=SIZES[name], layout="constrained")
        FigureCanvasAgg(figure)
        if name == "roc":
            _roc(figure, found["roc"])
        elif name == "bland_altman":
            _bland_altman(figure, found["bland_altman"])
        else:
            _agreement(figure, found["agreement"])
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


def _roc(figure: Figure, data: RocFigure) -> None:
    axes = figure.add_subplot()
    (chance,) = axes.plot(
        [0, 1], [0, 1], color="#888888", linewidth=1, linestyle=(0, (2, 2)), label="Chance"
    )
    lines = [chance]
    for (colour, style), curve in zip(SERIES, data["curves"], strict=False):
        (line,) = axes.step(
            curve["fpr"],
            curve["tpr"],
            where="post",
            color=colour,
            linestyle=style,
            linewidth=2,
            label=curve["label"],
        )
        lines.append(line)
    axes.set(xlim=(0, 1), ylim=(0, 1.005), aspect="equal")
    _labels(
        figure,
        axes,
        title="ROC curve",
        x="1 \u2212 specificity (false-positive rate)",
        y="Sensitivity (true-positive rate)",
    )
    axes.grid(color="#dddddd", linewidth=0.6)
    _legend_below(figure, lines, columns=1)


def _bland_altman(figure: Figure, data: BlandAltmanFigure) -> None:
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
    limits = (
        (data["upper"], "--", "Upper limit"),
        (data["bias"], "-", "Bias"),
        (data["lower"], (0, (6, 2, 1, 2)), "Lower limit"),
    )
    lines = [
        axes.axhline(
            value, linestyle=style, color=INK, linewidth=1.2, label=f"{name} {_number(value)}"
        )
        for value, style, name in limits
        if value is not None  # a limit that could not be estimated is not drawn
    ]
    lines.append(
        axes.axhline(0, color="#999999", linewidth=0.8, linestyle=":", label="Zero difference")
    )
    _labels(
        figure,
        axes,
        title=f"Bland\u2013Altman plot (limits: bias ± {data['multiplier']:g} SD)",
        x=f"Mean of {data['first']} and {data['second']}",
        y=f"{data['first']} \u2212 {data['second']}",
    )
    axes.grid(color="#eeeeee", linewidth=0.6)
    _legend_below(figure, lines, columns=2)


def _labels(figure: Figure, axes: Axes, *, title: str, x: str, y: str) -> None:
    """Title and axis labels, each wrapped to the canvas it must fit."""
    width, height = figure.get_size_inches()
    axes.set_title(_wrap(figure, title, MARGIN * width, "axes.titlesize"))
    axes.set_xlabel(_wrap(figure, x, 0.8 * width, "axes.labelsize"))
    axes.set_ylabel(_wrap(figure, y, 0.7 * height, "axes.labelsize"))


def _legend_below(figure: Figure, lines: Sequence[Artist], *, columns: int) -> None:
    """A legend with each line's key, under the axes, where it cannot cover the data."""
    size = FONT_SIZES["legend.fontsize"]
    # The key, the gap and the frame's padding take about four font sizes of each column.
    room = MARGIN * figure.get_figwidth() / columns - 4.5 * size / 72
    labels = [_wrap(figure, str(line.get_label()), room, "legend.fontsize") for line in lines]
    figure.legend(lines, labels, loc="outside lower center", ncols=columns, frameon=False)


def _wrap(figure: Figure, text: str, inches: float, size_key: RcKeyType) -> str:
    """`text` broken between words into lines at most `inches` wide, measured as drawn.

    A word longer than a line (a long field name) is broken inside. Dollar signs are
    escaped so that a label such as "Cost ($)" is never read as mathematics.
    """
    fits = _measure(figure, inches, FONT_SIZES[size_key])
    lines: list[str] = []
    for word in text.split():
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] += f" {word}"
            continue
        while len(word) > 1 and not fits(word):
            cut = 1
            while fits(word[: cut + 1]):
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return "\n".join(lines).replace("$", r"\$")


def _shorten(figure: Figure, text: str, inches: float, size: float) -> str:
    """`text` on one line at most `inches` wide, cut with an ellipsis when it is longer."""
    fits = _measure(figure, inches, size)
    if fits(text):
        return text.replace("$", r"\$")
    cut = len(text)
    while cut > 1 and not fits(text[:cut].rstrip() + "\u2026"):
        cut -= 1
    return (text[:cut].rstrip() + "\u2026").replace("$", r"\$")


def _measure(figure: Figure, inches: float, size: float | str) -> Callable[[str], bool]:
    """Whether a line of text at `size` points is at most `inches` wide on this figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.font_manager import FontProperties

    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg), "draw() attaches the Agg canvas"
    renderer = canvas.get_renderer()
    font = FontProperties(size=size)
    limit = inches * figure.dpi

    def fits(line: str) -> bool:
        width, _, _ = renderer.get_text_width_height_descent(line, font, ismath=False)
        return bool(width <= limit)

    return fits


def _number(value: float) -> str:
    """Three significant figures with a true minus sign, as the axes print them."""
    return f"{value:.3g}".replace("-", "\u2212")


def _agreement(figure: Figure, data: AgreementFigure) -> None:
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    axes = figure.add_subplot()
    matrix = np.asarray(data["matrix"], dtype=float)
    labels = data["labels"]
    is_kappa = data["kind"] == "kappa"
    shown = np.nan_to_num(matrix, nan=0.0)
    low, high = (-1.0, 1.0) if is_kappa else (0.0, max(float(shown.max()), 1.0))
    image = axes.imshow(shown, cmap="Blues", vmin=low, vmax=high)
    # Twelve points fit a cell of up to six categories; more categories, smaller numbers.
    size = min(12.0, max(5.0, 72 / len(labels)))
    for (row, column), value in np.ndenumerate(matrix):
        text = "n/a" if np.isnan(value) else (f"{value:.2f}" if is_kappa else f"{value:.0f}")
        axes.text(
            column,
            row,
            text,
            ha="center",
            va="center",
            fontsize=size,
            # White on the darker half of the scale, dark ink on the lighter half.
            color="white" if (shown[row, column] - low) / (high - low) > 0.55 else INK,
        )
    # One line per tick, shortened to its slot (the tables give every label in full), and
    # smaller type for a longer scale, so that neighbouring labels never overlap.
    ticks = range(len(labels))
    tick_size = min(11.0, max(5.0, 66 / len(labels)))
    shown = [_shorten(figure, label, 0.28 * figure.get_figwidth(), tick_size) for label in labels]
    axes.set_xticks(
        ticks,
        shown,
        rotation=30 if len(labels) > 3 else 0,
        ha="right" if len(labels) > 3 else "center",
        rotation_mode="anchor",
        fontsize=tick_size,
    )
    axes.set_yticks(ticks, shown, fontsize=tick_size)
    _labels(
        figure,
        axes,
        title="Pairwise Cohen's kappa" if is_kappa else "Agreement matrix (counts)",
        x=data["columns"],
        y=data["rows"],
    )
    bar = figure.colorbar(image, ax=axes, shrink=0.8, label="Kappa" if is_kappa else "Cases")
    if not is_kappa:
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
